#ifndef STAPEL_LINKER_BLOOM_FILTER_H_
#define STAPEL_LINKER_BLOOM_FILTER_H_

// Keyed Bloom-filter encodings of identifying fields for fuzzy linkage, one per field (field-
// level Bloom filters, Schnell et al.), salted per record so that the hub cannot mine them.
//
// A filter of `bits` bits starts with one tag word per salt — the birth date (its day and month
// taken in either order, so that a date with the two swapped keeps its salt), the address
// (postcode and house number, the digits of each number in any order) and, where the fields
// hold the birth year, the names (the first given name and the surname's last part in either
// order: a record whose date and address are both wrong, lost or changed, or whose surname is
// written married, still shares it) — and is then cut into segments of equal whole 64-bit words
// (SegmentWords; words left over stay zero). A tag is a keyed 64-bit hash of the
// record's value of the salt, 0 when the record lacks it: records with equal tags share the salt.
// Each field has one segment per salt it is not part of (a name two, the birth date two, the
// postcode and house number two), into which its padded bigrams are hashed with a number of hash
// functions proportional to the field's weight, under a key derived from the field's key and the
// record's value of the salt (SipHash-2-4, 128-bit output; the field keys are HMAC-SHA256 of the
// linkage secret, the project and the field, so the hub cannot build a dictionary). No segment when
// the record lacks the salt or the field.
//
// Why salted (Niedermeyer et al. 2014; Christen, Ranbaduge, Vatsalan, Schnell, "Precise and
// fast cryptanalysis for Bloom filter based privacy-preserving record linkage", 2019): with
// one key for every record, all "Jansen"s have the same surname filter, so the hub can count
// them, align the counts with a public list of common surnames, and from the filters it so
// labels learn which bit positions each bigram sets and read rarer names. Salted, a segment is
// the same in two records only when the field and the salt are, and a bit position means a
// bigram only among records with one salt value: a day of birth, an address, or a name pair
// (field_comparison.h compares a pair's fields under a salt they share, and nothing when they
// share none). The name fields share one key per salt, so that given and family names written
// in each other's column still compare, and a first given name is found among another record's
// later ones. The names' tag itself tells the hub which records share a
// first given name and surname; aligning its groups with a public list of name pairs labels the
// commonest (encoding_attack_test's frequency attack measures how many).

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
  // first_names, surname, birth_date, birth_year (FollowsFrom the birth date's salt), postcode,
  // house_number, street, place, sex, initials, later_given_names (the given names after the
  // first, from the first_names value: the name a person goes by is often one of them)
  std::string name;
  double weight = 1;  // hash functions per bigram = round(hashes * weight)
};

// A record-level salt: the birth date; the address (postcode and house number); or the names
// (the first given name and the surname's last part in either column).
enum class Salt : uint8_t { kBirthDate, kAddress, kNames };
inline constexpr size_t kSalts = 3;  // tag words at the start of a filter, in Salt order
inline constexpr Salt kAllSalts[] = {Salt::kBirthDate, Salt::kAddress, Salt::kNames};

// Whether field `name` is part of the salt's value (then it has no segment under it).
inline bool IsPartOf(std::string_view name, Salt salt) {
  switch (salt) {
    case Salt::kBirthDate:
      return name == "birth_date";
    case Salt::kAddress:
      return name == "postcode" || name == "house_number";
    case Salt::kNames:
      return name == "first_names" || name == "surname";
  }
  return false;
}

// Whether field `name`'s value follows from the salt's (the birth year from the birth date;
// the sex, nearly always, from the first given name), or is left out under it by choice to save
// room (the later given names under the names salt: its pairs' first given names agree already;
// that they would tell namesakes apart is not measured): it has no segment under the salt, and a
// pair compared under it counts it neither way (the salt's own fields weigh that agreement once).
inline bool FollowsFrom(std::string_view name, Salt salt) {
  return (salt == Salt::kBirthDate && name == "birth_year") ||
         (salt == Salt::kNames && (name == "sex" || name == "later_given_names"));
}

// The salt's name as manifests, reports and errors write it.
std::string_view SaltName(Salt salt);

struct BloomSegment {
  int field;  // its index in BloomSettings::fields
  Salt salt;
};

struct BloomSettings {
  int bits = 1024;   // a multiple of 64, 64..8192, at least 64 per segment after the tags
  int hashes = 8;    // hash functions per bigram at weight 1 (a field's segment half full)
  // The estimated precision the fuzzy pass's links must keep (fellegi_sunter.h): it links, best
  // pair first, while the links' mean match probability stays at or above this.
  double precision = 0.99;
  std::vector<BloomField> fields;

