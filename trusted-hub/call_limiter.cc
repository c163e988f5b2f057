#include "trusted-hub/call_limiter.h"

#include <fmt/format.h>

namespace stapel {

absl::StatusOr<CallLimiter::Slot> CallLimiter::Acquire(std::string_view peer) {
  std::lock_guard lock(mu_);
  auto it = in_progress_.find(peer);
  if (it == in_progress_.end()) it = in_progress_.emplace(std::string(peer), 0).first;
  if (it->second >= per_peer_) {
    // UNAVAILABLE: transient, so clients retry with back-off (an agent whose calls in flight
    // all timed out at once resends them while the hub still runs the first copies).
    return absl::UnavailableError(fmt::format(
        "'{}' already has {} calls in progress at the hub, the most it takes from one client; "
        "retry when one has finished",
        peer, per_peer_));
  }
  ++it->second;
  return Slot(this, std::string(peer));
}

void CallLimiter::Release(const std::string& peer) {
  std::lock_guard lock(mu_);
  auto it = in_progress_.find(peer);
  if (--it->second == 0) in_progress_.erase(it);
}

}  // namespace stapel
