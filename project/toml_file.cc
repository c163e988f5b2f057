#include "project/toml_file.h"

#include <fmt/format.h>

namespace stapel {

absl::StatusOr<toml::table> ParseTomlFile(const std::filesystem::path& path) {
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(fmt::format("{}:{}:{}: {}", path.string(),
                                                  e.source().begin.line, e.source().begin.column,
                                                  e.description()));
  }
}

}  // namespace stapel
