#ifndef STAPEL_TRUSTED_HUB_CONTENT_DIGEST_H_
#define STAPEL_TRUSTED_HUB_CONTENT_DIGEST_H_

// A digest of the content of a party's batches that does not depend on how it was cut into
// batches or in which order the records came: each record (with its batch's kinds and
// attributes, which give its fields their meaning) is hashed, and the hashes are added up
// modulo 2^256 (a multiset hash: the same records, however sent, give the same sum; a record
// sent twice counts twice). Sending the same export again with another batch size, or resuming
// it, keeps the data state, so the differencing guard still sees the earlier releases. The
// records are pseudonyms, so the published digest lets nobody test guesses of the counts.
// Not thread-safe.

#include <array>
#include <cstdint>
#include <string>

#include "encoding/sha256.h"
#include "proto/stapel.pb.h"

namespace stapel {

class ContentDigest {
 public:
  void AddBatch(const v1::Batch& batch);
  // Call once, at the end.
  std::string FinalHex() const;

 private:
  void AddToSum(const Sha256Digest& digest);

  std::array<uint64_t, 4> sum_{};  // little-endian lanes of a 256-bit number
  uint64_t records_ = 0;
  std::string bytes_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_CONTENT_DIGEST_H_
