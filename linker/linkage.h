#ifndef STAPEL_LINKER_LINKAGE_H_
#define STAPEL_LINKER_LINKAGE_H_

// Exact linkage on match keys onto the population register. The register's records define
// the persons (deduplicated on the first, most precise key kind); every other party's record
// links to the person its most precise unambiguous key points to, and sets that person's
// indicator bits. A key shared by two register persons (twins at one address with the same
// initial, say) is ambiguous: it links nothing and is counted. A record is never linked to
// two persons. Hash joins over fixed-width keys; no allocation per record beyond the index.
// Thread-compatible.

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "linker/match_key.h"

namespace stapel {

struct LinkedPerson {
  uint32_t buurt = 0;       // index into the caller's buurt list
  uint64_t indicators = 0;  // bit i = indicator i
};

struct LinkStats {
  uint64_t records = 0;
  uint64_t linked = 0;      // source: linked to a person; register: became a person
  uint64_t duplicates = 0;  // register: a second record of a person already seen
  uint64_t ambiguous = 0;   // source: only ambiguous keys matched
  uint64_t unlinked = 0;    // source: no key matched
};

class Linker {
 public:
  // `kind_count` match key kinds in precision order; kind 0 identifies register persons.
  explicit Linker(size_t kind_count);

  // Sizes the index for this many register records up front (optional; avoids rehashing).
  void Reserve(size_t register_records);

  // keys[i] is the record's key of kind i, or nullptr. A register record without a key of
  // kind 0 cannot be a person and is counted as unlinked.
  void AddRegisterRecord(std::span<const MatchKey* const> keys, uint32_t buurt, uint64_t indicators,
                         LinkStats* stats);
  // Call only after every register record has been added.
  void AddSourceRecord(std::span<const MatchKey* const> keys, uint64_t indicators,
                       LinkStats* stats);

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
