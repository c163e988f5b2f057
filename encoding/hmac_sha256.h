#ifndef STAPEL_ENCODING_HMAC_SHA256_H_
#define STAPEL_ENCODING_HMAC_SHA256_H_

// HMAC-SHA256 (RFC 2104) over OpenSSL's SHA-256, which uses the processor's SHA instructions.
// The one implementation of HMAC in Stapel: match keys, key-check values and Bloom field keys.

#include <openssl/sha.h>

#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "encoding/sha256.h"

namespace stapel {

// One-shot HMAC-SHA256 with a key of any length.
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

// HMAC-SHA256 under one key of a message that always starts with the same prefix: the key
// pads and the prefix are absorbed once, so each Compute copies two SHA-256 states and
// absorbs only the rest, without allocating. The states are wiped on destruction.
// Thread-safety: Compute is const and may be called from many threads.
class PrefixedHmacSha256 {
 public:
  // `key` of any length (longer than a block it is hashed first, as RFC 2104 says).
  static std::unique_ptr<PrefixedHmacSha256> Create(std::span<const uint8_t> key,
                                                    std::string_view prefix);
  ~PrefixedHmacSha256();
  PrefixedHmacSha256(const PrefixedHmacSha256&) = delete;
  PrefixedHmacSha256& operator=(const PrefixedHmacSha256&) = delete;

  // HMAC of prefix followed by every part, in order.
  Sha256Digest Compute(std::span<const std::string_view> parts) const;
  Sha256Digest Compute(std::initializer_list<std::string_view> parts) const {
    return Compute(std::span<const std::string_view>(parts.begin(), parts.size()));
  }

 private:
  PrefixedHmacSha256() = default;
  SHA256_CTX inner_;  // key ^ ipad and the prefix absorbed
  SHA256_CTX outer_;  // key ^ opad absorbed
};

}  // namespace stapel

#endif  // STAPEL_ENCODING_HMAC_SHA256_H_
