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
  const MatchKeyInput input{.kind = kind, .fields = {fields.begin(), fields.end()}};
  MatchKey out;
  ComputeMany({&input, 1}, {&out, 1});
  return out;
}

void MatchKeyer::ComputeMany(std::span<const MatchKeyInput> inputs, std::span<MatchKey> out) const {
  // Each message as parts after the absorbed prefix: kind 0 field | field | ..., all in one
  // array (reserved, so the spans into it stay valid).
  size_t count = 0;  // at most: kind, separator, and each field with a "|"
  for (const MatchKeyInput& input : inputs) count += 2 + 2 * input.fields.size();
  absl::InlinedVector<std::string_view, 96> parts;
  parts.reserve(count);
  absl::InlinedVector<std::span<const std::string_view>, 12> messages;
  for (const MatchKeyInput& input : inputs) {
    const size_t first = parts.size();
    parts.push_back(input.kind);
    parts.push_back(std::string_view(&kSeparator, 1));
    for (size_t i = 0; i < input.fields.size(); ++i) {
      if (i > 0) parts.push_back("|");
      parts.push_back(input.fields[i]);
    }
    messages.emplace_back(parts.data() + first, parts.size() - first);
  }
  mac_->ComputeMany(messages, out);
}

}  // namespace stapel
