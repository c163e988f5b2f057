#ifndef STAPEL_RECORDS_BSN_H_
#define STAPEL_RECORDS_BSN_H_

// The Dutch citizen service number (burgerservicenummer, BSN): nine digits that pass the
// eleven-test 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 = 0 (mod 11), and are not all zero.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

bool PassesElevenTest(std::string_view nine_digits);

// Accepts digits with optional spaces or dots ("1234.56.782"); an eight-digit number gets its
// dropped leading zero back (spreadsheets strip it). Returns the nine digits, or
// INVALID_ARGUMENT saying why.
absl::StatusOr<std::string> NormalizeBsn(std::string_view text);

}  // namespace stapel

#endif  // STAPEL_RECORDS_BSN_H_
