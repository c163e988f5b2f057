#include "disclosure/cell_key.h"

#include <gtest/gtest.h>

#include "disclosure/disclosure.h"

namespace stapel {
namespace {

AreaRow Buurt(std::string code, std::vector<Cell> cells, int64_t residents) {
  return AreaRow{.level = AreaLevel::kBuurt,
                 .code = std::move(code),
                 .name = "",
                 .parent = "WK999901",
                 .cells = std::move(cells),
                 .residents = residents};
}

TEST(CellKeyTest, TheSameCountAndKeyAlwaysGiveTheSameValueAndNoSmallCountIsPublished) {
  DisclosureRules rules;
  rules.method = DisclosureMethod::kCellKey;
  rules.group_disclosure = false;
  rules.min_area_population = 0;
  const PTable ptable = *PTable::Create(rules.cell_key);
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
    if (n == 0) EXPECT_EQ(published, 0);
  }
  EXPECT_TRUE(CheckReleasedTable(rules, spec, table).ok());
}

TEST(CellKeyTest, OnlyTheMinimumAreaPopulationAndGroupDisclosureSuppress) {
  DisclosureRules rules;
  rules.method = DisclosureMethod::kCellKey;
  const PTable ptable = *PTable::Create(rules.cell_key);
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

TEST(CellKeyTest, AfterAChangeTheAreasHoldingItAreHeldBackAndEarlierSuppressionsStay) {
  DisclosureRules rules;
  rules.method = DisclosureMethod::kCellKey;
  const PTable ptable = *PTable::Create(rules.cell_key);
  TableSpec spec;
  spec.columns.resize(1);
  const auto row = [](AreaLevel level, std::string code, std::string parent, int64_t n,
                      int64_t residents) {
    return AreaRow{.level = level,
                   .code = std::move(code),
                   .name = "",
                   .parent = std::move(parent),
                   .cells = {Cell{.value = n, .suppressed = false, .key = 12345}},
                   .residents = residents};
  };
  // Wijk 01: B (changes from 25 to 15), C, X and the tiny Y; wijk 02 one buurt.
  const auto table_with = [&](int64_t b) {
    return AreaTable{.measures = {"n"},
                     .rows = {row(AreaLevel::kGemeente, "GM9999", "", 115 + b, 1000),
                              row(AreaLevel::kWijk, "WK999901", "GM9999", 55 + b, 600),
                              row(AreaLevel::kBuurt, "BU99990101", "WK999901", b, 200),
                              row(AreaLevel::kBuurt, "BU99990102", "WK999901", 30, 200),
                              row(AreaLevel::kBuurt, "BU99990103", "WK999901", 20, 170),
                              row(AreaLevel::kBuurt, "BU99990104", "WK999901", 5, 30),
                              row(AreaLevel::kWijk, "WK999902", "GM9999", 60, 400),
                              row(AreaLevel::kBuurt, "BU99990201", "WK999902", 60, 400)}};
  };
  // Over the earlier state the tiny Y is covered by X, the smallest of its wijk.
  AreaTable before = table_with(25);
  ApplyCellKey(rules, ptable, spec, &before);
  EXPECT_TRUE(before.rows[5].cells[0].suppressed && before.rows[4].cells[0].suppressed);
  EXPECT_FALSE(before.rows[2].cells[0].suppressed || before.rows[1].cells[0].suppressed);

  const EarlierCellKeyStates earlier{.changed_buurten = {"BU99990101"}, .tables = {table_with(25)}};
  AreaTable after = table_with(15);
  const CellKeyResult result = ApplyCellKey(rules, ptable, spec, &after, earlier);
  EXPECT_EQ(result.held_back, 3);    // the buurt, its wijk, the gemeente
  EXPECT_EQ(result.suppressed, 1);   // Y
  EXPECT_EQ(result.complements, 1);  // X, as before
  EXPECT_EQ(result.published, 3);
  for (const AreaRow& r : after.rows) {
    const bool shown = r.code == "BU99990102" || r.code == "WK999902" || r.code == "BU99990201";
    EXPECT_EQ(r.cells[0].suppressed, !shown) << r.code;
  }
  // The new state alone would cover Y with B, held back anyway, and show X: the earlier
  // state's W - B - C - X would then give Y.
  AreaTable alone = table_with(15);
  ApplyCellKey(rules, ptable, spec, &alone,
               EarlierCellKeyStates{.changed_buurten = {"BU99990101"}, .tables = {}});
  EXPECT_FALSE(alone.rows[4].cells[0].suppressed);
}

}  // namespace
}  // namespace stapel
