#include "linker/fellegi_sunter.h"

#include <algorithm>
#include <cmath>

namespace stapel {
namespace {

// Pseudo-counts that keep every level's m and u above zero (a level never seen among the pairs
// that estimate u would otherwise be infinitely telling).
constexpr double kUPrior = 0.5, kMPrior = 0.01;
// EM stops when no m moves by more than this, nor lambda by more than this share of itself.
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
  // Before any data: a match is mostly exact.
  m_.shares.assign(fields, {1, 0.70, 0.15, 0.07, 0.03, 0.03, 0.02});  // in Level's order
  m_.moved = together_.empty() ? 0 : 0.05;
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
                                                           const Levels* moves) const {
  Levels out{.shares = std::vector<Shares>(fields_, Shares{})};
  double held = 0, moved = 0;
  for (const auto& [pattern, n] : pairs) {
    double chance = 0;  // that the pair moved
    const Within* within = moves != nullptr ? WithinOf(pattern) : nullptr;
    if (within != nullptr && MayHaveMoved(pattern, within->salt_fields)) {
      const auto [stayed, elsewhere] = StayedOrMoved(*moves, within->u, pattern);
      const double a = moves->moved * elsewhere, b = (1 - moves->moved) * stayed;
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

int FellegiSunterModel::Train(std::span<const uint32_t> patterns,
                              std::span<const CandidatePair> pairs, size_t records,
                              const PatternCounts& known_matches, double all_pairs) {
  if (pairs.empty() || records == 0 || within_.empty()) return 0;
  all_pairs = std::max(all_pairs, static_cast<double>(pairs.size()));
  lambda_ = 0.5 * static_cast<double>(records) / all_pairs;
  matched_share_ = 0.5;
  std::vector<double> odds(patterns.size()), as_match_at(patterns.size()), sums(records);
  int iteration = 0;
  while (iteration < kMaxIterations) {
    ++iteration;
    for (size_t k = 0; k < patterns.size(); ++k) odds[k] = Odds(patterns[k]);
    std::ranges::fill(sums, 0.0);
    for (const CandidatePair& p : pairs) sums[p.record] += odds[p.pattern];
    const double none = 1 - matched_share_;
    std::ranges::fill(as_match_at, 0.0);
    double matches = 0;
    for (const CandidatePair& p : pairs) {
      const double chance = odds[p.pattern] / (sums[p.record] + none);
      as_match_at[p.pattern] += chance;
      matches += chance;
    }
    PatternCounts as_match = known_matches, candidates_as_match;
    for (size_t k = 0; k < patterns.size(); ++k) {
      as_match[patterns[k]] += as_match_at[k];
      candidates_as_match[patterns[k]] += as_match_at[k];
    }
    const Levels* moves = together_.empty() ? nullptr : &m_;
    Levels m = CountLevels(as_match, kMPrior, moves);
    // A move's probability from the candidates alone: the known matches were linked by keys
    // that mostly hold a postcode or house number, so they hold few of the matches that moved.
    if (moves != nullptr) m.moved = CountLevels(candidates_as_match, kMPrior, moves).moved;
    const double lambda = std::clamp(matches / all_pairs, kMinProbability, 1 - kMinProbability);
    double moved = std::max(std::abs(lambda / lambda_ - 1), std::abs(m.moved - m_.moved));
    for (size_t f = 0; f < fields_; ++f) {
      for (size_t l = 1; l < kLevels; ++l) {
        moved = std::max(moved, std::abs(m.shares[f][l] - m_.shares[f][l]));
      }
    }
    lambda_ = lambda;
    candidate_matches_ = matches;
    matched_share_ = matches / static_cast<double>(records + 1);
    m_ = std::move(m);
    if (moved < kConverged) break;
  }
  return iteration;
}

}  // namespace stapel
