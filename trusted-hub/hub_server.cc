#include "trusted-hub/hub_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <grpc/grpc.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "audit/entry_text.h"
#include "audit/officer_audit.h"
#include "encoding/hmac_sha256.h"
#include "encoding/utc_time.h"
#include "keys/key_file.h"
#include "keys/protected_secret.h"
#include "keys/signing.h"
#include "ledger/log_writer.h"
#include "project/manifest_signature.h"
#include "proto/grpc_status.h"
#include "proto/tls.h"
#include "tables/geography.h"
#include "trusted-hub/background_task.h"
#include "trusted-hub/backup.h"
#include "trusted-hub/call_limiter.h"
#include "trusted-hub/grpc_services.h"
#include "trusted-hub/hub_metrics.h"
#include "trusted-hub/ingest.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/manifest_record.h"
#include "trusted-hub/portal.h"
#include "trusted-hub/receipt_check.h"
#include "trusted-hub/release.h"
#include "trusted-hub/retention.h"
#include "trusted-hub/rocksdb_store.h"
#include "trusted-hub/sealed_store.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

// The admin socket <data_dir>/admin/admin.sock, in a folder only the hub's user may enter
// (0700), so nobody else can connect, not even before the socket's own mode is set. Mutual TLS
// on it as everywhere: the one client admitted is a holder of the hub's own certificate and key. A Unix
// socket's path holds at most 107 bytes; a longer one is reached through the folder's open
// descriptor (/proc/self/fd/N/admin.sock, Linux), held while this lives.
class AdminSocket {
 public:
  static constexpr const char* kName = "admin.sock";
  explicit AdminSocket(const std::filesystem::path& data_dir)
      : folder_(data_dir / "admin"), path_(folder_ / kName) {}
  ~AdminSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  // For the hub: makes the folder, private.
  absl::Status MakeFolder() const {
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    if (!ec) std::filesystem::permissions(folder_, std::filesystem::perms::owner_all, ec);
    if (ec) {
      return absl::PermissionDeniedError(fmt::format(
          "cannot make the private folder {}: {}", folder_.string(), ec.message()));
    }
    return absl::OkStatus();
  }
  // The socket's gRPC address; for a long path, through the folder's descriptor.
  absl::StatusOr<std::string> Address() {
    if (path_.string().size() <= 107) return "unix:" + path_.string();
    if (fd_ < 0) fd_ = ::open(folder_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
      return absl::PermissionDeniedError(
          fmt::format("cannot open {}: {}", folder_.string(), strerror(errno)));
    }
    return fmt::format("unix:/proc/self/fd/{}/{}", fd_, kName);
  }
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  const std::filesystem::path folder_;
  const std::filesystem::path path_;
  int fd_ = -1;
};

namespace {

absl::Status WritePortFile(const std::string& path, int port) {
  if (path.empty()) return absl::OkStatus();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return absl::PermissionDeniedError("cannot write the port file " + path);
  }
  std::filesystem::rename(tmp, path);
  return absl::OkStatus();
}

// The release log as the hub keeps it: verified with its own key, every release re-checked
// against the rules recorded with it.
// `own_key`, when given, receives the hub's public key.
absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> OpenLog(const HubConfig& config,
                                                          Ed25519Verifier* own_key = nullptr) {
  auto signer = Ed25519Signer::FromFile(config.release_signing_key);
  if (!signer.ok()) return signer.status();
  if (own_key != nullptr) {
    auto key = Ed25519Verifier::FromBase64((*signer)->PublicKeyBase64());
    if (!key.ok()) return key.status();
    *own_key = *key;
  }
  return ReleaseLogWriter::Open(config.data_dir / "release.log", *std::move(signer),
                                CheckReleaseKeepsItsRules);
}

absl::StatusOr<Geography> LoadGeography(const HubConfig& config) {
  if (config.areas.empty()) return Geography();
  return Geography::LoadCsv(config.areas);
}

}  // namespace

