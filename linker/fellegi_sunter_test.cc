#include "linker/fellegi_sunter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace stapel {
namespace {

constexpr size_t kModelFields = 4;

// Draws a level from `shares` (over kExact..kDifferent).
Level Draw(std::mt19937_64& rng, const std::array<double, 5>& shares) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  for (size_t l = 0; l < 5; ++l) {
    if (x < shares[l]) return static_cast<Level>(l + 1);
    x -= shares[l];
  }
  return Level::kDifferent;
}

// Pairs compared under a salt (field 0, exact in each), the other fields following known m
// and u, a share `lambda` of them matches; a field is missing in 5% of pairs either way.
PatternCounts Pairs(std::mt19937_64& rng, size_t n, double lambda, const std::array<double, 5>& m,
                    const std::array<double, 5>& u) {
  PatternCounts counts;
  for (size_t i = 0; i < n; ++i) {
    const bool match = std::uniform_real_distribution<double>(0, 1)(rng) < lambda;
    std::vector<Level> levels = {Level::kExact};
    for (size_t f = 1; f < kModelFields; ++f) {
      levels.push_back(rng() % 20 == 0 ? Level::kMissing : Draw(rng, match ? m : u));
    }
    counts[FieldComparator::PatternOf(levels)] += 1;
  }
  return counts;
}

