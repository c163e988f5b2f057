#include "trusted-hub/submission_store.h"

#include <gtest/gtest.h>

#include "trusted-hub/hub_test_project.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

TEST(SubmissionStoreTest, BatchesComeBackInSequenceOrderAfterReopening) {
  HubTestProject p;
  const std::string sub(16, 'a');
  for (uint64_t seq : {11, 2, 0, 1}) {  // out of order, and past one hex digit
    ASSERT_TRUE(
        p.submissions
            ->PutBatch("credit", sub, seq,
                       HubTestProject::Sign(HubTestProject::MakeBatch("credit", sub, seq, 1, 1),
                                            *p.source_key)
                           .SerializeAsString())
            .ok());
  }
  p.submissions.reset();
  p.gate.reset();
  p.store.reset();
  p.store = *RocksDbStore::Open(p.dir / "db");  // a restarted hub
  SubmissionStore reopened(p.store.get());
  std::vector<uint64_t> seen;
  ASSERT_TRUE(reopened
                  .ForEachBatch("credit", sub,
                                [&](uint64_t seq, const v1::Batch&, std::string_view) {
                                  seen.push_back(seq);
                                  return absl::OkStatus();
                                })
                  .ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{0, 1, 2, 11}));
}

TEST(SubmissionStoreTest, SecondHubOnTheSameFolderIsRefused) {
  HubTestProject p;
  auto second = RocksDbStore::Open(p.dir / "db");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

}  // namespace
}  // namespace stapel
