// stapel-hub: the trusted hub's gRPC server.
#include <fmt/format.h>
#include <grpc/grpc.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "keys/key_file.h"
#include "keys/protected_secret.h"
#include "keys/signing.h"
#include "linker/geography.h"
#include "linker/manifest.h"
#include "linker/manifest_signature.h"
#include "linker/release_log.h"
#include "proto/tls.h"
#include "trusted-hub/grpc_services.h"
#include "trusted-hub/hub_config.h"
#include "trusted-hub/ingest.h"
#include "trusted-hub/manifest_record.h"
#include "trusted-hub/portal.h"
#include "trusted-hub/release.h"
#include "trusted-hub/retention.h"
#include "trusted-hub/rocksdb_store.h"
#include "trusted-hub/sealed_store.h"

namespace {

struct ServeOptions {
  std::string config;
  std::string listen;
  std::string port_file;
  std::string portal_listen;
  std::string portal_port_file;
};

absl::Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return absl::PermissionDeniedError("cannot write the port file " + path);
  }
  std::filesystem::rename(tmp, path);
  return absl::OkStatus();
}

int Fail(const absl::Status& s) {
  spdlog::error("{}", std::string(s.message()));
  return 1;
}

int Serve(const ServeOptions& o) {
  auto config = stapel::HubConfig::Load(o.config);
  if (!config.ok()) return Fail(config.status());
  if (!o.listen.empty()) config->listen = o.listen;
  auto manifest = stapel::Manifest::Load(config->manifest);
  if (!manifest.ok()) return Fail(manifest.status());
  auto officer = stapel::Ed25519Verifier::FromFile(config->officer_key);
  if (!officer.ok()) return Fail(officer.status());
  auto officer_signature =
      stapel::VerifyManifestSignature(config->manifest, *officer, config->officer_key);
  if (!officer_signature.ok()) return Fail(officer_signature.status());
  if (!o.portal_listen.empty()) config->portal_listen = o.portal_listen;
  auto signer = stapel::Ed25519Signer::FromFile(config->release_signing_key);
  if (!signer.ok()) return Fail(signer.status());
  auto hub_key = stapel::Ed25519Verifier::FromBase64((*signer)->PublicKeyBase64());
  if (!hub_key.ok()) return Fail(hub_key.status());
  stapel::Geography geography;
  if (!config->areas.empty()) {
    auto loaded = stapel::Geography::LoadCsv(config->areas);
    if (!loaded.ok()) return Fail(loaded.status());
    geography = std::move(*loaded);
  }
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (ec) return Fail(absl::PermissionDeniedError("cannot create " + config->data_dir.string()));
  auto log = stapel::ReleaseLogWriter::Open(config->data_dir / "release.log", std::move(*signer));
  if (!log.ok()) return Fail(log.status());
  if (auto text = stapel::ReadTextFile(config->manifest); !text.ok()) {
    return Fail(text.status());
  } else if (auto recorded =
                 stapel::RecordManifestIfChanged(*manifest, *text, *officer_signature, log->get());
             !recorded.ok()) {
    return Fail(recorded.status());
  } else if (*recorded) {
    spdlog::info("manifest of project '{}' recorded in the release log", manifest->project_id);
  }
  auto store = stapel::RocksDbStore::Open(config->data_dir / "db");
  if (!store.ok()) return Fail(store.status());
  // Record values sealed under the storage key (one base64 line, as stapel-keys writes it).
  auto storage_key = stapel::ReadSecretFile(config->storage_key, "");
  if (!storage_key.ok()) return Fail(storage_key.status());
  auto sealed = stapel::SealedStore::Create(store->get(), *std::move(storage_key));
  if (!sealed.ok()) return Fail(sealed.status());
  stapel::SubmissionStore submissions(sealed->get());
  stapel::KeyRelay key_relay(&*manifest, log->get());
  auto ingest = stapel::Ingest::Create(&*manifest, &submissions, log->get(), &key_relay);
  if (!ingest.ok()) return Fail(ingest.status());
  stapel::Releaser releaser(&*manifest, &submissions, log->get(), &key_relay, std::move(geography));
  auto credentials = stapel::MutualTlsServerCredentials(config->tls);
  if (!credentials.ok()) return Fail(credentials.status());

  // Block the stop signals in every thread gRPC starts; this thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // A few calls at a time per client: an agent sends one batch at a time, a requester asks for
  // one table at a time.
  stapel::CallLimiter limiter(4);
  stapel::IngestService ingest_service(ingest->get(), &limiter);
  stapel::ReleaseService release_service(&releaser, &limiter);
  stapel::KeyRelayService key_relay_service(&key_relay, &limiter);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->listen, *credentials, &port);
  builder.SetMaxReceiveMessageSize(stapel::kMaxMessageBytes);
  builder.SetMaxSendMessageSize(stapel::kMaxMessageBytes);
  // A deadline for every call: connections are closed after call_seconds, calls in progress
  // get as long again (clients reconnect for their next call).
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, config->call_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, config->call_seconds * 1000);
  builder.RegisterService(&ingest_service);
  builder.RegisterService(&release_service);
  builder.RegisterService(&key_relay_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    return Fail(absl::UnavailableError("cannot listen on " + config->listen +
                                       " (address in use, or not an address of this machine?)"));
  }
  if (!o.port_file.empty()) {
    if (absl::Status s = WritePortFile(o.port_file, port); !s.ok()) return Fail(s);
  }
  spdlog::info("hub for project '{}' listening on port {} ({}); {} releases in the log",
               manifest->project_id, port, config->listen, (*log)->entries());

  std::unique_ptr<stapel::Portal> portal;
  if (!config->portal_listen.empty()) {
    if (config->boundaries.empty()) {
      return Fail(absl::InvalidArgumentError(
          "the portal draws maps: set boundaries = \"<GeoJSON of the buurten>\" in the hub "
          "config"));
    }
    auto boundaries = stapel::AreaBoundaries::Load(config->boundaries);
    if (!boundaries.ok()) return Fail(boundaries.status());
    auto created = stapel::Portal::Create(
        &*manifest, &releaser, log->get(), *hub_key,
        {config->data_dir / "release.log", config->tls, *std::move(boundaries)});
    if (!created.ok()) return Fail(created.status());
    portal = *std::move(created);
    auto portal_port = portal->Start(config->portal_listen);
    if (!portal_port.ok()) return Fail(portal_port.status());
    if (!o.portal_port_file.empty()) {
      if (absl::Status s = WritePortFile(o.portal_port_file, *portal_port); !s.ok()) return Fail(s);
    }
    spdlog::info("portal on https://{}:{}/ (client certificates of the project CA)",
                 config->portal_listen.substr(0, config->portal_listen.rfind(':')), *portal_port);
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("signal {} received: finishing calls in progress, then stopping", signal_number);
  // Both drain at once: calls in progress get up to 10 s, connections that never send a
  // request (or stall in the handshake) are dropped then.
  std::thread portal_stop([&portal] {
    if (portal) portal->Stop();
  });
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  server->Wait();
  portal_stop.join();
  spdlog::info("hub stopped");
  return 0;
}

