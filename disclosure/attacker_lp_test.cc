#include "disclosure/attacker_lp.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "parallel/for_each_index.h"

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

// A known 0 added as fixing holds every unknown it counts at 0 until it is forgotten, and no
// longer while it allows more than 0; one of mixed signs holds nothing. Here its dual is 0 (the
// fixed unknowns carry it), while a known 0 added without fixing shows where it limits a bound.
TEST(AttackerLpTest, AFixingKnownZeroHoldsItsUnknownsUntilForgotten) {
  using Fixing = AttackerLp::Fixing;
  AttackerLp lp(4);
  lp.AddRelation({{0, 1}, {1, 1}, {2, 1}, {3, 1}}, 10, 10);
  const int zero = lp.AddRelation({{1, 1}, {2, 1}}, 0, 0, Fixing::kYes);
  const int also_zero = lp.AddRelation({{2, 2}}, 0, 0, Fixing::kYes);  // x2 held twice
  lp.AddRelation({{1, 1}, {3, -1}}, 0, 0, Fixing::kYes);               // x1 = x3: holds none
  auto range = lp.Range({{0, 1}});
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->lo, 10);
  EXPECT_EQ(range->hi, 10);
  lp.Forget(zero);
  EXPECT_EQ(lp.Range({{0, 1}})->lo, 0);
  EXPECT_EQ(lp.Range({{2, 1}})->hi, 0);
  EXPECT_EQ(lp.Range({{1, 1}})->hi, 5);
  lp.Forget(also_zero);
  EXPECT_EQ(lp.Range({{2, 1}})->hi, 10);
  lp.Restore(zero, 0, 0);
  EXPECT_EQ(lp.Range({{0, 1}})->lo, 10);
  EXPECT_EQ(lp.Range({{2, 1}})->hi, 0);
  lp.Restore(zero, 0, 4);                // known again, but not as 0
  EXPECT_EQ(lp.Range({{0, 1}})->lo, 2);  // x1 = x3 = 4
  EXPECT_EQ(lp.Range({{2, 1}})->hi, 4);

  auto limits = [](AttackerLp& program, int relation) {
    EXPECT_TRUE(program.Bound({{0, 1}}, /*maximize=*/false).ok());
    for (const auto& [row, dual] : program.BindingRelations()) {
      if (row == relation) return true;
    }
    return false;
  };
  AttackerLp plain(3), fixing(3);
  for (AttackerLp* program : {&plain, &fixing}) {
    program->AddRelation({{0, 1}, {1, 1}, {2, 1}}, 10, 10);
  }
  EXPECT_TRUE(limits(plain, plain.AddRelation({{1, 1}, {2, 1}}, 0, 0)));
  EXPECT_FALSE(limits(fixing, fixing.AddRelation({{1, 1}, {2, 1}}, 0, 0, Fixing::kYes)));
  EXPECT_EQ(*fixing.Bound({{0, 1}}, false), 10);
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

// The same questions, with relations forgotten and restored between them, to a program on the
// caller's thread and to one on a thread of its own, warmed up or not: the same answers, and
// with the same first solution (WarmUp) the same kept solutions too. Programs are made and
// dropped on several threads at once (GLPK keeps its memory per thread).
TEST(AttackerLpTest, AProgramOnAThreadOfItsOwnAnswersAsOnTheCallers) {
  struct Answers {
    std::vector<CountRange> ranges;
    std::vector<std::optional<CountRange>> spanned;
  };
  // A table of 6 x 6 suppressed cells whose row and column totals and some inner cells are
  // known: the unknowns 0..35, cell (r, c) = 6 r + c.
  auto ask = [](AttackerLp::Thread thread, bool warm) {
    std::mt19937 rng(7);
    AttackerLp lp(36, thread);
    std::vector<int> inner;
    for (int r = 0; r < 6; ++r) {
      LinearTerms row, column;
      for (int c = 0; c < 6; ++c) {
        row.push_back({6 * r + c, 1});
        column.push_back({6 * c + r, 1});
      }
      lp.AddRelation(row, 30 + r, 30 + r);
      lp.AddRelation(column, 35 - r, 35 - r);
    }
    for (int i = 0; i < 12; ++i) {
      const int cell = static_cast<int>(rng() % 36);
      const double value = rng() % 4;
      inner.push_back(lp.AddRelation({{cell, 1}}, value, value + 2));
    }
    if (warm) lp.WarmUp();
    Answers out;
    for (int q = 0; q < 40; ++q) {
      const int id = inner[rng() % inner.size()];
      lp.Forget(id);
      const LinearTerms terms = {{static_cast<int>(rng() % 36), 1},
                                 {static_cast<int>(rng() % 36), 1}};
      auto range = lp.Range(terms);
      if (!range.ok()) {  // rounded inner cells may contradict the totals: that is an answer too
        out.ranges.push_back({-1, -1, false});
      } else {
        out.ranges.push_back(*range);
      }
      out.spanned.push_back(lp.Spanned(terms));
      if (q % 3 != 0) lp.Restore(id, 0, 6);
    }
    return out;
  };
  const Answers callers = ask(AttackerLp::Thread::kCallers, false);
  std::vector<Answers> answers(8);
  const auto done = ForEachIndex(answers.size(), 4, [&](size_t i) {
    answers[i] = ask(i % 2 == 0 ? AttackerLp::Thread::kOwn : AttackerLp::Thread::kCallers,
                     /*warm=*/i >= 2);
    return absl::OkStatus();
  });
  for (const absl::Status& s : done) ASSERT_TRUE(s.ok()) << s;
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_EQ(answers[i].ranges.size(), callers.ranges.size());
    for (size_t q = 0; q < callers.ranges.size(); ++q) {
      EXPECT_EQ(answers[i].ranges[q].lo, callers.ranges[q].lo) << i << " " << q;
      EXPECT_EQ(answers[i].ranges[q].hi, callers.ranges[q].hi) << i << " " << q;
      EXPECT_EQ(answers[i].ranges[q].unbounded, callers.ranges[q].unbounded) << i << " " << q;
      // Kept solutions follow from the first one: the same where the start was the same.
      const Answers& same_start = answers[i % 2 == 0 ? i + 1 : i - 1];
      ASSERT_EQ(answers[i].spanned[q].has_value(), same_start.spanned[q].has_value());
      if (answers[i].spanned[q].has_value()) {
        EXPECT_EQ(answers[i].spanned[q]->lo, same_start.spanned[q]->lo) << i << " " << q;
        EXPECT_EQ(answers[i].spanned[q]->hi, same_start.spanned[q]->hi) << i << " " << q;
      }
    }
  }
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
