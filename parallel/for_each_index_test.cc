#include "parallel/for_each_index.h"

#include <gtest/gtest.h>

#include <new>

namespace stapel {
namespace {

TEST(ForEachIndexTest, RunsEachIndexOnceAndAnExceptionIsThatIndexsError) {
  std::vector<std::atomic<int>> runs(1000);
  const std::vector<absl::Status> done = ForEachIndex(runs.size(), 4, [&](size_t i) {
    ++runs[i];
    if (i == 7) throw std::bad_alloc();
    return i % 2 == 0 ? absl::OkStatus() : absl::InvalidArgumentError("odd");
  });
  ASSERT_EQ(done.size(), runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i], 1) << i;
    if (i == 7) {
      EXPECT_EQ(done[i].code(), absl::StatusCode::kResourceExhausted);
    } else {
      EXPECT_EQ(done[i].ok(), i % 2 == 0) << i;
    }
  }
  EXPECT_TRUE(ForEachIndex(0, 4, [](size_t) { return absl::OkStatus(); }).empty());
}

}  // namespace
}  // namespace stapel
