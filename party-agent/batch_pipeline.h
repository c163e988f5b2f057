#ifndef STAPEL_PARTY_AGENT_BATCH_PIPELINE_H_
#define STAPEL_PARTY_AGENT_BATCH_PIPELINE_H_

// Keeps several signed batches in flight to the hub, so the agent builds the next batch while
// the hub verifies and stores the ones before it (and the hub's store syncs batches that
// arrive together in one write). Each batch goes out on one of `depth` sender threads;
// acknowledgements may come back in any order. What counts as acknowledged is the batches
// from the first one on without a gap: that is what a resumed run may skip.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/stapel.pb.h"

namespace stapel {

class BatchPipeline {
 public:
  // Sends one batch and returns the hub's acknowledgement, retrying on its own while
  // `abandoned()` is false (it turns true once another batch has failed: stop retrying). Called
  // from the sender threads, at most `depth` at a time.
  using Send = std::function<absl::StatusOr<v1::BatchAck>(const v1::SignedBatch&,
                                                          const std::function<bool()>& abandoned)>;

  // Batches `first_sequence`, `first_sequence` + 1, ... are pushed in order; `depth` from 1
  // (one at a time) to kMaxDepth (the hub takes 4 calls of a party at a time: one is left for
  // a retry whose first call it is still answering).
  static constexpr int kMaxDepth = 3;
  BatchPipeline(int depth, uint64_t first_sequence, Send send);
  // Waits for the batches in flight (none is abandoned half-sent).
  ~BatchPipeline();
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Queues the next batch; waits while `depth` batches are queued or in flight. Once a send
  // has failed, nothing more is sent: it waits for the batches still in flight to be answered
  // (acknowledged() then holds all the hub acknowledged) and returns the first failure.
  absl::Status Push(v1::SignedBatch batch);
  // Waits until every batch pushed is acknowledged, or, after a failure, answered; returns the
  // first failure.
  absl::Status Drain();

  struct Acknowledged {
    uint64_t next_sequence = 0;  // every batch before it is acknowledged
    uint64_t records = 0;        // records the hub stored, in those batches
  };
  Acknowledged acknowledged();

 private:
  void Sender();

  const int depth_;
  const Send send_;
  std::mutex mu_;
  std::condition_variable changed_;
  struct Item {
    uint64_t sequence;
    v1::SignedBatch batch;
  };
  std::deque<Item> queue_;              // pushed, not yet taken by a sender
  int in_flight_ = 0;                   // taken by a sender, not yet answered
  uint64_t next_push_;                  // sequence of the next batch pushed
  std::map<uint64_t, uint64_t> acked_;  // acknowledged beyond the prefix: sequence -> records
  Acknowledged prefix_;
  absl::Status failed_;  // the first failed send
  bool stopping_ = false;
  std::vector<std::jthread> senders_;  // last: started once the rest is ready
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_BATCH_PIPELINE_H_
