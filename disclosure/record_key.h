#ifndef STAPEL_DISCLOSURE_RECORD_KEY_H_
#define STAPEL_DISCLOSURE_RECORD_KEY_H_

// The cell key method's record keys: every linked person gets a permanent random number in
// [0, 1), held as a 32-bit fraction (key / 2^32), so that a cell's key, the sum of its
// contributors' record keys modulo 1, is their sum modulo 2^32, exact and in any order. A
// record key is HMAC-SHA256 under a secret only the hub holds, of the person's identity
// pseudonym (the register's first match key): the same person has the same key in every
// table, data state and period of an epoch, and nobody without the hub's secret can compute
// it. (A rotation of the linkage secret changes the pseudonyms and with them the keys.)
// Thread-safe: KeyOf is const.

#include <cstdint>
#include <memory>
#include <span>

#include "encoding/hmac_sha256.h"
#include "linker/match_key.h"

namespace stapel {

class RecordKeyer {
 public:
  // `hub_secret`: the hub's, kept for the project's life (the hub derives it from its storage
  // key). Used during the call only.
  static std::unique_ptr<RecordKeyer> Create(std::span<const uint8_t> hub_secret);

  uint32_t KeyOf(const MatchKey& identity) const;

 private:
  explicit RecordKeyer(std::unique_ptr<PrefixedHmacSha256> mac) : mac_(std::move(mac)) {}
  const std::unique_ptr<PrefixedHmacSha256> mac_;
};

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_RECORD_KEY_H_
