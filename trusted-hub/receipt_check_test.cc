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

// A completion is staged, receipted, then made current. Each stop along the way ends in a
// database that holds what the log receipted: a staged completion the log never receipted is
// not used; one it receipted is made current at start, or when the agent asks again.
TEST_F(ReceiptCheckTest, ACompletionStoppedAfterItsReceiptIsRolledForward) {
  Submit(std::string(16, 'a'), 3);
  const std::string id(16, 'c');
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", id, 0, 1, 1),
                                              *p_.source_key))
                  .ok());
  auto summary = HubTestProject::Summary("credit", id, 1, 1, *p_.source_key);
  v1::SubmissionSummary parsed;
  ASSERT_TRUE(parsed.ParseFromString(summary.summary()));
  // Stopped after staging: the old submission stays current, the check passes.
  ASSERT_TRUE(p_.submissions->StagePending(summary, parsed).ok());
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
  EXPECT_EQ((*p_.submissions->Current("credit"))->submission_id(), std::string(16, 'a'));
  // Completed (receipted and current), then the database loses the switch: what a stop between
  // the receipt and making it current leaves. The check at start rolls it forward.
  ASSERT_TRUE(ingest_->CompleteSubmission("credit", summary).ok());
  const auto old_summary = HubTestProject::Summary("credit", std::string(16, 'a'), 1, 3,
                                                   *p_.source_key);
  v1::SubmissionSummary old;
  ASSERT_TRUE(old.ParseFromString(old_summary.summary()));
  ASSERT_TRUE(p_.submissions->StagePending(summary, parsed).ok());
  ASSERT_TRUE(p_.store->Apply({{"current/credit", old_summary.SerializeAsString()}}, true).ok());
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
  EXPECT_EQ((*p_.submissions->Current("credit"))->submission_id(), id);
  EXPECT_FALSE(p_.submissions->Pending("credit")->has_value());
  // The same through the agent asking again for its receipt.
  ASSERT_TRUE(p_.submissions->StagePending(summary, parsed).ok());
  ASSERT_TRUE(p_.store->Apply({{"current/credit", old_summary.SerializeAsString()}}, true).ok());
  auto again = ingest_->CompleteSubmission("credit", summary);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*p_.submissions->Current("credit"))->submission_id(), id);
}

// A receipted completion left staged (making it current failed) is finished before the party's
// next completion is staged, so that one cannot push it out: the next receipt replaces it.
TEST_F(ReceiptCheckTest, TheNextCompletionFinishesAReceiptedStagedOneFirst) {
  const auto old_summary = Submit(std::string(16, 'a'), 3);
  const auto staged = Submit(std::string(16, 'b'), 2);
  v1::SubmissionSummary parsed;
  ASSERT_TRUE(parsed.ParseFromString(staged.summary()));
  ASSERT_TRUE(p_.submissions->StagePending(staged, parsed).ok());
  ASSERT_TRUE(p_.store->Apply({{"current/credit", old_summary.SerializeAsString()}}, true).ok());
  const std::string id(16, 'e');
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", id, 0, 4, 1),
                                              *p_.source_key))
                  .ok());
  auto receipt =
      ingest_->CompleteSubmission("credit", HubTestProject::Summary("credit", id, 1, 4, *p_.source_key));
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->replaced_record_count(), 2u);  // 'b', rolled forward, not 'a'
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
}

// A database whose current submission the log never receipted (a restored backup, a
// hand-edited store) stops the hub like a rolled-back one.
TEST_F(ReceiptCheckTest, ACurrentSubmissionTheLogNeverReceiptedStopsTheHub) {
  Submit(std::string(16, 'a'), 3);
  const std::string id(16, 'd');
  auto summary = HubTestProject::Summary("credit", id, 1, 1, *p_.source_key);
  v1::SubmissionSummary parsed;
  ASSERT_TRUE(parsed.ParseFromString(summary.summary()));
  ASSERT_TRUE(p_.submissions->MakeCurrent(summary, parsed).ok());
  EXPECT_EQ(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace stapel
