#include "party-agent/batch_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace stapel {
namespace {

v1::SignedBatch BatchOf(uint64_t sequence, int records) {
  v1::Batch b;
  b.set_sequence(sequence);
  for (int i = 0; i < records; ++i) b.add_records();
  v1::SignedBatch signed_batch;
  b.SerializeToString(signed_batch.mutable_batch());
  return signed_batch;
}

uint64_t SequenceOf(const v1::SignedBatch& signed_batch) {
  v1::Batch b;
  b.ParseFromString(signed_batch.batch());
  return b.sequence();
}

v1::BatchAck AckOf(const v1::SignedBatch& signed_batch) {
  v1::Batch b;
  b.ParseFromString(signed_batch.batch());
  v1::BatchAck ack;
  ack.set_sequence(b.sequence());
  ack.set_records_stored(b.records_size());
  return ack;
}

TEST(BatchPipelineTest, KeepsDepthInFlightAndCountsOnlyTheAcknowledgedPrefix) {
  std::atomic<int> in_flight = 0, most = 0;
  std::atomic<bool> hold_first = true;
  BatchPipeline pipeline(
      3, 10,
      [&](const v1::SignedBatch& b, const std::function<bool()>&) -> absl::StatusOr<v1::BatchAck> {
        most = std::max(most.load(), ++in_flight);
        // The first batch (10) is answered last: the ones after it are acknowledged, but not
        // from the first on.
        while (SequenceOf(b) == 10 && hold_first) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        --in_flight;
        return AckOf(b);
      });
  ASSERT_TRUE(pipeline.Push(BatchOf(10, 5)).ok());
  ASSERT_TRUE(pipeline.Push(BatchOf(11, 7)).ok());
  ASSERT_TRUE(pipeline.Push(BatchOf(12, 9)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(pipeline.acknowledged().next_sequence, 10u);  // 11 and 12 are not a prefix
  EXPECT_EQ(pipeline.acknowledged().records, 0u);
  hold_first = false;
  ASSERT_TRUE(pipeline.Push(BatchOf(13, 1)).ok());
  ASSERT_TRUE(pipeline.Drain().ok());
  EXPECT_EQ(pipeline.acknowledged().next_sequence, 14u);
  EXPECT_EQ(pipeline.acknowledged().records, 22u);
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 2);
}

TEST(BatchPipelineTest, AFailedSendStopsThePipelineOnceTheBatchesInFlightAreAnswered) {
  std::atomic<int> sent = 0;
  std::atomic<bool> batch0_answered = false, abandoned_seen = false;
  BatchPipeline pipeline(
      2, 0,
      [&](const v1::SignedBatch& b,
          const std::function<bool()>& abandoned) -> absl::StatusOr<v1::BatchAck> {
        ++sent;
        if (SequenceOf(b) == 1) return absl::PermissionDeniedError("batch 1 refused");
        if (SequenceOf(b) == 0) {  // still "retrying" when batch 1 fails: told to give up
          while (!abandoned()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          abandoned_seen = true;
          batch0_answered = true;
          return AckOf(b);  // answered after all: the hub stored it
        }
        return AckOf(b);
      });
  absl::Status status;
  for (uint64_t i = 0; i < 20 && status.ok(); ++i) status = pipeline.Push(BatchOf(i, 1));
  if (status.ok()) status = pipeline.Drain();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(), "batch 1 refused");
  // The batch in flight was answered before the failure was returned, and counts.
  EXPECT_TRUE(batch0_answered);
  EXPECT_TRUE(abandoned_seen);
  EXPECT_EQ(pipeline.acknowledged().next_sequence, 1u);
  EXPECT_EQ(pipeline.Drain().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(sent, 2);  // nothing more is sent after the failure
}

TEST(BatchPipelineTest, PushWaitsWhileDepthBatchesAreQueuedOrInFlight) {
  std::atomic<bool> release = false;
  BatchPipeline pipeline(
      2, 0,
      [&](const v1::SignedBatch& b, const std::function<bool()>&) -> absl::StatusOr<v1::BatchAck> {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return AckOf(b);
      });
  ASSERT_TRUE(pipeline.Push(BatchOf(0, 1)).ok());
  ASSERT_TRUE(pipeline.Push(BatchOf(1, 1)).ok());
  std::atomic<bool> third_pushed = false;
  std::thread pusher([&] {
    EXPECT_TRUE(pipeline.Push(BatchOf(2, 1)).ok());
    third_pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third_pushed);  // the agent builds no further ahead than the depth
  release = true;
  pusher.join();
  EXPECT_TRUE(third_pushed);
  ASSERT_TRUE(pipeline.Drain().ok());
  EXPECT_EQ(pipeline.acknowledged().next_sequence, 3u);
}

TEST(BatchPipelineTest, DepthOneSendsInOrderOneAtATime) {
  std::vector<uint64_t> order;
  std::atomic<int> in_flight = 0;
  BatchPipeline pipeline(
      1, 0,
      [&](const v1::SignedBatch& b, const std::function<bool()>&) -> absl::StatusOr<v1::BatchAck> {
        EXPECT_EQ(++in_flight, 1);
        order.push_back(SequenceOf(b));
        --in_flight;
        return AckOf(b);
      });
  for (uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(pipeline.Push(BatchOf(i, 2)).ok());
  ASSERT_TRUE(pipeline.Drain().ok());
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(pipeline.acknowledged().records, 10u);
}

}  // namespace
}  // namespace stapel
