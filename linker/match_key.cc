#include "linker/match_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "absl/container/inlined_vector.h"
#include "encoding/hex.h"

namespace stapel {
namespace {

constexpr char kSeparator = 0;

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

std::string KeyCheckValue(const SecretBytes& linkage_secret, std::string_view project_id) {
  std::string message = "stapel-key-check-v1";
  message += kSeparator;
  message += project_id;
  const MatchKey mac = HmacSha256(
      std::span<const uint8_t>(linkage_secret.data(), linkage_secret.size()),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  return HexEncode(mac);
}

absl::StatusOr<std::unique_ptr<MatchKeyer>> MatchKeyer::Create(const SecretBytes& linkage_secret,
                                                               std::string_view project_id) {
  if (linkage_secret.size() < 32) {
    return absl::InvalidArgumentError(fmt::format(
        "the linkage secret has {} bytes; it needs at least 32 (create it with stapel-keys)",
        linkage_secret.size()));
  }
  if (linkage_secret.size() > 64) {
    return absl::InvalidArgumentError("the linkage secret is longer than 64 bytes");
  }
  std::string prefix = "stapel-match-key-v1";
  ((prefix += kSeparator) += project_id) += kSeparator;
  return std::unique_ptr<MatchKeyer>(new MatchKeyer(PrefixedHmacSha256::Create(
      std::span<const uint8_t>(linkage_secret.data(), linkage_secret.size()), prefix)));
}

MatchKey MatchKeyer::Compute(std::string_view kind, std::string_view normalized_value) const {
  return Compute(kind, std::span<const std::string_view>(&normalized_value, 1));
}

MatchKey MatchKeyer::Compute(std::string_view kind,
                             std::span<const std::string_view> fields) const {
  absl::InlinedVector<std::string_view, 12> parts = {kind, std::string_view(&kSeparator, 1)};
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) parts.push_back("|");
    parts.push_back(fields[i]);
  }
  return mac_->Compute(parts);
}

}  // namespace stapel
