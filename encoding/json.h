#ifndef STAPEL_ENCODING_JSON_H_
#define STAPEL_ENCODING_JSON_H_

// JSON parsing that returns a status instead of throwing: every parse of text from a file or
// the network goes through here.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// Parses `text`. INVALID_ARGUMENT naming `what` (e.g. "the release file x.json") and where
// the text stops being JSON.
absl::StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view what);

// The same for a JSON object; INVALID_ARGUMENT when it is valid JSON of another kind.
absl::StatusOr<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what);

// Runs `read`, which reads JSON whose field types are not taken on trust (a signed log entry
// still comes from outside the reader): a field of another type or a missing one
// (nlohmann::json's type_error, out_of_range) becomes DATA_LOSS naming `what`, never an
// exception at the caller.
template <typename Read>
absl::Status WithUntrustedJson(std::string_view what, Read&& read) {
  try {
    return read();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(std::string(what) + " has a field of the wrong type: " + e.what());
  }
}

}  // namespace stapel

#endif  // STAPEL_ENCODING_JSON_H_
