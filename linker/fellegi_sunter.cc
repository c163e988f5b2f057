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

// Per field, the share of `pairs` at each level, with `prior` added to each (Normalize).
std::vector<std::array<double, kLevels>> LevelShares(const PatternCounts& pairs, size_t fields,
                                                     double prior) {
  std::vector<std::array<double, kLevels>> counts(fields, std::array<double, kLevels>{});
  for (const auto& [pattern, n] : pairs) {
    for (size_t f = 0; f < fields; ++f) {
      counts[f][static_cast<size_t>(FieldComparator::LevelOf(pattern, f))] += n;
    }
  }
  for (auto& c : counts) Normalize(c, prior);
  return counts;
}

}  // namespace

FellegiSunterModel::FellegiSunterModel(size_t fields) : fields_(fields), m_(fields), u_(fields) {
  // Before any data: a match is mostly exact, a non-match mostly different.
  for (size_t f = 0; f < fields; ++f) {
    m_[f] = {1, 0.70, 0.15, 0.07, 0.03, 0.05};
    u_[f] = {1, 0.01, 0.02, 0.05, 0.01, 0.91};
  }
}

void FellegiSunterModel::EstimateWithin(const PatternCounts& pairs, double share,
                                        std::vector<size_t> salt_fields) {
  within_.push_back({.u = LevelShares(pairs, fields_, kUPrior),
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
  // The salt's fields together: their m over the chance that two persons share it.
  double m_salt = 1;
  for (size_t f : within->salt_fields) m_salt *= m_[f][kExact];
  double weight = std::log2(m_salt / within->share);
  for (size_t f = 0; f < fields_; ++f) {
    const auto l = static_cast<size_t>(FieldComparator::LevelOf(pattern, f));
    if (l == 0 || std::ranges::find(within->salt_fields, f) != within->salt_fields.end()) continue;
    weight += std::log2(m_[f][l] / within->u[f][l]);
  }
  return weight;
}

double FellegiSunterModel::Probability(uint32_t pattern) const {
  const double odds = std::exp2(Weight(pattern)) * lambda_ / (1 - lambda_);
  return std::clamp(odds / (1 + odds), kMinProbability, 1 - kMinProbability);
}

int FellegiSunterModel::Train(const PatternCounts& candidate_pairs,
                              const PatternCounts& known_matches, double all_pairs) {
  double pairs = 0;
  for (const auto& [pattern, n] : candidate_pairs) pairs += n;
  if (pairs == 0) return 0;
  // The candidates' own model: m, their non-match levels and their share of matches.
  std::vector<Shares> uc = u_;
  double share = 0.1;
  auto factor = [&](const std::vector<Shares>& levels, uint32_t pattern) {
    double product = 1;
    for (size_t f = 0; f < fields_; ++f) {
      const auto l = static_cast<size_t>(FieldComparator::LevelOf(pattern, f));
      if (l != 0) product *= levels[f][l];
    }
    return product;
  };
  int iteration = 0;
  while (iteration < kMaxIterations) {
    ++iteration;
    std::vector<Shares> m_counts(fields_, Shares{}), u_counts(fields_, Shares{});
    double matches = 0;
    for (const auto& [pattern, n] : candidate_pairs) {
      const double a = share * factor(m_, pattern), b = (1 - share) * factor(uc, pattern);
      const double p = a + b > 0 ? a / (a + b) : 0;
      matches += p * n;
      for (size_t f = 0; f < fields_; ++f) {
        const auto l = static_cast<size_t>(FieldComparator::LevelOf(pattern, f));
        m_counts[f][l] += p * n;
        u_counts[f][l] += (1 - p) * n;
      }
    }
    for (const auto& [pattern, n] : known_matches) {
      for (size_t f = 0; f < fields_; ++f) {
        m_counts[f][static_cast<size_t>(FieldComparator::LevelOf(pattern, f))] += n;
      }
    }
    double moved = std::abs(matches / pairs - share);
    share = std::clamp(matches / pairs, kMinProbability, 1 - kMinProbability);
    candidate_matches_ = matches;
    for (size_t f = 0; f < fields_; ++f) {
      Normalize(m_counts[f], kMPrior);
      Normalize(u_counts[f], kMPrior);
      for (size_t l = 1; l < kLevels; ++l) moved = std::max(moved, std::abs(m_counts[f][l] - m_[f][l]));
      m_[f] = m_counts[f];
      uc[f] = u_counts[f];
    }
    if (moved < kConverged) break;
  }
  lambda_ = std::clamp(candidate_matches_ / std::max(all_pairs, pairs), kMinProbability,
                       1 - kMinProbability);
  return iteration;
}

}  // namespace stapel
