#include "linker/filter_blocks.h"

#include <algorithm>
#include <array>
#include <bit>
#include <tuple>

namespace stapel {
namespace {

// SplitMix64's finalizer: a fixed, well-mixed hash of a 64-bit value.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

constexpr int kHashes = FilterBlocker::kBands * FilterBlocker::kRows;

// The field's MinHash signatures: for hash h, the least Mix(position, h) over its set bits.
// All zero when the field is missing.
std::array<uint64_t, kHashes> MinHashes(const uint64_t* words, size_t n) {
  std::array<uint64_t, kHashes> min;
  min.fill(UINT64_MAX);
  bool any = false;
  for (size_t w = 0; w < n; ++w) {
    for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
      any = true;
      const uint64_t position = w * 64 + static_cast<uint64_t>(std::countr_zero(bits));
      for (int h = 0; h < kHashes; ++h) {
        min[static_cast<size_t>(h)] =
            std::min(min[static_cast<size_t>(h)], Mix(position * kHashes + static_cast<uint64_t>(h)));
      }
    }
  }
  if (!any) min.fill(0);
  return min;
}

}  // namespace

bool HasFilterBlocks(const BloomSettings& settings, std::span<const uint64_t> filter) {
  const size_t segment = settings.SegmentWords();
  size_t present = 0;
  for (size_t f = 0; f < settings.fields.size() && (f + 1) * segment <= filter.size(); ++f) {
    present += std::any_of(filter.begin() + static_cast<ptrdiff_t>(f * segment),
                           filter.begin() + static_cast<ptrdiff_t>((f + 1) * segment),
                           [](uint64_t w) { return w != 0; });
  }
  return present >= 2;
}

FilterBlocker::FilterBlocker(const BloomSettings& settings)
    : fields_(settings.fields.size()),
      segment_(settings.SegmentWords()),
      house_(settings.FieldIndex("house_number")),
      postcode_(settings.FieldIndex("postcode")) {
  for (size_t f = 0; f < fields_; ++f) {
    class_.push_back(IsNameField(settings.fields[f].name) ? 0 : static_cast<uint8_t>(f + 1));
  }
}

void FilterBlocker::BlocksOf(const uint64_t* filter, std::vector<uint64_t>* out) const {
  std::vector<std::array<uint64_t, kHashes>> signatures;
  for (size_t f = 0; f < fields_; ++f) {
    signatures.push_back(MinHashes(filter + f * segment_, segment_));
  }
  for (size_t a = 0; a < fields_; ++a) {
    for (size_t b = a + 1; b < fields_; ++b) {
      if (signatures[a][0] == 0 || signatures[b][0] == 0) continue;  // a field is missing
      // A house number is one of a few hundred: only with the postcode does it narrow much.
      const bool house = static_cast<int>(a) == house_ || static_cast<int>(b) == house_;
      const bool postcode = static_cast<int>(a) == postcode_ || static_cast<int>(b) == postcode_;
      if (house && !postcode) continue;
      // In class order, so that the two name fields in either column give the same key.
      size_t x = a, y = b;
      if (std::tie(class_[x], signatures[x]) > std::tie(class_[y], signatures[y])) {
        std::swap(x, y);
      }
      for (int band = 0; band < kBands; ++band) {
        uint64_t key = Mix((uint64_t{class_[x]} << 8 | class_[y]) * kBands + static_cast<uint64_t>(band));
        for (int r = 0; r < kRows; ++r) {
          const auto h = static_cast<size_t>(band * kRows + r);
          key = Mix(key ^ signatures[x][h]);
          key = Mix(key ^ signatures[y][h]);
        }
        out->push_back(key);
      }
    }
  }
}

}  // namespace stapel
