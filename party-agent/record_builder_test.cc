#include "party-agent/record_builder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "keys/key_file.h"
#include "linker/linkage.h"
#include "party-agent/test_project.h"

namespace stapel {
namespace {

using testing_util::MakeTestProject;

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

TEST_F(RecordBuilderTest, InvalidFieldsRejectTheRowNamingTheColumn) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  struct Case {
    std::vector<std::string> row;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {{"123456781", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""}, "column bsn"},
           {{"123456782", "A", "B", "31-02-1980", "5401AB", "1", "BU99990101", "1", ""}, "column geboren"},
           {{"123456782", "A", "B", "12-02-1980", "540AB", "1", "BU99990101", "1", ""}, "column postcode"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "a1", "BU99990101", "1", ""}, "column huisnummer"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU999901", "1", ""}, "column buurt"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "soms", ""}, "column jeugdzorg"},
           {{"", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""}, "identifies every person"},
           {{"123456782", "A", "B"}, "row has 3 fields, the header has 9"},
       }) {
    absl::Status s = b->Build(Row(c.row), &r);
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
  }
}

TEST_F(RecordBuilderTest, EmptyFieldsLeaveOnlyTheKeysThatNeedThemOut) {
  auto b = Builder(header_);
  v1::PseudonymRecord r;
  ASSERT_TRUE(b->Build(Row({"123456782", "A", "B", "12-02-1980", "", "", "BU99990101", "1", ""}), &r).ok());
  EXPECT_EQ(KeysOfKind(r, 0).size(), 1u);
  EXPECT_TRUE(KeysOfKind(r, 1).empty());  // needs the postcode
  EXPECT_EQ(KeysOfKind(r, 2).size(), 1u);  // initial, surname, birth date
  EXPECT_TRUE(KeysOfKind(r, 3).empty());
  EXPECT_TRUE(KeysOfKind(r, 4).empty());
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
            false, "UTF-8"},
           {{"123456782", "A", "O", "12-02-1980", "5401AB", "1", "BU99990101", "1", ""}, true, ""},
           {{"123456782", long_name, long_name, "12-02-1980", "5401AB", "1", "BU99990101", "1", ""},
            true, ""},
           {{"123456782", "A", "B", "29-02-2023", "5401AB", "1", "BU99990101", "1", ""}, false,
            "not a calendar date"},
           {{"123456782", "A", "B", "01-01-2099", "5401AB", "1", "BU99990101", "1", ""}, false,
            "in the future"},
           {{"123456782", "A", "B", "12-02-1980", "5401AB", "1", "BU99990101", "1", "\xff\xfe"},
            true, ""},  // a column Stapel does not read may hold anything
       }) {
    absl::Status s = b->Build(Row(c.row), &r);
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
  for (int i = 0; i < 2000; ++i) {  // every 7th row with an impossible date
    rows.push_back(Row({"123456782", "Jan", "Jansen" + std::to_string(i),
                        fmt::format("{:02}-03-19{:02}", i % 7 == 0 ? 32 : 1 + i % 28, i % 100),
                        "5401AB", std::to_string(1 + i % 300), "bu99990101", "nee", ""}));
  }
  std::vector<v1::PseudonymRecord> one(rows.size()), four(rows.size());
  std::vector<v1::PseudonymRecord*> one_out, four_out;
  for (size_t i = 0; i < rows.size(); ++i) {
    one_out.push_back(&one[i]);
    four_out.push_back(&four[i]);
  }
  std::vector<absl::Status> one_status(rows.size()), four_status(rows.size());
  b->BuildAll(rows, one_out, one_status, 1);
  b->BuildAll(rows, four_out, four_status, 4);
  int rejected = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(one_status[i], four_status[i]) << "row " << i;
    EXPECT_EQ(one_status[i].ok(), i % 7 != 0) << "row " << i << ": " << one_status[i];
    rejected += one_status[i].ok() ? 0 : 1;
    if (one_status[i].ok()) {
      EXPECT_EQ(one[i].SerializeAsString(), four[i].SerializeAsString()) << "row " << i;
      ASSERT_EQ(four[i].keys_size(), 5);  // every kind
    }
  }
  EXPECT_EQ(rejected, 286);
}

}  // namespace
}  // namespace stapel
