#include "trusted-hub/receipt_check.h"

#include <gtest/gtest.h>

#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/ingest.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class ReceiptCheckTest : public testing::Test {
 protected:
  void SetUp() override {
    ingest_ = *Ingest::Create(&p_.manifest, p_.submissions.get(), p_.log.get(), p_.relay.get());
  }
  // Sends and completes a submission of `records` records in one batch.
  v1::SignedSubmissionSummary Submit(const std::string& id, int records) {
    EXPECT_TRUE(ingest_
                    ->SubmitBatch("credit", HubTestProject::Sign(HubTestProject::MakeBatch(
                                                                     "credit", id, 0, records, 1),
                                                                 *p_.source_key))
                    .ok());
    auto summary = HubTestProject::Summary("credit", id, 1, records, *p_.source_key);
    EXPECT_TRUE(ingest_->CompleteSubmission("credit", summary).ok());
    return summary;
  }
  HubTestProject p_;
  std::unique_ptr<Ingest> ingest_;
};

TEST_F(ReceiptCheckTest, PassesWhenTheDatabaseHoldsWhatWasReceipted) {
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
  Submit(std::string(16, 'a'), 3);
  Submit(std::string(16, 'b'), 2);
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
}

TEST_F(ReceiptCheckTest, ADatabaseThatRolledBackToAnOlderSubmissionStopsTheHub) {
  const auto old_summary = Submit(std::string(16, 'a'), 3);
  Submit(std::string(16, 'b'), 2);
  // What a write-ahead log losing its last writes does: the older submission is current again.
  v1::SubmissionSummary old;
  ASSERT_TRUE(old.ParseFromString(old_summary.summary()));
  ASSERT_TRUE(p_.submissions->MakeCurrent(old_summary, old).ok());
  const absl::Status s = CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("party 'credit'"), std::string::npos) << s;
  EXPECT_NE(s.message().find("the older submission"), std::string::npos) << s;
}

TEST_F(ReceiptCheckTest, ASubmissionStoredButNotYetLoggedPasses) {
  Submit(std::string(16, 'a'), 3);
  // A stop between storing a completion and logging it: the agent's retry logs it.
  const std::string id(16, 'c');
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", id, 0, 1, 1),
                                              *p_.source_key))
                  .ok());
  auto summary = HubTestProject::Summary("credit", id, 1, 1, *p_.source_key);
  v1::SubmissionSummary parsed;
  ASSERT_TRUE(parsed.ParseFromString(summary.summary()));
  ASSERT_TRUE(p_.submissions->MakeCurrent(summary, parsed).ok());
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
  EXPECT_TRUE(ingest_->CompleteSubmission("credit", summary).ok());
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
}

}  // namespace
}  // namespace stapel
