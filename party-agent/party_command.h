#ifndef STAPEL_PARTY_AGENT_PARTY_COMMAND_H_
#define STAPEL_PARTY_AGENT_PARTY_COMMAND_H_

// What every command a party runs (stapel-agent, stapel-ceremony) does first: log lines that
// name the command, libsodium, and the party's config with a --hub override applied.

#include <optional>
#include <string>
#include <string_view>

#include "party-agent/agent_config.h"

namespace stapel {

// Logs what went wrong and returns nullopt.
std::optional<AgentConfig> StartPartyCommand(std::string_view command,
                                             const std::string& config_path,
                                             const std::string& hub_override);

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_PARTY_COMMAND_H_
