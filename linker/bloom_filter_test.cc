#include "linker/bloom_filter.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

BloomSettings Settings() {
  return {.bits = 1024,
          .hashes = 10,
          .fields = {{"first_names", 1}, {"surname", 1}, {"birth_date", 1}, {"postcode", 1}}};
}

std::vector<uint64_t> Encode(const BloomEncoder& e, std::vector<std::string> values) {
  std::vector<uint64_t> f(e.words());
  e.Encode(values, f);
  return f;
}

TEST(BloomFilterTest, SimilarRecordsScoreHigherThanDifferentOnes) {
  SecretBytes secret = SecretBytes::Random(32);
  auto e = *BloomEncoder::Create(secret, "p", Settings());
  auto a = Encode(*e, {"jan", "jansen", "1980-02-12", "5401AB"});
  auto typo = Encode(*e, {"jan", "jansne", "1980-02-12", "5401AB"});
  auto swapped = Encode(*e, {"jan", "jansen", "1980-12-02", "5401AB"});
  auto other = Encode(*e, {"piet", "bakker", "1975-07-30", "5622KX"});
  EXPECT_DOUBLE_EQ(Dice(a, a), 1.0);
  EXPECT_GT(Dice(a, typo), 0.85);
  EXPECT_GT(Dice(a, swapped), 0.85);
  EXPECT_LT(Dice(a, other), 0.5);
}

TEST(BloomFilterTest, FiltersAreKeyedBySecretAndProject) {
  SecretBytes s1 = SecretBytes::Random(32), s2 = SecretBytes::Random(32);
  const std::vector<std::string> v = {"jan", "jansen", "1980-02-12", "5401AB"};
  auto a = Encode(**BloomEncoder::Create(s1, "p", Settings()), v);
  SecretBytes copy(s1.data(), s1.size());
  EXPECT_EQ(a, Encode(**BloomEncoder::Create(copy, "p", Settings()), v));
  EXPECT_LT(Dice(a, Encode(**BloomEncoder::Create(s2, "p", Settings()), v)), 0.6);
  EXPECT_LT(Dice(a, Encode(**BloomEncoder::Create(s1, "q", Settings()), v)), 0.6);
}

TEST(BloomFilterTest, MissingFieldsSetNoBits) {
  SecretBytes secret = SecretBytes::Random(32);
  auto e = *BloomEncoder::Create(secret, "p", Settings());
  EXPECT_EQ(PopCount(Encode(*e, {"", "", "", ""})), 0u);
  EXPECT_GT(PopCount(Encode(*e, {"", "jansen", "", ""})), 0u);
}

TEST(BloomFilterTest, EachFieldFillsItsOwnSegmentAndTheNameFieldsShareAKey) {
  SecretBytes secret = SecretBytes::Random(32);
  const BloomSettings s = Settings();
  auto e = *BloomEncoder::Create(secret, "p", s);
  ASSERT_EQ(s.SegmentWords(), 4u);  // 1024 bits over four fields
  const auto only_surname = Encode(*e, {"", "jansen", "", ""});
  for (size_t w = 0; w < e->words(); ++w) {
    EXPECT_EQ(only_surname[w] != 0, w >= 4 && w < 8) << "word " << w;
  }
  // "jansen" as a given name sets the same bits in the given names' segment.
  const auto as_given_name = Encode(*e, {"jansen", "", "", ""});
  for (size_t w = 0; w < 4; ++w) EXPECT_EQ(as_given_name[w], only_surname[w + 4]);
  // Other fields have keys of their own.
  const auto as_postcode = Encode(*e, {"", "", "", "jansen"});
  EXPECT_NE(std::vector<uint64_t>(as_postcode.begin() + 12, as_postcode.end()),
            std::vector<uint64_t>(only_surname.begin() + 4, only_surname.begin() + 8));
}

TEST(BloomFilterTest, SettingsOutOfRangeAreRefused) {
  SecretBytes secret = SecretBytes::Random(32);
  BloomSettings s = Settings();
  s.bits = 1000;
  EXPECT_FALSE(BloomEncoder::Create(secret, "p", s).ok());
  s = Settings();
  s.hashes = 0;
  EXPECT_FALSE(BloomEncoder::Create(secret, "p", s).ok());
  s = Settings();
  s.bits = 192;  // less than a word per field
  EXPECT_FALSE(BloomEncoder::Create(secret, "p", s).ok());
}

}  // namespace
}  // namespace stapel
