#include "encoding/json.h"

#include <fmt/format.h>

namespace stapel {

absl::StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(fmt::format("{} is not valid JSON: {}", what, e.what()));
  }
}

absl::StatusOr<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what) {
  auto json = ParseJson(text, what);
  if (json.ok() && !json->is_object()) {
    return absl::InvalidArgumentError(fmt::format("{} is JSON but not an object", what));
  }
  return json;
}

}  // namespace stapel
