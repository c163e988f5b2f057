#include "trusted-hub/background_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <new>
#include <thread>

namespace stapel {
namespace {

TEST(BackgroundTaskTest, RunsAtStartAndOnceMoreForWakesThatComeWhileItRuns) {
  std::atomic<int> runs = 0;
  std::atomic<bool> release = false;
  BackgroundTask task([&](std::stop_token) {
    ++runs;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (runs == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = 0; i < 5; ++i) task.Wake();  // during the first run: one more run, not five
  release = true;
  task.WaitIdle();
  EXPECT_EQ(runs, 2);
  task.Wake();
  task.WaitIdle();
  EXPECT_EQ(runs, 3);
}

TEST(BackgroundTaskTest, StoppingTellsTheRunInProgressAndStartsNoOther) {
  std::atomic<int> runs = 0, ended = 0;
  {
    BackgroundTask task([&](std::stop_token stop) {
      ++runs;
      while (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ended;
    });
    while (runs == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    task.Wake();  // pending when the stop comes
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(ended, 1);
}

TEST(BackgroundTaskTest, ARunThatThrowsEndsThatRunOnly) {
  std::atomic<int> runs = 0;
  BackgroundTask task([&](std::stop_token) {
    if (++runs == 1) throw std::bad_alloc();
  });
  task.WaitIdle();
  task.Wake();
  task.WaitIdle();
  EXPECT_EQ(runs, 2);
}

}  // namespace
}  // namespace stapel
