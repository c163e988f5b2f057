#include "party-agent/party_command.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace stapel {

std::optional<AgentConfig> StartPartyCommand(std::string_view command,
                                             const std::string& config_path,
                                             const std::string& hub_override) {
  spdlog::set_pattern(fmt::format("%Y-%m-%dT%H:%M:%S%z {} %l: %v", command));
  if (sodium_init() < 0) {
    spdlog::error("libsodium failed to initialize");
    return std::nullopt;
  }
  auto config = AgentConfig::Load(config_path);
  if (!config.ok()) {
    spdlog::error("{}", std::string(config.status().message()));
    return std::nullopt;
  }
  if (!hub_override.empty()) config->hub.address = hub_override;
  return *std::move(config);
}

}  // namespace stapel
