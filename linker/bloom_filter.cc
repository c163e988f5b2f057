#include "linker/bloom_filter.h"

#include <fmt/format.h>
#include <sodium.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "encoding/hmac_sha256.h"

namespace stapel {

absl::StatusOr<std::unique_ptr<BloomEncoder>> BloomEncoder::Create(
    const SecretBytes& linkage_secret, std::string_view project_id, const BloomSettings& settings) {
  if (settings.bits < 64 || settings.bits > 8192 || settings.bits % 64 != 0) {
    return absl::InvalidArgumentError("fuzzy.bits must be a multiple of 64 from 64 to 8192");
  }
  if (settings.hashes < 1 || settings.hashes > 100) {
    return absl::InvalidArgumentError("fuzzy.hashes must be from 1 to 100");
  }
  if (settings.fields.empty() || settings.SegmentWords() == 0) {
    return absl::InvalidArgumentError("fuzzy.bits must give every field at least 64 bits");
  }
  if (linkage_secret.size() < 32) {
    return absl::InvalidArgumentError("the linkage secret needs at least 32 bytes");
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialize");
  std::unique_ptr<BloomEncoder> e(new BloomEncoder(settings));
  for (const BloomField& f : settings.fields) {
    // field key = HMAC(secret, "stapel-bloom-v2" 0 project 0 field), the name fields' "names"
    std::string label = "stapel-bloom-v2";
    (((label += '\0') += project_id) += '\0') += IsNameField(f.name) ? "names" : f.name;
    Sha256Digest mac = HmacSha256(
        std::span<const uint8_t>(linkage_secret.data(), linkage_secret.size()),
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
    SecretBytes key(mac.data(), mac.size());
    sodium_memzero(mac.data(), mac.size());
    e->field_keys_.push_back(std::move(key));
  }
  return e;
}

void BloomEncoder::Encode(std::span<const std::string> values, std::span<uint64_t> filter) const {
  std::fill(filter.begin(), filter.end(), 0);
  const size_t segment = settings_.SegmentWords();
  const uint64_t bits = segment * 64;
  for (size_t f = 0; f < settings_.fields.size() && f < values.size(); ++f) {
    uint64_t* words = filter.data() + f * segment;
    const std::string& value = values[f];
    if (value.empty()) continue;
    const int k =
        std::max(1, static_cast<int>(std::lround(settings_.hashes * settings_.fields[f].weight)));
    const std::string padded = "_" + value + "_";
    // SipHash-2-4 with 128-bit output, keyed with the first 16 bytes of the field key: a PRF
    // that is fast on inputs of two bytes.
    static_assert(crypto_shorthash_siphashx24_KEYBYTES <= sizeof(Sha256Digest));
    for (size_t i = 0; i + 2 <= padded.size(); ++i) {
      uint8_t digest[crypto_shorthash_siphashx24_BYTES];
      crypto_shorthash_siphashx24(digest, reinterpret_cast<const uint8_t*>(padded.data() + i), 2,
                                  field_keys_[f].data());
      uint64_t h1, h2;  // double hashing: position j = h1 + j * h2
      std::memcpy(&h1, digest, 8);
      std::memcpy(&h2, digest + 8, 8);
      h2 |= 1;
      for (int j = 0; j < k; ++j) {
        // Maps the 64-bit hash onto [0, bits) by multiplication rather than a slow division.
        const uint64_t x = h1 + static_cast<uint64_t>(j) * h2;
        const uint64_t bit =
            static_cast<uint64_t>((static_cast<unsigned __int128>(x) * bits) >> 64);
        words[bit / 64] |= uint64_t{1} << (bit % 64);
      }
    }
  }
}

uint32_t PopCount(std::span<const uint64_t> filter) {
  uint32_t n = 0;
  for (uint64_t w : filter) n += static_cast<uint32_t>(std::popcount(w));
  return n;
}

double Dice(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  uint32_t both = 0;
  for (size_t i = 0; i < a.size(); ++i) both += static_cast<uint32_t>(std::popcount(a[i] & b[i]));
  const uint32_t total = PopCount(a) + PopCount(b);
  return total == 0 ? 0.0 : 2.0 * both / total;
}

}  // namespace stapel
