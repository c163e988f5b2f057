#include "party-agent/record_builder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "keys/key_file.h"
#include "linker/bloom_filter.h"
#include "linker/linkage.h"
#include "party-agent/test_project.h"

namespace stapel {
namespace {

using testing_util::MakeTestProject;

// What Build returns for a row it sends.
const absl::StatusOr<RecordBuilder::Completeness> kComplete =
    RecordBuilder::Completeness::kComplete;
const absl::StatusOr<RecordBuilder::Completeness> kIncomplete =
    RecordBuilder::Completeness::kIncomplete;

class RecordBuilderTest : public testing::Test {
 protected:
  void SetUp() override {
    project_ = MakeTestProject("municipality", "");
    manifest_ = *Manifest::Load(project_.config.manifest);
    auto text = ReadPrivateFile(project_.config.linkage_secret);
    keyer_ = *MatchKeyer::Create(*Base64DecodeSecret(*text), "test");
  }
  std::unique_ptr<RecordBuilder> Builder(const std::vector<std::string>& header) {
    CsvRow row{1, header, header.size(), ""};
    auto b = RecordBuilder::Create(project_.config, manifest_, keyer_.get(), nullptr, row);
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? std::move(*b) : nullptr;
  }
  // The housing corporation as a party of the fuzzy pass with `settings` (its encoder in
  // bloom_), its config mapping `columns` too, reading `header` (its export's, by default).
  std::unique_ptr<RecordBuilder> FuzzyBuilder(
      const BloomSettings& settings,
      const std::vector<std::string>& header = {"voornaam", "achternaam", "geboren", "postcode",
                                                "huisnummer", "achterstand"},
      const std::map<std::string, std::string>& columns = {}) {
    project_ = MakeTestProject("housing", "");
    manifest_ = *Manifest::Load(project_.config.manifest);
    const_cast<PartyManifest*>(manifest_.FindParty("housing"))->fuzzy = true;
    manifest_.fuzzy = settings;
    for (const auto& [field, column] : columns) project_.config.columns[field] = column;
    auto text = ReadPrivateFile(project_.config.linkage_secret);
    bloom_ = *BloomEncoder::Create(*Base64DecodeSecret(*text), "test", settings);
    const CsvRow row{1, header, header.size(), ""};
    auto b = RecordBuilder::Create(project_.config, manifest_, keyer_.get(), bloom_.get(), row);
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? std::move(*b) : nullptr;
  }
  static CsvRow Row(std::vector<std::string> fields) {
    const size_t n = fields.size();
    return CsvRow{2, std::move(fields), n, ""};
  }
  const std::vector<std::string> header_ = {"bsn",        "voornaam", "achternaam",
                                            "geboren",    "postcode", "huisnummer",
                                            "buurt",      "jeugdzorg", "notes"};
  testing_util::TestProject project_;
  Manifest manifest_;
  std::unique_ptr<MatchKeyer> keyer_;
  std::unique_ptr<BloomEncoder> bloom_;
};

std::string KeyOf(const MatchKey& k) { return std::string(k.begin(), k.end()); }

// The record's keys of one kind (by index in match_key_kinds).
std::vector<std::string> KeysOfKind(const v1::PseudonymRecord& r, uint32_t kind) {
  std::vector<std::string> out;
  for (const auto& e : r.keys()) {
    if (e.kind() == kind) out.push_back(e.key());
  }
  return out;
}

TEST_F(RecordBuilderTest, RegisterRecordCarriesKeysBuurtAndFlagsOnly) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  ASSERT_TRUE(b->Build(Row({"123456782", "Émile", "Müller-de Vries", "12-02-1980", "5401 ab",
                            "12a", "bu99990101", "ja", "lives with his mother"}),
                       &r)
                  .ok());
  EXPECT_EQ(b->match_key_kinds(),
            (std::vector<std::string>{"bsn", "surname_birth_postcode", "initial_surname_birth",
                                      "birth_postcode_house", "initial_surname_postcode_house"}));
  EXPECT_EQ(KeysOfKind(r, 0), (std::vector<std::string>{KeyOf(keyer_->Compute("bsn", "123456782"))}));
  // One key per surname part, prefixes left out.
  EXPECT_EQ(KeysOfKind(r, 1),
            (std::vector<std::string>{
                KeyOf(keyer_->Compute("surname_birth_postcode", "muller|1980-02-12|5401AB")),
                KeyOf(keyer_->Compute("surname_birth_postcode", "vries|1980-02-12|5401AB"))}));
  EXPECT_EQ(KeysOfKind(r, 2)[0], KeyOf(keyer_->Compute("initial_surname_birth", "e|muller|1980-02-12")));
  EXPECT_EQ(KeysOfKind(r, 3),
            (std::vector<std::string>{KeyOf(keyer_->Compute("birth_postcode_house", "1980-02-12|5401AB|12-a"))}));
  EXPECT_EQ(KeysOfKind(r, 4)[1],
            KeyOf(keyer_->Compute("initial_surname_postcode_house", "e|vries|5401AB|12-a")));
  EXPECT_EQ(r.keys_size(), 8);
  EXPECT_EQ(r.household(), KeyOf(keyer_->Compute("household_address", "5401AB|12-a")));
  EXPECT_EQ(r.buurt(), "BU99990101");
  EXPECT_EQ(r.attribute_values(0), 1u);
  const std::string wire = r.SerializeAsString();
  for (const char* plain : {"123456782", "ller", "Vries", "1980", "5401", "mother"}) {
    EXPECT_EQ(wire.find(plain), std::string::npos) << plain;
  }
}

TEST_F(RecordBuilderTest, FormattingVariantsGiveTheSameKeys) {
  auto b = Builder(header_);
  v1::PseudonymRecord a, c;
  ASSERT_TRUE(b->Build(Row({"123456782", "Emile", "MULLER", "1980-02-12", "5401AB", "12A",
                            "BU99990101", "0", ""}),
                       &a)
                  .ok());
  ASSERT_TRUE(b->Build(Row({"1234.56.782", " émile ", "Müller", "12/02/1980", " 5401 AB", "12-a",
                            "BU99990101", "nee", ""}),
                       &c)
                  .ok());
  ASSERT_EQ(a.keys_size(), c.keys_size());
  for (int i = 0; i < a.keys_size(); ++i) EXPECT_EQ(a.keys(i).key(), c.keys(i).key()) << i;
}

TEST_F(RecordBuilderTest, InvalidDataOrNoIdentityRejectTheRowNamingTheColumn) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  struct Case {
    std::vector<std::string> row;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {{"123456781", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""},
            "column bsn"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU999901", "1", ""},
            "column buurt"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "soms", ""},
            "column jeugdzorg"},
           {{"", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""},
            "identifies every person"},
           {{"123456782", "A", "B"}, "row has 3 fields, the header has 9"},
       }) {
    absl::Status s = b->Build(Row(c.row), &r).status();
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
  }
}

