#ifndef STAPEL_PROJECT_TOML_FILE_H_
#define STAPEL_PROJECT_TOML_FILE_H_

// Reads a TOML config file (toml++). INVALID_ARGUMENT says file:line:column and what is wrong.

#include <toml++/toml.h>

#include <filesystem>

#include "absl/status/statusor.h"

namespace stapel {

absl::StatusOr<toml::table> ParseTomlFile(const std::filesystem::path& path);

}  // namespace stapel

#endif  // STAPEL_PROJECT_TOML_FILE_H_
