#include "linker/fuzzy_linkage.h"

#include <algorithm>

#include "linker/bloom_filter.h"

namespace stapel {

void FuzzyMatcher::AddPerson(uint32_t person, std::span<const uint64_t> filter,
                             std::span<const MatchKey* const> block_keys) {
  const uint32_t slot = static_cast<uint32_t>(person_.size());
  person_.push_back(person);
  filters_.insert(filters_.end(), filter.begin(), filter.end());
  ones_.push_back(PopCount(filter));
  for (const MatchKey* key : block_keys) blocks_[*key].push_back(slot);
}

void FuzzyMatcher::AddQuery(uint64_t query, std::span<const uint64_t> filter,
                            std::span<const MatchKey* const> block_keys) {
  candidates_.clear();
  for (const MatchKey* key : block_keys) {
    auto it = blocks_.find(*key);
    if (it != blocks_.end()) candidates_.insert(candidates_.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  scores_.resize(candidates_.size());
  DiceMany(filter.data(), PopCount(filter), filters_.data(), ones_.data(), candidates_.data(),
           candidates_.size(), words_, scores_.data());
  comparisons_ += candidates_.size();
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (scores_[i] >= threshold_) pairs_.push_back({query, person_[candidates_[i]], scores_[i]});
  }
}

std::vector<FuzzyMatch> FuzzyMatcher::Assign(const absl::flat_hash_set<uint32_t>& taken) {
  std::sort(pairs_.begin(), pairs_.end(), [](const FuzzyMatch& a, const FuzzyMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.query != b.query) return a.query < b.query;
    return a.person < b.person;
  });
  absl::flat_hash_set<uint64_t> used_queries;
  absl::flat_hash_set<uint32_t> used_persons;
  std::vector<FuzzyMatch> out;
  for (const FuzzyMatch& m : pairs_) {
    if (taken.contains(m.person) || used_persons.contains(m.person) ||
        used_queries.contains(m.query)) {
      continue;
    }
    used_queries.insert(m.query);
    used_persons.insert(m.person);
    out.push_back(m);
  }
  pairs_.clear();
  return out;
}

}  // namespace stapel
