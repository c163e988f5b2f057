#ifndef STAPEL_LINKER_BIGRAM_HASH_H_
#define STAPEL_LINKER_BIGRAM_HASH_H_

// The keyed hash of the Bloom filters' bigrams (bloom_filter.cc): SipHash-2-4 with 128-bit
// output, the same values as libsodium's crypto_shorthash_siphashx24, of four two-byte messages
// at once. The four run side by side in vector registers (on x86-64, AVX2 where the CPU has
// it, chosen when the program starts): about three times as fast as one call per message.

#include <cstdint>

namespace stapel {

inline constexpr int kBigramsAtOnce = 4;

// out[i] = SipHash-2-4-128 under the 16-byte `key` of the two bytes messages[i], as two
// little-endian 64-bit words (the digest's bytes 0-7 and 8-15).
void HashBigramsAtOnce(const uint8_t* key, const uint8_t (*messages)[2], uint64_t (*out)[2]);

}  // namespace stapel

#endif  // STAPEL_LINKER_BIGRAM_HASH_H_
