#include "trusted-hub/retention.h"

#include <gtest/gtest.h>

#include "audit/entry_text.h"
#include "ledger/log_format.h"
#include "tests/temp_dir.h"
#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/ingest.h"
#include "trusted-hub/release.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class RetentionTest : public testing::Test {
 protected:
  absl::Status Submit(const std::string& party, int n, uint8_t first_tag,
                      const Ed25519Signer& key) {
    return hub_.Submit(party, n, first_tag, key);
  }
  // Whether any file of the database holds `bytes`.
  bool OnDisk(const std::string& bytes) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(p_.dir / "db")) {
      if (e.is_regular_file() &&
          testing_util::ReadFile(e.path()).find(bytes) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  testing_util::HubServices hub_;
  HubTestProject& p_ = hub_.p;
  std::unique_ptr<Releaser>& releaser_ = hub_.releaser;
};

TEST_F(RetentionTest, PurgeOnDemandDeletesEverythingFromDiskLogsItAndEndsTheProject) {
  ASSERT_TRUE(Submit("municipality", 60, 1, *p_.register_key).ok());
  ASSERT_TRUE(Submit("credit", 40, 31, *p_.source_key).ok());
  ASSERT_TRUE(releaser_->Release("analyst", v1::TableRequest()).ok());
  const std::string pseudonym = HubTestProject::Key(5);  // a register record's bsn key
  ASSERT_TRUE(OnDisk(pseudonym));

  // The test manifest states no retention date: a purge needs a reason.
  auto refused = Purge(p_.manifest, p_.submissions.get(), p_.log.get(), "", "2026-11-22");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--reason"), std::string::npos);

  auto purged = Purge(p_.manifest, p_.submissions.get(), p_.log.get(),
                      "the council ended the project", "2026-11-22");
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ((*purged)["type"], "purge");
  EXPECT_EQ((*purged)["reason"], "on demand: the council ended the project");
  EXPECT_EQ((*purged)["parties"], nlohmann::json({"credit", "municipality"}));
  // Two batches, two current submissions and the released data state's counts.
  EXPECT_EQ((*purged)["stored_entries_deleted"], 5);
  EXPECT_FALSE(OnDisk(pseudonym));  // compacted away, not only marked deleted

  // A release, a new batch and a second purge are refused, saying why; the refusal is logged.
  auto release = releaser_->Release("analyst", v1::TableRequest());
  EXPECT_EQ(release.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(release.status().message().find("were purged on"), std::string::npos)
      << release.status();
  EXPECT_NE(p_.log->LastEntryOfType(kEntryRefusal)->at("reason").get<std::string>().find("purged"),
            std::string::npos);
  EXPECT_EQ(Submit("credit", 40, 31, *p_.source_key).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Purge(p_.manifest, p_.submissions.get(), p_.log.get(), "again", "2026-11-22").status().code(),
      absl::StatusCode::kFailedPrecondition);
  // The log with the purge still verifies, and an auditor reads it in words.
  const auto verified = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_NE(DescribeLogEntry(*purged).find("PURGE of project 'test'"), std::string::npos)
      << DescribeLogEntry(*purged);
}

TEST_F(RetentionTest, AfterTheRetentionDateNothingIsUsedAndThePurgeNeedsNoReason) {
  ASSERT_TRUE(Submit("municipality", 60, 1, *p_.register_key).ok());
  p_.manifest.retention_until = "2026-11-21";
  EXPECT_TRUE(CheckRetention(p_.manifest, *p_.log, "2026-11-21").ok());
  const absl::Status ended = CheckRetention(p_.manifest, *p_.log, "2026-11-22");
  EXPECT_EQ(ended.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ended.message(),
            "the retention of project 'test' ended on 2026-11-21; the hub operator must run "
            "stapel-hub purge");
  EXPECT_EQ(Submit("credit", 40, 31, *p_.source_key).code(), absl::StatusCode::kFailedPrecondition);
  auto purged = Purge(p_.manifest, p_.submissions.get(), p_.log.get(), "", "2026-11-22");
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ((*purged)["reason"], "retention ended on 2026-11-21");
}

}  // namespace
}  // namespace stapel
