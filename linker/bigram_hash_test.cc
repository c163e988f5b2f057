#include "linker/bigram_hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

namespace stapel {
namespace {

// Every two-byte message, each lane under a random key of its own, gives libsodium's digest:
// the filters stay the same as every party's, whichever code path the CPU takes.
TEST(BigramHashTest, EightAtOnceAreLibsodiumsSipHashOfEachUnderItsKey) {
  ASSERT_GE(sodium_init(), 0);
  for (int round = 0; round < 3; ++round) {
    for (int first = 0; first < 65536; first += kBigramsAtOnce) {
      uint64_t keys[kBigramsAtOnce][2];
      randombytes_buf(keys, sizeof keys);
      uint8_t messages[kBigramsAtOnce][2];
      for (int i = 0; i < kBigramsAtOnce; ++i) {
        messages[i][0] = static_cast<uint8_t>((first + i) & 0xff);
        messages[i][1] = static_cast<uint8_t>((first + i) >> 8);
      }
      uint64_t out[kBigramsAtOnce][2];
      HashBigramsAtOnce(keys, messages, out);
      for (int i = 0; i < kBigramsAtOnce; ++i) {
        uint8_t key[crypto_shorthash_siphashx24_KEYBYTES];
        std::memcpy(key, keys[i], sizeof key);
        uint8_t digest[crypto_shorthash_siphashx24_BYTES];
        crypto_shorthash_siphashx24(digest, messages[i], 2, key);
        uint64_t expected[2];
        std::memcpy(expected, digest, sizeof expected);
        ASSERT_EQ(out[i][0], expected[0]) << "message " << first + i;
        ASSERT_EQ(out[i][1], expected[1]) << "message " << first + i;
      }
    }
  }
}

// The bits gathered eight bigrams at once are the positions h1 + j * (h2 | 1), j < k, each
// mapped onto the segment with a 128-bit product, for every segment size gathered and lanes of
// different k, up to beyond the 100 hashes fuzzy.hashes allows.
TEST(BigramHashTest, BitsAtOnceAreThePositionsOfEachHash) {
  ASSERT_GE(sodium_init(), 0);
  for (int round = 0; round < 2000; ++round) {
    uint64_t keys[kBigramsAtOnce][2];
    uint8_t messages[kBigramsAtOnce][2];
    randombytes_buf(keys, sizeof keys);
    randombytes_buf(messages, sizeof messages);
    int k[kBigramsAtOnce];
    for (int& n : k) n = 1 + static_cast<int>(randombytes_uniform(120));
    uint64_t hashes[kBigramsAtOnce][2];
    HashBigramsAtOnce(keys, messages, hashes);
    for (int words = 1; words <= kMaxGatheredWords; ++words) {
      uint64_t out[kBigramsAtOnce][kMaxGatheredWords];
      BigramBitsAtOnce(keys, messages, k, words, out);
      for (int i = 0; i < kBigramsAtOnce; ++i) {
        uint64_t expected[kMaxGatheredWords] = {};
        for (int j = 0; j < k[i]; ++j) {
          const uint64_t x = hashes[i][0] + static_cast<uint64_t>(j) * (hashes[i][1] | 1);
          const auto bit = static_cast<uint64_t>(
              (static_cast<unsigned __int128>(x) * static_cast<uint64_t>(64 * words)) >> 64);
          expected[bit / 64] |= uint64_t{1} << (bit % 64);
        }
        for (int w = 0; w < words; ++w) {
          ASSERT_EQ(out[i][w], expected[w]) << "lane " << i << ", word " << w << " of " << words;
        }
      }
    }
  }
}

}  // namespace
}  // namespace stapel
