#ifndef STAPEL_RECORDS_TEXT_NORMALIZE_H_
#define STAPEL_RECORDS_TEXT_NORMALIZE_H_

// Normalization of identifying text so that every party derives the same match key from the
// same person however its export spells them.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// Removes leading and trailing ASCII white space.
std::string_view Trim(std::string_view text);

// Folds a name to a comparison form: Unicode compatibility decomposition, diacritics
// stripped, case folded ("Müller" -> "muller", "ĳ" -> "ij", "ß" -> "ss", "Ø" -> "o"), and
// everything but letters and digits dropped ("van der Berg-Smit" -> "vanderbergsmit").
// INVALID_ARGUMENT for text that is not valid UTF-8.
absl::StatusOr<std::string> FoldName(std::string_view text);

// Dutch postcode: "1234 ab", "1234AB", " 1234ab " -> "1234AB". Four digits, the first not 0,
// then two letters other than SA, SD and SS. INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> NormalizePostcode(std::string_view text);

// Sex as registers write it, case-insensitive: "M", "man", "male" -> "m"; "V", "vrouw", "F",
// "female" -> "v"; "X" -> "x". INVALID_ARGUMENT otherwise (an unknown sex is left out).
absl::StatusOr<std::string> NormalizeSex(std::string_view text);

}  // namespace stapel

#endif  // STAPEL_RECORDS_TEXT_NORMALIZE_H_
