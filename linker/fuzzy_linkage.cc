#include "linker/fuzzy_linkage.h"

#include <algorithm>
#include <random>

#include "linker/fellegi_sunter.h"

namespace stapel {

FuzzyMatcher::FuzzyMatcher(const BloomSettings& settings)
    : words_(static_cast<size_t>(settings.bits) / 64),
      precision_(settings.precision),
      comparator_(settings) {}

void FuzzyMatcher::AddPerson(uint32_t person, std::span<const uint64_t> filter,
                             std::span<const MatchKey* const> block_keys) {
  const auto slot = static_cast<uint32_t>(person_.size());
  person_.push_back(person);
  filters_.insert(filters_.end(), filter.begin(), filter.end());
  for (const MatchKey* key : block_keys) blocks_[*key].push_back(slot);
}

void FuzzyMatcher::AddQuery(uint64_t query, std::span<const uint64_t> filter,
                            std::span<const MatchKey* const> block_keys) {
  const auto index = static_cast<uint32_t>(queries_.size());
  queries_.push_back(query);
  query_filters_.insert(query_filters_.end(), filter.begin(), filter.end());
  candidates_.clear();
  for (const MatchKey* key : block_keys) {
    auto it = blocks_.find(*key);
    if (it != blocks_.end()) candidates_.insert(candidates_.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  comparisons_ += candidates_.size();
  for (uint32_t slot : candidates_) {
    pairs_.push_back(
        {index, slot, comparator_.Compare(filter.data(), filters_.data() + slot * words_)});
  }
}

std::vector<FuzzyMatch> FuzzyMatcher::Assign(const absl::flat_hash_set<uint32_t>& taken,
                                             FuzzyEstimate* estimate) {
  FellegiSunterModel model(comparator_.fields());
  std::vector<FuzzyMatch> out;
  if (!pairs_.empty() && !person_.empty()) {
    // u from random pairs, drawn the same way every time.
    std::mt19937_64 rng(0x5ee7);
    PatternCounts random;
    const size_t draws = std::min<size_t>(kRandomPairs, queries_.size() * person_.size());
    for (size_t i = 0; i < draws; ++i) {
      const size_t q = rng() % queries_.size(), slot = rng() % person_.size();
      random[comparator_.Compare(query_filters_.data() + q * words_,
                                 filters_.data() + slot * words_)] += 1;
    }
    model.EstimateU(random);
    PatternCounts candidates;
    for (const Pair& p : pairs_) candidates[p.pattern] += 1;
    const int iterations = model.Train(
        candidates, static_cast<double>(queries_.size()) * static_cast<double>(person_.size()));
    // Best weight first; ties in a fixed order.
    std::vector<std::pair<double, size_t>> order;
    order.reserve(pairs_.size());
    for (size_t i = 0; i < pairs_.size(); ++i) order.emplace_back(model.Weight(pairs_[i].pattern), i);
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      const Pair &pa = pairs_[a.second], &pb = pairs_[b.second];
      return std::pair(pa.query, person_[pa.slot]) < std::pair(pb.query, person_[pb.slot]);
    });
    absl::flat_hash_set<uint32_t> used_queries, used_persons;
    double right = 0;
    for (const auto& [weight, i] : order) {
      const Pair& p = pairs_[i];
      const uint32_t person = person_[p.slot];
      const double probability = model.Probability(p.pattern);
      if (probability < 0.5) break;  // never a link less likely right than wrong
      if (taken.contains(person) || used_persons.contains(person) ||
          used_queries.contains(p.query)) {
        continue;
      }
      // Probabilities only fall from here on, so the mean only falls too.
      if (right + probability < precision_ * static_cast<double>(out.size() + 1)) break;
      used_queries.insert(p.query);
      used_persons.insert(person);
      right += probability;
      out.push_back({queries_[p.query], person, static_cast<float>(probability)});
    }
    if (estimate != nullptr) {
      // Each record has at most one match: its expected matches are capped at 1.
      std::vector<double> expected(queries_.size(), 0.0);
      for (const Pair& p : pairs_) expected[p.query] += model.Probability(p.pattern);
      double matches = 0;
      for (double e : expected) matches += std::min(1.0, e);
      *estimate = {.expected_right = right,
                   .expected_missed = std::max(0.0, matches - right),
                   .lambda = model.lambda(),
                   .em_iterations = iterations};
    }
  }
  pairs_.clear();
  queries_.clear();
  query_filters_.clear();
  return out;
}

}  // namespace stapel
