#include "linker/field_comparison.h"

#include <bit>

namespace stapel {
namespace {

inline uint32_t Ones(const uint64_t* words, size_t n) {
  uint32_t ones = 0;
  for (size_t i = 0; i < n; ++i) ones += static_cast<uint32_t>(std::popcount(words[i]));
  return ones;
}

inline double SegmentDice(const uint64_t* a, const uint64_t* b, size_t n) {
  uint32_t both = 0;
  for (size_t i = 0; i < n; ++i) both += static_cast<uint32_t>(std::popcount(a[i] & b[i]));
  const uint32_t total = Ones(a, n) + Ones(b, n);
  return total == 0 ? 0.0 : 2.0 * both / total;
}

Level LevelOfDice(double dice) {
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
      surname_(settings.FieldIndex("surname")),
      postcode_(settings.FieldIndex("postcode")),
      house_number_(settings.FieldIndex("house_number")) {}

// Compiled twice, with and without the POPCNT instruction; the loader picks the one the
// processor supports.
__attribute__((target_clones("popcnt", "default"))) uint32_t FieldComparator::Compare(
    const uint64_t* a, const uint64_t* b) const {
  uint32_t pattern = 0, scale = 1;
  for (size_t f = 0; f < fields_; ++f, scale *= kLevels) {
    const uint64_t* fa = a + f * segment_;
    const uint64_t* fb = b + f * segment_;
    Level level = Level::kMissing;
    if (Ones(fa, segment_) > 0 && Ones(fb, segment_) > 0) {
      level = LevelOfDice(SegmentDice(fa, fb, segment_));
      // A name in the other record's other name column.
      const int other = static_cast<int>(f) == first_names_ ? surname_
                        : static_cast<int>(f) == surname_   ? first_names_
                                                            : -1;
      if (other >= 0 && level != Level::kExact && level != Level::kClose &&
          SegmentDice(fa, b + static_cast<size_t>(other) * segment_, segment_) >= kCloseDice) {
        level = Level::kSwapped;
      }
    }
    pattern += static_cast<uint32_t>(level) * scale;
  }
  return pattern;
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
