#include "audit/officer_audit.h"

#include <gtest/gtest.h>

#include "audit/entry_text.h"
#include "ledger/log_writer.h"
#include "proto/key_envelope.h"
#include "tables/area_table.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;

nlohmann::json Entry(int64_t value) {
  AreaTable t;
  t.measures = {"residents"};
  t.rows.push_back({AreaLevel::kGemeente, "GM9999", "Demo", "", {{value, false}}});
  t.rows.push_back({AreaLevel::kWijk, "WK999901", "Oost", "GM9999", {{value, false}}});
  TableSpec spec;
  spec.columns.push_back({"residents", CountUnit::kPersons, {}, {}, -1});
  return {{"type", "release"},    {"requester", "analyst"}, {"request", {{"spec", spec.ToJson()}}},
          {"rules", {{"k", 10}}}, {"table", t.ToJson()},    {"time", "2026-11-22T10:00:00Z"}};
}

TEST(OfficerAuditTest, ABrokenRuleInASignedEntryIsReported) {
  const auto dir = FreshTempDir();
  ASSERT_TRUE(
      Ed25519Signer::Generate()->WriteKeyFiles(dir / "hub.key", dir / "hub.pub", false).ok());
  auto verifier = Ed25519Verifier::FromFile(dir / "hub.pub");
  const auto path = dir / "release.log";
  auto log = ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(dir / "hub.key"));
  ASSERT_TRUE((*log)->Append(Entry(3)).ok());  // a count of 3 published with k = 10
  auto r = AuditReleaseLog(path, *verifier);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("threshold"), std::string::npos) << r.status();
  // The hub opens its log with the same check and refuses to extend it.
  auto reopened = ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(dir / "hub.key"),
                                         CheckReleaseKeepsItsRules);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("threshold"), std::string::npos);
}

TEST(OfficerAuditTest, CountsEntriesAndAuditsAProtectedRelease) {
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  auto path = FreshTempDir() / "release.log";
  auto log = ReleaseLogWriter::Open(path, std::move(signer));
  ASSERT_TRUE((*log)->Append(Entry(100)).ok());
  auto r = AuditReleaseLog(path, *verifier);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << r->lp_audit << " " << r->key_epochs;
  EXPECT_EQ(r->entries_by_type["release"], 1);
  EXPECT_EQ(r->releases_audited, 1u);
  EXPECT_EQ(r->key_epochs_checked, 0u);
}

// A release of residents and Wmo in one buurt (of one wijk, of the gemeente) of data state
// `version`, as the log holds it.
std::string WmoRelease(uint64_t seq, const std::string& version, int64_t residents, int64_t wmo,
                       uint64_t state_changes_seq = 0) {
  AreaTable t;
  t.measures = {"residents", "wmo"};
  t.rows.push_back({AreaLevel::kGemeente, "GM9999", "Demo", "", {{residents, false}, {wmo, false}}});
  t.rows.push_back(
      {AreaLevel::kWijk, "WK999901", "Oost", "GM9999", {{residents, false}, {wmo, false}}});
  t.rows.push_back(
      {AreaLevel::kBuurt, "BU99990101", "Beek", "WK999901", {{residents, false}, {wmo, false}}});
  TableSpec spec;
  spec.attributes = {"wmo"};
  spec.columns.push_back({"residents", CountUnit::kPersons, {}, {}, -1});
  spec.columns.push_back(
      {"wmo", CountUnit::kPersons, {}, *IndicatorExpression::Parse("wmo", {"wmo"}), 0});
  nlohmann::json entry{{"type", "release"},      {"seq", seq},
                       {"data_version", version}, {"requester", "analyst"},
                       {"request", {{"spec", spec.ToJson()}}}, {"rules", {{"k", 10}}},
                       {"table", t.ToJson()}};
  if (state_changes_seq > 0) entry["protection"] = {{"state_changes_seq", state_changes_seq}};
  return entry.dump();
}

