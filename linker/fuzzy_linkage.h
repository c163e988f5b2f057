#ifndef STAPEL_LINKER_FUZZY_LINKAGE_H_
#define STAPEL_LINKER_FUZZY_LINKAGE_H_

// The fuzzy pass: for source records no deterministic key linked, compare keyed Bloom filters
// (Dice similarity) with the register persons that share a blocking key, and assign one to one
// by best score: the highest-scoring pair above the threshold first, each person and each
// record used at most once. Thread-compatible.

#include <cstdint>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "linker/match_key.h"

namespace stapel {

struct FuzzyMatch {
  uint64_t query;   // the caller's id of the source record
  uint32_t person;  // the register person
  float score;
};

class FuzzyMatcher {
 public:
  FuzzyMatcher(size_t words, double threshold) : words_(words), threshold_(threshold) {}

  // A register person's filter (`words` long) and blocking keys. Call once per person.
  void AddPerson(uint32_t person, std::span<const uint64_t> filter,
                 std::span<const MatchKey* const> block_keys);

  // Scores a source record against the persons sharing a blocking key and keeps the pairs at
  // or above the threshold for Assign.
  void AddQuery(uint64_t query, std::span<const uint64_t> filter,
                std::span<const MatchKey* const> block_keys);

  // Assigns one to one by best score; persons in `taken` (already linked to this source by
  // a deterministic pass) are skipped. Clears the queued pairs.
  std::vector<FuzzyMatch> Assign(const absl::flat_hash_set<uint32_t>& taken);

  uint64_t comparisons() const { return comparisons_; }

 private:
  size_t words_;
  double threshold_;
  std::vector<uint64_t> filters_;  // slot i at i * words_
  std::vector<uint32_t> ones_;     // bits set per slot
  std::vector<uint32_t> person_;   // slot -> person
  absl::flat_hash_map<MatchKey, std::vector<uint32_t>, MatchKeyHash> blocks_;  // key -> slots
  std::vector<FuzzyMatch> pairs_;
  std::vector<uint32_t> candidates_;
  std::vector<float> scores_;
  uint64_t comparisons_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FUZZY_LINKAGE_H_
