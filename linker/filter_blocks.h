#ifndef STAPEL_LINKER_FILTER_BLOCKS_H_
#define STAPEL_LINKER_FILTER_BLOCKS_H_

// Blocking keys the hub derives from field-level Bloom filters (bloom_filter.h), beside the
// agents' blocking keys, so that a pair whose fields were corrupted past every agent key still
// meets: locality-sensitive hashing with MinHash over each field's set bits. For every two
// fields and each of kBands bands, a key is the pair's MinHash signatures (kRows MinHashes
// per field): two records agreeing exactly in both fields always share it, and records whose
// two fields are similar (Jaccard J1, J2 of their bits) share one with probability
// 1 - (1 - (J1 * J2)^kRows)^kBands. The two name fields are one class, taken in either order,
// so that swapped names meet. A missing field takes part in no key, and the house number only
// in the pair with the postcode (with any other field its blocks would hold half a city). Thread-safe: BlocksOf is
// const.

#include <cstdint>
#include <span>
#include <vector>

#include "linker/bloom_filter.h"

namespace stapel {

// Whether `filter` (settings.bits / 64 words) gets any block of FilterBlocker: two of its
// fields are present. A record without a match key or an agent's blocking key can still meet
// its person then.
bool HasFilterBlocks(const BloomSettings& settings, std::span<const uint64_t> filter);

class FilterBlocker {
 public:
  static constexpr int kBands = 3;
  static constexpr int kRows = 2;

  explicit FilterBlocker(const BloomSettings& settings);

  // Appends the keys of `filter` (settings.bits / 64 words) to `out`.
  void BlocksOf(const uint64_t* filter, std::vector<uint64_t>* out) const;

 private:
  size_t fields_;
  size_t segment_;              // words per field
  int house_, postcode_;        // the house number pairs with the postcode only (-1: none)
  std::vector<uint8_t> class_;  // per field: its class (the name fields share one)
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FILTER_BLOCKS_H_
