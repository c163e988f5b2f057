#ifndef STAPEL_LINKER_LINKAGE_H_
#define STAPEL_LINKER_LINKAGE_H_

// Deterministic linkage on match keys onto the population register, in passes from the most
// precise kind down. The register's records define the persons (deduplicated on kind 0, the
// person-identifying key); every key of theirs is indexed. Another party's record links in the
// first pass whose keys point to exactly one person; a pass whose keys point to two or more
// persons (twins at one address, say) is ambiguous and links nothing, and the next pass is
// tried. A record is never linked to two persons. Hash joins over fixed-width keys; no
// allocation per record beyond the index. Thread-compatible.

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "linker/match_key.h"

namespace stapel {

struct LinkedPerson {
  uint32_t buurt = 0;       // index into the caller's buurt list
  uint64_t indicators = 0;  // bit i = indicator i
};

// One key of a record: `kind` indexes the project's kinds in precision order.
struct KeyRef {
  uint32_t kind;
  const MatchKey* key;
};

struct LinkStats {
  uint64_t records = 0;
  uint64_t linked = 0;      // source: linked to a person; register: became a person
  uint64_t duplicates = 0;  // register: a second record of a person already seen
  uint64_t ambiguous = 0;   // source: only ambiguous passes matched
  uint64_t unlinked = 0;    // source: no key matched
  std::vector<uint64_t> linked_by_kind;  // source: links made in each pass
};

class Linker {
 public:
  static constexpr int64_t kNotLinked = -1;

  explicit Linker(size_t kind_count);

  // Sizes the index for this many register records up front (optional; avoids rehashing).
  void Reserve(size_t register_records);

  // Returns the person the record became or was merged into (same kind-0 key), or kNotLinked
  // when it has no key of kind 0.
  int64_t AddRegisterRecord(std::span<const KeyRef> keys, uint32_t buurt, uint64_t indicators,
                            LinkStats* stats);
  // Call only after every register record has been added. Returns the linked person or
  // kNotLinked.
  int64_t AddSourceRecord(std::span<const KeyRef> keys, uint64_t indicators, LinkStats* stats);

  const std::vector<LinkedPerson>& persons() const { return persons_; }

 private:
  struct KeyHash {
    size_t operator()(const MatchKey& k) const {  // HMAC output is uniform: any 8 bytes do
      size_t h;
      std::memcpy(&h, k.data(), sizeof(h));
      return h;
    }
  };
  static constexpr uint32_t kAmbiguous = UINT32_MAX;
  std::vector<absl::flat_hash_map<MatchKey, uint32_t, KeyHash>> index_;  // per kind
  std::vector<LinkedPerson> persons_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_LINKAGE_H_
