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

TEST(CellKeyTest, AnAreaWhoseContributorsChangedIsHeldBackWithTheAreasThatHoldIt) {
  // Two buurten; in the first, one person with indicator 1 (key 5) is replaced by another with
  // the same indicator (key 9): every count stays, but the cells over it change contributors.
  BuurtCounts before;
  before.buurten["BU99990101"] = {.persons = {{0, 20}, {1, 3}},
                                  .households = {},
                                  .person_keys = {{0, 100}, {1, 5 + 6 + 7}},
                                  .household_keys = {}};
  before.buurten["BU99990201"] = {.persons = {{0, 30}, {1, 4}},
                                  .households = {},
                                  .person_keys = {{0, 200}, {1, 40}},
                                  .household_keys = {}};
  BuurtCounts after = before;
  after.buurten["BU99990101"].person_keys[1] = 9 + 6 + 7;
  std::set<std::string> changed;
  AddChangedBuurten(AreaContentsOf(after), AreaContentsOf(before), &changed);
  EXPECT_EQ(changed, std::set<std::string>{"BU99990101"});
  changed.clear();
  AddChangedBuurten(AreaContentsOf(before), AreaContentsOf(before), &changed);
  EXPECT_TRUE(changed.empty());
  // A buurt only one state has counts as changed; the contents survive their JSON.
  BuurtCounts fewer = before;
  fewer.buurten.erase("BU99990201");
  auto read = AreaContentsFromJson(AreaContentsToJson(AreaContentsOf(fewer)));
  ASSERT_TRUE(read.ok());
  AddChangedBuurten(*read, AreaContentsOf(before), &changed);
  EXPECT_EQ(changed, std::set<std::string>{"BU99990201"});
  EXPECT_FALSE(AreaContentsFromJson(nlohmann::json::array()).ok());

  DisclosureRules rules;
  rules.method = DisclosureMethod::kCellKey;
  rules.min_area_population = 0;
  const PTable ptable = *PTable::Create(rules.cell_key);
  TableSpec spec;
  spec.columns.resize(1);
  const auto row = [](AreaLevel level, std::string code, std::string parent, int64_t n) {
    return AreaRow{.level = level,
                   .code = std::move(code),
                   .name = "",
                   .parent = std::move(parent),
                   .cells = {Cell{.value = n, .suppressed = false, .key = 12345}},
                   .residents = 100};
  };
  AreaTable table{.measures = {"n"},
                  .rows = {row(AreaLevel::kGemeente, "GM9999", "", 57),
                           row(AreaLevel::kWijk, "WK999901", "GM9999", 23),
                           row(AreaLevel::kBuurt, "BU99990101", "WK999901", 23),
                           row(AreaLevel::kWijk, "WK999902", "GM9999", 34),
                           row(AreaLevel::kBuurt, "BU99990201", "WK999902", 34)}};
  const CellKeyResult result =
      ApplyCellKey(rules, ptable, spec, &table, std::set<std::string>{"BU99990101"});
  EXPECT_EQ(result.held_back, 3);
  EXPECT_EQ(result.suppressed, 0);
  EXPECT_EQ(result.complements, 0);
  EXPECT_EQ(result.published, 2);
  for (const AreaRow& r : table.rows) {
    EXPECT_EQ(r.cells[0].suppressed,
              r.code == "GM9999" || r.code == "WK999901" || r.code == "BU99990101")
        << r.code;
  }
}

}  // namespace
}  // namespace stapel
