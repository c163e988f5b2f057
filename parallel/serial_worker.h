#ifndef STAPEL_PARALLEL_SERIAL_WORKER_H_
#define STAPEL_PARALLEL_SERIAL_WORKER_H_

// A thread of its own that runs the tasks given to it one at a time, in the order given. For a
// library that keeps state per thread (GLPK keeps its memory per thread): everything done with
// one of its objects runs on the thread that made it, while the caller goes on with other work.
// A task posted before another always runs before it, so the object sees the same calls in the
// same order whichever thread the caller is on.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

namespace stapel {

class SerialWorker {
 public:
  SerialWorker() : thread_([this] { Loop(); }) {}
  // Runs every task still queued, then ends the thread.
  ~SerialWorker() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    queued_.notify_one();
  }
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // Queues `task` after the ones before it and returns at once. A task must not throw.
  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    queued_.notify_one();
  }

  // Runs `task` after everything queued before it and returns its result (or rethrows what it
  // threw). Called from a task of this worker, runs it at once.
  template <typename F>
  std::invoke_result_t<F&> Run(F&& task) {
    if (std::this_thread::get_id() == thread_.get_id()) return task();
    auto job =
        std::make_shared<std::packaged_task<std::invoke_result_t<F&>()>>(std::forward<F>(task));
    auto result = job->get_future();
    Post([job] { (*job)(); });
    return result.get();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable queued_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::jthread thread_;  // last: started once the rest is ready, joined first
};

}  // namespace stapel

#endif  // STAPEL_PARALLEL_SERIAL_WORKER_H_
