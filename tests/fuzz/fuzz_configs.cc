// libFuzzer: the hub's and the agent's config parsers on the same TOML input.
#include "party-agent/agent_config.h"
#include "tests/fuzz/fuzz_input.h"
#include "trusted-hub/hub_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = stapel::fuzz::WriteInput("config.toml", data, size);
  (void)stapel::HubConfig::Load(path);
  (void)stapel::AgentConfig::Load(path);
  return 0;
}