TEST(FellegiSunterTest, EmRecoversTheMatchShareAndMFromUnlabelledPairs) {
  std::mt19937_64 rng(7);
  const std::array<double, 5> m = {0.6, 0.2, 0.1, 0.0, 0.1}, u = {0.02, 0.03, 0.1, 0.0, 0.85};
  FellegiSunterModel model(kModelFields);
  model.EstimateWithin(Pairs(rng, 200'000, 0.0, m, u), 0.5, {0});
  // The candidates are all the pairs there are: the prior is their share of matches.
  const int iterations = model.Train(Pairs(rng, 100'000, 0.2, m, u), {}, 100'000);
  EXPECT_GT(iterations, 1);
  EXPECT_LE(iterations, FellegiSunterModel::kMaxIterations);
  EXPECT_NEAR(model.lambda(), 0.2, 0.01);
  EXPECT_NEAR(model.candidate_matches(), 20'000, 1'000);
  for (size_t f = 1; f < kModelFields; ++f) {
    EXPECT_NEAR(model.m(f, Level::kExact), 0.6, 0.02);
    EXPECT_NEAR(model.m(f, Level::kClose), 0.2, 0.02);
    EXPECT_NEAR(model.m(f, Level::kDifferent), 0.1, 0.02);
  }
}

TEST(FellegiSunterTest, AgreementWeighsForAMatchDisagreementAgainstAndMissingNeither) {
  std::mt19937_64 rng(8);
  const std::array<double, 5> m = {0.7, 0.15, 0.05, 0.0, 0.1}, u = {0.01, 0.02, 0.07, 0.0, 0.9};
  FellegiSunterModel model(kModelFields);
  constexpr double kShare = 0.001;  // of all pairs, those that share the salt
  model.EstimateWithin(Pairs(rng, 100'000, 0.0, m, u), kShare, {0});
  // The candidates are the pairs that share the salt, of all pairs there are.
  model.Train(Pairs(rng, 50'000, 0.1, m, u), {}, 50'000 / kShare);
  auto pattern = [](Level a, Level b, Level c, Level d) {
    const Level levels[] = {a, b, c, d};
    return FieldComparator::PatternOf(levels);
  };
  using L = Level;
  const double all_exact = model.Weight(pattern(L::kExact, L::kExact, L::kExact, L::kExact));
  const double one_missing = model.Weight(pattern(L::kExact, L::kExact, L::kExact, L::kMissing));
  const double one_different =
      model.Weight(pattern(L::kExact, L::kExact, L::kExact, L::kDifferent));
  EXPECT_GT(all_exact, one_missing);
  EXPECT_GT(one_missing, one_different);
  // A missing field adds nothing; the salt adds its m over the share of pairs that share it.
  const double salt_alone = model.Weight(pattern(L::kExact, L::kMissing, L::kMissing, L::kMissing));
  EXPECT_NEAR(salt_alone, std::log2(model.m(0, L::kExact) / kShare), 1e-9);
  EXPECT_NEAR(all_exact - one_missing,
              model.Weight(pattern(L::kExact, L::kMissing, L::kMissing, L::kExact)) - salt_alone,
              1e-9);
  EXPECT_GT(model.Probability(pattern(L::kExact, L::kExact, L::kExact, L::kExact)), 0.999);
  EXPECT_LT(model.Probability(pattern(L::kExact, L::kDifferent, L::kDifferent, L::kDifferent)),
            0.001);
  // A pair compared under no salt: nothing tells, whatever its other levels say.
  EXPECT_EQ(model.Weight(pattern(L::kDifferent, L::kExact, L::kExact, L::kExact)), 0);
}

TEST(FellegiSunterTest, FieldsThatChangeTogetherWeighAMoveOnce) {
  // Field 0 the salt, 1 a name, 2 and 3 an address (together). A match moved in 10% of pairs:
  // both address fields differ at once; otherwise each agrees as m says. Non-matches: the
  // address differs in 90% of pairs, each field apart. Half the candidates are matches.
  std::mt19937_64 rng(9);
  const std::array<double, 5> m = {0.9, 0.05, 0.0, 0.0, 0.05}, u = {0.05, 0.05, 0.0, 0.0, 0.9};
  auto pairs = [&](size_t n, double lambda) {
    PatternCounts counts;
    for (size_t i = 0; i < n; ++i) {
      const bool match = std::uniform_real_distribution<double>(0, 1)(rng) < lambda;
      const bool moved = match && rng() % 10 == 0;
      const Level levels[] = {Level::kExact, Draw(rng, match ? m : u),
                              moved ? Level::kDifferent : Draw(rng, match ? m : u),
                              moved ? Level::kDifferent : Draw(rng, match ? m : u)};
      counts[FieldComparator::PatternOf(levels)] += 1;
    }
    return counts;
  };
  FellegiSunterModel together(kModelFields, {2, 3}), apart(kModelFields);
  for (FellegiSunterModel* model : {&together, &apart}) {
    rng.seed(10);
    model->EstimateWithin(pairs(100'000, 0.0), 0.001, {0});
    model->Train(pairs(50'000, 0.5), {}, 50'000 / 0.001);
  }
  // One match in ten moved; a match that did not move has both address fields differ in
  // 0.05 * 0.05 of pairs.
  EXPECT_NEAR(together.m_moved(), 0.1, 0.01);
  const double moves = 0.1 + 0.9 * 0.05 * 0.05;
  using L = Level;
  const L moved[] = {L::kExact, L::kExact, L::kDifferent, L::kDifferent};
  const L one_differs[] = {L::kExact, L::kExact, L::kExact, L::kDifferent};
  // Apart, a move counts twice as a disagreement, each at the odds of a single one; together
  // it counts once, at its own odds.
  const double u_moved = 0.9 * 0.9;
  EXPECT_NEAR(together.Weight(FieldComparator::PatternOf(moved)) -
                  together.Weight(FieldComparator::PatternOf(
                      std::array{L::kExact, L::kExact, L::kMissing, L::kMissing})),
              std::log2(moves / u_moved), 0.1);
  EXPECT_GT(together.Weight(FieldComparator::PatternOf(moved)),
            apart.Weight(FieldComparator::PatternOf(moved)) + 2);
  // A single disagreement still weighs against.
  EXPECT_LT(together.Weight(FieldComparator::PatternOf(one_differs)),
            together.Weight(FieldComparator::PatternOf(
                std::array{L::kExact, L::kExact, L::kExact, L::kMissing})));
}

}  // namespace
}  // namespace stapel
