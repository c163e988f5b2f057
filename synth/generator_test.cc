#include "synth/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "records/csv_reader.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

// Each row of `file` (after its header) by its line.
std::map<int, std::vector<std::string>> Rows(const std::filesystem::path& file, char delimiter) {
  auto reader = CsvReader::Open(file, delimiter);
  EXPECT_TRUE(reader.ok()) << reader.status();
  std::map<int, std::vector<std::string>> rows;
  CsvRow row;
  (*reader)->Next(&row);  // the header
  while ((*reader)->Next(&row)) rows[static_cast<int>(row.line)] = row.fields;
  return rows;
}

// The given names the register lists per person, and how the housing export writes them.
struct GivenNames {
  int persons = 0, several = 0;              // in the register
  int rows = 0, first = 0, all_of_them = 0;  // housing rows of persons with several
};

GivenNames CountGivenNames(std::string_view preset) {
  SynthOptions o;
  o.seed = 3;
  o.residents = 2000;
  o.out = testing_util::FreshTempDir();
  EXPECT_TRUE(ApplyErrorPreset(preset, &o).ok());
  EXPECT_TRUE(GenerateMunicipality(o).ok());
  const auto person_of = [&](const std::string& truth) {
    std::map<int, std::string> person;  // line -> person
    for (const auto& [line, f] : Rows(o.out / "truth" / truth, ',')) person[std::stoi(f[0])] = f[1];
    return person;
  };
  const auto register_person = person_of("municipality_rows.csv");
  std::map<std::string, std::string> given;  // person -> the register's given names
  for (const auto& [line, f] : Rows(o.out / "input" / "municipality.csv", ';')) {
    given.emplace(register_person.at(line), absl::AsciiStrToLower(f[1]));
  }
  GivenNames n;
  for (const auto& [person, names] : given) {
    ++n.persons;
    n.several += names.find(' ') != std::string::npos;
  }
  const auto housing_person = person_of("housing_rows.csv");
  for (const auto& [line, f] : Rows(o.out / "input" / "housing.csv", ',')) {
    const auto it = given.find(housing_person.at(line));
    if (it == given.end() || it->second.find(' ') == std::string::npos) continue;
    ++n.rows;
    const std::string written = absl::AsciiStrToLower(f[0]);
    n.first += written == it->second.substr(0, it->second.find(' '));
    n.all_of_them += written == it->second;
  }
  return n;
}

TEST(GeneratorTest, TheHarshRegisterListsEveryGivenNameAndTheHousingExportTheFirst) {
  const GivenNames harsh = CountGivenNames("harsh");
  // About two in three persons have several given names (as in the Netherlands).
  EXPECT_GT(harsh.several, harsh.persons / 2);
  EXPECT_LT(harsh.several, harsh.persons * 4 / 5);
  // Their housing rows write the first, or (typed errors) another form, never all of them.
  EXPECT_GT(harsh.rows, 50);
  EXPECT_GT(harsh.first, harsh.rows / 2);
  EXPECT_EQ(harsh.all_of_them, 0);
  // The demo's persons have one given name each, as before.
  EXPECT_EQ(CountGivenNames("demo").several, 0);
}

}  // namespace
}  // namespace stapel
