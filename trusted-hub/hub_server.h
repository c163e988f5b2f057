#ifndef STAPEL_TRUSTED_HUB_HUB_SERVER_H_
#define STAPEL_TRUSTED_HUB_HUB_SERVER_H_

// The hub as a running service: everything stapel-hub serve wires together (config, signed
// manifest, release log, sealed RocksDB store, ingest, key relay, releases, the gRPC services
// with the standard health service, the portal and the metrics), started by Create and stopped by a signal in Run. A thin main calls both.

#include <signal.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "disclosure/record_key.h"
#include "keys/signing.h"
#include "project/manifest.h"
#include "trusted-hub/hub_config.h"

namespace grpc {
class Server;
}

namespace stapel {

class AdminService;
class AdminSocket;
class BackgroundTask;
class CallLimiter;
class HubMetrics;
class IngestService;
class Ingest;
class KeyRelay;
class KeyRelayService;
class Portal;
class ReleaseLogWriter;
class ReleaseService;
class Releaser;
class SealedStore;
class RocksDbStore;
class SubmissionStore;

struct HubServerOptions {
  std::string config;            // the hub config (TOML)
  std::string listen;            // overrides the config's listen, when set
  std::string port_file;         // gets the gRPC port once serving, when set
  std::string portal_listen;     // overrides [portal] listen, when set
  std::string portal_port_file;  // gets the portal's port once serving, when set
  std::string metrics_listen;    // overrides [metrics] listen, when set
  std::string metrics_port_file; // gets the metrics port once serving, when set
};

class HubServer {
 public:
  // The memory all gRPC calls together may hold (grpc::ResourceQuota): a few of the largest
  // messages (kMaxMessageBytes) at a time.
  static constexpr size_t kCallMemoryBytes = 256 << 20;

  // Loads and checks everything, then serves on the gRPC port (and the portal, when
  // configured). Blocks SIGINT and SIGTERM in the calling thread and every thread it starts,
  // so Run can wait for them. Errors name what is wrong and how to fix it.
  static absl::StatusOr<std::unique_ptr<HubServer>> Create(const HubServerOptions& options);
  ~HubServer();

  // Waits for SIGINT or SIGTERM, then lets calls in progress finish (up to 10 s) and stops.
  void Run();

 private:
  HubServer() = default;
  absl::Status Open(const HubServerOptions& options);
  absl::Status StartGrpc(const HubServerOptions& options);
  absl::Status StartPortal(const HubServerOptions& options);
  absl::Status StartMetrics(const HubServerOptions& options);
  absl::Status StartAdmin();

  // Declared in dependency order: each is destroyed before what it points to.
  HubConfig config_;
  Manifest manifest_;
  Ed25519Verifier hub_key_;  // the public half of the release-signing key
  sigset_t stop_signals_;
  std::unique_ptr<ReleaseLogWriter> log_;
  std::unique_ptr<RocksDbStore> store_;
  std::unique_ptr<SealedStore> sealed_;
  std::unique_ptr<SubmissionStore> submissions_;
  std::unique_ptr<HubMetrics> metrics_;
  std::unique_ptr<KeyRelay> key_relay_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<RecordKeyer> record_keys_;  // the Releaser's, for the cell key method
  std::unique_ptr<Releaser> releaser_;
  std::unique_ptr<BackgroundTask> linker_;  // links each new data state off the request path
  std::unique_ptr<CallLimiter> limiter_;
  std::unique_ptr<IngestService> ingest_service_;
  std::unique_ptr<ReleaseService> release_service_;
  std::unique_ptr<KeyRelayService> key_relay_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<AdminService> admin_service_;
  std::unique_ptr<AdminSocket> admin_socket_;
  std::unique_ptr<grpc::Server> admin_server_;  // on <data_dir>/admin/admin.sock
  std::unique_ptr<Portal> portal_;
};

// stapel-hub purge: deletes the project's microdata for good and logs it (retention.h).
// Returns the readable text of the purge entry. The hub must be stopped.
absl::StatusOr<std::string> PurgeMicrodata(const std::string& config_path,
                                           const std::string& reason);

// stapel-hub backup: a backup of the hub's database and release log in `to` (backup.h), taken
// by the running hub through its admin socket, or directly when the hub is stopped. Returns a
// sentence saying what the backup holds.
absl::StatusOr<std::string> BackupHub(const std::string& config_path, const std::string& to);

// stapel-hub restore: puts a backup into the config's data folder (backup.h: RestoreBackup).
// The hub must be stopped.
absl::StatusOr<std::string> RestoreHub(const std::string& config_path, const std::string& from,
                                       bool force, bool discard_later_releases);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_HUB_SERVER_H_