struct PurgeOptions {
  std::string config;
  std::string reason;
};

int PurgeMicrodata(const PurgeOptions& o) {
  auto config = stapel::HubConfig::Load(o.config);
  if (!config.ok()) return Fail(config.status());
  auto manifest = stapel::Manifest::Load(config->manifest);
  if (!manifest.ok()) return Fail(manifest.status());
  auto signer = stapel::Ed25519Signer::FromFile(config->release_signing_key);
  if (!signer.ok()) return Fail(signer.status());
  auto log = stapel::ReleaseLogWriter::Open(config->data_dir / "release.log", std::move(*signer));
  if (!log.ok()) return Fail(log.status());
  auto store = stapel::RocksDbStore::Open(config->data_dir / "db");
  if (!store.ok()) {
    return Fail(absl::UnavailableError(
        fmt::format("{} (is the hub still running? stop it with SIGTERM, then purge)",
                    std::string(store.status().message()))));
  }
  stapel::SubmissionStore submissions(store->get());
  auto entry =
      stapel::Purge(*manifest, &submissions, log->get(), o.reason, stapel::UtcNow().substr(0, 10));
  if (!entry.ok()) return Fail(entry.status());
  spdlog::info("{}", stapel::DescribeLogEntry(*entry));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-hub: the trusted hub. Accepts pseudonymized batches from the parties "
      "of one project over mutual TLS, stores them in RocksDB, links them and releases "
      "disclosure-checked neighbourhood tables to requesters, each written to a "
      "signed release log."};
  app.require_subcommand(1);
  ServeOptions o;
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
  PurgeOptions purge_options;
  auto* purge = app.add_subcommand(
      "purge",
      "Delete the project's microdata (every party's submissions) for good, once the "
      "manifest's retention_until has passed, or earlier with --reason; the purge is written "
      "to the release log and the hub refuses submissions and releases from then on. Stop the "
      "hub first");
  purge->add_option("--config,-c", purge_options.config, "Hub config (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  purge->add_option("--reason", purge_options.reason,
                    "Why the data are purged before their retention date (goes into the log)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z stapel-hub %l: %v");
  if (sodium_init() < 0) {
    spdlog::error("libsodium failed to initialize");
    return 1;
  }
  return purge->parsed() ? PurgeMicrodata(purge_options) : Serve(o);
}
