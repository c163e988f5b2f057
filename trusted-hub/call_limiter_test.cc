#include "trusted-hub/call_limiter.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace stapel {
namespace {

TEST(CallLimiterTest, OnePeerCannotTakeMoreThanItsShareAndOthersAreNotHeldUp) {
  CallLimiter limiter(2);
  std::vector<CallLimiter::Slot> credit;
  credit.push_back(*limiter.Acquire("credit"));
  credit.push_back(*limiter.Acquire("credit"));
  auto third = limiter.Acquire("credit");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(third.status().message().find("'credit' already has 2 calls in progress"),
            std::string::npos);
  EXPECT_TRUE(limiter.Acquire("municipality").ok());  // another party gets in
  credit.pop_back();                                  // one call finishes
  EXPECT_TRUE(limiter.Acquire("credit").ok());
}

}  // namespace
}  // namespace stapel