HubServer::~HubServer() {
  if (releaser_) releaser_->Stop();  // a link in progress holds up nothing
}

absl::StatusOr<std::unique_ptr<HubServer>> HubServer::Create(const HubServerOptions& options) {
  std::unique_ptr<HubServer> hub(new HubServer());
  // Block the stop signals before any thread starts (RocksDB's, gRPC's, the portal's), so
  // that all of them inherit the mask and Run alone takes the signal.
  sigemptyset(&hub->stop_signals_);
  sigaddset(&hub->stop_signals_, SIGINT);
  sigaddset(&hub->stop_signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &hub->stop_signals_, nullptr);
  if (absl::Status s = hub->Open(options); !s.ok()) return s;
  if (absl::Status s = hub->StartGrpc(options); !s.ok()) return s;
  if (absl::Status s = hub->StartPortal(options); !s.ok()) return s;
  return hub;
}

absl::Status HubServer::Open(const HubServerOptions& options) {
  auto config = HubConfig::Load(options.config);
  if (!config.ok()) return config.status();
  config_ = *std::move(config);
  if (!options.listen.empty()) config_.listen = options.listen;
  if (!options.portal_listen.empty()) config_.portal_listen = options.portal_listen;
  if (!options.metrics_listen.empty()) config_.metrics_listen = options.metrics_listen;
  auto manifest = Manifest::Load(config_.manifest);
  if (!manifest.ok()) return manifest.status();
  manifest_ = *std::move(manifest);
  if (manifest_.gemeenten.empty()) {
    spdlog::warn(
        "the manifest names no gemeenten: register records of a buurt in any gemeente "
        "are taken and published; set gemeenten = [\"GM....\"] and have it signed");
  }
  auto officer = Ed25519Verifier::FromFile(config_.officer_key);
  if (!officer.ok()) return officer.status();
  auto officer_signature = VerifyManifestSignature(config_.manifest, *officer, config_.officer_key);
  if (!officer_signature.ok()) return officer_signature.status();
  auto geography = LoadGeography(config_);
  if (!geography.ok()) return geography.status();
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return absl::PermissionDeniedError("cannot create " + config_.data_dir.string());
  auto log = OpenLog(config_, &hub_key_);
  if (!log.ok()) return log.status();
  log_ = *std::move(log);
  auto text = ReadTextFile(config_.manifest);
  if (!text.ok()) return text.status();
  auto recorded = RecordManifestIfChanged(manifest_, *text, *officer_signature, log_.get());
  if (!recorded.ok()) return recorded.status();
  if (*recorded) {
    spdlog::info("manifest of project '{}' recorded in the release log", manifest_.project_id);
  }
  auto store = RocksDbStore::Open(config_.data_dir / "db");
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  // Record values sealed under the storage key (one base64 line, as stapel-keys writes it).
  auto storage_key = ReadSecretFile(config_.storage_key, "");
  if (!storage_key.ok()) return storage_key.status();
  // The cell key method's record keys: under a secret of the hub's own, kept as long as the
  // storage key (so the same person keeps the same key across restarts).
  {
    Sha256Digest record_secret = HmacSha256(
        storage_key->span(),
        std::span(reinterpret_cast<const uint8_t*>("stapel-record-key-secret-v1"), 27));
    record_keys_ = RecordKeyer::Create(record_secret);
    sodium_memzero(record_secret.data(), record_secret.size());
  }
  if (manifest_.disclosure.method == DisclosureMethod::kCellKey) {
    if (auto ptable = PTable::Create(manifest_.disclosure.cell_key); !ptable.ok()) {
      return absl::InvalidArgumentError(fmt::format("{}: [disclosure] {}", config_.manifest.string(),
                                                    std::string(ptable.status().message())));
    }
  }
  auto sealed = SealedStore::Create(store_.get(), *std::move(storage_key));
  if (!sealed.ok()) return sealed.status();
  sealed_ = *std::move(sealed);
  submissions_ = std::make_unique<SubmissionStore>(sealed_.get());
  if (absl::Status s = CheckStoreHoldsReceipted(manifest_, *log_, submissions_.get()); !s.ok()) {
    return s;
  }
  key_relay_ = std::make_unique<KeyRelay>(&manifest_, log_.get());
  auto ingest = Ingest::Create(&manifest_, submissions_.get(), log_.get(), key_relay_.get());
  if (!ingest.ok()) return ingest.status();
  ingest_ = *std::move(ingest);
  if (absl::Status s = StartMetrics(options); !s.ok()) return s;
  releaser_ = std::make_unique<Releaser>(
      &manifest_, submissions_.get(), log_.get(), key_relay_.get(), *std::move(geography),
      record_keys_.get(), metrics_.get(),
      LinkedStates::Waiting{.wait = std::chrono::seconds(config_.link_wait_seconds),
                            .wake_linker = [this] { linker_->Wake(); }});
  // The data state in storage is linked now, and each new one as its submission completes
  // (or a request finds it not linked), so table requests find it linked (LinkedStates logs
  // each link). Requests never link: they wait for this thread.
  linker_ = std::make_unique<BackgroundTask>([this](std::stop_token stop) {
    std::stop_callback stopping(stop, [this] { releaser_->Stop(); });
    auto version = releaser_->LinkCurrent();
    if (absl::IsFailedPrecondition(version.status())) {  // the register has not sent, an epoch
      spdlog::warn("the current data state is not linked: {}",
                   std::string(version.status().message()));
    } else if (!version.ok() && !absl::IsCancelled(version.status())) {
      spdlog::warn(
          "linking the current data state failed: {}; the next submission or table "
          "request tries again (a failure of the data only once they change)",
          std::string(version.status().message()));
    }
  });
  return absl::OkStatus();
}

