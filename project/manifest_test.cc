#include "project/manifest.h"

#include <gtest/gtest.h>

#include "tests/test_project.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::WriteFile;

using testing_util::kTestManifest;

std::filesystem::path WriteProject(std::string_view manifest) {
  auto dir = FreshTempDir();
  testing_util::WriteTestProject(dir, manifest);
  return dir / "manifest.toml";
}

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(ManifestTest, LoadsPartiesRolesKeysAndRules) {
  auto m = Manifest::Load(WriteProject(kTestManifest));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->project_id, "test");
  EXPECT_EQ(m->disclosure.k, 15);
  EXPECT_EQ(m->disclosure.min_area_population, 10);
  EXPECT_TRUE(m->disclosure.group_disclosure);  // the default
  EXPECT_EQ(m->RegisterParty().id, "municipality");
  // Party keys follow the project's precision order, whatever order the party lists them in.
  EXPECT_EQ(m->RegisterParty().match_keys,
            (std::vector<std::string>{"bsn", "surname_birth_postcode", "initial_surname_birth",
                                      "birth_postcode_house", "initial_surname_postcode_house"}));
  EXPECT_TRUE(m->FindParty("credit")->AllowsAttribute("debts"));
  EXPECT_FALSE(m->FindParty("credit")->AllowsAttribute("wmo"));
  EXPECT_TRUE(m->IsRequester("analyst"));
  EXPECT_FALSE(m->IsRequester("credit"));
  EXPECT_EQ(m->Indicators(),
            (std::vector<std::string>{"youth_care", "wmo", "rent_arrears", "debts"}));
}

TEST(ManifestTest, PrivacyOfficersAreIdentitiesOfTheirOwn) {
  auto m = Manifest::Load(
      WriteProject(std::string(kTestManifest) + "\n[[privacy_officer]]\nid = \"officer\"\n"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->IsPrivacyOfficer("officer"));
  EXPECT_FALSE(m->IsPrivacyOfficer("analyst"));
  EXPECT_FALSE(m->IsRequester("officer"));
  auto both = Manifest::Load(
      WriteProject(std::string(kTestManifest) + "\n[[privacy_officer]]\nid = \"analyst\"\n"));
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find(
                "privacy_officer: 'analyst' is also a party or requester; use separate identities"),
            std::string::npos)
      << both.status();
}

TEST(ManifestTest, DefaultThresholdIsTen) {
  auto m = Manifest::Load(WriteProject(Replace(kTestManifest, "k = 15", "")));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->disclosure.k, 10);
}

TEST(ManifestTest, ErrorsNameTheFileAndTheEntry) {
  struct Case {
    std::string_view from, to, expect;
  };
  for (const Case& c : std::vector<Case>{
           {"role = \"source\"", "role = \"watcher\"", "party 'housing'.role"},
           {"attributes = [\"debts\"]", "attributes = [\"wmo\"]",
            "already sent as an attribute or characteristic"},
           {"match_keys = [\"bsn\"]", "match_keys = [\"iris_scan\"]",
            "not in the project's match_keys"},
           {"role = \"source\"", "role = \"register\"", "exactly one party"},
           {"k = 15", "k = 1", "disclosure.k"},
           {"signing_key = \"credit.pub\"", "signing_key = \"missing.pub\"", "missing.pub"},
           {"project_id = \"test\"", "project_id = \"Test Project\"", "project_id"},
           {"title = \"Test project\"", "title = ", "manifest.toml:3"},
       }) {
    auto m = Manifest::Load(WriteProject(Replace(kTestManifest, c.from, c.to)));
    ASSERT_FALSE(m.ok()) << c.to;
    EXPECT_NE(m.status().message().find("manifest.toml"), std::string::npos) << m.status();
    EXPECT_NE(m.status().message().find(std::string(c.expect)), std::string::npos) << m.status();
  }
}

TEST(ManifestTest, MalformedPublicKeyIsRefused) {
  auto path = WriteProject(kTestManifest);
  WriteFile(path.parent_path() / "credit.pub", "not a key\n");
  auto m = Manifest::Load(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("signing_key"), std::string::npos) << m.status();
}

TEST(ManifestTest, GemeentenAreCbsCodes) {
  auto none = Manifest::Load(WriteProject(kTestManifest));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->gemeenten.empty());
  auto two = Manifest::Load(WriteProject(
      Replace(kTestManifest, "title = ", "gemeenten = [\"GM9999\", \"GM0363\"]\ntitle = ")));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->gemeenten, (std::vector<std::string>{"GM9999", "GM0363"}));
  auto bad = Manifest::Load(
      WriteProject(Replace(kTestManifest, "title = ", "gemeenten = [\"GM99\"]\ntitle = ")));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'GM99' is not a CBS gemeente code"), std::string::npos)
      << bad.status();
}

