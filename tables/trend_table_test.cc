#include "tables/trend_table.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

AreaRow Row(std::string code, std::vector<Cell> cells) {
  return AreaRow{.level = AreaLevel::kBuurt,
                 .code = std::move(code),
                 .name = "",
                 .parent = "WK999901",
                 .cells = std::move(cells),
                 .residents = 0};
}

Cell Value(int64_t v) { return Cell{.value = v, .suppressed = false}; }
Cell Hidden() { return Cell{.value = 7, .suppressed = true}; }

TEST(TrendTableTest, GivesEachPeriodsPublishedValueAndTheChangeOnlyWhereBothArePublished) {
  AreaTable y2024{.measures = {"residents", "wmo"},
                  .rows = {Row("BU99990101", {Value(100), Value(20)}),
                           Row("BU99990102", {Value(60), Hidden()})}};
  AreaTable y2025{.measures = {"residents", "wmo"},
                  .rows = {Row("BU99990101", {Value(110), Value(15)}),
                           Row("BU99990102", {Value(65), Value(10)})}};
  AreaTable y2026{.measures = {"residents", "wmo"}, .rows = {Row("BU99990101", {Value(120), Value(25)})}};
  const AreaTable t = BuildTrendTable({"2024", "2025", "2026"}, {y2024, y2025, y2026});
  EXPECT_EQ(t.measures,
            (std::vector<std::string>{"residents 2024", "residents 2025", "residents 2026",
                                      "residents change 2024-2026", "wmo 2024", "wmo 2025",
                                      "wmo 2026", "wmo change 2024-2026"}));
  ASSERT_EQ(t.rows.size(), 2u);
  const auto& noord = t.rows[0].cells;
  EXPECT_EQ(noord[3].value, 20);
  EXPECT_FALSE(noord[3].suppressed);
  EXPECT_EQ(noord[7].value, 5);
  EXPECT_FALSE(noord[7].suppressed);
  // Zuid: wmo hidden in 2024 hides the change; absent from 2026 counts as suppressed there.
  const auto& zuid = t.rows[1].cells;
  EXPECT_TRUE(zuid[4].suppressed);
  EXPECT_EQ(zuid[5].value, 10);
  EXPECT_TRUE(zuid[2].suppressed);
  EXPECT_TRUE(zuid[3].suppressed);
  EXPECT_TRUE(zuid[7].suppressed);
  // A suppressed cell's value never reaches the released view.
  EXPECT_TRUE(t.ToJson()["rows"][1]["values"][4].is_null());
}

}  // namespace
}  // namespace stapel
