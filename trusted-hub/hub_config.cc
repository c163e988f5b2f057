#include "trusted-hub/hub_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "project/toml_file.h"

namespace stapel {

absl::StatusOr<HubConfig> HubConfig::Load(const std::filesystem::path& path) {
  const std::string file = path.string();
  auto parsed = ParseTomlFile(path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& root = *parsed;
  auto relative = [&](const std::string& p) { return (path.parent_path() / p).lexically_normal(); };
  HubConfig c;
  auto manifest = root["manifest"].value<std::string>();
  auto data_dir = root["data_dir"].value<std::string>();
  auto signing = root["keys"]["release_signing_key"].value<std::string>();
  auto storage = root["keys"]["storage_key"].value<std::string>();
  auto officer = root["keys"]["officer_key"].value<std::string>();
  if (!manifest || !data_dir || !signing || !storage || !officer) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: manifest, data_dir and [keys] release_signing_key, storage_key and officer_key are "
        "required (stapel-keys init writes hub-signing.key, hub-storage.key and "
        "<officer>-signing.pub)",
        file));
  }
  c.officer_key = relative(*officer);
  c.storage_key = relative(*storage);
  c.manifest = relative(*manifest);
  c.data_dir = relative(*data_dir);
  c.release_signing_key = relative(*signing);
  c.listen = root["listen"].value_or(c.listen);
  if (auto areas = root["areas"].value<std::string>()) c.areas = relative(*areas);
  if (auto boundaries = root["boundaries"].value<std::string>()) {
    c.boundaries = relative(*boundaries);
  }
  c.portal_listen = root["portal"]["listen"].value_or(std::string());
  c.metrics_listen = root["metrics"]["listen"].value_or(std::string());
  c.call_seconds = static_cast<int>(root["limits"]["call_seconds"].value_or(int64_t{120}));
  if (c.call_seconds < 1 || c.call_seconds > 86400) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [limits] call_seconds must be from 1 to 86400", file));
  }
  // Half a call at most: the rest is for protecting the table.
  c.link_wait_seconds = static_cast<int>(root["limits"]["link_wait_seconds"].value_or(
      int64_t{std::min(c.link_wait_seconds, c.call_seconds / 2)}));
  if (c.link_wait_seconds < 0 || c.link_wait_seconds > c.call_seconds / 2) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: [limits] link_wait_seconds must be from 0 to half of call_seconds ({}): the rest "
        "of a request's call is for protecting its table",
        file, c.call_seconds / 2));
  }
  auto tls = ReadTlsSection(root, path);
  if (!tls.ok()) return tls.status();
  c.tls = *tls;
  return c;
}

}  // namespace stapel
