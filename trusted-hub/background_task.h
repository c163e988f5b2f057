#ifndef STAPEL_TRUSTED_HUB_BACKGROUND_TASK_H_
#define STAPEL_TRUSTED_HUB_BACKGROUND_TASK_H_

// Work that runs off the request path on a thread of its own: once when it starts, and again
// after each Wake. Wakes that come while the work runs make one more run, not one each (the hub
// links the newest data state, whatever changed meanwhile). The hub links each new data state
// this way (Releaser::LinkCurrent), so a table request finds it linked.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace stapel {

class BackgroundTask {
 public:
  // Starts the thread, which runs `work` at once. `work` should return soon once its stop
  // token is requested. An exception it throws is logged and ends that run only.
  explicit BackgroundTask(std::function<void(std::stop_token)> work);
  // Requests the run in progress to stop, waits for it to return, and stops.
  ~BackgroundTask();
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  // Runs the work again once the run in progress, if any, has ended.
  void Wake();
  // Waits until no run is in progress or pending (for tests).
  void WaitIdle();

 private:
  void Loop(std::stop_token stop);

  const std::function<void(std::stop_token)> work_;
  std::mutex mu_;
  std::condition_variable_any changed_;
  bool pending_ = true;   // under mu_
  bool running_ = false;  // under mu_
  std::jthread thread_;   // last: started once the rest is ready
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_BACKGROUND_TASK_H_
