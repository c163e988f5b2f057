#include "encoding/sha256.h"

#include "encoding/hex.h"

// OpenSSL 3 deprecates the SHA256_* functions in favour of EVP, whose contexts cannot be
// copied or kept without an allocation; the low-level ones are still supported.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace stapel {

Sha256Digest Sha256(std::string_view data) {
  Sha256Stream stream;
  stream.Update(data);
  return stream.Final();
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

Sha256Stream::Sha256Stream() { SHA256_Init(&ctx_); }

void Sha256Stream::Update(std::span<const uint8_t> data) {
  SHA256_Update(&ctx_, data.data(), data.size());
}

void Sha256Stream::Update(std::string_view data) { SHA256_Update(&ctx_, data.data(), data.size()); }

Sha256Digest Sha256Stream::Final() {
  Sha256Digest out;
  SHA256_Final(out.data(), &ctx_);
  return out;
}

std::string Sha256Stream::FinalHex() { return HexEncode(Final()); }

}  // namespace stapel

#pragma GCC diagnostic pop
