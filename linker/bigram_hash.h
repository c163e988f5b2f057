#ifndef STAPEL_LINKER_BIGRAM_HASH_H_
#define STAPEL_LINKER_BIGRAM_HASH_H_

// The keyed hash of the Bloom filters' bigrams (bloom_filter.cc) and the bits it sets: SipHash-2-4
// with 128-bit output, the same values as libsodium's crypto_shorthash_siphashx24, of eight
// two-byte messages at once, each under its own key (a record's bigrams of several segments go
// together). The eight run side by side in vector registers (on x86-64, AVX-512 or AVX2 where
// the CPU has it, chosen when the program starts): several times as fast as one call each.

#include <cstdint>

namespace stapel {

inline constexpr int kBigramsAtOnce = 8;

// out[i] = SipHash-2-4-128 under the 16-byte key keys[i] (its bytes 0-7 and 8-15 as two
// little-endian 64-bit words) of the two bytes messages[i], as two little-endian 64-bit words
// (the digest's bytes 0-7 and 8-15).
void HashBigramsAtOnce(const uint64_t (*keys)[2], const uint8_t (*messages)[2], uint64_t (*out)[2]);

// The most words of a segment BigramBitsAtOnce gathers.
inline constexpr int kMaxGatheredWords = 4;

// The bits that bigram i (hashed as HashBigramsAtOnce does, to h1 and h2) sets in a segment of
// `words` 64-bit words, 1 to kMaxGatheredWords, in out[i][0 .. words): k[i] positions, the j-th
// x = h1 + j * (h2 | 1) (modulo 2^64) mapped onto [0, 64 * words) as floor(x * 64 * words / 2^64).
void BigramBitsAtOnce(const uint64_t (*keys)[2], const uint8_t (*messages)[2], const int* k,
                      int words, uint64_t (*out)[kMaxGatheredWords]);

}  // namespace stapel

#endif  // STAPEL_LINKER_BIGRAM_HASH_H_