TEST_F(RecordBuilderTest, EmptyFieldsLeaveOnlyTheKeysThatNeedThemOut) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  EXPECT_EQ(b->Build(Row({"123456782", "A", "B", "12-02-1980", "", "", "BU99990101", "1", ""}), &r),
            kIncomplete);
  EXPECT_EQ(KeysOfKind(r, 0).size(), 1u);
  EXPECT_TRUE(KeysOfKind(r, 1).empty());  // needs the postcode
  EXPECT_EQ(KeysOfKind(r, 2).size(), 1u);  // initial, surname, birth date
  EXPECT_TRUE(KeysOfKind(r, 3).empty());
  EXPECT_TRUE(KeysOfKind(r, 4).empty());
}

TEST_F(RecordBuilderTest, AnInvalidIdentifyingFieldIsLeftOutAsIfEmptyAndTheRowCountsIncomplete) {
  auto b = Builder(header_);
  const std::vector<std::string> complete = {
      "123456782", "Anna", "Bos", "12-02-1980", "5401AB", "12a", "BU99990101", "1", ""};
  v1::PseudonymRecord r;
  EXPECT_EQ(b->Build(Row(complete), &r), kComplete);
  EXPECT_EQ(r.keys_size(), 5);
  struct Case {
    size_t column;
    std::string invalid;
  };
  for (const Case& c : std::vector<Case>{{3, "31-02-1980"},  // no calendar date
                                         {3, "12-13-1980"},
                                         {3, "01-01-2099"},  // in the future
                                         {4, "12345"},
                                         {5, "a1"},
                                         {1, "M\xfcller"},  // not UTF-8
                                         {2, "--"}}) {      // no letters
    std::vector<std::string> invalid = complete, empty = complete;
    invalid[c.column] = c.invalid;
    empty[c.column] = "";
    v1::PseudonymRecord with_invalid, with_empty;
    EXPECT_EQ(b->Build(Row(invalid), &with_invalid), kIncomplete) << c.invalid;
    EXPECT_EQ(b->Build(Row(empty), &with_empty), kIncomplete);
    // The same keys and household key as without the field, and the keys that need it left out.
    EXPECT_EQ(with_invalid.SerializeAsString(), with_empty.SerializeAsString()) << c.invalid;
    EXPECT_LT(with_invalid.keys_size(), 5) << c.invalid;
    EXPECT_EQ(KeysOfKind(with_invalid, 0), KeysOfKind(r, 0)) << c.invalid;
  }
  // Without a birth date: the BSN and the name-and-address key; the household stays.
  v1::PseudonymRecord no_date;
  std::vector<std::string> row = complete;
  row[3] = "31-02-1980";
  ASSERT_TRUE(b->Build(Row(row), &no_date).ok());
  EXPECT_EQ(
      KeysOfKind(no_date, 1).size() + KeysOfKind(no_date, 2).size() + KeysOfKind(no_date, 3).size(),
      0u);
  EXPECT_EQ(KeysOfKind(no_date, 4), KeysOfKind(r, 4));
  EXPECT_EQ(no_date.household(), r.household());
  // Without a postcode there is no household key either.
  row = complete;
  row[4] = "12345";
  ASSERT_TRUE(b->Build(Row(row), &no_date).ok());
  EXPECT_TRUE(no_date.household().empty());
  EXPECT_EQ(KeysOfKind(no_date, 2), KeysOfKind(r, 2));
}

