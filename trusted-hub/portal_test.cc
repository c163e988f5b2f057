#include "trusted-hub/portal.h"

#include <gtest/gtest.h>

#include "trusted-hub/portal_pages.h"

namespace stapel {
namespace {

using Form = std::multimap<std::string, std::string>;

TEST(ParseFormTest, ReadsWhatBrowsersSend) {
  const Form form = ParseForm("purpose=a+b%26c%3D&indicator=wmo&indicator=debts&&empty=&bare"
                              "&pct=100%25&bad=%zz%4&utf=%C3%A9");
  EXPECT_EQ(form, (Form{{"purpose", "a b&c="},
                        {"indicator", "wmo"},
                        {"indicator", "debts"},
                        {"empty", ""},
                        {"bare", ""},
                        {"pct", "100%"},
                        {"bad", "%zz%4"},
                        {"utf", "\xC3\xA9"}}));
  EXPECT_TRUE(ParseForm("").empty());
  EXPECT_EQ(ParseForm("a%3db=c"), (Form{{"a=b", "c"}}));
}

TEST(ComposedRequestTest, EachChosenIndicatorIsAMeasure) {
  auto request = ComposedRequest({{"purpose", "council"},
                                  {"population", "adults"},
                                  {"level", "wijk"},
                                  {"indicator", "wmo"},
                                  {"indicator", "debts"},
                                  {"combine", "each"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->population, "adults");
  EXPECT_EQ(request->level, "wijk");
  ASSERT_EQ(request->measures.size(), 2u);
  EXPECT_EQ(request->measures[0].name, "wmo");
  EXPECT_EQ(request->measures[1].expression, "debts");
}

TEST(ComposedRequestTest, ChosenPeriodsAreKeptInOrderAndNoneMeansTheLatest) {
  auto trend = ComposedRequest(
      {{"purpose", "council"}, {"period", "2024"}, {"period", "2025"}, {"indicator", "wmo"}});
  ASSERT_TRUE(trend.ok()) << trend.status();
  EXPECT_EQ(trend->periods, (std::vector<std::string>{"2024", "2025"}));
  auto latest = ComposedRequest({{"purpose", "council"}});
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_TRUE(latest->periods.empty());
}

TEST(ComposedRequestTest, CombinationsBecomeOneExpression) {
  const Form chosen = {{"purpose", "p"},
                       {"indicator", "wmo"},
                       {"indicator", "debts"},
                       {"indicator", "rent_arrears"}};
  auto with = [&](const char* combine, const char* n = "2") {
    Form form = chosen;
    form.insert({{"combine", combine}, {"n", n}});
    return ComposedRequest(form);
  };
  EXPECT_EQ(with("and")->measures[0].expression, "wmo AND debts AND rent_arrears");
  EXPECT_EQ(with("and")->measures[0].name, "all_of_wmo_debts_rent_arrears");
  EXPECT_EQ(with("or")->measures[0].expression, "wmo OR debts OR rent_arrears");
  EXPECT_EQ(with("atleast")->measures[0].expression, "atleast(2, wmo, debts, rent_arrears)");
  EXPECT_EQ(with("atleast")->measures[0].name, "atleast_2_of_wmo_debts_rent_arrears");
  // Measures need a population; without one chosen, all residents.
  EXPECT_EQ(with("or")->population, "residents");
  EXPECT_EQ(with("atleast", "4").status().message(),
            "\"at least n\" needs n from 1 to the 3 indicators chosen");
  EXPECT_FALSE(with("atleast", "x").ok());
  EXPECT_FALSE(with("xor").ok());
}

TEST(ComposedRequestTest, WrittenMeasuresAreReadLineByLine) {
  auto request = ComposedRequest(
      {{"purpose", "p"}, {"measures", "young_debts = youth_care AND debts\r\n\r\n  x=NOT wmo "}});
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->measures.size(), 2u);
  EXPECT_EQ(request->measures[0].name, "young_debts");
  EXPECT_EQ(request->measures[0].expression, "youth_care AND debts");
  EXPECT_EQ(request->measures[1].name, "x");
  EXPECT_EQ(request->measures[1].expression, "NOT wmo");

  auto bad = ComposedRequest({{"purpose", "p"}, {"measures", "a = wmo\nyouth_care AND debts"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "measure line 2 (\"youth_care AND debts\") needs the form name = expression, e.g. "
            "young_debts = youth_care AND debts");
}

TEST(ComposedRequestTest, NothingChosenIsTheStackingTableButAPurposeIsNeeded) {
  auto stacking = ComposedRequest({{"purpose", "overview"}});
  ASSERT_TRUE(stacking.ok());
  EXPECT_EQ(stacking->population, "");
  EXPECT_EQ(stacking->level, "buurt");
  EXPECT_TRUE(stacking->measures.empty());
  EXPECT_FALSE(ComposedRequest({{"indicator", "wmo"}}).ok());
}

TEST(RequesterHomePageTest, ListsWhatEachReleaseSuppressedAndHeldBack) {
  ReleaseRow row{.seq = 7,
                 .time = "2026-12-03T06:00:00Z",
                 .purpose = "<monitor>",
                 .population = "adults",
                 .level = "buurt",
                 .period = "2026",
                 .suppressed_primary = 3,
                 .suppressed_secondary = 2,
                 .held_back = 0};
  RequesterHome home{.project_id = "test", .identity = "analyst", .releases = {row}, .form = {}};
  std::string html = RequesterHomePage(home);
  EXPECT_NE(html.find("3 primary, 2 complementary</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;monitor&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("adults 2026"), std::string::npos) << html;
  home.releases[0].held_back = 6;
  html = RequesterHomePage(home);
  EXPECT_NE(html.find("6 held back: their areas' data changed"), std::string::npos) << html;
}

}  // namespace
}  // namespace stapel
