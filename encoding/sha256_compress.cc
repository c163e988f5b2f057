#include "encoding/sha256_compress.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

// The low-level SHA256_* functions are deprecated in OpenSSL 3 but supported; the fallback
// compresses with them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace stapel {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

bool HasShaInstructionsOnThisCpu() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return false;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

// `Lanes` messages of `blocks` blocks each, their rounds interleaved (the loops over lanes
// unroll). The state is kept as the SHA instructions want it: ABEF and CDGH.
template <int Lanes>
__attribute__((target("sha,sse4.1,ssse3"))) void CompressWithShaInstructions(
    Sha256State* const (&states)[Lanes], const uint8_t* const (&data)[Lanes], size_t blocks) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef[Lanes], cdgh[Lanes];
#pragma GCC unroll 2
  for (int l = 0; l < Lanes; ++l) {
    const __m128i dcba = _mm_shuffle_epi32(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l]->data())), 0xB1);  // CDAB
    const __m128i hgfe = _mm_shuffle_epi32(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l]->data() + 4)), 0x1B);  // EFGH
    abef[l] = _mm_alignr_epi8(dcba, hgfe, 8);
    cdgh[l] = _mm_blend_epi16(hgfe, dcba, 0xF0);
  }
  for (size_t block = 0; block < blocks; ++block) {
    __m128i w[Lanes][4], abef_before[Lanes], cdgh_before[Lanes];
#pragma GCC unroll 2
    for (int l = 0; l < Lanes; ++l) {
      abef_before[l] = abef[l];
      cdgh_before[l] = cdgh[l];
      const uint8_t* in = data[l] + 64 * block;
      for (int i = 0; i < 4; ++i) {
        w[l][i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * i)),
                                   byte_swap);
      }
    }
    // Sixteen groups of four rounds; from the fifth on, a group's four message words are made
    // from the four groups before it, W[t-16..t-1] (w[g % 4] holds group g).
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
#pragma GCC unroll 2
      for (int l = 0; l < Lanes; ++l) {
        if (g >= 4) {
          const __m128i sum =
              _mm_add_epi32(_mm_sha256msg1_epu32(w[l][g % 4], w[l][(g + 1) % 4]),
                            _mm_alignr_epi8(w[l][(g + 3) % 4], w[l][(g + 2) % 4], 4));
          w[l][g % 4] = _mm_sha256msg2_epu32(sum, w[l][(g + 3) % 4]);
        }
        __m128i wk = _mm_add_epi32(
            w[l][g % 4],
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * g)));
        cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], wk);
        wk = _mm_shuffle_epi32(wk, 0x0E);
        abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], wk);
      }
    }
#pragma GCC unroll 2
    for (int l = 0; l < Lanes; ++l) {
      abef[l] = _mm_add_epi32(abef[l], abef_before[l]);
      cdgh[l] = _mm_add_epi32(cdgh[l], cdgh_before[l]);
    }
  }
#pragma GCC unroll 2
  for (int l = 0; l < Lanes; ++l) {
    const __m128i feba = _mm_shuffle_epi32(abef[l], 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh[l], 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l]->data()),
                     _mm_blend_epi16(feba, dchg, 0xF0));  // DCBA
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l]->data() + 4),
                     _mm_alignr_epi8(dchg, feba, 8));  // HGFE
  }
}

#endif  // __x86_64__

}  // namespace

bool Sha256UsesShaInstructions() {
#if defined(__x86_64__)
  static const bool has = HasShaInstructionsOnThisCpu();
  return has;
#else
  return false;
#endif
}

void Sha256CompressWithOpenSsl(Sha256State* state, const uint8_t* data, size_t blocks) {
  if (blocks == 0) return;
  // From `state`, with nothing buffered: SHA256_Update compresses the whole blocks in one call
  // (its vector code wants several at once) and keeps none back.
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (int i = 0; i < 8; ++i) ctx.h[i] = (*state)[i];
  SHA256_Update(&ctx, data, 64 * blocks);
  for (int i = 0; i < 8; ++i) (*state)[i] = ctx.h[i];
  OPENSSL_cleanse(&ctx, sizeof(ctx));
}

void Sha256WritePadding(uint8_t* out, size_t used, uint64_t length) {
  const size_t size = Sha256PaddedSize(used);
  out[used] = 0x80;
  std::memset(out + used + 1, 0, size - used - 1 - 8);
  const uint64_t bits = length * 8;
  for (int i = 0; i < 8; ++i) out[size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
}

void Sha256StoreDigest(const Sha256State& state, uint8_t* out) {
  for (int i = 0; i < 8; ++i) {
    const uint32_t big_endian = __builtin_bswap32(state[i]);
    std::memcpy(out + 4 * i, &big_endian, sizeof(big_endian));
  }
}

void Sha256Compress(Sha256State* state, const uint8_t* data, size_t blocks) {
#if defined(__x86_64__)
  if (Sha256UsesShaInstructions()) {
    CompressWithShaInstructions<1>({state}, {data}, blocks);
    return;
  }
#endif
  Sha256CompressWithOpenSsl(state, data, blocks);
}

void Sha256Compress2(Sha256State* a, const uint8_t* data_a, Sha256State* b, const uint8_t* data_b,
                     size_t blocks) {
#if defined(__x86_64__)
  if (Sha256UsesShaInstructions()) {
    CompressWithShaInstructions<2>({a, b}, {data_a, data_b}, blocks);
    return;
  }
#endif
  Sha256CompressWithOpenSsl(a, data_a, blocks);
  Sha256CompressWithOpenSsl(b, data_b, blocks);
}

}  // namespace stapel

#pragma GCC diagnostic pop
