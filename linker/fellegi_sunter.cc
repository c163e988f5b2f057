#include "linker/fellegi_sunter.h"

#include <algorithm>
#include <cmath>

namespace stapel {
namespace {

// Pseudo-counts that keep every level's m and u above zero (a level never seen among the pairs
// that estimate u would otherwise be infinitely telling).
constexpr double kUPrior = 0.5, kMPrior = 0.01;
// EM stops when no m and not lambda moves by more than this.
constexpr double kConverged = 1e-7;
// The match probability's bounds: a weight is finite however telling the fields.
constexpr double kMinProbability = 1e-12;

// Normalizes `counts` over the levels other than kMissing, each with `prior` added.
void Normalize(std::array<double, kLevels>& counts, double prior) {
  double total = 0;
  for (size_t l = 1; l < kLevels; ++l) total += counts[l] + prior;
  for (size_t l = 1; l < kLevels; ++l) counts[l] = (counts[l] + prior) / total;
  counts[0] = 1;
}

bool Contains(const std::vector<size_t>& fields, size_t f) {
  return std::ranges::find(fields, f) != fields.end();
}

}  // namespace

FellegiSunterModel::FellegiSunterModel(size_t fields, std::vector<size_t> together)
    : fields_(fields), together_(std::move(together)) {
  // Before any data: a match is mostly exact, a non-match mostly different.
  m_.shares.assign(fields, {1, 0.70, 0.15, 0.07, 0.03, 0.05});
  m_.moved = together_.empty() ? 0 : 0.05;
  u_.shares.assign(fields, {1, 0.01, 0.02, 0.05, 0.01, 0.91});
}

bool FellegiSunterModel::MayHaveMoved(uint32_t pattern,
                                      const std::vector<size_t>& salt_fields) const {
  bool held = false;
  for (size_t f : together_) {
    if (Contains(salt_fields, f)) return false;  // compared under the address: not moved
    held = held || FieldComparator::LevelOf(pattern, f) != Level::kMissing;
  }
  return held;
}

FellegiSunterModel::Levels FellegiSunterModel::CountLevels(const PatternCounts& pairs, double prior,
                                                           const Moves* moves) const {
  Levels out{.shares = std::vector<Shares>(fields_, Shares{})};
  double held = 0, moved = 0;
  for (const auto& [pattern, n] : pairs) {
    double chance = 0;  // that the pair moved
    if (moves != nullptr && MayHaveMoved(pattern, {})) {
      const auto [stayed, elsewhere] = StayedOrMoved(*moves->m, *moves->random, pattern);
      const double a = moves->m->moved * elsewhere, b = (1 - moves->m->moved) * stayed;
      chance = a + b > 0 ? a / (a + b) : 0;
      held += n;
      moved += chance * n;
    }
    for (size_t f = 0; f < fields_; ++f) {
      const bool in_move = Contains(together_, f);
      out.shares[f][static_cast<size_t>(FieldComparator::LevelOf(pattern, f))] +=
          in_move ? (1 - chance) * n : n;
    }
  }
  for (auto& c : out.shares) Normalize(c, prior);
  if (moves != nullptr) out.moved = (moved + prior) / (held + 2 * prior);
  return out;
}

std::pair<double, double> FellegiSunterModel::StayedOrMoved(const Levels& levels,
                                                            const Levels& random,
                                                            uint32_t pattern) const {
  double stayed = 1, elsewhere = 1;
  for (size_t f : together_) {
    const auto l = static_cast<size_t>(FieldComparator::LevelOf(pattern, f));
    if (l == 0) continue;
    stayed *= levels.shares[f][l];
    elsewhere *= random.shares[f][l];
  }
  return {stayed, elsewhere};
}

double FellegiSunterModel::Likelihood(const Levels& levels, uint32_t pattern,
                                      const std::vector<size_t>& salt_fields,
                                      const Levels* random) const {
  const bool may_have_moved =
      random != nullptr && levels.moved > 0 && MayHaveMoved(pattern, salt_fields);
  double product = 1;
  for (size_t f = 0; f < fields_; ++f) {
    const auto l = static_cast<size_t>(FieldComparator::LevelOf(pattern, f));
    if (l == 0 || Contains(salt_fields, f) || (may_have_moved && Contains(together_, f))) continue;
    product *= levels.shares[f][l];
  }
  if (!may_have_moved) return product;
  const auto [stayed, elsewhere] = StayedOrMoved(levels, *random, pattern);
  return product * (levels.moved * elsewhere + (1 - levels.moved) * stayed);
}

void FellegiSunterModel::EstimateWithin(const PatternCounts& pairs, double share,
                                        std::vector<size_t> salt_fields) {
  Levels u = CountLevels(pairs, kUPrior);
  within_.push_back({.u = std::move(u),
                     .share = std::max(share, kMinProbability),
                     .salt_fields = std::move(salt_fields)});
}

const FellegiSunterModel::Within* FellegiSunterModel::WithinOf(uint32_t pattern) const {
  for (const Within& w : within_) {
    if (std::ranges::all_of(w.salt_fields, [&](size_t f) {
          return FieldComparator::LevelOf(pattern, f) == Level::kExact;
        })) {
      return &w;
    }
  }
  return nullptr;
}

double FellegiSunterModel::Weight(uint32_t pattern) const {
  const Within* within = WithinOf(pattern);
  if (within == nullptr) return 0;  // compared under no salt: every field missing
  constexpr auto kExact = static_cast<size_t>(Level::kExact);
  // The salt's fields together: their m over the chance that two persons share it (a match
  // shares its address only if it did not move); the others (a missing field counts neither
  // way) by their m, with its moves, over u among persons who share it.
  double m_salt =
      std::ranges::any_of(within->salt_fields, [&](size_t f) { return Contains(together_, f); })
          ? 1 - m_.moved
          : 1;
  for (size_t f : within->salt_fields) m_salt *= m_.shares[f][kExact];
  return std::log2(m_salt / within->share) +
         std::log2(Likelihood(m_, pattern, within->salt_fields, &within->u) /
                   Likelihood(within->u, pattern, within->salt_fields));
}

double FellegiSunterModel::Odds(uint32_t pattern) const {
  return std::exp2(Weight(pattern)) * lambda_;
}

int FellegiSunterModel::Train(const PatternCounts& candidate_pairs,
                              const PatternCounts& known_matches, double all_pairs) {
  double pairs = 0;
  for (const auto& [pattern, n] : candidate_pairs) pairs += n;
  if (pairs == 0) return 0;
  // The candidates' own model: m, their non-match levels and their share of matches.
  Levels uc = u_;
  double share = 0.1;
  int iteration = 0;
  while (iteration < kMaxIterations) {
    ++iteration;
    PatternCounts as_match = known_matches, candidates_as_match, as_non_match;
    double matches = 0;
    for (const auto& [pattern, n] : candidate_pairs) {
      const double a = share * Likelihood(m_, pattern, {}, &uc),
                   b = (1 - share) * Likelihood(uc, pattern, {});
      const double p = a + b > 0 ? a / (a + b) : 0;
      matches += p * n;
      as_match[pattern] += p * n;
      candidates_as_match[pattern] += p * n;
      as_non_match[pattern] += (1 - p) * n;
    }
    const Moves moves_now{.m = &m_, .random = &uc};
    const Moves* moves = together_.empty() ? nullptr : &moves_now;
    Levels m = CountLevels(as_match, kMPrior, moves);
    // A move's probability from the candidates alone: the known matches were linked by keys
    // that mostly hold a postcode or house number, so they hold few of the matches that moved.
    if (moves != nullptr) m.moved = CountLevels(candidates_as_match, kMPrior, moves).moved;
    uc = CountLevels(as_non_match, kMPrior);
    double moved = std::max(std::abs(matches / pairs - share), std::abs(m.moved - m_.moved));
    for (size_t f = 0; f < fields_; ++f) {
      for (size_t l = 1; l < kLevels; ++l) {
        moved = std::max(moved, std::abs(m.shares[f][l] - m_.shares[f][l]));
      }
    }
    share = std::clamp(matches / pairs, kMinProbability, 1 - kMinProbability);
    candidate_matches_ = matches;
    m_ = std::move(m);
    if (moved < kConverged) break;
  }
  lambda_ = std::clamp(candidate_matches_ / std::max(all_pairs, pairs), kMinProbability,
                       1 - kMinProbability);
  return iteration;
}

}  // namespace stapel