TEST_F(RecordBuilderTest, ARegisterRowWithoutItsIdentifyingKeyIsStillRejected) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  for (const auto& [bsn, expect] : std::vector<std::pair<std::string, std::string>>{
           {"123456781", "column bsn: BSN '123456781' fails the eleven-test"},
           {"12345", "column bsn: BSN '12345' does not have 9 digits"},
           {"", "left empty: bsn"}}) {
    absl::Status s =
        b->Build(Row({bsn, "Anna", "Bos", "12-02-1980", "5401AB", "12a", "BU99990101", "1", ""}),
                 &r)
            .status();
    ASSERT_FALSE(s.ok()) << bsn;
    EXPECT_NE(s.message().find(expect), std::string::npos) << s;
    EXPECT_NE(s.message().find("identifies every person"), std::string::npos) << s;
  }
}

TEST_F(RecordBuilderTest, ARowWithNothingLeftToLinkOnIsRejectedNamingItsColumns) {
  project_ = MakeTestProject("housing", "");
  auto b = Builder({"voornaam", "achternaam", "geboren", "postcode", "huisnummer", "achterstand"});
  v1::PseudonymRecord r;
  struct Case {
    std::vector<std::string> row;
    std::vector<std::string> expect;  // in the reason
  };
  for (const Case& c : std::vector<Case>{
           // Names, but neither a birth date nor a postcode to form a key with.
           {{"Anna", "Bos", "29-02-2023", "12345", "", "nee"},
            {"nothing left to link on", "column geboren: date '29-02-2023' is not a calendar date",
             "column postcode: '12345' is not a Dutch postcode", "left empty: huisnummer"}},
           {{"Anna", "Bos", "01-01-2099", "", "3", "nee"},
            {"nothing left to link on",
             "column geboren: birth date '01-01-2099' lies in the future", "left empty: postcode"}},
           {{"", "", "", "", "", "nee"},
            {"nothing left to link on",
             "left empty: voornaam, achternaam, geboren, postcode, huisnummer"}},
       }) {
    absl::Status s = b->Build(Row(c.row), &r).status();
    ASSERT_FALSE(s.ok()) << c.expect[1];
    for (const std::string& expect : c.expect) {
      EXPECT_NE(s.message().find(expect), std::string::npos) << s;
    }
  }
  // Without names, birth date, postcode and house number still form a key.
  EXPECT_EQ(b->Build(Row({"", "--", "12-02-1980", "5401AB", "3", "nee"}), &r), kIncomplete);
  EXPECT_EQ(r.keys_size(), 1);
}