TEST(ManifestTest, TheCellKeyMethodsParametersAreCheckedTogether) {
  auto with = [&](const std::string& lines) {
    return Manifest::Load(WriteProject(Replace(kTestManifest, "[disclosure]", "[disclosure]\n" + lines)));
  };
  auto cell_key = with("method = \"cell_key\"\nmax_deviation = 4\nvariance = 3\nthreshold = 3");
  ASSERT_TRUE(cell_key.ok()) << cell_key.status();
  EXPECT_EQ(cell_key->disclosure.method, DisclosureMethod::kCellKey);
  EXPECT_EQ(cell_key->disclosure.cell_key.max_deviation, 4);
  EXPECT_EQ(cell_key->disclosure.cell_key.threshold, 3);
  EXPECT_DOUBLE_EQ(cell_key->disclosure.cell_key.variance, 3.0);
  for (const auto& [lines, error] : std::vector<std::pair<std::string, std::string>>{
           {"method = \"noise\"", "must be \"suppression\" or \"cell_key\""},
           {"max_deviation = 2", "must be below max_deviation (2)"},  // the default threshold 2
           {"variance = 9", "below max_deviation² (9)"},
           {"variance = 0", "above 0"}}) {
    auto bad = with(lines);
    ASSERT_FALSE(bad.ok()) << lines;
    EXPECT_NE(bad.status().message().find(error), std::string::npos) << bad.status();
  }
}

TEST(ManifestTest, TheFuzzyPassTakesAPrecisionTargetAndEnoughBitsForEveryField) {
  auto with = [&](const std::string& fuzzy) {
    return Manifest::Load(WriteProject(std::string(kTestManifest) + "\n[fuzzy]\n" + fuzzy));
  };
  const std::string weights =
      "[fuzzy.weights]\nfirst_names = 1.0\nsurname = 1.0\nbirth_date = 1.0\n";
  auto good = with("bits = 960\nprecision = 0.995\n" + weights);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_DOUBLE_EQ(good->fuzzy->precision, 0.995);
  // 15 words: three tag words, then the names' segments under the birth date (there is no
  // address to salt with).
  EXPECT_EQ(good->fuzzy->SegmentWords(), 6u);
  EXPECT_DOUBLE_EQ(with(weights)->fuzzy->precision, 0.99);  // the default
  for (const auto& [lines, error] : std::vector<std::pair<std::string, std::string>>{
           {"threshold = 0.85\n" + weights, "set fuzzy.precision"},
           {"precision = 1.0\n" + weights, "from 0.5 to below 1"},
           {"bits = 192\n" + weights, "use at least 320"},
           {"[fuzzy.weights]\nfirst_names = 1.0\nsurname = 1.0\n", "salted"},
           {"[fuzzy.weights]\nfirst_names = 0.5\nsurname = 1.0\nbirth_date = 1.0\n",
            "the same weight"},
           {"[fuzzy.weights]\nsurname = 1.0\nbirth_year = 1.0\npostcode = 1.0\n"
            "house_number = 1.0\n",
            "add birth_date too"},
           {"bits = 1024\n" + weights + "later_given_names = 0.5\n", "the same weight"},
           {"bits = 1024\n[fuzzy.weights]\nsurname = 1.0\nbirth_date = 1.0\n"
            "later_given_names = 1.0\n",
            "add first_names too"}}) {
    auto bad = with(lines);
    ASSERT_FALSE(bad.ok()) << lines;
    EXPECT_NE(bad.status().message().find(error), std::string::npos) << bad.status();
  }
}

TEST(ManifestTest, PeriodsAreNamedOnceEach) {
  auto none = Manifest::Load(WriteProject(kTestManifest));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->HasPeriod(""));
  EXPECT_FALSE(none->HasPeriod("2025"));
  EXPECT_EQ(none->LatestPeriod(), "");
  auto two = Manifest::Load(WriteProject(
      Replace(kTestManifest, "title = ", "periods = [\"2024\", \"2025\"]\ntitle = ")));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_TRUE(two->HasPeriod("2024"));
  EXPECT_FALSE(two->HasPeriod(""));
  EXPECT_FALSE(two->HasPeriod("2023"));
  EXPECT_EQ(two->LatestPeriod(), "2025");
  for (const auto& [periods, error] : std::vector<std::pair<std::string, std::string>>{
           {"[\"2024\", \"2024\"]", "'2024' twice"},
           {"[\"20/24\"]", "'20/24' is not a period name"},
           {"[\".2024\"]", "'.2024' is not a period name"},
           {"[]", "lists no period"}}) {
    auto bad = Manifest::Load(
        WriteProject(Replace(kTestManifest, "title = ", "periods = " + periods + "\ntitle = ")));
    ASSERT_FALSE(bad.ok()) << periods;
    EXPECT_NE(bad.status().message().find(error), std::string::npos) << bad.status();
  }
}

}  // namespace
}  // namespace stapel
