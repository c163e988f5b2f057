#include "keys/secret_bytes.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(SecretBytesTest, RandomSecretsDiffer) {
  SecretBytes a = SecretBytes::Random(32);
  SecretBytes b = SecretBytes::Random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(a.Equals(b));
}

TEST(SecretBytesTest, EqualsComparesContentAndSize) {
  const uint8_t bytes[] = {1, 2, 3};
  SecretBytes a(bytes, 3), b(bytes, 3), shorter(bytes, 2);
  EXPECT_TRUE(a.Equals(b));
  EXPECT_FALSE(a.Equals(shorter));
}

TEST(SecretBytesTest, MovedFromIsEmpty) {
  SecretBytes a = SecretBytes::Random(16);
  SecretBytes b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.size(), 16u);
}

}  // namespace
}  // namespace stapel
