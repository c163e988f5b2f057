#ifndef STAPEL_PARTY_AGENT_BATCH_SINK_H_
#define STAPEL_PARTY_AGENT_BATCH_SINK_H_

// Where an agent's signed batches go: the hub over gRPC (HubClient), or a fake in tests.

#include "absl/status/statusor.h"
#include "proto/stapel.pb.h"

namespace stapel {

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Returns once the hub has durably stored the batch. UNAVAILABLE and DEADLINE_EXCEEDED
  // mean "try again"; resending is safe because the hub deduplicates. Called from several
  // threads at once (the agent's batches in flight), so implementations must be thread-safe.
  virtual absl::StatusOr<v1::BatchAck> SubmitBatch(const v1::SignedBatch& batch) = 0;
  virtual absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      const v1::SignedSubmissionSummary& summary) = 0;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_BATCH_SINK_H_
