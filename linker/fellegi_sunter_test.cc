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

// EM's candidates: `counts`' pairs, each of a record of its own.
struct Apart {
  explicit Apart(const PatternCounts& counts) {
    for (const auto& [pattern, n] : counts) {
      for (double i = 0; i < n; ++i) {
        pairs.push_back(
            {static_cast<uint32_t>(pairs.size()), 0, static_cast<uint32_t>(patterns.size())});
      }
      patterns.push_back(pattern);
    }
  }
  int Train(FellegiSunterModel& model, const PatternCounts& known, double all_pairs) const {
    return model.Train(patterns, pairs, pairs.size(), known, all_pairs);
  }
  std::vector<uint32_t> patterns;
  std::vector<CandidatePair> pairs;
};

TEST(FellegiSunterTest, EmRecoversTheMatchShareAndMFromUnlabelledPairs) {
  std::mt19937_64 rng(7);
  const std::array<double, 5> m = {0.6, 0.2, 0.1, 0.0, 0.1}, u = {0.02, 0.03, 0.1, 0.0, 0.85};
  FellegiSunterModel model(kModelFields);
  // Every pair shares the salt, and the candidates are all the pairs there are: the prior is
  // their share of matches.
  model.EstimateWithin(Pairs(rng, 200'000, 0.0, m, u), 1.0, {0});
  const int iterations = Apart(Pairs(rng, 100'000, 0.2, m, u)).Train(model, {}, 100'000);
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

TEST(FellegiSunterTest, ARecordsCandidatesShareItsOneMatch) {
  std::mt19937_64 rng(12);
  const std::array<double, 5> m = {0.9, 0.05, 0.0, 0.0, 0.05}, u = {0.05, 0.05, 0.0, 0.0, 0.9};
  FellegiSunterModel model(kModelFields);
  model.EstimateWithin(Pairs(rng, 100'000, 0.0, m, u), 0.001, {0});
  // 2,000 of 4,000 records each fit three persons alike in every field (a household that
  // shares everything the fields hold); the others have no candidate.
  const Level exact[] = {Level::kExact, Level::kExact, Level::kExact, Level::kExact};
  const std::vector<uint32_t> patterns = {FieldComparator::PatternOf(exact)};
  std::vector<CandidatePair> pairs;
  for (uint32_t record = 0; record < 2'000; ++record) {
    for (uint32_t person = 0; person < 3; ++person) pairs.push_back({record, person, 0});
  }
  model.Train(patterns, pairs, 4'000, {}, 4'000.0 * 10'000);
  // One match per record at most, not one per pair.
  EXPECT_LE(model.candidate_matches(), 2'000);
  EXPECT_GT(model.candidate_matches(), 1'900);
  EXPECT_NEAR(model.matched_share(), 0.5, 0.03);
}

TEST(FellegiSunterTest, AgreementWeighsForAMatchDisagreementAgainstAndMissingNeither) {
  std::mt19937_64 rng(8);
  const std::array<double, 5> m = {0.7, 0.15, 0.05, 0.0, 0.1}, u = {0.01, 0.02, 0.07, 0.0, 0.9};
  FellegiSunterModel model(kModelFields);
  constexpr double kShare = 0.001;  // of all pairs, those that share the salt
  model.EstimateWithin(Pairs(rng, 100'000, 0.0, m, u), kShare, {0});
  // The candidates are the pairs that share the salt, of all pairs there are.
  Apart(Pairs(rng, 50'000, 0.1, m, u)).Train(model, {}, 50'000 / kShare);
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
  EXPECT_GT(model.Odds(pattern(L::kExact, L::kExact, L::kExact, L::kExact)), 999);
  EXPECT_LT(model.Odds(pattern(L::kExact, L::kDifferent, L::kDifferent, L::kDifferent)), 1e-3);
  // A pair compared under no salt: nothing tells, whatever its other levels say.
  EXPECT_EQ(model.Weight(pattern(L::kDifferent, L::kExact, L::kExact, L::kExact)), 0);
}

TEST(FellegiSunterTest, FieldsThatChangeTogetherWeighAMoveOnce) {
  // Field 0 the salt, 1 a name, 2 and 3 an address (together). A match moved in a share
  // `moves` of pairs: its two addresses then compare as an unrelated pair's (u); otherwise each
  // field agrees as m says.
  std::mt19937_64 rng(9);
  const std::array<double, 5> m = {0.9, 0.05, 0.0, 0.0, 0.05}, u = {0.05, 0.05, 0.0, 0.0, 0.9};
  auto pairs = [&](size_t n, double lambda, double moves) {
    PatternCounts counts;
    for (size_t i = 0; i < n; ++i) {
      const bool match = std::uniform_real_distribution<double>(0, 1)(rng) < lambda;
      const bool moved = match && std::uniform_real_distribution<double>(0, 1)(rng) < moves;
      const Level levels[] = {Level::kExact, Draw(rng, match ? m : u),
                              Draw(rng, match && !moved ? m : u),
                              Draw(rng, match && !moved ? m : u)};
      counts[FieldComparator::PatternOf(levels)] += 1;
    }
    return counts;
  };
  FellegiSunterModel together(kModelFields, {2, 3}), apart(kModelFields);
  for (FellegiSunterModel* model : {&together, &apart}) {
    rng.seed(10);
    model->EstimateWithin(pairs(100'000, 0.0, 0), 0.001, {0});
    // Half the candidates are matches, one in ten of them moved; the known matches (linked by
    // keys that hold the address) never moved, and do not count for the move.
    Apart(pairs(50'000, 0.5, 0.1)).Train(*model, pairs(50'000, 1.0, 0), 50'000 / 0.001);
  }
  // EM approaches the move slowly (a match that moved looks like a non-match but for its name):
  // within its 200 steps, the true 0.1 is found within a factor of two.
  EXPECT_GT(together.m_moved(), 0.05);
  EXPECT_LT(together.m_moved(), 0.2);
  using L = Level;
  auto weight = [](const FellegiSunterModel& model, std::array<L, kModelFields> levels) {
    return model.Weight(FieldComparator::PatternOf(levels));
  };
  // A move: both address fields differ. Together it weighs by its odds, moved or not, against
  // an unrelated pair's; apart it counts as two disagreements of a match that did not move.
  const double q = together.m_moved(),
               stayed = together.m(2, L::kDifferent) * together.m(3, L::kDifferent);
  EXPECT_NEAR(weight(together, {L::kExact, L::kExact, L::kDifferent, L::kDifferent}) -
                  weight(together, {L::kExact, L::kExact, L::kMissing, L::kMissing}),
              std::log2((q * 0.9 * 0.9 + (1 - q) * stayed) / (0.9 * 0.9)), 0.05);
  EXPECT_GT(weight(together, {L::kExact, L::kExact, L::kDifferent, L::kDifferent}),
            weight(apart, {L::kExact, L::kExact, L::kDifferent, L::kDifferent}) + 1);
  // A single disagreement still weighs against; agreement for.
  EXPECT_LT(weight(together, {L::kExact, L::kExact, L::kExact, L::kDifferent}),
            weight(together, {L::kExact, L::kExact, L::kExact, L::kMissing}));
  EXPECT_GT(weight(together, {L::kExact, L::kExact, L::kExact, L::kExact}),
            weight(together, {L::kExact, L::kExact, L::kExact, L::kMissing}));
  // Compared under the address (fields 2 and 3 its salt), a pair did not move: the salt weighs
  // by its m times the chance of staying, and the rest as without a move.
  FellegiSunterModel under_address(kModelFields, {2, 3}), plain(kModelFields);
  for (FellegiSunterModel* model : {&under_address, &plain}) {
    rng.seed(11);
    model->EstimateWithin(pairs(100'000, 0.0, 0), 0.001, {2, 3});
  }
  EXPECT_NEAR(weight(under_address, {L::kExact, L::kDifferent, L::kExact, L::kExact}) -
                  weight(plain, {L::kExact, L::kDifferent, L::kExact, L::kExact}),
              std::log2(1 - under_address.m_moved()), 1e-9);
  EXPECT_GT(under_address.m_moved(), 0);
}

}  // namespace
}  // namespace stapel
