#include "parallel/serial_worker.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace stapel {
namespace {

TEST(SerialWorkerTest, RunsTasksInTheOrderGivenOnOneThreadOfItsOwn) {
  std::vector<int> order;
  std::thread::id where;
  {
    SerialWorker worker;
    for (int i = 0; i < 100; ++i) {
      worker.Post([&, i] {
        if (i == 0) where = std::this_thread::get_id();
        EXPECT_EQ(std::this_thread::get_id(), where);
        order.push_back(i);
      });
    }
    // Run waits for what was posted before it, and gives back what the task returns.
    EXPECT_EQ(worker.Run([&] { return order.size(); }), 100u);
    EXPECT_NE(where, std::this_thread::get_id());
    for (int i = 100; i < 200; ++i) worker.Post([&, i] { order.push_back(i); });
  }  // the destructor runs what is still queued
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
}

TEST(SerialWorkerTest, RunFromItsOwnTaskRunsAtOnceAndPassesOnWhatATaskThrows) {
  SerialWorker worker;
  // Waiting for itself would never end: on the worker's own thread, Run calls the task.
  EXPECT_EQ(worker.Run([&] { return worker.Run([] { return std::string("inner"); }); }), "inner");
  EXPECT_THROW(worker.Run([]() -> int { throw std::runtime_error("no"); }), std::runtime_error);
  EXPECT_EQ(worker.Run([] { return 7; }), 7);  // and it goes on
}

}  // namespace
}  // namespace stapel
