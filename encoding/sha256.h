#ifndef STAPEL_ENCODING_SHA256_H_
#define STAPEL_ENCODING_SHA256_H_

// SHA-256 (FIPS 180-4), one-shot and streaming, over its compression with the CPU's SHA
// instructions (encoding/sha256_compress.h).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "encoding/sha256_compress.h"

namespace stapel {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// Lowercase hex of Sha256(data), as the release log writes digests.
std::string Sha256Hex(std::string_view data);

// A digest over data that arrives in pieces (batches, files). Copyable (a copy goes on from
// where the original was). Not thread-safe.
class Sha256Stream {
 public:
  void Update(std::span<const uint8_t> data);
  void Update(std::string_view data);
  // Updates two distinct streams with the same data, both at once through the SHA instructions
  // (about 1.4 times the throughput of one after the other): a batch's own digest and a running
  // digest over many batches.
  static void UpdateBoth(Sha256Stream* a, Sha256Stream* b, std::string_view data);
  // The digest of everything given so far; the stream must not be used afterwards (its buffer
  // is wiped).
  Sha256Digest Final();
  std::string FinalHex();

 private:
  // Update without counting the length: the bytes fill the buffer to a block, whole blocks
  // are compressed, the rest is buffered.
  void Absorb(const uint8_t* data, size_t size);
  // Absorbs what fills the buffer to its block, if it holds a part of one; returns how much.
  size_t FillBuffer(const uint8_t* data, size_t size);

  Sha256State state_ = kSha256Initial;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;  // bytes in buffer_, fewer than 64
  uint64_t length_ = 0;  // bytes given
};

}  // namespace stapel

#endif  // STAPEL_ENCODING_SHA256_H_
