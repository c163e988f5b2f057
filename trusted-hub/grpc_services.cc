#include "trusted-hub/grpc_services.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>
#include <spdlog/spdlog.h>

#include "proto/grpc_status.h"
#include "trusted-hub/backup.h"

namespace stapel {
namespace {

// The common name of the peer's certificate, which the TLS layer has verified against the
// project CA; empty when there is none.
std::string PeerIdentity(const grpc::ServerContext* context) {
  auto auth = context->auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return "";
  auto names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (names.size() != 1) return "";
  return std::string(names[0].data(), names[0].size());
}

template <typename T>
grpc::Status Finish(std::string_view rpc, std::string_view peer, absl::StatusOr<T> result,
                    T* response) {
  if (!result.ok()) {
    spdlog::warn("{} from '{}' refused: {}", rpc, peer, std::string(result.status().message()));
    return ToGrpcStatus(result.status());
  }
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status IngestService::SubmitBatch(grpc::ServerContext* context,
                                        const v1::SignedBatch* request, v1::BatchAck* response) {
  const std::string peer = PeerIdentity(context);
  auto slot = limiter_->Acquire(peer);
  absl::StatusOr<v1::BatchAck> ack =
      slot.ok() ? ingest_->SubmitBatch(peer, *request) : slot.status();
  if (metrics_ != nullptr) {
    ack.ok() ? metrics_->BatchReceived(peer, ack->duplicate() ? 0 : ack->records_stored())
             : metrics_->BatchRefused(peer);
  }
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  if (ack.ok()) {
    spdlog::debug("batch {} from '{}': {} records{}", ack->sequence(), peer, ack->records_stored(),
                  ack->duplicate() ? " (already stored)" : "");
  }
  return Finish("SubmitBatch", peer, std::move(ack), response);
}

grpc::Status IngestService::CompleteSubmission(grpc::ServerContext* context,
                                               const v1::SignedSubmissionSummary* request,
                                               v1::SubmissionReceipt* response) {
  const std::string peer = PeerIdentity(context);
  auto slot = limiter_->Acquire(peer);
  absl::StatusOr<v1::SubmissionReceipt> receipt =
      slot.ok() ? ingest_->CompleteSubmission(peer, *request) : slot.status();
  if (metrics_ != nullptr) {
    receipt.ok() ? metrics_->SubmissionCompleted(peer) : metrics_->SubmissionRefused(peer);
  }
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  if (receipt.ok()) {
    spdlog::info("submission of '{}' complete: {} records in {} batches (replaces {} records)",
                 peer, receipt->record_count(), receipt->batch_count(),
                 receipt->replaced_record_count());
    if (completed_) completed_();
  }
  return Finish("CompleteSubmission", peer, std::move(receipt), response);
}

grpc::Status ReleaseService::RequestTable(grpc::ServerContext* context,
                                          const v1::TableRequest* request,
                                          v1::ReleaseReply* response) {
  const std::string peer = PeerIdentity(context);
  auto slot = limiter_->Acquire(peer);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  auto reply = releaser_->Release(peer, *request);
  if (reply.ok()) {
    spdlog::info("release {} to '{}' written to the release log", reply->sequence(), peer);
  }
  return Finish("RequestTable", peer, std::move(reply), response);
}

grpc::Status KeyRelayService::Deposit(grpc::ServerContext* context,
                                      const v1::SignedKeyEnvelope* request,
                                      v1::KeyDepositReply* response) {
  const std::string peer = PeerIdentity(context);
  auto slot = limiter_->Acquire(peer);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  auto reply = relay_->Deposit(peer, *request);
  if (reply.ok()) {
    spdlog::info("linkage secret of epoch {} deposited by '{}' (sealed; the hub cannot open it)",
                 reply->epoch(), peer);
  }
  return Finish("Deposit", peer, std::move(reply), response);
}

grpc::Status KeyRelayService::Fetch(grpc::ServerContext* context,
                                    const v1::KeyFetchRequest* request,
                                    v1::SignedKeyEnvelope* response) {
  const std::string peer = PeerIdentity(context);
  auto slot = limiter_->Acquire(peer);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  return Finish("Fetch", peer, relay_->Fetch(peer, request->epoch()), response);
}

grpc::Status AdminService::Backup(grpc::ServerContext*, const v1::BackupRequest* request,
                                  v1::BackupReply* response) {
  auto entries = WriteBackup(store_, log_, data_dir_, request->to());
  if (!entries.ok()) {
    spdlog::warn("backup to {} failed: {}", request->to(), std::string(entries.status().message()));
    return ToGrpcStatus(entries.status());
  }
  spdlog::info("backed up to {}: the database and {} release log entries", request->to(),
               *entries);
  response->set_log_entries(*entries);
  return grpc::Status::OK;
}

}  // namespace stapel
