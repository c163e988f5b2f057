#ifndef STAPEL_ENCODING_SHA256_COMPRESS_H_
#define STAPEL_ENCODING_SHA256_COMPRESS_H_

// SHA-256's compression function (FIPS 180-4, 6.2.2) over whole 64-byte blocks, for callers
// that pad their messages themselves: HMAC over short messages, many at a time.
//
// With the CPU's SHA instructions two messages are compressed interleaved: each block's 64
// rounds are one chain of dependent instructions, so a single message leaves the SHA unit
// idle most of the time, and a second one fills it (about twice the throughput). Without
// them both go through OpenSSL's own compression, one after the other.

#include <array>
#include <cstddef>
#include <cstdint>

namespace stapel {

// The chaining value between blocks: H0..H7.
using Sha256State = std::array<uint32_t, 8>;

inline constexpr Sha256State kSha256Initial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// The digest's 32 bytes of a final state: H0..H7, each big-endian.
void Sha256StoreDigest(const Sha256State& state, uint8_t* out);

// Absorbs `blocks` 64-byte blocks at `data` into `state`.
void Sha256Compress(Sha256State* state, const uint8_t* data, size_t blocks);

// The same for two independent messages of `blocks` blocks each, at once.
void Sha256Compress2(Sha256State* a, const uint8_t* data_a, Sha256State* b, const uint8_t* data_b,
                     size_t blocks);

// Sha256Compress through OpenSSL's compression: what a CPU without SHA instructions runs, and
// what tests hold the SHA instructions' path to.
void Sha256CompressWithOpenSsl(Sha256State* state, const uint8_t* data, size_t blocks);

}  // namespace stapel

#endif  // STAPEL_ENCODING_SHA256_COMPRESS_H_
