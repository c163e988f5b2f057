#ifndef STAPEL_ENCODING_SHA256_COMPRESS_H_
#define STAPEL_ENCODING_SHA256_COMPRESS_H_

// SHA-256's compression function (FIPS 180-4, 6.2.2) over whole 64-byte blocks, and its
// padding, for callers that pad their messages themselves: HMAC over short messages, many at
// a time, and streams that feed two digests from the same bytes.
//
// With the CPU's SHA instructions (x86-64) two messages can be compressed interleaved: each
// block's 64 rounds are one chain of dependent instructions, so a single message leaves the
// SHA unit idle part of the time and a second one fills it (on the development machine 39.6
// ns a block alone, 27-28 ns a block each with two at once). Without them everything goes
// through OpenSSL's own compression, one message after the other.

#include <array>
#include <cstddef>
#include <cstdint>

namespace stapel {

// The chaining value between blocks: H0..H7.
using Sha256State = std::array<uint32_t, 8>;

inline constexpr Sha256State kSha256Initial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Whether this CPU's compression uses the SHA instructions (else OpenSSL's).
bool Sha256UsesShaInstructions();

// The bytes that the last `used` bytes of a message (fewer than 64 after its whole blocks)
// take with SHA-256's padding: 0x80, zeros, and the message's length in bits, big-endian, in
// the last 8 bytes. One block, or two when `used` is over 55.
constexpr size_t Sha256PaddedSize(size_t used) { return (used + 9 + 63) / 64 * 64; }
// Writes that padding after the first `used` bytes of `out` (Sha256PaddedSize(used) bytes) for a
// message of `length` bytes in all.
void Sha256WritePadding(uint8_t* out, size_t used, uint64_t length);

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
