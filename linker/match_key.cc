#include "linker/match_key.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "keys/key_file.h"

namespace stapel {
namespace {

constexpr uint8_t kSeparator = 0;

}  // namespace

const std::vector<std::string_view>& KnownMatchKeyKinds() {
  static const std::vector<std::string_view> kKinds = {
      kMatchKeyBsn, kMatchKeySurnameBirthPostcode, kMatchKeyInitialSurnameBirth,
      kMatchKeyBirthPostcodeHouse, kMatchKeyInitialSurnamePostcodeHouse};
  return kKinds;
}

bool IsKnownMatchKeyKind(std::string_view kind) {
  const auto& kinds = KnownMatchKeyKinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

MatchKey HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, message.data(), message.size());
  MatchKey out;
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof(state));
  return out;
}

std::string KeyCheckValue(const SecretBytes& linkage_secret, std::string_view project_id) {
  std::string message = "stapel-key-check-v1";
  message += static_cast<char>(kSeparator);
  message += project_id;
  const MatchKey mac = HmacSha256(
      std::span<const uint8_t>(linkage_secret.data(), linkage_secret.size()),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  return HexEncode(mac);
}

// OpenSSL 3 deprecates the SHA256_* functions in favour of EVP, whose contexts cannot be
// copied without an allocation; the low-level ones are still supported and are what makes the
// per-record path allocation-free.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

absl::StatusOr<std::unique_ptr<MatchKeyer>> MatchKeyer::Create(const SecretBytes& linkage_secret,
                                                               std::string_view project_id) {
  if (linkage_secret.size() < 32) {
    return absl::InvalidArgumentError(fmt::format(
        "the linkage secret has {} bytes; it needs at least 32 (create it with stapel-keys)",
        linkage_secret.size()));
  }
  if (linkage_secret.size() > SHA256_CBLOCK) {
    return absl::InvalidArgumentError("the linkage secret is longer than 64 bytes");
  }
  std::unique_ptr<MatchKeyer> keyer(new MatchKeyer());
  uint8_t pad[SHA256_CBLOCK];
  auto padded_key = [&](uint8_t value) {
    std::memset(pad, value, sizeof(pad));
    for (size_t i = 0; i < linkage_secret.size(); ++i) pad[i] ^= linkage_secret.data()[i];
  };
  padded_key(0x36);
  SHA256_Init(&keyer->inner_);
  SHA256_Update(&keyer->inner_, pad, sizeof(pad));
  padded_key(0x5c);
  SHA256_Init(&keyer->outer_);
  SHA256_Update(&keyer->outer_, pad, sizeof(pad));
  OPENSSL_cleanse(pad, sizeof(pad));
  SHA256_Update(&keyer->inner_, "stapel-match-key-v1", 19);
  SHA256_Update(&keyer->inner_, &kSeparator, 1);
  SHA256_Update(&keyer->inner_, project_id.data(), project_id.size());
  SHA256_Update(&keyer->inner_, &kSeparator, 1);
  return keyer;
}

MatchKeyer::~MatchKeyer() {
  OPENSSL_cleanse(&inner_, sizeof(inner_));
  OPENSSL_cleanse(&outer_, sizeof(outer_));
}

MatchKey MatchKeyer::Compute(std::string_view kind, std::string_view normalized_value) const {
  SHA256_CTX ctx = inner_;
  SHA256_Update(&ctx, kind.data(), kind.size());
  SHA256_Update(&ctx, &kSeparator, 1);
  SHA256_Update(&ctx, normalized_value.data(), normalized_value.size());
  MatchKey inner_hash;
  SHA256_Final(inner_hash.data(), &ctx);
  ctx = outer_;
  SHA256_Update(&ctx, inner_hash.data(), inner_hash.size());
  MatchKey out;
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return out;
}

#pragma GCC diagnostic pop

}  // namespace stapel
