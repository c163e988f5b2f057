#ifndef STAPEL_LINKER_FUZZY_LINKAGE_H_
#define STAPEL_LINKER_FUZZY_LINKAGE_H_

// The fuzzy pass: for source records no deterministic key linked, compare field-level keyed
// Bloom filters (field_comparison.h) with the register persons that share a blocking key (the
// agents' keys, and the hub's own from the filters: filter_blocks.h),
// weigh each pair with a Fellegi-Sunter model estimated from these very records
// (fellegi_sunter.h: u from random pairs, m by EM over the candidate pairs), and assign one to
// one by best match weight: the best pair first, each person and each record used at most
// once, no pair less likely a match than not. The links stop where their estimated precision
// (the mean match probability of the links made) would fall below the target. Deterministic:
// the same records added in the same order give the same links. Thread-compatible.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "linker/bloom_filter.h"
#include "linker/fellegi_sunter.h"
#include "linker/field_comparison.h"
#include "linker/filter_blocks.h"
#include "linker/match_key.h"

namespace stapel {

struct FuzzyMatch {
  uint64_t query;     // the caller's id of the source record
  uint32_t person;    // the register person
  float probability;  // the model's match probability of the pair
};

// What the model says of the links it made, without ground truth.
struct FuzzyEstimate {
  double expected_right = 0;   // the sum of the links' match probabilities
  double expected_missed = 0;  // matches expected among the records' candidates, not linked
};

class FuzzyMatcher {
 public:
  // `settings`: the project's (its fields, segments and precision target).
  explicit FuzzyMatcher(const BloomSettings& settings);

  // A register person's filter (settings.bits / 64 words) and blocking keys. Call once per
  // person.
  void AddPerson(uint32_t person, std::span<const uint64_t> filter,
                 std::span<const MatchKey* const> block_keys);

  // Queues a source record: Assign compares it with the persons sharing a blocking key.
  void AddQuery(uint64_t query, std::span<const uint64_t> filter,
                std::span<const MatchKey* const> block_keys);

  // A record of the source that a deterministic key linked to `person` (AddPerson's): a
  // known match, which anchors the model's m (FellegiSunterModel::Train).
  void AddKnownMatch(uint32_t person, std::span<const uint64_t> filter);

  // Estimates the model over the queued records, then assigns one to one by best weight;
  // persons in `taken` (already linked to this source by a deterministic pass) are skipped.
  // Clears the queued records. `estimate` (optional) receives what the model says of the links.
  std::vector<FuzzyMatch> Assign(const absl::flat_hash_set<uint32_t>& taken,
                                 FuzzyEstimate* estimate = nullptr);

  uint64_t comparisons() const { return comparisons_; }
  // Blocks left out because they held more than kLargestBlock persons (a very common name and
  // birth year, say).
  uint64_t oversized_blocks() const { return oversized_blocks_; }

  // Random pairs drawn per Assign to estimate u (fewer when there are fewer pairs).
  static constexpr size_t kRandomPairs = 200'000;
  // A block (an agent's or of the filters) with more persons than this gives no candidates: it
  // would cost comparisons in proportion to the register and tell little. It bounds a
  // record's candidates: at most kLargestBlock per block.
  static constexpr size_t kLargestBlock = 1'000;
  // Persons of one address whose pairs estimate u among persons who share an address.
  static constexpr size_t kLargestAddress = 20;

 private:
  // Adds the pairs of the queued records and the persons that share a block of their
  // filters, where the block holds at most kLargestBlock persons.
  void FindFilterBlockPairs();
  // The model's u among register persons who share an address, when both address fields
  // are encoded (FellegiSunterModel::EstimateHousehold).
  void EstimateHousehold(FellegiSunterModel* model);
  // The patterns of register pairs at one address (at most kLargestAddress persons of each)
  // and the share of all pairs of persons such pairs are.
  struct Households {
    PatternCounts pairs;
    double share = 0;
  };
  Households CountHouseholds() const;

  struct Pair {
    uint32_t query;  // index into queries_
    uint32_t slot;   // the person's slot
    uint32_t pattern;  // set by Assign
  };
  size_t words_;
  double precision_;
  FieldComparator comparator_;
  FilterBlocker blocker_;
  std::vector<uint64_t> filters_;  // slot i at i * words_
  std::vector<uint32_t> person_;   // slot -> person
  absl::flat_hash_map<uint32_t, uint32_t> slot_of_;  // person -> slot
  PatternCounts known_;            // the known matches' patterns
  // CountHouseholds, once for every source (reset by AddPerson).
  std::optional<Households> households_;
  absl::flat_hash_map<MatchKey, std::vector<uint32_t>, MatchKeyHash> blocks_;  // key -> slots
  // The queued records' filter blocks (key -> queries): records are few beside the register,
  // so the register's blocks are found by scanning it once (FindFilterBlockPairs), not kept.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> query_blocks_;
  std::vector<uint64_t> keys_;  // scratch: a record's filter blocks
  std::vector<uint64_t> query_filters_;  // query i at i * words_
  std::vector<uint64_t> queries_;        // index -> the caller's id
  std::vector<Pair> pairs_;
  uint64_t comparisons_ = 0;
  uint64_t oversized_blocks_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FUZZY_LINKAGE_H_
