#include "project/indicator_expression.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

const std::vector<std::string> kAttributes = {"youth_care", "wmo", "debts", "minor"};
constexpr uint64_t kYouth = 1, kWmo = 2, kDebts = 4, kMinor = 8;

IndicatorExpression Parse(std::string_view text) {
  auto e = IndicatorExpression::Parse(text, kAttributes);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *e : IndicatorExpression();
}

TEST(IndicatorExpressionTest, Operators) {
  const auto both = Parse("youth_care AND debts");
  EXPECT_TRUE(both.Matches(kYouth | kDebts));
  EXPECT_FALSE(both.Matches(kYouth));
  const auto either = Parse("youth_care or debts");
  EXPECT_TRUE(either.Matches(kDebts));
  EXPECT_FALSE(either.Matches(kWmo));
  const auto adults = Parse("NOT minor");
  EXPECT_TRUE(adults.Matches(kYouth));
  EXPECT_FALSE(adults.Matches(kMinor));
  const auto two = Parse("atleast(2, youth_care, wmo, debts)");
  EXPECT_FALSE(two.Matches(kYouth | kMinor));
  EXPECT_TRUE(two.Matches(kWmo | kDebts));
  EXPECT_TRUE(Parse("true").Matches(0));
  EXPECT_EQ(two.ReferencedBits(), kYouth | kWmo | kDebts);
}

TEST(IndicatorExpressionTest, AndBindsTighterThanOr) {
  const auto e = Parse("youth_care OR wmo AND debts");
  EXPECT_TRUE(e.Matches(kYouth));
  EXPECT_FALSE(e.Matches(kWmo));
  const auto grouped = Parse("(youth_care OR wmo) AND debts");
  EXPECT_FALSE(grouped.Matches(kYouth));
}

TEST(IndicatorExpressionTest, CanonicalTextParsesBackToTheSameFunction) {
  for (const char* text :
       {"youth_care OR wmo AND debts", "(youth_care OR wmo) AND NOT debts", "NOT (minor OR wmo)",
        "atleast(2, youth_care, wmo AND minor, debts)", "true"}) {
    const auto e = Parse(text);
    const auto again = Parse(e.ToString());
    EXPECT_EQ(again.ToString(), e.ToString());
    for (uint64_t bits = 0; bits < 16; ++bits) {
      EXPECT_EQ(e.Matches(bits), again.Matches(bits)) << text << " vs " << e.ToString();
    }
  }
}

TEST(IndicatorExpressionTest, ErrorsSayWhatAndWhere) {
  auto unknown = IndicatorExpression::Parse("youth_care AND income", kAttributes);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_NE(unknown.status().message().find("'income' is not an attribute"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("character 16"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("known: youth_care, wmo"), std::string::npos);
  for (const char* bad : {"", "youth_care AND", "(wmo", "wmo debts", "atleast(4, wmo, debts)",
                          "atleast(wmo)", "wmo ) ", "NOT"}) {
    EXPECT_FALSE(IndicatorExpression::Parse(bad, kAttributes).ok()) << bad;
  }
}

TEST(IndicatorExpressionTest, NestingAndLengthAreBoundedWithAClearError) {
  auto nested = [](int levels, const char* open, const char* close) {
    std::string text;
    for (int i = 0; i < levels; ++i) text += open;
    text += "wmo";
    for (int i = 0; i < levels; ++i) text += close;
    return text;
  };
  const int limit = IndicatorExpression::kMaxDepth;
  EXPECT_TRUE(IndicatorExpression::Parse(nested(limit, "(", ")"), kAttributes).ok());
  EXPECT_TRUE(IndicatorExpression::Parse(nested(limit, "NOT ", ""), kAttributes).ok());
  for (const std::string& deep : {nested(limit + 1, "(", ")"), nested(limit + 1, "NOT ", ""),
                                  nested(limit + 1, "atleast(1, ", ")"), nested(3000, "(", ")")}) {
    auto parsed = IndicatorExpression::Parse(deep, kAttributes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("limit of 64 levels"), std::string::npos)
        << parsed.status();
    EXPECT_LT(parsed.status().message().size(), 400u);  // the text is cut in the message
  }
  // What crashed the hub: 20,000 parentheses, 100,000 NOTs. Refused by length, no recursion.
  for (const std::string& huge : {nested(20000, "(", ")"), nested(100000, "NOT ", "")}) {
    auto parsed = IndicatorExpression::Parse(huge, kAttributes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("limit of 10000"), std::string::npos)
        << parsed.status();
  }
}

}  // namespace
}  // namespace stapel
