#include "encoding/hmac_sha256.h"

#include <openssl/crypto.h>

#include <cstring>

// The low-level SHA256_* functions are deprecated in OpenSSL 3 but supported; EVP contexts
// cannot be copied without an allocation, and copying is what keeps Compute allocation-free.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace stapel {

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  return PrefixedHmacSha256::Create(key, "")->Compute(
      {std::string_view(reinterpret_cast<const char*>(message.data()), message.size())});
}

std::unique_ptr<PrefixedHmacSha256> PrefixedHmacSha256::Create(std::span<const uint8_t> key,
                                                               std::string_view prefix) {
  Sha256Digest hashed_key;
  if (key.size() > SHA256_CBLOCK) {
    hashed_key = Sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
    key = hashed_key;
  }
  std::unique_ptr<PrefixedHmacSha256> mac(new PrefixedHmacSha256());
  uint8_t pad[SHA256_CBLOCK];
  auto absorb_padded_key = [&](SHA256_CTX* ctx, uint8_t value) {
    std::memset(pad, value, sizeof(pad));
    for (size_t i = 0; i < key.size(); ++i) pad[i] ^= key[i];
    SHA256_Init(ctx);
    SHA256_Update(ctx, pad, sizeof(pad));
  };
  absorb_padded_key(&mac->inner_, 0x36);
  absorb_padded_key(&mac->outer_, 0x5c);
  OPENSSL_cleanse(pad, sizeof(pad));
  OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
  SHA256_Update(&mac->inner_, prefix.data(), prefix.size());
  return mac;
}

PrefixedHmacSha256::~PrefixedHmacSha256() {
  OPENSSL_cleanse(&inner_, sizeof(inner_));
  OPENSSL_cleanse(&outer_, sizeof(outer_));
}

Sha256Digest PrefixedHmacSha256::Compute(std::span<const std::string_view> parts) const {
  SHA256_CTX ctx = inner_;
  for (std::string_view part : parts) SHA256_Update(&ctx, part.data(), part.size());
  Sha256Digest inner_hash;
  SHA256_Final(inner_hash.data(), &ctx);
  ctx = outer_;
  SHA256_Update(&ctx, inner_hash.data(), inner_hash.size());
  Sha256Digest out;
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return out;
}

}  // namespace stapel

#pragma GCC diagnostic pop
