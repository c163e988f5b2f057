#ifndef STAPEL_LINKER_FIELD_COMPARISON_H_
#define STAPEL_LINKER_FIELD_COMPARISON_H_

// Comparison levels of two records' field-level Bloom filters (bloom_filter.h), as Splink's
// comparisons have them: per field, the Dice similarity of its segments falls into a level —
// exact, close, fair, different — or the field is missing from either record; a given or
// family name that matches the other record's other name column is "swapped", and a first given
// name found among the other's later given names is "later name". The filters are
// salted (bloom_filter.h): a pair is compared under a salt it shares (equal tags), the birth
// date first, then the address, then the names; the fields of that salt are exact, the
// others compared in their segments under it. A pair that shares no salt has every field missing:
// nothing tells whether they agree. The birth year follows from the birth date's salt
// (bloom_filter.h FollowsFrom): two records with equal dates are compared under it and the year is
// missing there. Nor does an equal year count where the dates are close: a date one character
// off holds its year in nearly every such pair, a match or not, and its year counted again
// would count one agreement twice. A differing year still counts there: in a half-full segment
// two dates of one day in different years ("1960-04-28", "2020-07-28") can come out close. So the
// year counts where the dates are not equal (another day, or one written wrong or missing),
// unless they are close and it is equal, and its m and u are those of such pairs. On harsh seeds 11
// to 15 the pairs of namesakes living apart with close dates and the same year were 17 of 19 wrong
// where the model, counting the year, gave them 0.78; without it, the wrong fuzzy links of the five
// seeds fell from 31 to 16–19 (sums of means over four to six runs), with recall the same or
// higher. A pair's levels
// together are its pattern, a whole number (field f's level is digit f in base kLevels), which is
// what the Fellegi-Sunter model (fellegi_sunter.h) weighs. Thread-safe: Compare is const.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>
#include <span>

#include "linker/bloom_filter.h"

namespace stapel {

// kLaterName: the first given name of one record is a later given name of the other's (the
// name a person goes by: "Levi" for a registered "Jan Levi"), every bit of its segment set in
// the other's later_given_names segment. Only first_names has it.
enum class Level : uint8_t { kMissing, kExact, kClose, kFair, kSwapped, kDifferent, kLaterName };
constexpr uint32_t kLevels = 7;
// Dice similarity of a field's segments at or above which it is exact, close or fair.
constexpr double kExactDice = 0.999, kCloseDice = 0.8, kFairDice = 0.6;
// Fields a pattern holds at most: kLevels ^ kMaxFields fits 32 bits.
constexpr size_t kMaxFields = 11;

class FieldComparator {
 public:
  // The fields and segments of `settings` (fields.size() <= kMaxFields).
  explicit FieldComparator(const BloomSettings& settings);

  // The pattern of filters `a` and `b` (each settings.bits / 64 words).
  uint32_t Compare(const uint64_t* a, const uint64_t* b) const;
  // The salt `a` and `b` are compared under, if any.
  static std::optional<Salt> SharedSalt(const uint64_t* a, const uint64_t* b);

  size_t fields() const { return fields_; }
  static Level LevelOf(uint32_t pattern, size_t field);
  // The same for a field index kept as -1 when the field is not encoded: missing then.
  static Level LevelOf(uint32_t pattern, int field) {
    return field < 0 ? Level::kMissing : LevelOf(pattern, static_cast<size_t>(field));
  }
  // The pattern with every field at `levels[f]`.
  static uint32_t PatternOf(std::span<const Level> levels);

 private:
  // Compare's work, built with and without POPCNT (the loader picks one), called from this
  // file alone: Clang gives the picker a name of its own, which other files cannot call.
  uint32_t CompareCloned(const uint64_t* a, const uint64_t* b) const;
  // Field `field`'s segment under `salt`, -1 when none.
  int SegmentOf(int field, Salt salt) const;
  Level LevelOf(const uint64_t* a, const uint64_t* b, int field, Salt salt) const;

  size_t fields_;
  size_t segment_;  // words per segment
  int first_names_, later_given_names_, surname_;  // -1 when not encoded
  // The place values (kLevels to the field's index) of the birth year's and the birth date's
  // digits in a pattern; 0 without both fields.
  uint32_t year_scale_ = 0, date_scale_ = 0;
  // Per field, its segment under each salt (in Salt order), -1 when none.
  std::vector<std::array<int, kSalts>> segments_;
  std::vector<std::array<bool, kSalts>> part_of_;  // per field: part of each salt
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FIELD_COMPARISON_H_