TEST_F(RecordBuilderTest, AFuzzyPartysRowWithoutAMatchKeyIsSentWhenItHasASaltAndAField) {
  auto b = FuzzyBuilder({.bits = 1472,
                         .hashes = 8,
                         .fields = {{"first_names", 1},
                                    {"surname", 1},
                                    {"birth_date", 1},
                                    {"postcode", 1},
                                    {"house_number", 1}}});
  ASSERT_NE(b, nullptr);
  v1::PseudonymRecord r;
  // A surname and a birth date, or a surname and an address: no match key (they all need the
  // initial or both), yet a salt of the filter (bloom_filter.h) under which the fuzzy pass can
  // compare them with their person.
  for (const std::vector<std::string>& row :
       {std::vector<std::string>{"", "Bos", "12-02-1980", "", "", "nee"},
        std::vector<std::string>{"", "Dijkstra", "", "5401AB", "3", "nee"}}) {
    EXPECT_EQ(b->Build(Row(row), &r), kIncomplete) << row[1];
    EXPECT_EQ(r.keys_size(), 0);
    EXPECT_FALSE(r.bloom().empty());
  }
  // Names without a birth date or a whole address, or a birth date alone: still rejected,
  // saying so.
  for (const std::vector<std::string>& row :
       {std::vector<std::string>{"Anna", "Bos", "", "5401AB", "", "nee"},
        std::vector<std::string>{"", "", "12-02-1980", "", "", "nee"}}) {
    absl::Status none = b->Build(Row(row), &r).status();
    ASSERT_FALSE(none.ok()) << row[2];
    EXPECT_NE(none.message().find("the fuzzy pass has no birth date or address with another "
                                  "field to compare"),
              std::string::npos)
        << none;
  }
}

TEST_F(RecordBuilderTest, AllGivenNamesAndTheFirstAloneShareTheNamesSaltAsTheAgentFoldsThem) {
  // Three tags, then the names and postcode under the birth date, the date, year and postcode
  // under the names (no house number, no address salt): 64 bits each.
  auto b = FuzzyBuilder({.bits = 576,
                         .fields = {{"first_names", 1},
                                    {"surname", 1},
                                    {"birth_date", 1},
                                    {"birth_year", 1},
                                    {"postcode", 1}}});
  ASSERT_NE(b, nullptr);
  const auto names_tag = [&](std::vector<std::string> row) {
    v1::PseudonymRecord r;
    EXPECT_TRUE(b->Build(Row(std::move(row)), &r).ok());
    EXPECT_EQ(r.bloom().size(), 576u / 8);
    uint64_t tag;
    std::memcpy(&tag, r.bloom().data() + 8 * static_cast<size_t>(Salt::kNames), sizeof tag);
    return tag;
  };
  // A register's given names, all of them; a source's first name, its surname in the other
  // column and an impossible date; another year, which is compared under the salt, not part of
  // it; a married name, the partner's first.
  const uint64_t all = names_tag({"Jan  Hendrik", "van der Berg", "12-02-1980", "", "", "nee"});
  EXPECT_NE(all, 0u);
  EXPECT_EQ(names_tag({"BERG", "Jan", "31-04-1980", "5401AB", "3", "nee"}), all);
  EXPECT_EQ(names_tag({"Van der Berg", "Jan", "31-04-1980", "5401AB", "3", "nee"}), all);
  EXPECT_EQ(names_tag({"Jan", "Berg", "12-02-1981", "", "", "nee"}), all);
  EXPECT_EQ(names_tag({"Jan", "Jansen-van der Berg", "", "5401AB", "", "nee"}), all);
  EXPECT_NE(names_tag({"Jan", "van der Berg-Jansen", "12-02-1980", "", "", "nee"}), all);
  // Initials alone are no given name: no names salt, but the initial's keys.
  EXPECT_EQ(names_tag({"J.H.", "van der Berg", "12-02-1980", "", "", "nee"}), 0u);
  v1::PseudonymRecord initials, named;
  ASSERT_TRUE(
      b->Build(Row({"J. H.", "van der Berg", "12-02-1980", "", "", "nee"}), &initials).ok());
  ASSERT_TRUE(
      b->Build(Row({"Jan Hendrik", "van der Berg", "12-02-1980", "", "", "nee"}), &named).ok());
  ASSERT_GT(initials.keys_size(), 0);
  ASSERT_EQ(initials.keys_size(), named.keys_size());
  for (int k = 0; k < named.keys_size(); ++k) {
    EXPECT_EQ(initials.keys(k).SerializeAsString(), named.keys(k).SerializeAsString()) << k;
  }
  // No match key and no date, only the names, and the year or a postcode to compare under them:
  // sent for the fuzzy pass alone. With neither nothing is left to compare.
  v1::PseudonymRecord r;
  EXPECT_EQ(b->Build(Row({"Jan", "Berg", "31-04-1980", "", "", "nee"}), &r), kIncomplete);
  EXPECT_EQ(r.keys_size(), 0);
  EXPECT_EQ(b->Build(Row({"Jan", "Berg", "", "5401AB", "", "nee"}), &r), kIncomplete);
  EXPECT_FALSE(b->Build(Row({"Jan", "Berg", "", "", "", "nee"}), &r).ok());
}

