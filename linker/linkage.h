#ifndef STAPEL_LINKER_LINKAGE_H_
#define STAPEL_LINKER_LINKAGE_H_

// Deterministic linkage on match keys onto the population register, in passes from the most
// precise kind down. The register's records define the persons (deduplicated on kind 0, the
// person-identifying key); every key of theirs is indexed. Another party's record links in the
// first pass whose keys point to exactly one person; a pass whose keys point to two or more
// persons (twins at one address, say) is ambiguous and links nothing, and the next pass is
// tried. A record is never linked to two persons. Hash joins over fixed-width keys; no
// allocation per record beyond the index. After the deterministic passes an optional fuzzy
// pass (FuzzyMatcher) compares keyed Bloom filters of the records still unlinked.
// Thread-compatible.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "linker/fuzzy_linkage.h"
#include "linker/match_key.h"

namespace stapel {

// What the link indexes of a match key: its first 96 bits, in 12 bytes aligned to 4, so that
// an index entry with its person takes 16 bytes rather than 36 (at 18 million persons and five
// kinds, 2^25 slots each: about 3.3 GB less). Keys are HMAC-SHA256 outputs: two different keys
// among 10^8 share their first 96 bits with a probability below 10^-13.
using KeyPrefix = std::array<uint32_t, 3>;
inline KeyPrefix PrefixOf(const MatchKey& key) {
  KeyPrefix prefix;
  std::memcpy(prefix.data(), key.data(), sizeof prefix);
  return prefix;
}
struct KeyPrefixHash {
  size_t operator()(const KeyPrefix& k) const {
    size_t h;
    std::memcpy(&h, k.data(), sizeof(h));
    return h;
  }
};

struct LinkedPerson {
  static constexpr uint32_t kNoHousehold = UINT32_MAX;
  uint32_t buurt = 0;                 // index into the caller's buurt list
  uint64_t indicators = 0;            // bit i = indicator i
  uint32_t household = kNoHousehold;  // persons at one address share a household
  uint32_t record_key = 0;  // the cell key method's (disclosure/record_key.h); 0 until set
};

// One key of a record: `kind` indexes the project's kinds in precision order.
struct KeyRef {
  uint32_t kind;
  const MatchKey* key;
};

struct LinkStats {
  uint64_t records = 0;
  uint64_t linked = 0;                   // source: linked to a person; register: became a person
  uint64_t duplicates = 0;               // register: a second record of a person already seen
  uint64_t ambiguous = 0;                // source: only ambiguous passes matched
  uint64_t unlinked = 0;                 // source: no key matched
  std::vector<uint64_t> linked_by_kind;  // source: links made in each pass
  uint64_t linked_fuzzy = 0;             // source: links made by the fuzzy pass (FinishSource)
  FuzzyEstimate fuzzy;                   // source: what the fuzzy pass's model says of them
};

// What the fuzzy pass's model (fuzzy_linkage.h) says of a source party's links, without
// ground truth. It takes the deterministic passes' links as right (their keys are the very
// fields, and ambiguous keys link nothing) and knows only the matches among the records that
// had a candidate: a record that shares no salt with its person is invisible to it.
struct LinkEstimate {
  double precision = 1;  // expected right links / links
  double recall = 1;     // expected right links / (those + expected matches left unlinked)
};

LinkEstimate EstimateQuality(const LinkStats& source);

class Linker {
 public:
  static constexpr int64_t kNotLinked = -1;

  explicit Linker(size_t kind_count);

  // Turns on the fuzzy pass with the project's filter settings; call before adding records.
  void EnableFuzzy(const BloomSettings& settings);

  // Sizes the index for this many register records up front, and with `filters` the fuzzy
  // pass's store of their filters (optional; avoids rehashing and copying).
  void Reserve(size_t register_records, bool filters = false);

  // Returns the person the record became or was merged into (same kind-0 key), or kNotLinked
  // when it has no key of kind 0. `filter`: the new person's, when the pass is on (empty: none);
  // `household`: the pseudonymized address key that groups persons into households.
  int64_t AddRegisterRecord(std::span<const KeyRef> keys, uint32_t buurt, uint64_t indicators,
                            LinkStats* stats, std::span<const uint64_t> filter = {},
                            const MatchKey* household = nullptr);
  // Gives `person` (AddRegisterRecord's) its record key.
  void SetRecordKey(int64_t person, uint32_t key) { persons_[static_cast<size_t>(person)].record_key = key; }
  // Call only after every register record has been added, and FinishSource after each
  // source party. Returns the person linked by a deterministic pass, or kNotLinked; with
  // a `filter`, a pass does not link a person whose fields the record plainly contradicts
  // (FuzzyMatcher::AddKnownMatch), and an unlinked record (not an ambiguous one) waits for the
  // fuzzy pass as `record_id`.
  int64_t AddSourceRecord(std::span<const KeyRef> keys, uint64_t indicators, LinkStats* stats,
                          std::span<const uint64_t> filter = {}, uint64_t record_id = 0);
  // Runs the fuzzy pass over the waiting records of the current source party: one to one, by
  // match probability (fuzzy_linkage.h), never onto a person the party already linked to by a
  // deterministic key.
  // Returns each link made, its query the record's `record_id`.
  std::vector<FuzzyMatch> FinishSource(LinkStats* stats);
  uint64_t fuzzy_comparisons() const { return fuzzy_ ? fuzzy_->comparisons() : 0; }

  const std::vector<LinkedPerson>& persons() const { return persons_; }

 private:
  static constexpr uint32_t kAmbiguous = UINT32_MAX;
  std::vector<absl::flat_hash_map<KeyPrefix, uint32_t, KeyPrefixHash>> index_;  // per kind
  std::vector<LinkedPerson> persons_;
  absl::flat_hash_map<KeyPrefix, uint32_t, KeyPrefixHash> households_;  // address -> household
  std::optional<FuzzyMatcher> fuzzy_;
  absl::flat_hash_set<uint32_t> taken_;                 // persons the current source linked
  std::vector<std::pair<uint64_t, uint64_t>> waiting_;  // (record id, indicators) per query
};

}  // namespace stapel

#endif  // STAPEL_LINKER_LINKAGE_H_
