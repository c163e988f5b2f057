#include "party-agent/agent.h"

#include <gtest/gtest.h>

#include "party-agent/test_project.h"

namespace stapel {
namespace {

using testing_util::MakeTestProject;
using testing_util::ReadFile;

// Collects what the agent sends; can fail the first calls.
class FakeSink : public BatchSink {
 public:
  absl::StatusOr<v1::BatchAck> SubmitBatch(const v1::SignedBatch& batch) override {
    if (failures_left_ > 0) {
      --failures_left_;
      return failure_;
    }
    batches.push_back(batch);
    v1::Batch b;
    b.ParseFromString(batch.batch());
    v1::BatchAck ack;
    ack.set_sequence(b.sequence());
    ack.set_records_stored(b.records_size());
    return ack;
  }
  absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      const v1::SignedSubmissionSummary& summary) override {
    completions.push_back(summary);
    v1::SubmissionSummary s;
    s.ParseFromString(summary.summary());
    v1::SubmissionReceipt r;
    r.set_batch_count(s.batch_count());
    r.set_record_count(s.record_count());
    return r;
  }
  void FailNext(int times, absl::Status status) {
    failures_left_ = times;
    failure_ = std::move(status);
  }
  std::vector<v1::SignedBatch> batches;
  std::vector<v1::SignedSubmissionSummary> completions;

 private:
  int failures_left_ = 0;
  absl::Status failure_;
};

std::string HousingExport(int rows, int bad_row) {
  std::string csv = "voornaam;achternaam;geboren;postcode;huisnummer;achterstand\n";
  for (int i = 0; i < rows; ++i) {
    csv += i == bad_row ? "Jan;Jansen;31-02-1980;5401AB;1;ja\n"
                        : "Jan;Jansen;" + std::to_string(10 + i) + "-03-1980;5401AB;1;nee\n";
  }
  return csv;
}

TEST(AgentTest, SendsSignedBatchesInSequenceAndWritesRejects) {
  auto project = MakeTestProject("housing", HousingExport(12, 3));
  auto agent = Agent::Create(project.config);
  ASSERT_TRUE(agent.ok()) << agent.status();
  FakeSink sink;
  int progress_calls = 0;
  auto summary = (*agent)->Run(&sink, [&](const AgentSummary&) { ++progress_calls; });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rows_read, 12u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_EQ(summary->records_sent, 11u);
  EXPECT_EQ(summary->acknowledged, 11u);
  ASSERT_EQ(sink.batches.size(), 3u);  // batch_size 5: 5 + 5 + 1
  EXPECT_EQ(progress_calls, 3);
  auto verifier = *Ed25519Verifier::FromBase64(project.party_public_key);
  std::string submission;
  for (size_t i = 0; i < sink.batches.size(); ++i) {
    EXPECT_TRUE(verifier.Verify(kBatchSignatureContext, sink.batches[i].batch(),
                                sink.batches[i].signature()));
    v1::Batch b;
    ASSERT_TRUE(b.ParseFromString(sink.batches[i].batch()));
    EXPECT_EQ(b.sequence(), i);
    EXPECT_EQ(b.party_id(), "housing");
    EXPECT_EQ(b.project_id(), "test");
    if (i == 0) submission = b.submission_id();
    EXPECT_EQ(b.submission_id(), submission);
    EXPECT_EQ(sink.batches[i].batch().find("Jansen"), std::string::npos);
    EXPECT_EQ(sink.batches[i].batch().find("1980"), std::string::npos);
  }
  ASSERT_EQ(sink.completions.size(), 1u);
  EXPECT_TRUE(verifier.Verify(kSubmissionSignatureContext, sink.completions[0].summary(),
                              sink.completions[0].signature()));
  const std::string rejects = ReadFile(project.config.reject_file);
  EXPECT_EQ(
      rejects,
      "file,line,reason\nexport.csv,5,column geboren: date '31-02-1980' is not a calendar date\n");
}

TEST(AgentTest, RetriesWhileTheHubIsUnavailable) {
  auto project = MakeTestProject("housing", HousingExport(3, -1));
  auto agent = Agent::Create(project.config);
  FakeSink sink;
  sink.FailNext(2, absl::UnavailableError("hub restarting"));
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->acknowledged, 3u);
}

TEST(AgentTest, StopsOnARefusalAndSaysWhatWasAcknowledged) {
  auto project = MakeTestProject("housing", HousingExport(3, -1));
  auto agent = Agent::Create(project.config);
  FakeSink sink;
  sink.FailNext(1, absl::PermissionDeniedError("attribute not allowed"));
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(summary.status().message().find("stopped after 0 records acknowledged"),
            std::string::npos)
      << summary.status();
  EXPECT_TRUE(sink.completions.empty());
}

TEST(AgentTest, AnExportWithEveryRowRejectedIsNotSubmitted) {
  auto project = MakeTestProject("housing",
                                 "voornaam;achternaam;geboren;postcode;huisnummer;achterstand\n"
                                 "Jan,Jansen,10-03-1980,5401AB,1,ja\n"  // ',' where ';' is set
                                 "Piet,Jansen,11-03-1980,5401AB,2,nee\n");
  auto agent = Agent::Create(project.config);
  ASSERT_TRUE(agent.ok()) << agent.status();
  FakeSink sink;
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("all 2 rows"), std::string::npos) << summary.status();
  EXPECT_TRUE(sink.completions.empty());
}

TEST(AgentTest, MissingInputFileIsNotFound) {
  auto project = MakeTestProject("housing", "");
  std::filesystem::remove(project.config.input);
  auto agent = Agent::Create(project.config);
  FakeSink sink;
  EXPECT_EQ((*agent)->Run(&sink, nullptr).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stapel