TEST_F(RecordBuilderTest, AFuzzyPartyCanAddStreetSexInitialsAndLaterGivenNames) {
  auto b = FuzzyBuilder({.bits = 2048,
                         .hashes = 8,
                         .fields = {{"first_names", 1},
                                    {"surname", 1},
                                    {"birth_date", 1},
                                    {"street", 1},
                                    {"sex", 1},
                                    {"initials", 1},
                                    {"later_given_names", 1}}},
                        {"voornaam", "achternaam", "geboren", "postcode", "huisnummer", "straat",
                         "geslacht", "achterstand"},
                        {{"street", "straat"}, {"sex", "geslacht"}});
  ASSERT_NE(b, nullptr);
  v1::PseudonymRecord r;
  ASSERT_EQ(b->Build(Row({"Jan Hendrik", "van Dijk", "12-02-1980", "5401AB", "3", "Sint Janstraat",
                          "M", "nee"}),
                     &r),
            kComplete);
  // The filter holds the normalized values, the initials taken from the given names, and the
  // given names for the later ones (the encoder takes "hendrik" from them).
  std::vector<uint64_t> expected(bloom_->words());
  bloom_->Encode(std::vector<std::string>{"jan hendrik", "dijk", "1980-02-12", "sintjanstraat", "m",
                                          "jh", "jan hendrik"},
                 expected);
  EXPECT_EQ(r.bloom(), std::string(reinterpret_cast<const char*>(expected.data()),
                                   expected.size() * sizeof(uint64_t)));
  // A sex the agent cannot read is left out of the filter; the row is sent, incomplete.
  EXPECT_EQ(b->Build(Row({"Jan", "van Dijk", "12-02-1980", "5401AB", "3", "Kerkstraat", "onbekend",
                          "nee"}),
                     &r),
            kIncomplete);
}

