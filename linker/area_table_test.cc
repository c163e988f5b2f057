#include "linker/area_table.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace stapel {
namespace {

Geography DemoGeography() {
  auto path = testing_util::FreshTempDir() / "areas.csv";
  testing_util::WriteFile(path,
                          "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
                          "BU99990101,Noord,WK999901,Oost,GM9999,Demo\n"
                          "BU99990102,\"Zuid, oud\",WK999901,Oost,GM9999,Demo\n"
                          "BU99990201,Leeg,WK999902,West,GM9999,Demo\n");
  return *Geography::LoadCsv(path);
}

TEST(StackingTableTest, CountsResidentsIndicatorsAndStacking) {
  // buurt 0 = BU99990101, 1 = BU99990102
  std::vector<LinkedPerson> persons = {{0, 0b000}, {0, 0b011}, {0, 0b111}, {1, 0b100}};
  AreaTable t =
      BuildStackingTable(persons, {"BU99990101", "BU99990102"}, {"a", "b", "c"}, DemoGeography());
  EXPECT_EQ(t.measures, (std::vector<std::string>{"residents", "a", "b", "c", "stacked_2plus",
                                                  "stacked_3plus"}));
  ASSERT_EQ(t.rows.size(), 6u);  // gemeente, wijk 01, two buurten, wijk 02, its empty buurt
  EXPECT_EQ(t.rows[0].code, "GM9999");
  EXPECT_EQ(t.rows[1].code, "WK999901");
  EXPECT_EQ(t.rows[2].code, "BU99990101");
  EXPECT_EQ(t.rows[2].name, "Noord");
  auto values = [&](size_t row) {
    std::vector<int64_t> v;
    for (const auto& c : t.rows[row].cells) v.push_back(c.value);
    return v;
  };
  EXPECT_EQ(values(2), (std::vector<int64_t>{3, 2, 2, 1, 2, 1}));
  EXPECT_EQ(values(3), (std::vector<int64_t>{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(values(1), (std::vector<int64_t>{4, 2, 2, 2, 2, 1}));
  EXPECT_EQ(values(0), values(1));
  EXPECT_EQ(t.rows[5].code, "BU99990201");
  EXPECT_EQ(values(5), (std::vector<int64_t>(6, 0)));
}

TEST(StackingTableTest, CountsHouseholdsByTheIndicatorsOfAllTheirMembers) {
  // Household 0 in buurt 0: a parent with rent arrears (bit 1), a child with youth care (bit 0).
  // Household 1 in buurt 0: one person with nothing. Household 2 in buurt 1: bits 0 and 2.
  std::vector<LinkedPerson> persons = {{0, 0b010, 0}, {0, 0b001, 0}, {0, 0, 1}, {1, 0b101, 2}};
  AreaTable t = BuildStackingTable(persons, {"BU99990101", "BU99990102"}, {"a", "b", "c"},
                                   DemoGeography());
  ASSERT_EQ(t.measures.size(), 9u);
  EXPECT_EQ(t.measures[6], "households");
  auto cell = [&](size_t row, size_t m) { return t.rows[row].cells[m].value; };
  EXPECT_EQ(cell(2, 6), 2);  // BU99990101: two households
  EXPECT_EQ(cell(2, 7), 1);  // one with two different indicators among its members
  EXPECT_EQ(cell(2, 8), 0);
  EXPECT_EQ(cell(2, 4), 0);  // while no single person there has two
  EXPECT_EQ(cell(3, 6), 1);
  EXPECT_EQ(cell(3, 7), 1);
  EXPECT_EQ(cell(1, 6), 3);  // the wijk total
}

TEST(AreaTableTest, SuppressedCellsAreNeverWrittenAsNumbers) {
  AreaTable t;
  t.measures = {"residents", "a"};
  t.rows.push_back(
      {AreaLevel::kBuurt, "BU99990102", "Zuid, oud", "WK999901", {{120, false}, {3, true}}});
  EXPECT_EQ(t.ToCsv(),
            "level,code,name,parent,residents,a\nbuurt,BU99990102,\"Zuid, oud\",WK999901,120,x\n");
  nlohmann::json j = t.ToJson();
  EXPECT_TRUE(j["rows"][0]["values"][1].is_null());
  EXPECT_EQ(j.dump().find('3'), std::string::npos);
}

TEST(AreaTableTest, JsonRoundTripsAndRejectsBadShapes) {
  AreaTable t;
  t.measures = {"residents"};
  t.rows.push_back({AreaLevel::kWijk, "WK999901", "Oost", "GM9999", {{0, true}}});
  auto back = AreaTable::FromJson(t.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->rows[0].cells[0].suppressed);
  EXPECT_EQ(back->rows[0].level, AreaLevel::kWijk);
  nlohmann::json bad = t.ToJson();
  bad["rows"][0]["values"][0] = "12";
  EXPECT_FALSE(AreaTable::FromJson(bad).ok());
  EXPECT_FALSE(AreaTable::FromJson(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace stapel
