// stapel-hub: the trusted hub (serve) and the purge of its microdata. The wiring lives in
// trusted-hub/hub_server.h.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "CLI/CLI.hpp"
#include "trusted-hub/hub_server.h"

namespace {

int Fail(const absl::Status& s) {
  spdlog::error("{}", std::string(s.message()));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-hub: the trusted hub. Accepts pseudonymized batches from the parties "
      "of one project over mutual TLS, stores them in RocksDB, links them and releases "
      "disclosure-checked neighbourhood tables to requesters, each written to a "
      "signed release log."};
  app.require_subcommand(1);
  stapel::HubServerOptions o;
  auto* serve = app.add_subcommand("serve", "Run the hub until SIGINT or SIGTERM");
  serve->add_option("--config,-c", o.config, "Hub config (TOML), see deploy/examples/hub.toml")
      ->required()
      ->check(CLI::ExistingFile);
  serve->add_option("--listen", o.listen,
                    "Address to listen on, host:port (overrides listen; port 0 picks a free one)");
  serve->add_option("--port-file", o.port_file,
                    "Write the port actually listened on to this file once serving");
  serve->add_option("--portal-listen", o.portal_listen,
                    "Serve the HTTPS portal on host:port (overrides [portal] listen; port 0 "
                    "picks a free one)");
  serve->add_option("--portal-port-file", o.portal_port_file,
                    "Write the portal's port to this file once serving");
  serve->add_option("--metrics-listen", o.metrics_listen,
                    "Serve Prometheus metrics on http://host:port/metrics (overrides [metrics] "
                    "listen; port 0 picks a free one). Plain HTTP: keep it on localhost or a "
                    "monitoring network");
  serve->add_option("--metrics-port-file", o.metrics_port_file,
                    "Write the metrics port to this file once serving");
  std::string purge_config, purge_reason;
  auto* purge = app.add_subcommand(
      "purge",
      "Delete the project's microdata (every party's submissions) for good, once the "
      "manifest's retention_until has passed, or earlier with --reason; the purge is written "
      "to the release log and the hub refuses submissions and releases from then on. Stop the "
      "hub first");
  purge->add_option("--config,-c", purge_config, "Hub config (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  purge->add_option("--reason", purge_reason,
                    "Why the data are purged before their retention date (goes into the log)");
  std::string backup_config, backup_to;
  auto* backup = app.add_subcommand(
      "backup",
      "Back up the hub's database and release log, consistent with each other, into a new "
      "folder: taken by the running hub (through <data_dir>/admin/admin.sock, as the hub's user), or "
      "directly when it is stopped. Record values stay sealed: keep the storage key apart");
  backup->add_option("--config,-c", backup_config, "Hub config (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  backup->add_option("--to", backup_to, "A new (or empty) folder for the backup")->required();
  std::string restore_config, restore_from;
  bool restore_force = false, restore_discard = false;
  auto* restore = app.add_subcommand(
      "restore",
      "Put a backup into the config's data folder. Stop the hub first; it verifies the log and "
      "the database against each other when it starts again");
  restore->add_option("--config,-c", restore_config, "Hub config (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  restore->add_option("--from", restore_from, "A backup folder (stapel-hub backup --to)")
      ->required()
      ->check(CLI::ExistingDirectory);
  restore->add_flag("--force", restore_force,
                    "Move the data folder's current contents aside to "
                    "<data_dir>.before-restore-<time> (nothing is deleted)");
  restore->add_flag("--discard-later-releases", restore_discard,
                    "Restore even though the data folder's release log holds releases the "
                    "backup lacks (they are forgotten, and the differencing guard no longer sees "
                    "them): only for a lost or damaged folder, after the privacy officer noted "
                    "those releases");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z stapel-hub %l: %v");
  if (sodium_init() < 0) {
    spdlog::error("libsodium failed to initialize");
    return 1;
  }
  if (backup->parsed() || restore->parsed()) {
    auto done = backup->parsed() ? stapel::BackupHub(backup_config, backup_to)
                                 : stapel::RestoreHub(restore_config, restore_from, restore_force,
                                                      restore_discard);
    if (!done.ok()) return Fail(done.status());
    spdlog::info("{}", *done);
    return 0;
  }
  if (purge->parsed()) {
    auto described = stapel::PurgeMicrodata(purge_config, purge_reason);
    if (!described.ok()) return Fail(described.status());
    spdlog::info("{}", *described);
    return 0;
  }
  auto hub = stapel::HubServer::Create(o);
  if (!hub.ok()) return Fail(hub.status());
  (*hub)->Run();
  return 0;
}
