#include "linker/bigram_hash.h"

#include <bit>
#include <cstring>

namespace stapel {
namespace {

// Four 64-bit lanes (GCC and Clang vector extensions): one SipHash state word per message.
typedef uint64_t Lanes __attribute__((vector_size(32)));

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

// On x86-64 a second build of it for AVX2, picked at start where the CPU has it.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void HashBigramsAtOnce(
    const uint8_t* key, const uint8_t (*messages)[2], uint64_t (*out)[2]) {
  static_assert(kBigramsAtOnce == 4);
  uint64_t k0, k1;
  std::memcpy(&k0, key, 8);
  std::memcpy(&k1, key + 8, 8);
  // The one block of a two-byte message: its length in the top byte, then the bytes.
  const auto block = [&](int i) {
    return (uint64_t{2} << 56) | (uint64_t{messages[i][1]} << 8) | messages[i][0];
  };
  const Lanes b = {block(0), block(1), block(2), block(3)};
  // The initial state; 0xee: a 128-bit output.
  const uint64_t s0 = k0 ^ 0x736f6d6570736575, s1 = k1 ^ 0x646f72616e646f6d ^ 0xee,
                 s2 = k0 ^ 0x6c7967656e657261, s3 = k1 ^ 0x7465646279746573;
  Lanes v0 = {s0, s0, s0, s0}, v1 = {s1, s1, s1, s1}, v2 = {s2, s2, s2, s2}, v3 = {s3, s3, s3, s3};
  const Lanes ee = {0xee, 0xee, 0xee, 0xee}, dd = {0xdd, 0xdd, 0xdd, 0xdd};
  v3 ^= b;  // two compression rounds
  STAPEL_SIPROUND();
  STAPEL_SIPROUND();
  v0 ^= b;
  v2 ^= ee;  // four finalization rounds per 64 bits of output
  for (int r = 0; r < 4; ++r) STAPEL_SIPROUND();
  const Lanes first = v0 ^ v1 ^ v2 ^ v3;
  v1 ^= dd;
  for (int r = 0; r < 4; ++r) STAPEL_SIPROUND();
  const Lanes second = v0 ^ v1 ^ v2 ^ v3;
  for (int i = 0; i < kBigramsAtOnce; ++i) {
    out[i][0] = first[i];
    out[i][1] = second[i];
  }
}

#undef STAPEL_SIPROUND
#undef STAPEL_ROTL

}  // namespace stapel
