#include "tables/area_table.h"

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

Manifest AbcManifest() {
  Manifest m;
  m.parties.push_back(
      {.id = "register", .attributes = {"a", "b", "c"}, .characteristics = {"minor"}});
  return m;
}

AreaTable Table(const std::vector<LinkedPerson>& persons, const TableSpec* spec = nullptr) {
  const Geography geography = DemoGeography();
  const BuurtCounts counts = CountByBuurt(persons, {"BU99990101", "BU99990102"}, geography);
  return BuildTable(spec ? *spec : StackingTableSpec(AbcManifest(), counts.has_households), counts,
                    geography);
}

TEST(StackingTableTest, CountsResidentsIndicatorsAndStacking) {
  // buurt 0 = BU99990101, 1 = BU99990102
  std::vector<LinkedPerson> persons = {{0, 0b000}, {0, 0b011}, {0, 0b111}, {1, 0b100}};
  AreaTable t = Table(persons);
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
  AreaTable t = Table(persons);
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

TEST(RequestedTableTest, CountsWithinAPopulationDownToTheRequestedLevel) {
  Manifest manifest = AbcManifest();
  manifest.populations.push_back({"minors", CountUnit::kPersons, "minor"});
  TableRequest request{.population = "minors",
                       .level = "wijk",
                       .measures = {{"a_and_b", "a AND b"}, {"a_or_c", "a OR c"}}};
  auto spec = ResolveRequest(request, manifest, false);
  ASSERT_TRUE(spec.ok()) << spec.status();
  // bit 3 = minor
  std::vector<LinkedPerson> persons = {{0, 0b1011}, {0, 0b0011}, {0, 0b1100}, {1, 0b1000}};
  AreaTable t = Table(persons, &*spec);
  EXPECT_EQ(t.measures, (std::vector<std::string>{"minors", "a_and_b", "a_or_c"}));
  ASSERT_EQ(t.rows.size(), 3u);  // the gemeente and its two wijken, no buurten
  EXPECT_EQ(t.rows[1].level, AreaLevel::kWijk);
  EXPECT_EQ(t.rows[1].cells[0].value, 3);
  EXPECT_EQ(t.rows[1].cells[1].value, 1);
  EXPECT_EQ(t.rows[1].cells[2].value, 2);
  EXPECT_EQ(t.rows[2].cells[0].value, 0);
}

TEST(RequestedTableTest, RefusalsSayWhy) {
  const Manifest manifest = AbcManifest();
  auto unknown = ResolveRequest({.population = "pensioners"}, manifest, false);
  EXPECT_NE(unknown.status().message().find("not a population"), std::string::npos);
  auto bad_level = ResolveRequest({.population = "residents", .level = "street"}, manifest, false);
  EXPECT_NE(bad_level.status().message().find("not a geography level"), std::string::npos);
  auto bad_measure = ResolveRequest(
      {.population = "residents", .measures = {{"x", "a AND income"}}}, manifest, false);
  EXPECT_NE(bad_measure.status().message().find("measure 'x'"), std::string::npos);
  auto twice = ResolveRequest({.population = "residents", .measures = {{"residents", "a"}}},
                              manifest, false);
  EXPECT_NE(twice.status().message().find("used twice"), std::string::npos);
  auto households = ResolveRequest({.population = "households"}, manifest, false);
  EXPECT_NE(households.status().message().find("no household links"), std::string::npos);
}

TEST(RequestedTableTest, SpecRoundTripsThroughJson) {
  Manifest manifest = AbcManifest();
  auto spec = ResolveRequest(
      {.population = "residents", .measures = {{"two", "atleast(2, a, b, c)"}}}, manifest, false);
  ASSERT_TRUE(spec.ok());
  auto back = TableSpec::FromJson(spec->ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToJson(), spec->ToJson());
  EXPECT_EQ(back->columns[1].population_column, 0);
  EXPECT_FALSE(TableSpec::FromJson({{"level", "buurt"}}).ok());
}

TEST(RequestedTableTest, LoadsTomlAndJsonRequests) {
  const auto dir = testing_util::FreshTempDir();
  testing_util::WriteFile(dir / "r.toml",
                          "purpose = \"council\"\npopulation = \"residents\"\nlevel = \"wijk\"\n"
                          "[[measures]]\nname = \"both\"\nexpression = \"a AND b\"\n");
  auto toml = TableRequest::Load(dir / "r.toml");
  ASSERT_TRUE(toml.ok()) << toml.status();
  EXPECT_EQ(toml->purpose, "council");
  EXPECT_EQ(toml->level, "wijk");
  ASSERT_EQ(toml->measures.size(), 1u);
  EXPECT_EQ(toml->measures[0].expression, "a AND b");
  testing_util::WriteFile(dir / "r.json", R"({"population": "residents", "colour": "red"})");
  auto json = TableRequest::Load(dir / "r.json");
  EXPECT_NE(json.status().message().find("unknown field 'colour'"), std::string::npos);
  testing_util::WriteFile(dir / "r.json",
                          R"({"population": "residents", "measures": [{"name": 1}]})");
  EXPECT_FALSE(TableRequest::Load(dir / "r.json").ok());
}

TEST(RequestedTableTest, AskedWithinAGemeenteHasOnlyItsRows) {
  auto path = testing_util::FreshTempDir() / "areas.csv";
  testing_util::WriteFile(path,
                          "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
                          "BU99980101,Dorp,WK999801,Kern,GM9998,Buren\n"
                          "BU99990101,Noord,WK999901,Oost,GM9999,Demo\n");
  const Geography geography = *Geography::LoadCsv(path);
  const BuurtCounts counts =
      CountByBuurt({{0, 0b001}, {0, 0b011}, {1, 0b001}}, {"BU99980101", "BU99990101"}, geography);
  auto spec =
      ResolveRequest({.population = "residents", .within = " gm9998"}, AbcManifest(), false);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->within, "GM9998");
  const AreaTable t = BuildTable(*spec, counts, geography);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].code, "GM9998");
  EXPECT_EQ(t.rows[0].cells[0].value, 2);
  EXPECT_EQ(t.rows[2].code, "BU99980101");
  EXPECT_TRUE(CheckWithin(*spec, counts).ok());
  auto back = TableSpec::FromJson(spec->ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->within, "GM9998");
  // Every gemeente without it; the stacking table within one too.
  EXPECT_EQ(BuildTable(*ResolveRequest({.population = "residents"}, AbcManifest(), false), counts,
                       geography)
                .rows.size(),
            6u);
  auto stacking = ResolveRequest({.within = "GM9999"}, AbcManifest(), false);
  ASSERT_TRUE(stacking.ok()) << stacking.status();
  EXPECT_EQ(BuildTable(*stacking, counts, geography).rows.size(), 3u);

  spec->within = "GM9997";
  const absl::Status none = CheckWithin(*spec, counts);
  EXPECT_EQ(none.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.message().find("ask for one of its 2 gemeenten (GM9998, GM9999)"),
            std::string::npos)
      << none;
  auto wijk =
      ResolveRequest({.population = "residents", .within = "WK999801"}, AbcManifest(), false);
  EXPECT_NE(wijk.status().message().find("within: 'WK999801' is not a CBS gemeente code"),
            std::string::npos)
      << wijk.status();
  auto long_text = ResolveRequest({.population = "residents", .within = std::string(100'000, 'G')},
                                  AbcManifest(), false);
  EXPECT_LT(long_text.status().message().size(), 300u);
  const auto dir = testing_util::FreshTempDir();
  testing_util::WriteFile(dir / "r.toml", "population = \"residents\"\nwithin = \"GM9998\"\n");
  auto toml = TableRequest::Load(dir / "r.toml");
  ASSERT_TRUE(toml.ok()) << toml.status();
  EXPECT_EQ(toml->within, "GM9998");
}

TEST(AreaTableTest, ATableOfSeveralGemeentenCarriesTheirPublishedTotal) {
  auto row = [](AreaLevel level, std::string code, std::vector<Cell> cells) {
    return AreaRow{level, std::move(code), "", "", std::move(cells), 0};
  };
  AreaTable table{.measures = {"residents", "wmo"},
                  .rows = {row(AreaLevel::kGemeente, "GM9998", {{120}, {15}}),
                           row(AreaLevel::kWijk, "WK999801", {{120}, {15}}),
                           row(AreaLevel::kGemeente, "GM9999", {{80}, {4, true}}),
                           row(AreaLevel::kWijk, "WK999901", {{80}, {4, true}})}};
  AreaTable one = table;
  one.rows.resize(2);
  AddTotalRow(&one);
  EXPECT_EQ(one.rows.size(), 2u) << "one gemeente has no total row";

  AddTotalRow(&table);
  ASSERT_EQ(table.rows.size(), 5u);
  const AreaRow& total = table.rows.front();
  EXPECT_EQ(total.level, AreaLevel::kTotal);
  EXPECT_EQ(total.code, "total");
  EXPECT_EQ(total.name, "total of 2 gemeenten");
  EXPECT_EQ(total.cells[0].value, 200);
  EXPECT_FALSE(total.cells[0].suppressed);
  EXPECT_TRUE(total.cells[1].suppressed) << "it would give the suppressed 4 away";
  const std::string csv = table.ToCsv();
  EXPECT_EQ(csv.substr(0, csv.find('\n', csv.find('\n') + 1)),
            "level,code,name,parent,residents,wmo\ntotal,total,total of 2 gemeenten,,200,x");

  AreaTable rest = table;
  rest.rows.erase(rest.rows.begin());
  auto back = AreaTable::FromJson(table.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(TakeOutTotalRow(&*back).ok());
  EXPECT_EQ(back->ToJson(), rest.ToJson());
  // A total that tells more than its gemeenten (here the suppressed wmo count) is refused.
  AreaTable telling = table;
  telling.rows.front().cells[1] = {19, false};
  const absl::Status refused = TakeOutTotalRow(&telling);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("not the sum of its gemeenten"), std::string::npos);
  AreaTable moved = table;
  std::rotate(moved.rows.begin(), moved.rows.begin() + 1, moved.rows.end());
  EXPECT_FALSE(TakeOutTotalRow(&moved).ok());
  AreaTable twice = table;
  twice.rows.push_back(table.rows.front());
  EXPECT_FALSE(TakeOutTotalRow(&twice).ok());
  AreaTable with_parent = table;
  with_parent.rows.front().parent = "GM9998";
  EXPECT_FALSE(TakeOutTotalRow(&with_parent).ok());
  EXPECT_FALSE(AreaTable::FromJson(nlohmann::json::parse(
                                       R"({"measures": [], "rows": [{"level": "nation",
                                       "code": "NL", "name": "", "parent": "", "values": []}]})"))
                   .ok());
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
