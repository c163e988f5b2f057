#include "party-agent/batch_pipeline.h"

#include <algorithm>
#include <utility>

namespace stapel {

BatchPipeline::BatchPipeline(int depth, uint64_t first_sequence, Send send)
    : depth_(std::clamp(depth, 1, kMaxDepth)), send_(std::move(send)), next_push_(first_sequence) {
  prefix_.next_sequence = first_sequence;
  for (int i = 0; i < depth_; ++i) senders_.emplace_back([this] { Sender(); });
}

BatchPipeline::~BatchPipeline() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();  // not sent; a resumed run sends them
  }
  changed_.notify_all();
  senders_.clear();  // joins
}

absl::Status BatchPipeline::Push(v1::SignedBatch batch) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] {
    return (!failed_.ok() && in_flight_ == 0) ||
           (failed_.ok() && static_cast<int>(queue_.size()) + in_flight_ < depth_);
  });
  if (!failed_.ok()) return failed_;
  queue_.push_back({next_push_++, std::move(batch)});
  changed_.notify_all();
  return absl::OkStatus();
}

absl::Status BatchPipeline::Drain() {
  std::unique_lock lock(mu_);
  changed_.wait(
      lock, [&] { return failed_.ok() ? prefix_.next_sequence == next_push_ : in_flight_ == 0; });
  return failed_;
}

BatchPipeline::Acknowledged BatchPipeline::acknowledged() {
  std::lock_guard lock(mu_);
  return prefix_;
}

void BatchPipeline::Sender() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || (!queue_.empty() && failed_.ok()); });
    if (stopping_) return;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    lock.unlock();
    absl::StatusOr<v1::BatchAck> ack = send_(item.batch, [this] {
      std::lock_guard failed_lock(mu_);
      return !failed_.ok() || stopping_;
    });
    lock.lock();
    --in_flight_;
    if (!ack.ok()) {
      if (failed_.ok()) failed_ = ack.status();
    } else {
      acked_[item.sequence] = ack->records_stored();
      for (auto it = acked_.begin(); it != acked_.end() && it->first == prefix_.next_sequence;
           it = acked_.erase(it)) {
        ++prefix_.next_sequence;
        prefix_.records += it->second;
      }
    }
    changed_.notify_all();
  }
}

}  // namespace stapel