absl::Status HubServer::StartMetrics(const HubServerOptions& options) {
  if (config_.metrics_listen.empty()) return absl::OkStatus();
  HubMetrics::Sources sources{.parties = {},
                              .release_log = config_.data_dir / "release.log",
                              .data_dir = config_.data_dir,
                              .tls_certificate = config_.tls.certificate};
  for (const PartyManifest& party : manifest_.parties) sources.parties.insert(party.id);
  auto metrics = HubMetrics::Create(config_.metrics_listen, std::move(sources));
  if (!metrics.ok()) return metrics.status();
  metrics_ = *std::move(metrics);
  if (absl::Status s = WritePortFile(options.metrics_port_file, metrics_->port()); !s.ok()) {
    return s;
  }
  spdlog::info("metrics on http://{}:{}/metrics",
               config_.metrics_listen.substr(0, config_.metrics_listen.rfind(':')),
               metrics_->port());
  return absl::OkStatus();
}

absl::Status HubServer::StartGrpc(const HubServerOptions& options) {
  // Only the identities the manifest names complete the handshake.
  std::set<std::string> admitted(manifest_.requesters.begin(), manifest_.requesters.end());
  admitted.insert(manifest_.privacy_officers.begin(), manifest_.privacy_officers.end());
  for (const PartyManifest& party : manifest_.parties) admitted.insert(party.id);
  auto credentials = MutualTlsServerCredentials(config_.tls, std::move(admitted));
  if (!credentials.ok()) return credentials.status();
  // A few calls at a time per client: an agent keeps up to 3 batches in flight (leaving room
  // for a retry whose first call the hub is still answering), a requester asks for
  // one table at a time.
  limiter_ = std::make_unique<CallLimiter>(4);
  ingest_service_ = std::make_unique<IngestService>(ingest_.get(), limiter_.get(), metrics_.get(),
                                                    [this] { linker_->Wake(); });
  release_service_ = std::make_unique<ReleaseService>(releaser_.get(), limiter_.get());
  key_relay_service_ = std::make_unique<KeyRelayService>(key_relay_.get(), limiter_.get());
  // grpc.health.v1.Health on the same port (grpc_health_probe, load balancers): SERVING until
  // the hub drains.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  // All that clients' calls may hold in memory together, messages still arriving included:
  // beyond it gRPC stops reading from sockets, so many large calls (from anyone with a
  // certificate of the CA, before the hub knows who may send what) cannot grow the hub.
  grpc::ResourceQuota quota("stapel-hub calls");
  quota.Resize(kCallMemoryBytes);
  builder.SetResourceQuota(quota);
  int port = 0;
  builder.AddListeningPort(config_.listen, *credentials, &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // A deadline for every call: connections are closed after call_seconds, calls in progress
  // get as long again (clients reconnect for their next call).
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, config_.call_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, config_.call_seconds * 1000);
  builder.RegisterService(ingest_service_.get());
  builder.RegisterService(release_service_.get());
  builder.RegisterService(key_relay_service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    return absl::UnavailableError("cannot listen on " + config_.listen +
                                  " (address in use, or not an address of this machine?)");
  }
  if (absl::Status s = StartAdmin(); !s.ok()) return s;
  if (absl::Status s = WritePortFile(options.port_file, port); !s.ok()) return s;
  spdlog::info("hub for project '{}' listening on port {} ({}); {} releases in the log",
               manifest_.project_id, port, config_.listen, log_->entries());
  return absl::OkStatus();
}

