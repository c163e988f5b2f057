#include "linker/match_key.h"

#include <fmt/format.h>

#include <algorithm>

namespace stapel {
namespace {

void Absorb(crypto_auth_hmacsha256_state* state, std::string_view text) {
  crypto_auth_hmacsha256_update(state, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

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

absl::StatusOr<std::unique_ptr<MatchKeyer>> MatchKeyer::Create(const SecretBytes& linkage_secret,
                                                               std::string_view project_id) {
  if (linkage_secret.size() < 32) {
    return absl::InvalidArgumentError(fmt::format(
        "the linkage secret has {} bytes; it needs at least 32 (create it with stapel-keys)",
        linkage_secret.size()));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialize");
  std::unique_ptr<MatchKeyer> keyer(new MatchKeyer());
  crypto_auth_hmacsha256_init(&keyer->prefix_state_, linkage_secret.data(), linkage_secret.size());
  Absorb(&keyer->prefix_state_, "stapel-match-key-v1");
  crypto_auth_hmacsha256_update(&keyer->prefix_state_, &kSeparator, 1);
  Absorb(&keyer->prefix_state_, project_id);
  crypto_auth_hmacsha256_update(&keyer->prefix_state_, &kSeparator, 1);
  return keyer;
}

MatchKeyer::~MatchKeyer() { sodium_memzero(&prefix_state_, sizeof(prefix_state_)); }

MatchKey MatchKeyer::Compute(std::string_view kind, std::string_view normalized_value) const {
  crypto_auth_hmacsha256_state state = prefix_state_;
  Absorb(&state, kind);
  crypto_auth_hmacsha256_update(&state, &kSeparator, 1);
  Absorb(&state, normalized_value);
  MatchKey out;
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof(state));
  return out;
}

}  // namespace stapel
