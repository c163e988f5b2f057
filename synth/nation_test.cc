#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "records/csv_reader.h"
#include "synth/areas.h"
#include "synth/generator.h"
#include "tables/geography.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

TEST(NationTest, TheNationHasTheNetherlandsSizesAndSpread) {
  synth::Random rng(1);
  const std::vector<synth::SynthGemeente> nation = synth::DrawNation(rng, 17'900'000);
  ASSERT_EQ(nation.size(), 342u);
  std::set<std::string> codes;
  std::vector<int> sizes;
  long residents = 0;
  int wijken = 0, buurten = 0, tiny = 0;
  std::map<int, std::string> gemeente_of_postcode;
  const std::regex gm("GM[0-9]{4}"), wk("WK[0-9]{6}"), bu("BU[0-9]{8}");
  for (const synth::SynthGemeente& g : nation) {
    EXPECT_TRUE(std::regex_match(g.code, gm)) << g.code;
    EXPECT_TRUE(codes.insert(g.code).second) << g.code;
    residents += g.residents;
    sizes.push_back(g.residents);
    wijken += g.wijken;
    double weights = 0;
    for (const synth::SynthBuurt& b : g.buurten) weights += b.weight;
    for (const synth::SynthBuurt& b : g.buurten) {
      EXPECT_TRUE(std::regex_match(b.code, bu)) << b.code;
      EXPECT_TRUE(std::regex_match(b.wijk_code, wk)) << b.wijk_code;
      EXPECT_EQ(b.code.substr(2, 6), b.wijk_code.substr(2, 6));  // the buurt is in its wijk
      EXPECT_EQ(b.code.substr(2, 4), g.code.substr(2, 4));       // and in its gemeente
      EXPECT_TRUE(codes.insert(b.code).second) << b.code;
      EXPECT_GE(b.postcode_base, 1000);
      EXPECT_GE(b.postcode_spread, 1);
      EXPECT_LE(b.postcode_base + b.postcode_spread - 1, 9999);
      for (int pc = b.postcode_base; pc < b.postcode_base + b.postcode_spread; ++pc) {
        // No postcode number in two gemeenten: addresses (households) never cross one.
        EXPECT_EQ(gemeente_of_postcode.emplace(pc, g.code).first->second, g.code) << pc;
      }
      tiny += g.residents * b.weight / weights < 50;
    }
    buurten += static_cast<int>(g.buurten.size());
  }
  EXPECT_EQ(residents, 17'900'000);
  // About 3,250 wijken and 14,500 buurten in the Netherlands.
  EXPECT_GT(wijken, 2'500);
  EXPECT_LT(wijken, 3'800);
  EXPECT_GT(buurten, 11'000);
  EXPECT_LT(buurten, 18'000);
  // A few large cities, many small towns; some buurten nearly empty.
  std::sort(sizes.begin(), sizes.end());
  const int median = sizes[sizes.size() / 2];
  EXPECT_GT(median, 15'000);
  EXPECT_LT(median, 45'000);
  EXPECT_GT(sizes.back(), 10 * median);
  EXPECT_LT(sizes.front(), median / 5);
  EXPECT_GT(tiny, 100);
  // Fewer residents: fewer gemeenten, in proportion.
  synth::Random again(1);
  EXPECT_EQ(synth::DrawNation(again, 1'000'000).size(), 19u);
}

TEST(NationTest, ANationIsWrittenGemeenteByGemeenteWithItsGeographyAndTruth) {
  const std::filesystem::path dir = testing_util::FreshTempDir();
  SynthOptions o;
  o.seed = 5;
  o.residents = 160'000;
  o.nation = true;
  o.out = dir;
  std::vector<long> progress;
  o.progress = [&](int gemeenten, long done, long residents) {
    EXPECT_EQ(gemeenten, 3);
    progress.push_back(residents);
    EXPECT_EQ(static_cast<long>(progress.size()), done);
  };
  auto summary = GenerateMunicipality(o);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->gemeenten, 3);
  EXPECT_EQ(summary->residents, 160'000);
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress.back(), 160'000);
  EXPECT_FALSE(std::filesystem::exists(dir / "input" / "buurten.geojson"));

  auto geography = Geography::LoadCsv(dir / "input" / "areas.csv");
  ASSERT_TRUE(geography.ok()) << geography.status();
  // Every register row of a valid buurt code names a buurt of the geography; BSNs are unique
  // over the whole nation.
  auto reader = CsvReader::Open(dir / "input" / "municipality.csv", ';');
  ASSERT_TRUE(reader.ok());
  CsvRow row;
  (*reader)->Next(&row);  // the header
  std::set<std::string> gemeenten;
  int rows = 0;
  while ((*reader)->Next(&row)) {
    ++rows;
    const std::string& buurt = row.fields[7];
    if (buurt.size() != 10) continue;  // an invalid row
    EXPECT_FALSE(geography->Name(buurt).empty()) << buurt;
    gemeenten.insert("GM" + buurt.substr(2, 4));
  }
  EXPECT_EQ(rows, summary->register_rows);
  EXPECT_EQ(gemeenten.size(), 3u);
  std::ifstream persons(dir / "truth" / "persons.csv");
  std::string line;
  std::getline(persons, line);
  std::set<std::string> bsns;
  long count = 0;
  while (std::getline(persons, line)) {
    ++count;
    EXPECT_TRUE(bsns.insert(line.substr(line.find(',') + 1, 9)).second) << line;
  }
  EXPECT_EQ(count, 160'000);
  EXPECT_TRUE(std::filesystem::exists(dir / "truth" / "true_table.csv"));
}

TEST(NationTest, MoreThanAMunicipalityNeedsTheNation) {
  SynthOptions o;
  o.residents = 6'000'000;
  o.out = testing_util::FreshTempDir();
  auto summary = GenerateMunicipality(o);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("--nation"), std::string::npos);
}

}  // namespace
}  // namespace stapel
