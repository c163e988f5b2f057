#include "disclosure/attacker_lp.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

// The audit example of the tau-ARGUS manual: a 2x2 table whose four inner cells are all
// suppressed, row totals 7 and 3, column totals 6 and 4. Cell (1,1) lies in [3, 6].
TEST(AttackerLpTest, TauArgusTwoByTwoExample) {
  AttackerLp lp(4);  // x11 x12 x21 x22
  lp.AddRelation({{0, 1}, {1, 1}}, 7, 7);
  lp.AddRelation({{2, 1}, {3, 1}}, 3, 3);
  lp.AddRelation({{0, 1}, {2, 1}}, 6, 6);
  lp.AddRelation({{1, 1}, {3, 1}}, 4, 4);
  auto x11 = lp.Range({{0, 1}});
  ASSERT_TRUE(x11.ok()) << x11.status();
  EXPECT_EQ(x11->lo, 3);
  EXPECT_EQ(x11->hi, 6);
  EXPECT_FALSE(x11->unbounded);
  auto x22 = lp.Range({{3, 1}});
  ASSERT_TRUE(x22.ok());
  EXPECT_EQ(x22->lo, 0);
  EXPECT_EQ(x22->hi, 3);
}

TEST(AttackerLpTest, ForgettingARelationWidensTheRange) {
  AttackerLp lp(2);
  lp.AddRelation({{0, 1}, {1, 1}}, 20, 20);
  const int known = lp.AddRelation({{1, 1}}, 17, 17);
  EXPECT_EQ(lp.Range({{0, 1}})->hi, 3);
  lp.Forget(known);
  auto range = lp.Range({{0, 1}});
  EXPECT_EQ(range->lo, 0);
  EXPECT_EQ(range->hi, 20);
}

// Spanned answers from solutions found earlier, and only from those that still satisfy every
// relation: a solution a restored or new relation rules out no longer counts.
TEST(AttackerLpTest, SpannedUsesOnlySolutionsThatStillFit) {
  AttackerLp lp(2);
  lp.AddRelation({{0, 1}, {1, 1}}, 20, 20);
  const int known = lp.AddRelation({{1, 1}}, 17, 17);
  EXPECT_FALSE(lp.Spanned({{0, 1}}).has_value());  // nothing solved yet
  EXPECT_EQ(*lp.Bound({{0, 1}}, true), 3);         // the solution (3, 17)
  EXPECT_EQ(lp.Spanned({{0, 1}})->lo, 3);
  EXPECT_EQ(lp.Spanned({{0, 1}})->hi, 3);
  lp.Forget(known);
  EXPECT_EQ(*lp.Bound({{0, 1}}, true), 20);  // and (20, 0)
  EXPECT_EQ(lp.Spanned({{0, 1}})->lo, 3);
  EXPECT_EQ(lp.Spanned({{0, 1}})->hi, 20);
  EXPECT_EQ(lp.Spanned({{1, 1}})->lo, 0);
  EXPECT_EQ(lp.Spanned({{1, 1}})->hi, 17);
  const int at_most_16 = lp.AddRelation({{1, 1}}, 0, 16);  // (3, 17) breaks it
  EXPECT_EQ(lp.Spanned({{0, 1}})->lo, 20);
  lp.Forget(at_most_16);
  lp.Restore(known, 17, 17);  // and (20, 0) breaks this
  EXPECT_FALSE(lp.Spanned({{0, 1}}).has_value());
}

TEST(AttackerLpTest, DifferenceOfTwoPublishedTotalsIsExact) {
  AttackerLp lp(2);  // minors, adults
  lp.AddRelation({{0, 1}, {1, 1}}, 60, 60);
  lp.AddRelation({{1, 1}}, 57, 57);
  auto minors = lp.Range({{0, 1}});
  EXPECT_EQ(minors->lo, 3);
  EXPECT_EQ(minors->hi, 3);
}

TEST(AttackerLpTest, RoundedValuesGiveIntervals) {
  AttackerLp lp(2);
  lp.AddRelation({{0, 1}, {1, 1}}, 58, 62);  // published 60, base 5
  lp.AddRelation({{1, 1}}, 53, 57);          // published 55
  auto r = lp.Range({{0, 1}});
  EXPECT_EQ(r->lo, 1);
  EXPECT_EQ(r->hi, 9);
}

TEST(AttackerLpTest, UnboundedAndContradictions) {
  AttackerLp lp(2);
  lp.AddRelation({{0, 1}}, 5, 5);
  EXPECT_TRUE(lp.Range({{1, 1}})->unbounded);
  lp.AddRelation({{0, 1}, {1, 1}}, 3, 3);
  EXPECT_EQ(lp.Range({{1, 1}}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(AttackerLpTest, ProtectionRange) {
  EXPECT_TRUE(IsProtected({0, 10, false}, 10, 10));
  EXPECT_FALSE(IsProtected({0, 9, false}, 10, 10));
  EXPECT_TRUE(IsProtected({140, 150, false}, 10, 10));
  EXPECT_FALSE(IsProtected({141, 150, false}, 10, 10));
  EXPECT_TRUE(IsProtected({3, 0, true}, 10, 10));
}

}  // namespace
}  // namespace stapel