// The admin socket: local only, the hub's user only (backup while serving).
absl::Status HubServer::StartAdmin() {
  admin_socket_ = std::make_unique<AdminSocket>(config_.data_dir);
  const std::filesystem::path& socket = admin_socket_->path();
  if (absl::Status s = admin_socket_->MakeFolder(); !s.ok()) return s;
  std::error_code ec;
  std::filesystem::remove(socket, ec);  // left by a hub that was killed (this one holds the db)
  auto address = admin_socket_->Address();
  if (!address.ok()) return address.status();
  auto own = CertificateIdentity(config_.tls.certificate);
  if (!own.ok()) return own.status();
  auto credentials = MutualTlsServerCredentials(config_.tls, {*own});
  if (!credentials.ok()) return credentials.status();
  admin_service_ = std::make_unique<AdminService>(store_.get(), log_.get(), config_.data_dir);
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(*address, *credentials, &bound);
  builder.RegisterService(admin_service_.get());
  admin_server_ = builder.BuildAndStart();
  if (!admin_server_ || bound == 0) {
    return absl::UnavailableError(
        fmt::format("cannot serve the admin socket {} (is the data folder writable?)",
                    socket.string()));
  }
  std::filesystem::permissions(socket, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write, ec);
  if (ec) return absl::PermissionDeniedError("cannot restrict " + socket.string());
  return absl::OkStatus();
}

absl::Status HubServer::StartPortal(const HubServerOptions& options) {
  if (config_.portal_listen.empty()) return absl::OkStatus();
  if (config_.boundaries.empty()) {
    return absl::InvalidArgumentError(
        "the portal draws maps: set boundaries = \"<GeoJSON of the buurten>\" in the hub config");
  }
  auto boundaries = AreaBoundaries::Load(config_.boundaries);
  if (!boundaries.ok()) return boundaries.status();
  auto created =
      Portal::Create(&manifest_, releaser_.get(), log_.get(), hub_key_,
                     {config_.data_dir / "release.log", config_.tls, *std::move(boundaries), {}});
  if (!created.ok()) return created.status();
  portal_ = *std::move(created);
  auto portal_port = portal_->Start(config_.portal_listen);
  if (!portal_port.ok()) return portal_port.status();
  if (absl::Status s = WritePortFile(options.portal_port_file, *portal_port); !s.ok()) return s;
  spdlog::info("portal on https://{}:{}/ (client certificates of the project CA)",
               config_.portal_listen.substr(0, config_.portal_listen.rfind(':')), *portal_port);
  return absl::OkStatus();
}

