#include "records/bsn.h"

#include <fmt/format.h>

#include "absl/strings/ascii.h"

namespace stapel {

bool PassesElevenTest(std::string_view d) {
  if (d.size() != 9) return false;
  int sum = 0;
  bool all_zero = true;
  for (int i = 0; i < 9; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(d[i]))) return false;
    const int digit = d[i] - '0';
    all_zero = all_zero && digit == 0;
    sum += (i < 8 ? (9 - i) : -1) * digit;
  }
  return !all_zero && sum % 11 == 0;
}

absl::StatusOr<std::string> NormalizeBsn(std::string_view text) {
  std::string digits;
  digits.reserve(9);
  for (char c : text) {
    if (c == ' ' || c == '.') continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          fmt::format("BSN '{}' contains a character other than a digit", text));
    }
    digits.push_back(c);
  }
  if (digits.empty()) return absl::InvalidArgumentError("BSN is empty");
  if (digits.size() == 8) digits.insert(digits.begin(), '0');
  if (digits.size() != 9) {
    return absl::InvalidArgumentError(fmt::format("BSN '{}' does not have 9 digits", text));
  }
  if (!PassesElevenTest(digits)) {
    return absl::InvalidArgumentError(
        fmt::format("BSN '{}' fails the eleven-test (mistyped digit?)", text));
  }
  return digits;
}

}  // namespace stapel
