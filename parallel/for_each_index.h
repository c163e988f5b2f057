#ifndef STAPEL_PARALLEL_FOR_EACH_INDEX_H_
#define STAPEL_PARALLEL_FOR_EACH_INDEX_H_

// Runs independent pieces of work on several cores: fn(0) .. fn(n - 1), each once, on up to
// `threads` threads (the caller's among them; `threads` < 1: one per core), taking the next index
// as a thread finishes one. Returns each index's status once all have run; an exception fn
// throws (out of memory) becomes that index's RESOURCE_EXHAUSTED, so it never ends the process.
// `fn` must be safe to call from several threads at once for different indexes.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace stapel {

inline std::vector<absl::Status> ForEachIndex(size_t n, int threads,
                                              const std::function<absl::Status(size_t)>& fn) {
  std::vector<absl::Status> out(n);
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        out[i] = fn(i);
      } catch (const std::exception& e) {
        out[i] = absl::ResourceExhaustedError(e.what());
      }
    }
  };
  {
    std::vector<std::jthread> helpers;  // joined at the end of this block, before `out` moves
    const size_t most =
        threads >= 1 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
    for (size_t t = 1; t < std::min(n, most); ++t) {
      helpers.emplace_back(work);
    }
    work();
  }
  return out;
}

}  // namespace stapel

#endif  // STAPEL_PARALLEL_FOR_EACH_INDEX_H_
