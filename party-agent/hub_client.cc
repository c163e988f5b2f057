#include "party-agent/hub_client.h"

#include <fmt/format.h>
#include <grpcpp/client_context.h>

#include <chrono>

#include "proto/grpc_status.h"

namespace stapel {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(60);

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HubClient>> HubClient::Create(const HubEndpoint& hub,
                                                             const TlsFiles& tls) {
  auto channel = MutualTlsChannel(hub, tls);
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<HubClient>(
      new HubClient(v1::Ingest::NewStub(*channel), v1::KeyRelay::NewStub(*channel), hub.address));
}

absl::Status HubClient::Explain(const grpc::Status& status) const {
  absl::Status s = FromGrpcStatus(status);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return absl::UnavailableError(fmt::format(
        "hub at {} is unreachable ({}); check that it runs, the address, and that both sides "
        "use certificates of the same project CA",
        address_, status.error_message()));
  }
  return s;
}

absl::StatusOr<v1::BatchAck> HubClient::SubmitBatch(const v1::SignedBatch& batch) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::BatchAck ack;
  grpc::Status status = stub_->SubmitBatch(&context, batch, &ack);
  if (!status.ok()) return Explain(status);
  return ack;
}

absl::StatusOr<v1::SubmissionReceipt> HubClient::CompleteSubmission(
    const v1::SignedSubmissionSummary& summary) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::SubmissionReceipt receipt;
  grpc::Status status = stub_->CompleteSubmission(&context, summary, &receipt);
  if (!status.ok()) return Explain(status);
  return receipt;
}

absl::StatusOr<v1::KeyDepositReply> HubClient::DepositKeyEnvelope(
    const v1::SignedKeyEnvelope& envelope) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::KeyDepositReply reply;
  grpc::Status status = relay_->Deposit(&context, envelope, &reply);
  if (!status.ok()) return Explain(status);
  return reply;
}

absl::StatusOr<v1::SignedKeyEnvelope> HubClient::FetchKeyEnvelope(uint32_t epoch) {
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::KeyFetchRequest request;
  request.set_epoch(epoch);
  v1::SignedKeyEnvelope envelope;
  grpc::Status status = relay_->Fetch(&context, request, &envelope);
  if (!status.ok()) return Explain(status);
  return envelope;
}

}  // namespace stapel
