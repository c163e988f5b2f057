#ifndef STAPEL_PARTY_AGENT_HUB_CLIENT_H_
#define STAPEL_PARTY_AGENT_HUB_CLIENT_H_

// BatchSink over gRPC with mutual TLS, and the key relay of the linkage-secret ceremony.
// Thread-safe.

#include <memory>

#include "party-agent/batch_sink.h"
#include "party-agent/key_relay_client.h"
#include "proto/stapel.grpc.pb.h"
#include "proto/tls.h"

namespace stapel {

class HubClient : public BatchSink, public KeyRelayClient {
 public:
  // Reads the TLS files; connecting happens on the first call.
  static absl::StatusOr<std::unique_ptr<HubClient>> Create(const HubEndpoint& hub,
                                                           const TlsFiles& tls);

  absl::StatusOr<v1::BatchAck> SubmitBatch(const v1::SignedBatch& batch) override;
  absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      const v1::SignedSubmissionSummary& summary) override;

  absl::StatusOr<v1::KeyDepositReply> DepositKeyEnvelope(
      const v1::SignedKeyEnvelope& envelope) override;
  absl::StatusOr<v1::SignedKeyEnvelope> FetchKeyEnvelope(uint32_t epoch) override;

 private:
  HubClient(std::unique_ptr<v1::Ingest::Stub> stub, std::unique_ptr<v1::KeyRelay::Stub> relay,
            std::string address)
      : stub_(std::move(stub)), relay_(std::move(relay)), address_(std::move(address)) {}
  absl::Status Explain(const grpc::Status& status) const;
  std::unique_ptr<v1::Ingest::Stub> stub_;
  std::unique_ptr<v1::KeyRelay::Stub> relay_;
  std::string address_;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_HUB_CLIENT_H_
