#include "linker/field_comparison.h"

#include <bit>

namespace stapel {
namespace {

// Inlined into Compare, so that they use the POPCNT instruction where Compare's clone does.
[[gnu::always_inline]] inline uint32_t Ones(const uint64_t* words, size_t n) {
  uint32_t ones = 0;
  for (size_t i = 0; i < n; ++i) ones += static_cast<uint32_t>(std::popcount(words[i]));
  return ones;
}

[[gnu::always_inline]] inline uint32_t Both(const uint64_t* a, const uint64_t* b, size_t n) {
  uint32_t both = 0;
  for (size_t i = 0; i < n; ++i) both += static_cast<uint32_t>(std::popcount(a[i] & b[i]));
  return both;
}

[[gnu::always_inline]] inline Level LevelOfDice(double dice) {
  return dice >= kExactDice   ? Level::kExact
         : dice >= kCloseDice ? Level::kClose
         : dice >= kFairDice  ? Level::kFair
                              : Level::kDifferent;
}

}  // namespace

FieldComparator::FieldComparator(const BloomSettings& settings)
    : fields_(settings.fields.size()),
      segment_(settings.SegmentWords()),
      first_names_(settings.FieldIndex("first_names")),
      later_given_names_(settings.FieldIndex("later_given_names")),
      surname_(settings.FieldIndex("surname")),
      segments_(fields_),
      part_of_(fields_) {
  const int birth_date = settings.FieldIndex("birth_date");
  const int birth_year = settings.FieldIndex("birth_year");
  if (birth_date >= 0 && birth_year >= 0) {
    year_scale_ = 1;
    for (int f = 0; f < birth_year; ++f) year_scale_ *= kLevels;
    date_scale_ = 1;
    for (int f = 0; f < birth_date; ++f) date_scale_ *= kLevels;
  }
  for (std::array<int, kSalts>& of_field : segments_) of_field.fill(-1);
  const std::vector<BloomSegment> segments = settings.Segments();
  for (size_t s = 0; s < segments.size(); ++s) {
    segments_[static_cast<size_t>(segments[s].field)][static_cast<size_t>(segments[s].salt)] =
        static_cast<int>(s);
  }
  for (size_t f = 0; f < fields_; ++f) {
    for (Salt salt : kAllSalts) {
      part_of_[f][static_cast<size_t>(salt)] = IsPartOf(settings.fields[f].name, salt);
    }
  }
}

int FieldComparator::SegmentOf(int field, Salt salt) const {
  return field < 0 ? -1 : segments_[static_cast<size_t>(field)][static_cast<size_t>(salt)];
}

std::optional<Salt> FieldComparator::SharedSalt(const uint64_t* a, const uint64_t* b) {
  for (Salt salt : kAllSalts) {
    if (TagOf(a, salt) != 0 && TagOf(a, salt) == TagOf(b, salt)) return salt;
  }
  return std::nullopt;
}

[[gnu::always_inline]] inline Level FieldComparator::LevelOf(const uint64_t* a,
                                                             const uint64_t* b, int field,
                                                             Salt salt) const {
  const int segment = SegmentOf(field, salt);
  if (segment < 0) return Level::kMissing;
  const size_t n = segment_, offset = kSalts + static_cast<size_t>(segment) * n;
  const uint64_t* fa = a + offset;
  const uint64_t* fb = b + offset;
  const uint32_t ones_a = Ones(fa, n), ones_b = Ones(fb, n);
  if (ones_a == 0 || ones_b == 0) return Level::kMissing;
  const Level level = LevelOfDice(2.0 * Both(fa, fb, n) / (ones_a + ones_b));
  if (level == Level::kExact || level == Level::kClose) return level;
  // A name in the other record's other name column.
  const int other = field == first_names_ ? surname_ : field == surname_ ? first_names_ : -1;
  const int swapped = SegmentOf(other, salt);
  if (swapped >= 0) {
    const uint64_t* fo = b + kSalts + static_cast<size_t>(swapped) * n;
    const uint32_t ones_o = Ones(fo, n);
    if (ones_o > 0 && 2.0 * Both(fa, fo, n) / (ones_a + ones_o) >= kCloseDice) {
      return Level::kSwapped;
    }
  }
  // The first given name among the other's later ones, either way.
  const int later = field == first_names_ ? SegmentOf(later_given_names_, salt) : -1;
  if (later < 0) return level;
  const size_t at = kSalts + static_cast<size_t>(later) * n;
  return Both(fa, b + at, n) == ones_a || Both(fb, a + at, n) == ones_b ? Level::kLaterName : level;
}

// Compiled twice, with and without the POPCNT instruction; the loader picks the one the
// processor supports.
__attribute__((target_clones("popcnt", "default"))) uint32_t FieldComparator::CompareCloned(
    const uint64_t* a, const uint64_t* b) const {
  const std::optional<Salt> salt = SharedSalt(a, b);
  if (!salt) return 0;  // every field missing
  const auto s = static_cast<size_t>(*salt);
  uint32_t pattern = 0, scale = 1;
  for (size_t f = 0; f < fields_; ++f, scale *= kLevels) {
    const Level level = part_of_[f][s] ? Level::kExact : LevelOf(a, b, static_cast<int>(f), *salt);
    pattern += static_cast<uint32_t>(level) * scale;
  }
  // A close date holds its year (header).
  constexpr auto kClose = static_cast<uint32_t>(Level::kClose);
  constexpr auto kExact = static_cast<uint32_t>(Level::kExact);
  if (year_scale_ != 0 && (pattern / date_scale_) % kLevels == kClose &&
      (pattern / year_scale_) % kLevels == kExact) {
    pattern -= kExact * year_scale_;
  }
  return pattern;
}

// After the clones: Clang binds a call to them only once it has seen their definition.
uint32_t FieldComparator::Compare(const uint64_t* a, const uint64_t* b) const {
  return CompareCloned(a, b);
}

Level FieldComparator::LevelOf(uint32_t pattern, size_t field) {
  for (size_t f = 0; f < field; ++f) pattern /= kLevels;
  return static_cast<Level>(pattern % kLevels);
}

uint32_t FieldComparator::PatternOf(std::span<const Level> levels) {
  uint32_t pattern = 0, scale = 1;
  for (Level l : levels) {
    pattern += static_cast<uint32_t>(l) * scale;
    scale *= kLevels;
  }
  return pattern;
}

}  // namespace stapel