  // Whether the fields hold the salt's value (birth_date; postcode and house_number;
  // first_names and surname, with birth_year: a manifest without the year keeps to two salts).
  bool HasSalt(Salt salt) const;
  // The filter's segments in order: each field under each salt the fields hold and it is not
  // part of.
  std::vector<BloomSegment> Segments() const;
  // Words per segment: segment s has words [kSalts + s * SegmentWords(), ...).
  size_t SegmentWords() const;
  // The index of field `field`'s segment under `salt`, or -1 when there is none.
  int SegmentIndex(int field, Salt salt) const;
  // The position of the field called `name`, or -1 when it is not encoded.
  int FieldIndex(std::string_view name) const {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].name == name) return static_cast<int>(f);
    }
    return -1;
  }
};

// The fields of an address that a move changes together (a move within a town keeps the place):
// the Fellegi-Sunter model weighs them all differing as one event (fellegi_sunter.h).
inline bool ChangesInAMove(std::string_view name) {
  return name == "postcode" || name == "house_number" || name == "street";
}

// The given names and the surname: one key, one class of field (a name may be written in
// either column, and the name a person goes by may be a later given name).
inline bool IsNameField(std::string_view name) {
  return name == "first_names" || name == "surname" || name == "later_given_names";
}

// The tag of `salt` in `filter`: 0 when the record lacks it.
inline uint64_t TagOf(const uint64_t* filter, Salt salt) { return filter[static_cast<size_t>(salt)]; }

// Whether the fuzzy pass can compare `filter` (settings.bits / 64 words) with anyone: it has a
// salt and a field encoded under it.
bool IsComparable(const BloomSettings& settings, std::span<const uint64_t> filter);

// The layout of filters encoded with `settings`, as batches state it (proto Batch.bloom_layout):
// a fingerprint (never 0) of this encoding's version and the settings' bits, hashes, fields and
// weights. Filters of another layout set other bits for the same values.
uint32_t BloomLayout(const BloomSettings& settings);

// Thread-safety: Encode is const and may be called from many threads.
class BloomEncoder {
 public:
  // INVALID_ARGUMENT for settings out of range, fields without a salt to encode them under
  // (birth_date, or postcode and house_number, are needed), or a secret shorter than 32 bytes.
  static absl::StatusOr<std::unique_ptr<BloomEncoder>> Create(const SecretBytes& linkage_secret,
                                                              std::string_view project_id,
                                                              const BloomSettings& settings);

  // Encodes normalized field values (aligned with settings.fields; "" = field missing) into
  // `filter` of settings.bits / 64 words. Values are folded as the agent folds them (no leading
  // space, no space but between given names and between a surname's parts). first_names may
  // hold several names, one space between them (FirstInitial's folding): the first alone is
  // encoded and salts the names, so that a register's "jan hendrik" and a source's "jan" compare
  // exact and share the names salt. A surname's parts ("jansen vries", without prefixes) are
  // encoded together; its last part salts the names, as a married name is written with the
  // partner's name first ("Jansen-de Vries" for a born "de Vries").
  void Encode(std::span<const std::string_view> values, std::span<uint64_t> filter) const;
  // The same for values held as strings.
  void Encode(std::span<const std::string> values, std::span<uint64_t> filter) const;

  size_t words() const { return static_cast<size_t>(settings_.bits) / 64; }

 private:
  // round(hashes * weight), at least 1, per field.
  static std::vector<int> HashesPerField(const BloomSettings& settings);
  explicit BloomEncoder(BloomSettings settings)
      : settings_(std::move(settings)),
        segments_(settings_.Segments()),
        segment_words_(settings_.SegmentWords()),
        field_hashes_(HashesPerField(settings_)),
        birth_date_(settings_.FieldIndex("birth_date")),
        postcode_(settings_.FieldIndex("postcode")),
        house_number_(settings_.FieldIndex("house_number")),
        first_names_(settings_.FieldIndex("first_names")),
        later_given_names_(settings_.FieldIndex("later_given_names")),
        surname_(settings_.FieldIndex("surname")),
        names_salted_(settings_.HasSalt(Salt::kNames)) {}
  BloomSettings settings_;
  std::vector<BloomSegment> segments_;
  size_t segment_words_;
  std::vector<int> field_hashes_;        // per field: hash functions per bigram
  std::vector<SecretBytes> field_keys_;  // per field
  std::vector<SecretBytes> tag_keys_;    // per salt
  int birth_date_, postcode_, house_number_;  // their fields, -1 when not encoded
  int first_names_, later_given_names_, surname_;
  bool names_salted_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_BLOOM_FILTER_H_
