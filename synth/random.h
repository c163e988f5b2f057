#ifndef STAPEL_SYNTH_RANDOM_H_
#define STAPEL_SYNTH_RANDOM_H_

// The generator's random draws (internal to synth/). The same seed gives the same draws on
// every platform, so the same files.

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>

namespace stapel::synth {

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  // Portable draws (std:: distributions differ between standard libraries).
  uint64_t Below(uint64_t n) { return rng_() % n; }
  double Unit() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace stapel::synth

#endif  // STAPEL_SYNTH_RANDOM_H_