TEST_F(RecordBuilderTest, TheBirthYearIsEncodedAlsoOfADateWrittenWrongThatKeepsIt) {
  auto b = FuzzyBuilder({.bits = 1536,
                         .hashes = 8,
                         .fields = {{"first_names", 1},
                                    {"surname", 1},
                                    {"birth_date", 1},
                                    {"birth_year", 1},
                                    {"postcode", 1},
                                    {"house_number", 1}}});
  ASSERT_NE(b, nullptr);
  const auto filter_of = [&](const std::string& date,
                             const absl::StatusOr<RecordBuilder::Completeness>& expected) {
    v1::PseudonymRecord r;
    EXPECT_EQ(b->Build(Row({"Jan", "Jansen", date, "5401AB", "3", "nee"}), &r), expected) << date;
    return r.bloom();
  };
  const auto encoded = [&](const std::string& date, const std::string& year) {
    std::vector<uint64_t> f(bloom_->words());
    bloom_->Encode(std::vector<std::string>{"jan", "jansen", date, year, "5401AB", "3"}, f);
    return std::string(reinterpret_cast<const char*>(f.data()), f.size() * sizeof(uint64_t));
  };
  EXPECT_EQ(filter_of("12-02-1980", kComplete), encoded("1980-02-12", "1980"));
  // An impossible date is left out (no salt, no key); its year still tells.
  EXPECT_EQ(filter_of("31-04-1950", kIncomplete), encoded("", "1950"));
  EXPECT_EQ(filter_of("12-04-1690", kIncomplete), encoded("", ""));  // no year either
  EXPECT_EQ(filter_of("gisteren", kIncomplete), encoded("", ""));
  EXPECT_EQ(filter_of("12-02-2999", kIncomplete), encoded("", ""));  // in the future
}

TEST_F(RecordBuilderTest, SurvivesHostileInputs) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  const std::string long_name(200, 'x');
  struct Case {
    std::vector<std::string> row;
    bool accepted;
    std::string expect;  // in the reason when rejected
  };
  for (const Case& c : std::vector<Case>{
           {{"", "", "", "", "", "", "", "", ""}, false, "identifies every person"},
           {{"123456782", "M\xfcller", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""},
            true,
            ""},  // the first names are left out
           {{"123456782", "A", "O", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""}, true, ""},
           {{"123456782", long_name, long_name, "12-02-1980", "5401AB", "1", "BU99990101", "1", ""},
            true,
            ""},
           {{"123456782", "A", "B", "29-02-2023", "5401AB", "1", "BU99990101", "1", ""},
            true,
            ""},  // the birth date is left out
           {{"", "A", "B", "01-01-2099", "5401AB", "1", "BU99990101", "1", ""},
            false,
            "identifies every person"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", "\xff\xfe"},
            true,
            ""},  // a column Stapel does not read may hold anything
       }) {
    absl::Status s = b->Build(Row(c.row), &r).status();
    EXPECT_EQ(s.ok(), c.accepted) << c.row[1] << ": " << s;
    if (!c.accepted) {
      EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
    }
  }
}

TEST_F(RecordBuilderTest, TwinsAreAmbiguousAndNeverMerged) {
  auto b = Builder(header_);
  // Twins: one address, one birth date, same initial and surname; only the BSN differs.
  v1::PseudonymRecord twin1, twin2;
  ASSERT_TRUE(b->Build(Row({"123456782", "Anna", "Bos", "01-05-2001", "5401AB", "3", "BU99990101", "1", ""}), &twin1).ok());
  ASSERT_TRUE(b->Build(Row({"111222333", "Anouk", "Bos", "01-05-2001", "5401AB", "3", "BU99990101", "0", ""}), &twin2).ok());
  Linker linker(5);
  LinkStats reg, src;
  auto refs = [](const v1::PseudonymRecord& r) {
    std::vector<KeyRef> keys;
    for (const auto& e : r.keys()) keys.push_back({e.kind(), reinterpret_cast<const MatchKey*>(e.key().data())});
    return keys;
  };
  linker.AddRegisterRecord(refs(twin1), 0, 0, &reg);
  linker.AddRegisterRecord(refs(twin2), 0, 0, &reg);
  EXPECT_EQ(linker.persons().size(), 2u);  // never merged
  // A source that knows only name, birth date and address cannot tell them apart.
  std::vector<KeyRef> without_bsn;
  for (const KeyRef& k : refs(twin1)) {
    if (k.kind != 0) without_bsn.push_back(k);
  }
  EXPECT_EQ(linker.AddSourceRecord(without_bsn, 1, &src), Linker::kNotLinked);
  EXPECT_EQ(src.ambiguous, 1u);
}

TEST_F(RecordBuilderTest, HeaderWithoutAConfiguredColumnIsExplained) {
  CsvRow header{1, {"bsn", "voornaam"}, 2, ""};
  auto b = RecordBuilder::Create(project_.config, manifest_, keyer_.get(), nullptr, header);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("no column 'achternaam'"), std::string::npos) << b.status();
}