// One person left the buurt between two releases: Wmo went from 40 to 39. Each state alone is
// safe; with what the hub logged changed (one person, over atoms), the audit finds that the
// person had Wmo; without the state_changes entry it audits each state alone.
TEST(OfficerAuditTest, AReleaseOverAnUpdateIsAuditedOverBothStatesWithWhatTheHubLoggedChanged) {
  const std::string changes = nlohmann::json{
      {"type", "state_changes"}, {"seq", 2}, {"time", "2026-12-02T01:00:00Z"},
      {"states", {"b", "a"}},
      {"transitions", {{1, 0}}},
      {"changes", {{{"earlier", 1}, {"later", 0}, {"area", "BU99990101"}, {"unit", "persons"},
                    {"per_class", 1}, {"per_atom", 1}}}}}.dump();
  const std::vector<std::string> leaky = {WmoRelease(1, "a", 100, 40), changes,
                                          WmoRelease(3, "b", 99, 39, 2)};
  size_t audited = 0;
  const absl::Status found = AuditLoggedReleases(leaky, &audited);
  EXPECT_EQ(found.code(), absl::StatusCode::kFailedPrecondition) << found.message();
  EXPECT_NE(found.message().find("releases 1, 3 (data states linked by updates) together: the "
                                 "change of persons with 'wmo' in BU99990101"),
            std::string::npos)
      << found;
  EXPECT_EQ(audited, 2u);
  const std::string text = DescribeLogEntry(nlohmann::json::parse(changes));
  EXPECT_NE(text.find("what changed between 2 data states (updates), 1 change(s)"),
            std::string::npos)
      << text;
  // Wmo suppressed in the later state: the change stays hidden.
  std::vector<std::string> guarded = leaky;
  auto entry = nlohmann::json::parse(guarded[2]);
  for (auto& row : entry["table"]["rows"]) row["values"][1] = nullptr;
  guarded[2] = entry.dump();
  const absl::Status guarded_audit = AuditLoggedReleases(guarded, &audited);
  EXPECT_TRUE(guarded_audit.ok()) << guarded_audit;
  // Without what changed (a hub before this audit), each state on its own.
  EXPECT_TRUE(AuditLoggedReleases({leaky[0], WmoRelease(3, "b", 99, 39)}, &audited).ok());
  // A release that names no such entry, or one of another state, or a malformed one: refused.
  EXPECT_EQ(AuditLoggedReleases({leaky[0], leaky[2]}, &audited).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditLoggedReleases({leaky[0], changes, WmoRelease(3, "c", 99, 39, 2)}, &audited).code(),
            absl::StatusCode::kInvalidArgument);
  const std::string malformed = nlohmann::json{{"type", "state_changes"}, {"seq", 2},
                                               {"states", {"b", 7}}, {"transitions", {}},
                                               {"changes", {}}}.dump();
  EXPECT_EQ(AuditLoggedReleases({leaky[0], malformed, leaky[2]}, &audited).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OfficerAuditTest, EntriesWithFieldsOfTheWrongTypeAreReportedNotThrown) {
  // A key epoch before any manifest, and fields of the wrong type: signed by the hub's key, so
  // only the officer's reading of them can catch them.
  const std::vector<std::string> lines = {
      R"({"epoch":1,"seq":1,"type":"key_epoch"})",
      R"({"parties":[{"id":"x","signing_key":7}],"linkage_secret_creator":"x","seq":1,"type":"manifest"})"};
  size_t epochs = 0;
  EXPECT_EQ(VerifyLoggedKeyEpochs({lines[0]}, &epochs).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyLoggedKeyEpochs({lines[1], lines[0]}, &epochs).code(),
            absl::StatusCode::kDataLoss);
  const std::string text =
      DescribeLogEntry(nlohmann::json{{"seq", 4}, {"time", 5}, {"type", "refusal"}});
  EXPECT_NE(text.find("#4 (an entry this version cannot describe"), std::string::npos) << text;
}

}  // namespace
}  // namespace stapel
