#include "linker/bigram_hash.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace stapel {
namespace {

// Eight 64-bit lanes (GCC and Clang vector extensions): one SipHash state word per message.
typedef uint64_t Lanes __attribute__((vector_size(64)));

}  // namespace

// SipHash's words are little-endian; the filters must be the same on every party.
static_assert(std::endian::native == std::endian::little);

// Macros rather than functions: a function returning Lanes would change the ABI of the
// clone built without AVX.
#define STAPEL_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define STAPEL_SIPROUND()                                                   \
  do {                                                                      \
    v0 += v1, v1 = STAPEL_ROTL(v1, 13), v1 ^= v0, v0 = STAPEL_ROTL(v0, 32); \
    v2 += v3, v3 = STAPEL_ROTL(v3, 16), v3 ^= v2;                           \
    v0 += v3, v3 = STAPEL_ROTL(v3, 21), v3 ^= v0;                           \
    v2 += v1, v1 = STAPEL_ROTL(v1, 17), v1 ^= v2, v2 = STAPEL_ROTL(v2, 32); \
  } while (0)

namespace {

// The digests' first and second words of the eight messages (HashBigramsAtOnce).
inline __attribute__((always_inline)) void Hash(const uint64_t (*keys)[2],
                                                const uint8_t (*messages)[2], Lanes& first,
                                                Lanes& second) {
  static_assert(kBigramsAtOnce == 8);
  Lanes k0, k1, b;
  for (int i = 0; i < kBigramsAtOnce; ++i) {
    k0[i] = keys[i][0];
    k1[i] = keys[i][1];
    // The one block of a two-byte message: its length in the top byte, then the bytes.
    b[i] = (uint64_t{2} << 56) | (uint64_t{messages[i][1]} << 8) | messages[i][0];
  }
  // The initial state; 0xee: a 128-bit output.
  Lanes v0 = k0 ^ 0x736f6d6570736575, v1 = k1 ^ (0x646f72616e646f6d ^ 0xee),
        v2 = k0 ^ 0x6c7967656e657261, v3 = k1 ^ 0x7465646279746573;
  v3 ^= b;  // two compression rounds
  STAPEL_SIPROUND();
  STAPEL_SIPROUND();
  v0 ^= b;
  v2 ^= 0xee;  // four finalization rounds per 64 bits of output
  for (int r = 0; r < 4; ++r) STAPEL_SIPROUND();
  first = v0 ^ v1 ^ v2 ^ v3;
  v1 ^= 0xdd;
  for (int r = 0; r < 4; ++r) STAPEL_SIPROUND();
  second = v0 ^ v1 ^ v2 ^ v3;
}

// BigramBitsAtOnce for segments of kWords words, all eight lanes in step: position j of each.
template <int kWords>
inline __attribute__((always_inline)) void Gather(const Lanes& h1, const Lanes& h2, const int* k,
                                                  uint64_t (*out)[kMaxGatheredWords]) {
  static_assert(kWords >= 1 && kWords < 8);
  Lanes positions, x = h1, step = h2 | 1;
  int most = 0;
  for (int i = 0; i < kBigramsAtOnce; ++i) {
    positions[i] = static_cast<uint64_t>(k[i]);
    most = std::max(most, k[i]);
  }
  Lanes gathered[kWords] = {};
  for (int j = 0; j < most; ++j, x += step) {
    // (x * 64 * kWords) >> 64 = (x * kWords) >> 58 without a 128-bit product: with x = 8a + r
    // (r < 8), (a * kWords + ((r * kWords) >> 3)) >> 55 is the same, since the two sums it
    // floors, (8a + r) * kWords and 8 (a * kWords + floor(r * kWords / 8)), differ by less than
    // 8 and the second is a multiple of 8.
    const Lanes bit = (((x >> 3) * kWords + (((x & 7) * kWords) >> 3)) >> 55);
    // The bit within its word, in lanes still short of their k; a comparison is -1 or 0.
    const Lanes mask = (Lanes{1, 1, 1, 1, 1, 1, 1, 1} << (bit & 63)) & (Lanes)(positions > j);
    const Lanes word = bit >> 6;
    for (int w = 0; w < kWords; ++w) gathered[w] |= mask & (Lanes)(word == w);
  }
  for (int i = 0; i < kBigramsAtOnce; ++i) {
    for (int w = 0; w < kWords; ++w) out[i][w] = gathered[w][i];
  }
}

}  // namespace

// On x86-64 builds for AVX-512 and AVX2 too, picked at start where the CPU has them (AVX-512
// rotates a lane in one instruction).
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void HashBigramsAtOnce(const uint64_t (*keys)[2], const uint8_t (*messages)[2],
                       uint64_t (*out)[2]) {
  Lanes first, second;
  Hash(keys, messages, first, second);
  for (int i = 0; i < kBigramsAtOnce; ++i) {
    out[i][0] = first[i];
    out[i][1] = second[i];
  }
}

#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void BigramBitsAtOnce(const uint64_t (*keys)[2], const uint8_t (*messages)[2], const int* k,
                      int words, uint64_t (*out)[kMaxGatheredWords]) {
  Lanes first, second;
  Hash(keys, messages, first, second);
  switch (words) {
    case 1:
      Gather<1>(first, second, k, out);
      break;
    case 2:
      Gather<2>(first, second, k, out);
      break;
    case 3:
      Gather<3>(first, second, k, out);
      break;
    case 4:
      Gather<4>(first, second, k, out);
      break;
    default:
      assert(false && "words must be 1 to kMaxGatheredWords");
  }
}

#undef STAPEL_SIPROUND
#undef STAPEL_ROTL

}  // namespace stapel