TEST_F(RecordBuilderTest, AFlagIsYesOrNoInAnyCaseAndAnythingElseRejectsTheRow) {
  auto b = Builder(header_);
  const auto flag = [&](std::string value) -> absl::StatusOr<uint32_t> {
    v1::PseudonymRecord r;
    auto built = b->Build(Row({"123456782", "Jan", "Jansen", "12-02-1980", "5401 ab", "12",
                               "bu99990101", std::move(value), ""}),
                          &r);
    if (!built.ok()) return built.status();
    return r.attribute_values(0);
  };
  for (const char* yes : {"1", "ja", "JA", " Ja ", "j", "true", "TRUE", "yes", "Y"}) {
    EXPECT_EQ(flag(yes).value_or(9), 1u) << yes;
  }
  for (const char* no : {"0", "nee", "Nee", "N", "false", "False", "no", " NO "}) {
    EXPECT_EQ(flag(no).value_or(9), 0u) << no;
  }
  for (const char* neither : {"soms", "jaa", "", "2", "nej", "yes please"}) {
    const auto got = flag(neither);
    ASSERT_FALSE(got.ok()) << neither;
    EXPECT_NE(got.status().message().find("column jeugdzorg"), std::string::npos) << got.status();
  }
}

TEST_F(RecordBuilderTest, AttributeTheManifestDoesNotAllowIsRefused) {
  project_.config.attributes["debts"] = "notes";
  CsvRow header{1, header_, header_.size(), ""};
  auto b = RecordBuilder::Create(project_.config, manifest_, keyer_.get(), nullptr, header);
  ASSERT_EQ(b.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(b.status().message().find("debts"), std::string::npos);
}

TEST_F(RecordBuilderTest, BuildingOnSeveralThreadsGivesWhatOneThreadGivesRowForRow) {
  auto b = Builder(header_);
  std::vector<CsvRow> rows;
  for (int i = 0; i < 2000; ++i) {  // every 7th row with an impossible date, every 11th rejected
    rows.push_back(
        Row({"123456782", "Jan", "Jansen" + std::to_string(i),
             fmt::format("{:02}-03-19{:02}", i % 7 == 0 ? 32 : 1 + i % 28, i % 100), "5401AB",
             std::to_string(1 + i % 300), "bu99990101", i % 11 == 0 ? "soms" : "nee", ""}));
  }
  // Appended after a batch's other fields, as the agent does.
  v1::Batch header;
  header.set_party_id("municipality");
  std::string one = header.SerializeAsString(), four = one;
  std::vector<absl::StatusOr<RecordBuilder::Completeness>> one_status(rows.size()),
      four_status(rows.size());
  b->BuildAll(rows, one_status, 1, &one);
  b->BuildAll(rows, four_status, 4, &four);
  EXPECT_EQ(one, four);
  v1::Batch batch;
  ASSERT_TRUE(batch.ParseFromString(four));
  EXPECT_EQ(batch.party_id(), "municipality");
  int rejected = 0, incomplete = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(one_status[i], four_status[i]) << "row " << i;
    EXPECT_EQ(one_status[i].ok(), i % 11 != 0) << "row " << i << ": " << one_status[i].status();
    if (!one_status[i].ok()) {
      ++rejected;
      continue;
    }
    incomplete += *one_status[i] == RecordBuilder::Completeness::kIncomplete;
    const int record = static_cast<int>(i) - rejected;  // the records of the rows built, in order
    ASSERT_LT(record, batch.records_size());
    ASSERT_EQ(batch.records(record).keys_size(), i % 7 == 0 ? 2 : 5);  // no date: bsn and one more
    v1::PseudonymRecord built_alone;
    ASSERT_TRUE(b->Build(rows[i], &built_alone).ok());
    EXPECT_EQ(built_alone.SerializeAsString(), batch.records(record).SerializeAsString())
        << "row " << i;
  }
  EXPECT_EQ(rejected, 182);
  EXPECT_EQ(incomplete, 260);
  EXPECT_EQ(batch.records_size(), static_cast<int>(rows.size()) - rejected);
}

}  // namespace
}  // namespace stapel
