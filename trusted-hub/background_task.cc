#include "trusted-hub/background_task.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace stapel {

BackgroundTask::BackgroundTask(std::function<void(std::stop_token)> work)
    : work_(std::move(work)), thread_([this](std::stop_token stop) { Loop(stop); }) {}

BackgroundTask::~BackgroundTask() {
  thread_.request_stop();  // wakes the wait in Loop, and tells a run in progress
  thread_.join();
}

void BackgroundTask::Wake() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  changed_.notify_all();
}

void BackgroundTask::WaitIdle() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !pending_ && !running_; });
}

void BackgroundTask::Loop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (changed_.wait(lock, stop, [&] { return pending_; }) && !stop.stop_requested()) {
    pending_ = false;
    running_ = true;
    lock.unlock();
    try {
      work_(stop);
    } catch (const std::exception& e) {  // e.g. out of memory: the hub serves on; Wake retries
      spdlog::error("background work failed: {}", e.what());
    }
    lock.lock();
    running_ = false;
    changed_.notify_all();
  }
}

}  // namespace stapel
