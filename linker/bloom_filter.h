#ifndef STAPEL_LINKER_BLOOM_FILTER_H_
#define STAPEL_LINKER_BLOOM_FILTER_H_

// Keyed Bloom-filter encodings of identifying fields for fuzzy linkage, one per field (field-
// level Bloom filters, Schnell et al.): the filter of `bits` bits is cut into one segment per
// field, of equal whole 64-bit words (SegmentWords; words left over stay zero), and each
// field's padded bigrams are hashed into its own segment with a number of hash functions
// proportional to the field's weight. So the hub can compare field by field
// (field_comparison.h). Every hash is SipHash-2-4 (128-bit output) under a key derived
// (HMAC-SHA256) from the linkage secret, the project and the field, so the hub cannot build a
// dictionary of filters; the two name fields share one key, so that given and family names
// written in each other's column still compare. Dice similarity 2|A∩B| / (|A| + |B|) is
// computed with popcount on 64-bit words.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"

namespace stapel {

struct BloomField {
  std::string name;   // first_names, surname, birth_date, postcode, house_number
  double weight = 1;  // hash functions per bigram = round(hashes * weight)
};

struct BloomSettings {
  int bits = 1024;   // a multiple of 64, 64..8192, at least 64 per field
  int hashes = 8;    // hash functions per bigram at weight 1 (a field's segment half full)
  // The estimated precision the fuzzy pass's links must keep (fellegi_sunter.h): it links, best
  // pair first, while the links' mean match probability stays at or above this.
  double precision = 0.99;
  std::vector<BloomField> fields;

  // The words of each field's segment: field f has words [f * SegmentWords(), (f + 1) * ...).
  size_t SegmentWords() const {
    return fields.empty() ? 0 : static_cast<size_t>(bits) / 64 / fields.size();
  }
  // The position of the field called `name`, or -1 when it is not encoded.
  int FieldIndex(std::string_view name) const {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].name == name) return static_cast<int>(f);
    }
    return -1;
  }
};

// The given names and the surname: one key, one class of field (a name may be written in
// either column).
inline bool IsNameField(std::string_view name) { return name == "first_names" || name == "surname"; }

// Thread-safety: Encode is const and may be called from many threads.
class BloomEncoder {
 public:
  // INVALID_ARGUMENT for settings out of range or a secret shorter than 32 bytes.
  static absl::StatusOr<std::unique_ptr<BloomEncoder>> Create(const SecretBytes& linkage_secret,
                                                              std::string_view project_id,
                                                              const BloomSettings& settings);

  // Encodes normalized field values (aligned with settings.fields; "" = field missing) into
  // `filter` of settings.bits / 64 words.
  void Encode(std::span<const std::string> values, std::span<uint64_t> filter) const;

  size_t words() const { return static_cast<size_t>(settings_.bits) / 64; }

 private:
  explicit BloomEncoder(BloomSettings settings) : settings_(std::move(settings)) {}
  BloomSettings settings_;
  std::vector<SecretBytes> field_keys_;
};

// Dice similarity of two filters of equal length.
double Dice(std::span<const uint64_t> a, std::span<const uint64_t> b);

uint32_t PopCount(std::span<const uint64_t> filter);

}  // namespace stapel

#endif  // STAPEL_LINKER_BLOOM_FILTER_H_
