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
