#include "disclosure/ptable.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace stapel {
namespace {

// The probabilities of row i, by j.
std::map<int64_t, double> Row(const PTable& t, size_t i) {
  std::map<int64_t, double> out;
  for (const PTransition& x : t.rows().at(i)) out[x.to] = x.p;
  return out;
}

void ExpectRow(const PTable& t, size_t i, const std::map<int64_t, double>& expected) {
  const std::map<int64_t, double> row = Row(t, i);
  ASSERT_EQ(row.size(), expected.size()) << "row " << i;
  for (const auto& [j, p] : expected) {
    ASSERT_TRUE(row.contains(j)) << "row " << i << " lacks j = " << j;
    EXPECT_NEAR(row.at(j), p, 2e-6) << "row " << i << ", j = " << j;
  }
}

// The ptable package's own test (tests/testthat/test-examples.R): pt_ex_cnts(), that is
// create_cnt_ptable(D = 2, V = 1.05, js = 1, mono = c(TRUE, TRUE, FALSE, TRUE)). Row 3 is
// left out: the package turns the rising constraint off there, Stapel never does.
TEST(PTableTest, MatchesThePackagesWorkedExample) {
  auto t = PTable::Create({.max_deviation = 2, .variance = 1.05, .threshold = 1});
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows().size(), 5u);  // 0..ncat, ncat = D + js + 1
  ExpectRow(*t, 0, {{0, 1.0}});
  ExpectRow(*t, 1, {{0, 0.50833333}, {2, 0.47500000}, {3, 0.01666667}});
  ExpectRow(*t, 2, {{0, 0.16155827}, {2, 0.55565037}, {3, 0.24246618}, {4, 0.04032518}});
  ExpectRow(*t, 4, {{2, 0.07012498}, {3, 0.24450007}, {4, 0.37074990}, {5, 0.24450007},
                    {6, 0.07012498}});
}

// create_cnt_ptable(D = 2, V = 1) and (D = 2, V = 0.9): at i = 1 the rise toward staying binds
// and the variance stays below V (as the package's vignette says of V = 1).
TEST(PTableTest, TheRiseTowardStayingAndTheVarianceBoundAreKept) {
  auto one = PTable::Create({.max_deviation = 2, .variance = 1.0, .threshold = 0});
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->rows().size(), 3u);  // ncat = D
  ExpectRow(*one, 1, {{0, 0.36648551}, {1, 0.36648551}, {2, 0.16757247}, {3, 0.09945652}});
  ExpectRow(*one, 2, {{0, 0.06382714}, {1, 0.24469145}, {2, 0.38296282}, {3, 0.24469145},
                      {4, 0.06382714}});
  auto less = PTable::Create({.max_deviation = 2, .variance = 0.9, .threshold = 0});
  ASSERT_TRUE(less.ok()) << less.status();
  ExpectRow(*less, 1, {{0, 0.3625}, {1, 0.3625}, {2, 0.1875}, {3, 0.0875}});
  ExpectRow(*less, 2, {{0, 0.05154609}, {1, 0.24381564}, {2, 0.40927654}, {3, 0.24381564},
                       {4, 0.05154609}});
}

TEST(PTableTest, EveryRowIsUnbiasedWithinTheVarianceAndNeverPublishesASmallCount) {
  for (const CellKeyParams params : {CellKeyParams{.max_deviation = 3, .variance = 2.5, .threshold = 2},
                                     CellKeyParams{.max_deviation = 5, .variance = 3, .threshold = 2},
                                     CellKeyParams{.max_deviation = 4, .variance = 1.5, .threshold = 0}}) {
    auto t = PTable::Create(params);
    ASSERT_TRUE(t.ok()) << t.status();
    for (size_t i = 0; i < t->rows().size(); ++i) {
      double sum = 0, mean = 0, second = 0;
      for (const PTransition& x : t->rows()[i]) {
        const double v = static_cast<double>(x.to) - static_cast<double>(i);
        sum += x.p;
        mean += x.p * v;
        second += x.p * v * v;
        EXPECT_LE(std::abs(v), params.max_deviation);
        EXPECT_GE(x.to, 0);
        EXPECT_FALSE(x.to >= 1 && x.to <= params.threshold) << "row " << i << " reaches " << x.to;
      }
      EXPECT_NEAR(sum, 1, 1e-7);
      EXPECT_NEAR(mean, 0, 1e-6) << "row " << i;
      EXPECT_LE(second, params.variance + 1e-6) << "row " << i;
    }
    // Zero stays zero; a cell key picks j by [lower, upper).
    EXPECT_EQ(t->Perturbed(0, 0xffffffffu), 0);
    const PTransition& first = t->rows().back().front();
    const int64_t last = static_cast<int64_t>(t->rows().size()) - 1;
    EXPECT_EQ(t->Perturbed(1000, 0), 1000 + (first.to - last));
  }
}

TEST(PTableTest, ImpossibleParametersAreRefused) {
  EXPECT_FALSE(PTable::Create({.max_deviation = 2, .variance = 1, .threshold = 2}).ok());
  EXPECT_FALSE(PTable::Create({.max_deviation = 0, .variance = 1, .threshold = 0}).ok());
  // A count of 1 with threshold 2 must become 0, 3 or 4: a variance of at least 2.
  auto low = PTable::Create({.max_deviation = 3, .variance = 1.5, .threshold = 2});
  ASSERT_FALSE(low.ok());
  EXPECT_NE(low.status().message().find("for a count of 1"), std::string::npos)
      << low.status();
  // A count of 1 with threshold 9 and D = 10 can only become 0 or 10..11: no mean 0 within
  // variance 5.
  auto biased = PTable::Create({.max_deviation = 10, .variance = 5, .threshold = 9});
  ASSERT_FALSE(biased.ok());
  EXPECT_NE(biased.status().message().find("for a count of 1"), std::string::npos)
      << biased.status();
}

}  // namespace
}  // namespace stapel
