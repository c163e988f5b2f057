#ifndef STAPEL_TRUSTED_HUB_GRPC_SERVICES_H_
#define STAPEL_TRUSTED_HUB_GRPC_SERVICES_H_

// The gRPC edge of the hub: takes the caller's identity from its verified client
// certificate (common name), calls Ingest, Releaser or KeyRelay (or, on the local admin socket,
// the backup), and maps their absl::Status to the gRPC status of the same code. No logic lives
// here.

#include "proto/stapel.grpc.pb.h"
#include <filesystem>
#include <functional>

#include "ledger/log_writer.h"
#include "trusted-hub/call_limiter.h"
#include "trusted-hub/hub_metrics.h"
#include "trusted-hub/ingest.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/release.h"
#include "trusted-hub/rocksdb_store.h"

namespace stapel {

class IngestService final : public v1::Ingest::Service {
 public:
  // `ingest`, `limiter` and `metrics` (may be null) are not owned and must outlive the service.
  // `completed` (may be empty) is called after each completed submission: a new data state.
  IngestService(Ingest* ingest, CallLimiter* limiter, HubMetrics* metrics,
                std::function<void()> completed = {})
      : ingest_(ingest), limiter_(limiter), metrics_(metrics), completed_(std::move(completed)) {}
  grpc::Status SubmitBatch(grpc::ServerContext* context, const v1::SignedBatch* request,
                           v1::BatchAck* response) override;
  grpc::Status CompleteSubmission(grpc::ServerContext* context,
                                  const v1::SignedSubmissionSummary* request,
                                  v1::SubmissionReceipt* response) override;

 private:
  Ingest* ingest_;
  CallLimiter* limiter_;
  HubMetrics* metrics_;
  const std::function<void()> completed_;
};

class ReleaseService final : public v1::Release::Service {
 public:
  // `releaser` and `limiter` are not owned and must outlive the service.
  ReleaseService(Releaser* releaser, CallLimiter* limiter)
      : releaser_(releaser), limiter_(limiter) {}
  grpc::Status RequestTable(grpc::ServerContext* context, const v1::TableRequest* request,
                            v1::ReleaseReply* response) override;

 private:
  Releaser* releaser_;
  CallLimiter* limiter_;
};

class KeyRelayService final : public v1::KeyRelay::Service {
 public:
  // `relay` and `limiter` are not owned and must outlive the service.
  KeyRelayService(KeyRelay* relay, CallLimiter* limiter) : relay_(relay), limiter_(limiter) {}
  grpc::Status Deposit(grpc::ServerContext* context, const v1::SignedKeyEnvelope* request,
                       v1::KeyDepositReply* response) override;
  grpc::Status Fetch(grpc::ServerContext* context, const v1::KeyFetchRequest* request,
                     v1::SignedKeyEnvelope* response) override;

 private:
  KeyRelay* relay_;
  CallLimiter* limiter_;
};

// Served only on the hub's local Unix socket (HubServer): backs up the running hub.
class AdminService final : public v1::Admin::Service {
 public:
  // `store` and `log` are not owned and must outlive the service.
  AdminService(RocksDbStore* store, ReleaseLogWriter* log, std::filesystem::path data_dir)
      : store_(store), log_(log), data_dir_(std::move(data_dir)) {}
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupReply* response) override;

 private:
  RocksDbStore* store_;
  ReleaseLogWriter* log_;
  const std::filesystem::path data_dir_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_GRPC_SERVICES_H_