void HubServer::Run() {
  // Under systemd (Type=notify): dependants start once the hub serves. Elsewhere a no-op.
  sd_notifyf(0, "READY=1\nSTATUS=serving project %s", manifest_.project_id.c_str());
  int signal_number = 0;
  sigwait(&stop_signals_, &signal_number);
  sd_notify(0, "STOPPING=1");
  spdlog::info("signal {} received: finishing calls in progress, then stopping", signal_number);
  // Both drain at once: calls in progress get up to 10 s, connections that never send a
  // request (or stall in the handshake) are dropped then.
  server_->GetHealthCheckService()->SetServingStatus(false);
  releaser_->Stop();  // a link in progress is left unfinished: requests then get CANCELLED
  std::thread portal_stop([this] {
    if (portal_) portal_->Stop();
  });
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  server_->Wait();
  admin_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  portal_stop.join();
  spdlog::info("hub stopped");
}

absl::StatusOr<std::string> PurgeMicrodata(const std::string& config_path,
                                           const std::string& reason) {
  auto config = HubConfig::Load(config_path);
  if (!config.ok()) return config.status();
  auto manifest = Manifest::Load(config->manifest);
  if (!manifest.ok()) return manifest.status();
  auto log = OpenLog(*config);
  if (!log.ok()) return log.status();
  auto store = RocksDbStore::Open(config->data_dir / "db");
  if (!store.ok()) {
    return absl::UnavailableError(
        fmt::format("{} (is the hub still running? stop it with SIGTERM, then purge)",
                    std::string(store.status().message())));
  }
  SubmissionStore submissions(store->get());
  auto entry = Purge(*manifest, &submissions, log->get(), reason, UtcNow().substr(0, 10));
  if (!entry.ok()) return entry.status();
  return DescribeLogEntry(*entry);
}

absl::StatusOr<std::string> BackupHub(const std::string& config_path, const std::string& to) {
  auto config = HubConfig::Load(config_path);
  if (!config.ok()) return config.status();
  const std::filesystem::path folder = std::filesystem::absolute(to);
  AdminSocket admin(config->data_dir);
  const std::filesystem::path& socket = admin.path();
  if (DatabaseInUse(config->data_dir / "db")) {
    auto address = admin.Address();
    if (!address.ok()) return address.status();
    auto own = CertificateIdentity(config->tls.certificate);
    if (!own.ok()) return own.status();
    auto channel = MutualTlsChannel({.address = *address, .name = *own}, config->tls);
    if (!channel.ok()) return channel.status();
    auto stub = v1::Admin::NewStub(*channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
    v1::BackupRequest request;
    request.set_to(folder.string());
    v1::BackupReply reply;
    const grpc::Status status = stub->Backup(&context, request, &reply);
    if (status.ok()) {
      return fmt::format("the running hub backed up its database and {} release log entries to {}",
                         reply.log_entries(), folder.string());
    }
    return absl::Status(FromGrpcStatus(status).code(),
                        fmt::format("the running hub did not back up ({}); its admin socket is "
                                    "{} (run this as the hub's user)",
                                    status.error_message(), socket.string()));
  }
  if (!std::filesystem::exists(config->data_dir / "db" / "CURRENT")) {
    return absl::NotFoundError(fmt::format("no hub database in {}: is data_dir in {} right?",
                                           (config->data_dir / "db").string(), config_path));
  }
  auto store = RocksDbStore::Open(config->data_dir / "db");
  if (!store.ok()) return store.status();
  auto entries = WriteBackup(store->get(), nullptr, config->data_dir, folder);
  if (!entries.ok()) return entries.status();
  return fmt::format("backed up the stopped hub's database and {} release log entries to {}",
                     *entries, folder.string());
}

absl::StatusOr<std::string> RestoreHub(const std::string& config_path, const std::string& from,
                                       bool force, bool discard_later_releases) {
  auto config = HubConfig::Load(config_path);
  if (!config.ok()) return config.status();
  return RestoreBackup(from, config->data_dir, force, discard_later_releases);
}

}  // namespace stapel
