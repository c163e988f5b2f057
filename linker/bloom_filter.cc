#include "linker/bloom_filter.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>

#include "absl/container/inlined_vector.h"
#include "encoding/hmac_sha256.h"
#include "encoding/sha256.h"
#include "linker/bigram_hash.h"

namespace stapel {

std::string_view SaltName(Salt salt) {
  switch (salt) {
    case Salt::kBirthDate:
      return "birth date";
    case Salt::kAddress:
      return "address";
    case Salt::kNames:
      return "names";
  }
  return "?";
}

bool BloomSettings::HasSalt(Salt salt) const {
  switch (salt) {
    case Salt::kBirthDate:
      return FieldIndex("birth_date") >= 0;
    case Salt::kAddress:
      return FieldIndex("postcode") >= 0 && FieldIndex("house_number") >= 0;
    case Salt::kNames:
      return FieldIndex("first_names") >= 0 && FieldIndex("surname") >= 0 &&
             FieldIndex("birth_year") >= 0;
  }
  return false;
}

std::vector<BloomSegment> BloomSettings::Segments() const {
  std::vector<BloomSegment> out;
  for (size_t f = 0; f < fields.size(); ++f) {
    for (Salt salt : kAllSalts) {
      if (HasSalt(salt) && !IsPartOf(fields[f].name, salt) && !FollowsFrom(fields[f].name, salt)) {
        out.push_back({static_cast<int>(f), salt});
      }
    }
  }
  return out;
}

size_t BloomSettings::SegmentWords() const {
  const size_t n = Segments().size(), words = static_cast<size_t>(bits) / 64;
  return n == 0 || words <= kSalts ? 0 : (words - kSalts) / n;
}

int BloomSettings::SegmentIndex(int field, Salt salt) const {
  const std::vector<BloomSegment> segments = Segments();
  for (size_t s = 0; s < segments.size(); ++s) {
    if (segments[s].field == field && segments[s].salt == salt) return static_cast<int>(s);
  }
  return -1;
}

bool IsComparable(const BloomSettings& settings, std::span<const uint64_t> filter) {
  if (filter.size() != static_cast<size_t>(settings.bits) / 64 || filter.size() <= kSalts) {
    return false;
  }
  const bool salted = std::any_of(filter.begin(), filter.begin() + kSalts,
                                  [](uint64_t tag) { return tag != 0; });
  return salted && std::any_of(filter.begin() + kSalts, filter.end(),
                               [](uint64_t w) { return w != 0; });
}

uint32_t BloomLayout(const BloomSettings& settings) {
  // v5: a third tag word and salt, the names with the birth year. v6: the first given name
  // alone (not all of them), without a surname prefix written among the given names.
  // v7: the names salt is the first given name and the surname's last part, without the year
  // (which gets a segment under it, and the sex none).
  std::string text = fmt::format("stapel-bloom-v7|{}|{}", settings.bits, settings.hashes);
  for (const BloomField& f : settings.fields) text += fmt::format("|{}={}", f.name, f.weight);
  const Sha256Digest digest = Sha256(text);
  uint32_t layout;
  std::memcpy(&layout, digest.data(), sizeof layout);
  return layout | 1;  // 0 is "not stated"
}

namespace {

// HMAC-SHA256(secret, "stapel-bloom-v3" 0 project 0 name): a field's key ("names" for both
// name fields) or a salt's tag key ("salt:birth_date", "salt:address", "salt:names").
SecretBytes DeriveKey(const SecretBytes& secret, std::string_view project_id,
                      std::string_view name) {
  std::string label = "stapel-bloom-v3";
  (((label += '\0') += project_id) += '\0') += name;
  Sha256Digest mac = HmacSha256(
      std::span<const uint8_t>(secret.data(), secret.size()),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
  SecretBytes key(mac.data(), mac.size());
  sodium_memzero(mac.data(), mac.size());
  return key;
}

// Sets in `words` (`bits` bits) the k bit positions of a bigram whose hash is (h1, h2):
// h1 + j * (h2 | 1) for j < k, each mapped onto [0, bits) by multiplication rather than a slow
// division (as BigramBitsAtOnce does for segments of up to kMaxGatheredWords words).
void SetBigramBits(uint64_t h1, uint64_t h2, int k, uint64_t* words, uint64_t bits) {
  h2 |= 1;
  for (int j = 0; j < k; ++j) {
    const uint64_t x = h1 + static_cast<uint64_t>(j) * h2;
    const uint64_t bit = static_cast<uint64_t>((static_cast<unsigned __int128>(x) * bits) >> 64);
    words[bit / 64] |= uint64_t{1} << (bit % 64);
  }
}

// The bigrams of a record's segments, hashed kBigramsAtOnce at a time (each under its
// segment's key), and their bits set.
class BigramBits {
 public:
  // `segment_words` words per segment, from `filter`.
  BigramBits(uint64_t* filter, size_t segment_words)
      : filter_(filter), segment_words_(segment_words) {}
  ~BigramBits() {
    assert(pending_ == 0 && "Flush the bigrams added");
    sodium_memzero(keys_, sizeof keys_);
    sodium_memzero(bigrams_, sizeof bigrams_);
  }

  // Adds the bigrams of `value` padded with '_' on both sides, to set k bits each in segment
  // `segment` (at `filter` + `segment` * segment_words) under the 16-byte SipHash key `key`.
  void Add(std::string_view value, int k, size_t segment, const uint8_t* key) {
    const size_t n = value.size();  // "_value_" has n + 1 bigrams
    for (size_t i = 0; i <= n; ++i) {
      std::memcpy(keys_[pending_], key, sizeof keys_[pending_]);
      bigrams_[pending_][0] = static_cast<uint8_t>(i == 0 ? '_' : value[i - 1]);
      bigrams_[pending_][1] = static_cast<uint8_t>(i == n ? '_' : value[i]);
      words_[pending_] = filter_ + segment * segment_words_;
      k_[pending_] = k;
      if (++pending_ == kBigramsAtOnce) Flush();
    }
  }
  // Hashes the bigrams added and sets their bits.
  void Flush() {
    if (pending_ == 0) return;
    for (int b = pending_; b < kBigramsAtOnce; ++b) {  // the lanes left: the first one again
      std::memcpy(keys_[b], keys_[0], sizeof keys_[b]);
      std::memcpy(bigrams_[b], bigrams_[0], sizeof bigrams_[b]);
      k_[b] = k_[0];
    }
    if (segment_words_ <= kMaxGatheredWords) {
      uint64_t gathered[kBigramsAtOnce][kMaxGatheredWords];
      BigramBitsAtOnce(keys_, bigrams_, k_, static_cast<int>(segment_words_), gathered);
      for (int b = 0; b < pending_; ++b) {
        for (size_t w = 0; w < segment_words_; ++w) words_[b][w] |= gathered[b][w];
      }
    } else {
      uint64_t hashes[kBigramsAtOnce][2];
      HashBigramsAtOnce(keys_, bigrams_, hashes);
      for (int b = 0; b < pending_; ++b) {
        SetBigramBits(hashes[b][0], hashes[b][1], k_[b], words_[b], segment_words_ * 64);
      }
    }
    pending_ = 0;
  }

 private:
  uint64_t* filter_;
  size_t segment_words_;
  uint64_t keys_[kBigramsAtOnce][2];
  uint8_t bigrams_[kBigramsAtOnce][2];
  uint64_t* words_[kBigramsAtOnce];  // per lane: its segment's
  int k_[kBigramsAtOnce];            // per lane: its bits

  int pending_ = 0;
};

// The birth date's salt: an ISO date with its month and day in ascending order, so that a date
// with day and month swapped (a common error) keeps its salt; other values as they are.
// Appended to `salt`.
void AppendBirthDateSalt(std::string_view date, std::string* salt) {
  const size_t at = salt->size();
  salt->append(date);
  const std::string_view iso = std::string_view(*salt).substr(at);
  if (iso.size() == 10 && iso[4] == '-' && iso[7] == '-' && iso.substr(8, 2) < iso.substr(5, 2)) {
    std::swap_ranges(salt->begin() + at + 5, salt->begin() + at + 7, salt->begin() + at + 8);
  }
}

// The postcode's part of the address salt, or the house number's (its number, before any
// "-addition"): its digits in ascending order, then the rest, so that two digits typed the wrong
// way round ("5401"/"5410", "161"/"116") keep the salt. An addition is kept as it is: "12-4" and
// "14-2" are two homes. Appended to `salt`.
void AppendDigitsSorted(std::string_view text, std::string* salt) {
  const size_t addition = std::min(text.find('-'), text.size()), at = salt->size();
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  for (char c : text.substr(0, addition)) {
    if (is_digit(c)) salt->push_back(c);
  }
  std::sort(salt->begin() + static_cast<ptrdiff_t>(at), salt->end());
  for (char c : text.substr(0, addition)) {
    if (!is_digit(c)) salt->push_back(c);
  }
  salt->append(text.substr(addition));
}

}  // namespace

absl::StatusOr<std::unique_ptr<BloomEncoder>> BloomEncoder::Create(
    const SecretBytes& linkage_secret, std::string_view project_id, const BloomSettings& settings) {
  if (settings.bits < 64 || settings.bits > 8192 || settings.bits % 64 != 0) {
    return absl::InvalidArgumentError("fuzzy.bits must be a multiple of 64 from 64 to 8192");
  }
  if (settings.hashes < 1 || settings.hashes > 100) {
    return absl::InvalidArgumentError("fuzzy.hashes must be from 1 to 100");
  }
  if (!settings.HasSalt(Salt::kBirthDate) && !settings.HasSalt(Salt::kAddress)) {
    return absl::InvalidArgumentError(
        "fuzzy.weights: the fields are salted with the birth date or the address; add "
        "birth_date, or postcode and house_number");
  }
  if (settings.fields.empty() || settings.SegmentWords() == 0) {
    return absl::InvalidArgumentError("fuzzy.bits must give every segment at least 64 bits");
  }
  if (linkage_secret.size() < 32) {
    return absl::InvalidArgumentError("the linkage secret needs at least 32 bytes");
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialize");
  std::unique_ptr<BloomEncoder> e(new BloomEncoder(settings));
  for (const BloomField& f : settings.fields) {
    e->field_keys_.push_back(
        DeriveKey(linkage_secret, project_id, IsNameField(f.name) ? "names" : f.name));
  }
  for (std::string_view salt : {"salt:birth_date", "salt:address", "salt:names"}) {
    e->tag_keys_.push_back(DeriveKey(linkage_secret, project_id, salt));
  }
  return e;
}

std::vector<int> BloomEncoder::HashesPerField(const BloomSettings& settings) {
  std::vector<int> hashes;
  hashes.reserve(settings.fields.size());
  for (const BloomField& field : settings.fields) {
    hashes.push_back(std::max(1, static_cast<int>(std::lround(settings.hashes * field.weight))));
  }
  return hashes;
}

void BloomEncoder::Encode(std::span<const std::string> values, std::span<uint64_t> filter) const {
  const absl::InlinedVector<std::string_view, 16> views(values.begin(), values.end());
  Encode(views, filter);
}

void BloomEncoder::Encode(std::span<const std::string_view> values,
                          std::span<uint64_t> filter) const {
  std::fill(filter.begin(), filter.end(), 0);
  const size_t segment = segment_words_;
  // The first given name alone (a register lists them all, a source mostly writes one); the
  // later ones from the same value.
  const auto value_of = [&](int field) -> std::string_view {
    if (field < 0 || static_cast<size_t>(field) >= values.size()) return {};
    const std::string_view value = values[static_cast<size_t>(field)];
    if (field == first_names_) return value.substr(0, value.find(' '));
    if (field == later_given_names_) {
      const size_t space = value.find(' ');
      return space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
    }
    return value;
  };
  // The record's salt values, each after a letter of its own ("" when it lacks one); each
  // reserved whole first, so that no copy is left behind unwiped.
  std::string salts[kSalts];
  if (!value_of(birth_date_).empty()) {
    std::string& salt = salts[static_cast<size_t>(Salt::kBirthDate)];
    salt.reserve(value_of(birth_date_).size() + 1);
    salt = "d";
    AppendBirthDateSalt(value_of(birth_date_), &salt);
  }
  if (!value_of(postcode_).empty() && !value_of(house_number_).empty()) {
    std::string& salt = salts[static_cast<size_t>(Salt::kAddress)];
    salt.reserve(value_of(postcode_).size() + value_of(house_number_).size() + 2);
    salt = "a";
    AppendDigitsSorted(value_of(postcode_), &salt);
    salt += '\0';
    AppendDigitsSorted(value_of(house_number_), &salt);
  }
  // The names: the first given name and the surname's last part (a married name is written
  // with the partner's first, "jansen vries" for a born "de Vries", and the register holds the
  // own), in order, so that names written in each other's column keep the salt. Not the year:
  // a record whose date is lost still shares it, and the year is compared under it.
  const std::string_view first = value_of(first_names_);
  std::string_view family = value_of(surname_);
  family.remove_prefix(family.rfind(' ') + 1);  // npos + 1 is 0
  if (names_salted_ && !first.empty() && !family.empty()) {
    std::string& salt = salts[static_cast<size_t>(Salt::kNames)];
    salt.reserve(first.size() + family.size() + 2);
    salt = "n";
    salt.append(std::min(first, family)).append(1, '\0');
    salt.append(std::max(first, family));
  }
  // SipHash-2-4 with 128-bit output, keyed with the first 16 bytes of a key: a PRF that is fast
  // on inputs of two bytes. A segment's key is that PRF, under the field key, of the salt.
  static_assert(crypto_shorthash_siphashx24_KEYBYTES <= sizeof(Sha256Digest));
  static_assert(crypto_shorthash_siphashx24_BYTES == crypto_shorthash_siphashx24_KEYBYTES);
  const auto prf = [](const std::string& salt, const SecretBytes& key, uint8_t* out) {
    crypto_shorthash_siphashx24(out, reinterpret_cast<const uint8_t*>(salt.data()), salt.size(),
                                key.data());
  };
  for (size_t t = 0; t < kSalts; ++t) {
    if (salts[t].empty()) continue;
    uint8_t tag[crypto_shorthash_siphashx24_BYTES];
    prf(salts[t], tag_keys_[t], tag);
    std::memcpy(&filter[t], tag, sizeof(uint64_t));
    filter[t] |= 1;  // 0 is "no salt"
  }
  BigramBits bits(filter.data() + kSalts, segment);
  uint8_t key[crypto_shorthash_siphashx24_KEYBYTES];
  for (size_t s = 0; s < segments_.size(); ++s) {
    const auto [field, salt] = segments_[s];
    const std::string& with = salts[static_cast<size_t>(salt)];
    const std::string_view value = value_of(field);
    if (value.empty() || with.empty()) continue;
    prf(with, field_keys_[static_cast<size_t>(field)], key);
    if (field == later_given_names_) {  // each name padded as a first given name is
      for (size_t at = 0; at < value.size();) {
        const size_t end = std::min(value.find(' ', at), value.size());
        if (end > at) {
          bits.Add(value.substr(at, end - at), field_hashes_[static_cast<size_t>(field)], s, key);
        }
        at = end + 1;
      }
    } else {
      bits.Add(value, field_hashes_[static_cast<size_t>(field)], s, key);
    }
  }
  bits.Flush();
  sodium_memzero(key, sizeof(key));
  for (std::string& salt : salts) sodium_memzero(salt.data(), salt.size());
}

}  // namespace stapel
