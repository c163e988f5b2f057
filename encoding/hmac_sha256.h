#ifndef STAPEL_ENCODING_HMAC_SHA256_H_
#define STAPEL_ENCODING_HMAC_SHA256_H_

// HMAC-SHA256 (RFC 2104) over SHA-256's compression (encoding/sha256_compress.h), which uses
// the processor's SHA instructions. The one implementation of HMAC in Stapel: match keys,
// key-check values and Bloom field keys.

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "encoding/sha256.h"
#include "encoding/sha256_compress.h"

namespace stapel {

// One-shot HMAC-SHA256 with a key of any length.
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

// HMAC-SHA256 under one key of messages that always start with the same prefix: the key pads
// and the prefix's whole blocks are absorbed once, so a message costs only the blocks of its
// rest (the prefix's last part, the parts and the padding) and one block for the outer hash,
// without allocating when that rest is padded to at most four blocks. ComputeMany computes
// messages two at a time, about 1.4 times the throughput of one after the other with the SHA
// instructions. Intermediate values are wiped.
// Thread-safety: Compute and ComputeMany are const and may be called from many threads.
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
  // out[i] = Compute(messages[i]) for every i; out has messages.size() elements.
  void ComputeMany(std::span<const std::span<const std::string_view>> messages,
                   std::span<Sha256Digest> out) const;

 private:
  PrefixedHmacSha256() = default;
  Sha256State inner_;            // key ^ ipad and the prefix's whole blocks absorbed
  Sha256State outer_;            // key ^ opad absorbed
  uint64_t inner_absorbed_ = 0;  // bytes in inner_
  std::string prefix_tail_;      // the prefix's bytes after its whole blocks (fewer than 64)
};

}  // namespace stapel

#endif  // STAPEL_ENCODING_HMAC_SHA256_H_
