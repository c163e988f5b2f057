#ifndef STAPEL_TRUSTED_HUB_CALL_LIMITER_H_
#define STAPEL_TRUSTED_HUB_CALL_LIMITER_H_

// At most a few calls in progress per client identity. A call beyond that is refused at once
// with RESOURCE_EXHAUSTED (not queued), so one party or requester — misbehaving or hostile —
// cannot occupy every worker of the hub while the others wait. Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

class CallLimiter {
 public:
  explicit CallLimiter(int per_peer) : per_peer_(per_peer) {}

  // Holds one call's place until destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : limiter_(other.limiter_), peer_(std::move(other.peer_)) {
      other.limiter_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limiter_ != nullptr) limiter_->Release(peer_);
    }

   private:
    friend class CallLimiter;
    // `limiter` is not owned and must outlive the Slot.
    Slot(CallLimiter* limiter, std::string peer) : limiter_(limiter), peer_(std::move(peer)) {}
    CallLimiter* limiter_;
    std::string peer_;
  };

  // RESOURCE_EXHAUSTED naming the peer and the limit when it has `per_peer` calls in progress.
  absl::StatusOr<Slot> Acquire(std::string_view peer);

 private:
  void Release(const std::string& peer);
  const int per_peer_;
  std::mutex mu_;
  std::map<std::string, int, std::less<>> in_progress_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_CALL_LIMITER_H_
