#ifndef STAPEL_ENCODING_SHA256_H_
#define STAPEL_ENCODING_SHA256_H_

// SHA-256 (FIPS 180-4) over OpenSSL, one-shot and streaming.

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace stapel {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// Lowercase hex of Sha256(data), as the release log writes digests.
std::string Sha256Hex(std::string_view data);

// A digest over data that arrives in pieces (batches, files). Not thread-safe.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::span<const uint8_t> data);
  void Update(std::string_view data);
  // The digest of everything given so far; the stream must not be used afterwards.
  Sha256Digest Final();
  std::string FinalHex();

 private:
  SHA256_CTX ctx_;
};

}  // namespace stapel

#endif  // STAPEL_ENCODING_SHA256_H_
