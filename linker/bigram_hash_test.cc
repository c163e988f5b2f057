#include "linker/bigram_hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

namespace stapel {
namespace {

// Every two-byte message, under several random keys, gives libsodium's digest: the filters stay
// the same as every party's, whichever code path the CPU takes.
TEST(BigramHashTest, FourAtOnceAreLibsodiumsSipHashOfEach) {
  ASSERT_GE(sodium_init(), 0);
  for (int round = 0; round < 3; ++round) {
    uint8_t key[crypto_shorthash_siphashx24_KEYBYTES];
    randombytes_buf(key, sizeof key);
    for (int first = 0; first < 65536; first += kBigramsAtOnce) {
      uint8_t messages[kBigramsAtOnce][2];
      for (int i = 0; i < kBigramsAtOnce; ++i) {
        messages[i][0] = static_cast<uint8_t>((first + i) & 0xff);
        messages[i][1] = static_cast<uint8_t>((first + i) >> 8);
      }
      uint64_t out[kBigramsAtOnce][2];
      HashBigramsAtOnce(key, messages, out);
      for (int i = 0; i < kBigramsAtOnce; ++i) {
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

}  // namespace
}  // namespace stapel
