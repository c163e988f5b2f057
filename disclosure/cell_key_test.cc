#include "disclosure/cell_key.h"

#include <gtest/gtest.h>

#include "disclosure/disclosure.h"

namespace stapel {
namespace {

AreaRow Row(AreaLevel level, std::string code, std::string parent, std::vector<Cell> cells,
            int64_t residents) {
  return AreaRow{.level = level,
                 .code = std::move(code),
                 .name = "",
                 .parent = std::move(parent),
                 .cells = std::move(cells),
                 .residents = residents};
}

AreaRow Buurt(std::string code, std::vector<Cell> cells, int64_t residents) {
  return Row(AreaLevel::kBuurt, std::move(code), "WK999901", std::move(cells), residents);
}

// The manifest's default cell-key rules and their p-table.
class CellKeyTest : public testing::Test {
 protected:
  static DisclosureRules CellKeyRules() {
    DisclosureRules rules;
    rules.method = DisclosureMethod::kCellKey;
    return rules;
  }
  DisclosureRules rules = CellKeyRules();
  const PTable ptable = *PTable::Create(rules.cell_key);
};

TEST_F(CellKeyTest, TheSameCountAndKeyAlwaysGiveTheSameValueAndNoSmallCountIsPublished) {
  rules.group_disclosure = false;
  rules.min_area_population = 0;
  TableSpec spec;
  spec.columns.resize(1);
  // Every count from 0 to 40 under many keys: never 1..threshold, never beyond D, 0 stays 0;
  // and a table asked again (the same cells) gives the same values.
  AreaTable table{.measures = {"n"}, .rows = {}};
  for (int64_t n = 0; n <= 40; ++n) {
    for (uint32_t k = 0; k < 64; ++k) {
      table.rows.push_back(Buurt("BU9999" + std::to_string(n * 100 + k),
                                 {Cell{.value = n, .suppressed = false, .key = k * 67108864u + 12345u}},
                                 1000));
    }
  }
  AreaTable again = table;
  const CellKeyResult result = ApplyCellKey(rules, ptable, spec, &table);
  ApplyCellKey(rules, ptable, spec, &again);
  EXPECT_EQ(result.suppressed, 0);
  EXPECT_GT(result.changed, 0);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const int64_t n = static_cast<int64_t>(r / 64);
    const int64_t published = table.rows[r].cells[0].value;
    EXPECT_EQ(published, again.rows[r].cells[0].value);
    EXPECT_LE(std::abs(published - n), rules.cell_key.max_deviation);
    EXPECT_FALSE(published >= 1 && published <= rules.cell_key.threshold) << n << " -> " << published;
    if (n == 0) {
      EXPECT_EQ(published, 0);
    }
  }
  EXPECT_TRUE(CheckReleasedTable(rules, spec, table).ok());
}

TEST_F(CellKeyTest, OnlyTheMinimumAreaPopulationAndGroupDisclosureSuppress) {
  TableSpec spec;
  spec.columns.resize(2);
  spec.columns[1].population_column = 0;
  AreaTable table{.measures = {"residents", "wmo"},
                  .rows = {AreaRow{.level = AreaLevel::kWijk,
                                   .code = "WK999901",
                                   .name = "",
                                   .parent = "",
                                   .cells = {Cell{.value = 830}, Cell{.value = 401}},
                                   .residents = 830},
                           Buurt("BU99990101", {Cell{.value = 30}, Cell{.value = 3}}, 30),
                           Buurt("BU99990102", {Cell{.value = 400}, Cell{.value = 3}}, 400),
                           Buurt("BU99990103", {Cell{.value = 400}, Cell{.value = 395}}, 400)}};
  const CellKeyResult result = ApplyCellKey(rules, ptable, spec, &table);
  EXPECT_EQ(result.suppressed, 3);  // the tiny buurt's two cells; 395 of 400 (group)
  EXPECT_TRUE(table.rows[1].cells[0].suppressed);
  EXPECT_FALSE(table.rows[2].cells[1].suppressed);  // a small count: perturbed, not suppressed
  EXPECT_TRUE(table.rows[3].cells[1].suppressed);
  // The tiny buurt's residents would be the wijk's minus the others': one complement.
  EXPECT_EQ(result.complements, 1);
  EXPECT_TRUE(table.rows[2].cells[0].suppressed || table.rows[3].cells[0].suppressed);
}

// Wijk 01: B (`b` persons of `b_residents`), C, X and Y (tiny unless `y_residents` is larger);
// wijk 02 one buurt.
AreaTable TwoWijken(int64_t b, int64_t b_residents, int64_t y_residents = 30) {
  const auto row = [](AreaLevel level, std::string code, std::string parent, int64_t n,
                      int64_t residents) {
    return Row(level, std::move(code), std::move(parent),
               {Cell{.value = n, .suppressed = false, .key = 12345}}, residents);
  };
  return AreaTable{.measures = {"n"},
                   .rows = {row(AreaLevel::kGemeente, "GM9999", "", 115 + b, 770 + b_residents + y_residents),
                            row(AreaLevel::kWijk, "WK999901", "GM9999", 55 + b, 370 + b_residents + y_residents),
                            row(AreaLevel::kBuurt, "BU99990101", "WK999901", b, b_residents),
                            row(AreaLevel::kBuurt, "BU99990102", "WK999901", 30, 200),
                            row(AreaLevel::kBuurt, "BU99990103", "WK999901", 20, 170),
                            row(AreaLevel::kBuurt, "BU99990104", "WK999901", 5, y_residents),
                            row(AreaLevel::kWijk, "WK999902", "GM9999", 60, 400),
                            row(AreaLevel::kBuurt, "BU99990201", "WK999902", 60, 400)}};
}

TEST_F(CellKeyTest, AfterAChangeOnlyTheBasesSuppressionsAndTheChangedAreasAreHidden) {
  TableSpec spec;
  spec.columns.resize(1);
  // Over the base the tiny Y is covered by X, the smallest of its wijk.
  AreaTable before = TwoWijken(25, 200);
  ApplyCellKey(rules, ptable, spec, &before);
  const auto hidden = [](const AreaTable& t) {
    std::set<std::string> out;
    for (const AreaRow& r : t.rows) {
      if (r.cells[0].suppressed) out.insert(r.code);
    }
    return out;
  };
  EXPECT_EQ(hidden(before), (std::set<std::string>{"BU99990103", "BU99990104"}));
  // B changes: it, its wijk and the gemeente are held back, and Y stays covered by X although
  // the new state alone would cover it with B.
  const std::set<std::string> held = {"GM9999", "WK999901", "BU99990101"};
  std::set<std::string> expected = held;
  expected.insert({"BU99990103", "BU99990104"});
  AreaTable after = TwoWijken(15, 200);
  const CellKeyResult result = ApplyCellKey(
      rules, ptable, spec, &after, {.changed_buurten = {"BU99990101"}, .base = TwoWijken(25, 200)});
  EXPECT_EQ(hidden(after), expected);
  EXPECT_EQ(result.held_back, 3);
  EXPECT_EQ(result.suppressed, 1);    // Y
  EXPECT_EQ(result.complements, 1);  // X, as over the base
  EXPECT_EQ(result.published, 3);
  AreaTable alone = TwoWijken(15, 200);
  ApplyCellKey(rules, ptable, spec, &alone);
  EXPECT_FALSE(alone.rows[4].cells[0].suppressed);  // X: W - B - C - X would give Y
  // Where nothing is tiny, B becomes tiny: over the new state it would be covered by an
  // unchanged sibling (Y, the smallest), whose newly hidden value would tell that B is now
  // tiny. Over the base, nothing but the held-back areas is hidden.
  AreaTable tiny = TwoWijken(4, 30, 300);
  ApplyCellKey(rules, ptable, spec, &tiny,
               {.changed_buurten = {"BU99990101"}, .base = TwoWijken(25, 200, 300)});
  EXPECT_EQ(hidden(tiny), held);
}

}  // namespace
}  // namespace stapel
