#ifndef STAPEL_ENCODING_JSON_H_
#define STAPEL_ENCODING_JSON_H_

// JSON parsing that returns a status instead of throwing: every parse of text from a file or
// the network goes through here.

#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// Parses `text`. INVALID_ARGUMENT naming `what` (e.g. "the release file x.json") and where
// the text stops being JSON.
absl::StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view what);

// The same for a JSON object; INVALID_ARGUMENT when it is valid JSON of another kind.
absl::StatusOr<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what);

}  // namespace stapel

#endif  // STAPEL_ENCODING_JSON_H_
