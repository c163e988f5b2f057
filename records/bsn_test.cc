#include "records/bsn.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(BsnTest, ValidNumbersPassTheElevenTest) {
  EXPECT_TRUE(PassesElevenTest("111222333"));  // 9+8+7+12+10+8+9+6-3 = 66 = 6*11
  EXPECT_TRUE(PassesElevenTest("123456782"));
}

TEST(BsnTest, EveryOneDigitTypoFailsTheElevenTest) {
  const std::string good = "123456782";
  for (size_t i = 0; i < good.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[i]) continue;
      std::string typo = good;
      typo[i] = d;
      EXPECT_FALSE(PassesElevenTest(typo)) << typo;
    }
  }
}

TEST(BsnTest, AllZeroAndWrongLengthsFail) {
  EXPECT_FALSE(PassesElevenTest("000000000"));
  EXPECT_FALSE(PassesElevenTest("12345678"));
  EXPECT_FALSE(PassesElevenTest("1234567820"));
  EXPECT_FALSE(PassesElevenTest("12345678a"));
}

TEST(BsnTest, NormalizeAcceptsSeparatorsAndRestoresALeadingZero) {
  EXPECT_EQ(*NormalizeBsn(" 1234.56.782 "), "123456782");
  EXPECT_EQ(*NormalizeBsn("123 456 782"), "123456782");
  // 012345672 passes the test; a spreadsheet drops the leading zero.
  ASSERT_TRUE(PassesElevenTest("012345672"));
  EXPECT_EQ(*NormalizeBsn("12345672"), "012345672");
}

TEST(BsnTest, NormalizeExplainsWhatIsWrong) {
  EXPECT_NE(NormalizeBsn("123456781").status().message().find("eleven-test"), std::string::npos);
  EXPECT_NE(NormalizeBsn("12345").status().message().find("9 digits"), std::string::npos);
  EXPECT_NE(NormalizeBsn("12345678X").status().message().find("digit"), std::string::npos);
  EXPECT_FALSE(NormalizeBsn("").ok());
}

}  // namespace
}  // namespace stapel
