// stapel-ceremony: a party makes or receives the project's linkage secret through the hub,
// which relays it as sealed boxes it cannot open.
#include <spdlog/spdlog.h>

#include <string>

#include "CLI/CLI.hpp"
#include "party-agent/agent_config.h"
#include "party-agent/hub_client.h"
#include "party-agent/key_ceremony.h"
#include "party-agent/party_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-ceremony: the linkage-secret ceremony. The party the manifest names as "
      "linkage_secret_creator runs `create`: a fresh secret, sealed (X25519 sealed boxes) for "
      "every party's box key in the manifest, signed and relayed through the hub, which cannot "
      "open it and records the epoch in its release log. Every other party then runs `fetch`. "
      "`create --rotate` replaces the secret: the next epoch, whose pseudonyms never link with "
      "earlier ones."};
  app.require_subcommand(1);
  std::string config_path, hub_override;
  uint32_t epoch = 0;
  auto add_common = [&](CLI::App* command) {
    command->add_option("--config,-c", config_path, "The party's agent config (TOML)")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_option("--hub", hub_override, "Hub address host:port (overrides [hub] address)");
  };
  auto* create = app.add_subcommand(
      "create",
      "Make a new linkage secret (the next epoch), deposit it at the hub sealed for "
      "every party, and write it to [keys] linkage_secret");
  add_common(create);
  bool rotate = false;
  create->add_flag("--rotate", rotate,
                   "Replace the project's current secret with a new one (the next epoch)");
  auto* fetch = app.add_subcommand(
      "fetch",
      "Fetch the sealed secret from the hub, check the creator's signature against this "
      "party's manifest, open this party's box and write it to [keys] linkage_secret");
  add_common(fetch);
  fetch->add_option("--epoch", epoch, "Epoch to fetch (default: the current one)");
  CLI11_PARSE(app, argc, argv);
  auto config = stapel::StartPartyCommand("stapel-ceremony", config_path, hub_override);
  if (!config) return 1;
  auto client = stapel::HubClient::Create(config->hub, config->tls);
  if (!client.ok()) {
    spdlog::error("{}", std::string(client.status().message()));
    return 1;
  }
  auto outcome = create->parsed() ? stapel::CreateLinkageSecret(*config, client->get(), rotate)
                                  : stapel::FetchLinkageSecret(*config, client->get(), epoch);
  if (!outcome.ok()) {
    spdlog::error("{}", std::string(outcome.status().message()));
    return 1;
  }
  spdlog::info("party {}: linkage secret of epoch {} written to {} (key check {})",
               config->party_id, outcome->epoch, config->linkage_secret.string(),
               outcome->key_check.substr(0, 16));
  if (create->parsed()) {
    spdlog::info(
        "the hub recorded epoch {} as entry {} of its release log (signature checked); the other "
        "parties can now run `stapel-ceremony fetch`",
        outcome->epoch, outcome->log_seq);
  }
  return 0;
}
