#include "party-agent/agent.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "encoding/hex.h"
#include "encoding/sha256.h"
#include "encoding/utc_time.h"
#include "ledger/log_writer.h"
#include "party-agent/pseudonym_csv.h"
#include "party-agent/test_project.h"

namespace stapel {
namespace {

using testing_util::MakeTestProject;
using testing_util::ReadFile;

// Collects what the agent sends; can fail the first calls. Receipts are signed entries of a
// release log of its own, as the hub makes them (with `tamper` applied first, if set).
class FakeSink : public BatchSink {
 public:
  explicit FakeSink(const testing_util::TestProject& project)
      : log_(testing_util::OpenFakeHubLog(project)) {}
  // Called from the agent's sender threads, several at a time; a batch sent again is
  // acknowledged and stored once, as the hub does.
  absl::StatusOr<v1::BatchAck> SubmitBatch(const v1::SignedBatch& batch) override {
    std::lock_guard lock(mu_);
    v1::Batch b;
    b.ParseFromString(batch.batch());
    if (b.sequence() == fail_sequence_ && fail_sequence_status_.has_value()) {
      return *std::exchange(fail_sequence_status_, std::nullopt);
    }
    if (failures_left_ > 0 && ok_before_failing_ == 0) {
      --failures_left_;
      return failure_;
    }
    if (ok_before_failing_ > 0) --ok_before_failing_;
    v1::BatchAck ack;
    ack.set_sequence(b.sequence());
    ack.set_records_stored(b.records_size());
    for (const auto& stored : batches) {
      v1::Batch parsed;
      parsed.ParseFromString(stored.batch());
      if (parsed.submission_id() == b.submission_id() && parsed.sequence() == b.sequence()) {
        ack.set_duplicate(true);
        return ack;
      }
    }
    batches.push_back(batch);
    return ack;
  }
  absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      const v1::SignedSubmissionSummary& summary) override {
    std::lock_guard lock(mu_);
    completions.push_back(summary);
    v1::SubmissionSummary s;
    s.ParseFromString(summary.summary());
    std::map<uint64_t, std::string> stored_batches;  // this submission's, in sequence order
    for (const auto& b : batches) {
      v1::Batch parsed;
      parsed.ParseFromString(b.batch());
      if (parsed.submission_id() == s.submission_id()) {
        stored_batches[parsed.sequence()] = b.SerializeAsString();
      }
    }
    std::string stored;  // as the hub digests them
    const uint64_t count = stored_batches.size();
    for (const auto& [sequence, bytes] : stored_batches) stored += bytes;
    nlohmann::json entry = {
        {"type", "submission"},  {"time", UtcNow()},
        {"party", s.party_id()}, {"submission_id", HexEncode(s.submission_id())},
        {"batches", count},      {"records", s.record_count()},
        {"replaced_records", 0}, {"stored_sha256", Sha256Hex(stored)}};
    if (tamper) tamper(&entry);
    v1::SubmissionReceipt r;
    r.set_batch_count(s.batch_count());
    r.set_record_count(s.record_count());
    r.set_log_entry(*log_->Append(entry));
    return r;
  }
  void FailNext(int times, absl::Status status) { FailAfter(0, times, std::move(status)); }
  // Fails the first send of batch `sequence`.
  void FailSequence(uint64_t sequence, absl::Status status) {
    fail_sequence_ = sequence;
    fail_sequence_status_ = std::move(status);
  }
  // Accepts `ok` batches, then fails `times` calls.
  void FailAfter(int ok, int times, absl::Status status) {
    ok_before_failing_ = ok;
    failures_left_ = times;
    failure_ = std::move(status);
  }
  std::vector<v1::SignedBatch> batches;
  std::vector<v1::SignedSubmissionSummary> completions;
  std::function<void(nlohmann::json*)> tamper;

 private:
  std::unique_ptr<ReleaseLogWriter> log_;
  std::mutex mu_;
  uint64_t fail_sequence_ = 0;
  std::optional<absl::Status> fail_sequence_status_;
  int ok_before_failing_ = 0;
  int failures_left_ = 0;
  absl::Status failure_;
};

std::string HousingExport(int rows, int bad_row) {
  std::string csv = "voornaam;achternaam;geboren;postcode;huisnummer;achterstand\n";
  for (int i = 0; i < rows; ++i) {
    csv += i == bad_row ? "Jan;Jansen;31-02-1980;;1;ja\n"  // nothing left to link on
                        : "Jan;Jansen;" + std::to_string(10 + i) + "-03-1980;5401AB;1;nee\n";
  }
  return csv;
}

TEST(AgentTest, SendsSignedBatchesInSequenceAndWritesRejects) {
  std::string csv = HousingExport(12, 3);
  csv.replace(csv.find("17-03-1980"), 10, "17-13-1980");  // left out: sent, incomplete
  auto project = MakeTestProject("housing", csv);
  auto agent = Agent::Create(project.config);
  ASSERT_TRUE(agent.ok()) << agent.status();
  FakeSink sink(project);
  int progress_calls = 0;
  auto summary = (*agent)->Run(&sink, [&](const AgentSummary&) { ++progress_calls; });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rows_read, 12u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_EQ(summary->records_sent, 11u);
  EXPECT_EQ(summary->incomplete, 1u);
  EXPECT_EQ(summary->acknowledged, 11u);
  ASSERT_EQ(sink.batches.size(), 3u);  // batch_size 5: 5 + 5 + 1
  EXPECT_EQ(progress_calls, 4);  // a batch put in flight, three times; all acknowledged
  auto verifier = *Ed25519Verifier::FromBase64(project.party_public_key);
  // Several are in flight at a time, so they may arrive in any order: their sequence numbers
  // are 0, 1 and 2.
  std::sort(sink.batches.begin(), sink.batches.end(), [](const auto& x, const auto& y) {
    v1::Batch bx, by;
    bx.ParseFromString(x.batch());
    by.ParseFromString(y.batch());
    return bx.sequence() < by.sequence();
  });
  std::string submission;
  for (size_t i = 0; i < sink.batches.size(); ++i) {
    EXPECT_TRUE(verifier.Verify(kBatchSignatureContext, DigestToSign(sink.batches[i].batch()),
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
      "file,line,reason\nexport.csv,5,\"nothing left to link on: no match key "
      "(surname_birth_postcode, initial_surname_birth, birth_postcode_house, "
      "initial_surname_postcode_house) can be formed without the fields left out (column "
      "geboren: date '31-02-1980' is not a calendar date; left empty: postcode); fill them in "
      "or correct them in the export\"\n");
  // The hub's signed receipt is kept beside the export.
  EXPECT_EQ(summary->receipt_file, project.dir / "export.csv.receipt.json");
  EXPECT_NE(ReadFile(summary->receipt_file).find("\"type\":\"submission\""), std::string::npos);
}

TEST(AgentTest, AReceiptThatDoesNotMatchWhatWasSentOrIsNotTheHubsIsDataLoss) {
  auto project = MakeTestProject("housing", HousingExport(12, -1));
  auto agent = Agent::Create(project.config);
  struct Case {
    std::function<void(nlohmann::json*)> tamper;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {[](nlohmann::json* e) { (*e)["records"] = 11; }, "receipt says records 11"},
           {[](nlohmann::json* e) { (*e)["batches"] = 2; }, "receipt says batches 2"},
           {[](nlohmann::json* e) { (*e)["stored_sha256"] = std::string(64, '0'); },
            "receipt says stored_sha256"},
           {[](nlohmann::json* e) { (*e)["party"] = "credit"; }, "receipt says submission"}}) {
    FakeSink sink(project);
    sink.tamper = c.tamper;
    auto summary = (*agent)->Run(&sink, nullptr);
    EXPECT_EQ(summary.status().code(), absl::StatusCode::kDataLoss) << c.expect;
    EXPECT_NE(summary.status().message().find(c.expect), std::string::npos) << summary.status();
  }
  // A receipt signed with another key than the hub's.
  std::filesystem::remove(project.dir / "hub-release.log");
  ASSERT_TRUE(Ed25519Signer::Generate()
                  ->WriteKeyFiles(project.dir / "hub.key", project.dir / "other.pub", true)
                  .ok());
  FakeSink impostor(project);
  auto summary = (*agent)->Run(&impostor, nullptr);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(summary.status().message().find("does not verify with"), std::string::npos)
      << summary.status();
}

TEST(AgentTest, RetriesWhileTheHubIsUnavailable) {
  auto project = MakeTestProject("housing", HousingExport(3, -1));
  // The third attempt, after 0.6 s of waiting, gets through; the test project's 1 s left too
  // little for the first attempts under a sanitizer on a loaded machine.
  project.config.retry_seconds = 30;
  auto agent = Agent::Create(project.config);
  FakeSink sink(project);
  sink.FailNext(2, absl::UnavailableError("hub restarting"));
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->acknowledged, 3u);
}

TEST(AgentTest, StopsOnARefusalAndSaysWhatWasAcknowledged) {
  auto project = MakeTestProject("housing", HousingExport(3, -1));
  auto agent = Agent::Create(project.config);
  FakeSink sink(project);
  sink.FailNext(1, absl::PermissionDeniedError("attribute not allowed"));
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(summary.status().message().find("stopped after 0 records acknowledged"),
            std::string::npos)
      << summary.status();
  EXPECT_TRUE(sink.completions.empty());
}

TEST(AgentTest, ARunThatStoppedResumesAfterTheLastAcknowledgedBatch) {
  auto project = MakeTestProject("housing", HousingExport(12, -1));  // batches of 5, 5 and 2
  project.config.batches_in_flight = 1;  // the failures below then hit the batches in order
  auto agent = Agent::Create(project.config);
  FakeSink sink(project);
  sink.FailAfter(2, 1, absl::InternalError("hub crashed"));
  auto first = (*agent)->Run(&sink, nullptr);
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("it resumes after the last acknowledged batch"),
            std::string::npos);
  const auto progress_file = project.dir / "export.csv.progress.json";
  ASSERT_TRUE(std::filesystem::exists(progress_file));
  ASSERT_EQ(sink.batches.size(), 2u);

  auto second = (*agent)->Run(&sink, nullptr);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(sink.batches.size(), 3u);  // only the third batch was sent again
  v1::Batch first_batch, last_batch;
  first_batch.ParseFromString(sink.batches[0].batch());
  last_batch.ParseFromString(sink.batches[2].batch());
  EXPECT_EQ(last_batch.sequence(), 2u);
  EXPECT_EQ(last_batch.submission_id(), first_batch.submission_id());
  EXPECT_EQ(second->acknowledged, 12u);
  EXPECT_EQ(second->batches, 3u);
  EXPECT_FALSE(std::filesystem::exists(progress_file));  // done: the next run starts afresh

  // A changed export is a new submission, whatever an old progress file says.
  sink.FailAfter(1, 1, absl::InternalError("hub crashed"));
  ASSERT_FALSE((*agent)->Run(&sink, nullptr).ok());
  testing_util::WriteFile(project.dir / "export.csv", HousingExport(11, -1));
  ASSERT_TRUE((*agent)->Run(&sink, nullptr).ok());
  v1::Batch restarted;
  restarted.ParseFromString(sink.batches[4].batch());
  EXPECT_EQ(restarted.sequence(), 0u);
  EXPECT_NE(restarted.submission_id(), first_batch.submission_id());

  // So is one an agent of the previous batch signature left (its progress file does not name
  // it): the batches it would skip were signed otherwise than this agent signs them.
  sink.FailAfter(1, 1, absl::InternalError("hub crashed"));
  const size_t before_stop = sink.batches.size();
  ASSERT_FALSE((*agent)->Run(&sink, nullptr).ok());
  ASSERT_GT(sink.batches.size(), before_stop);
  v1::Batch stopped;
  stopped.ParseFromString(sink.batches[before_stop].batch());
  auto progress = nlohmann::json::parse(ReadFile(progress_file));
  ASSERT_EQ(progress["identity"].erase("batch_signature"), 1u);
  testing_util::WriteFile(progress_file, progress.dump());
  const size_t before_rerun = sink.batches.size();
  ASSERT_TRUE((*agent)->Run(&sink, nullptr).ok());
  v1::Batch anew;
  anew.ParseFromString(sink.batches[before_rerun].batch());
  EXPECT_EQ(anew.sequence(), 0u);
  EXPECT_NE(anew.submission_id(), stopped.submission_id());
}

TEST(AgentTest, APipelinedRunThatStoppedResumesWithNoBatchLostOrStoredTwice) {
  // 21 rows in batches of 5: 0..4. Batch 1 is refused once while others are in flight, so
  // batches after it may be stored although the run stops: the progress file says batch 0.
  auto project = MakeTestProject("housing", HousingExport(21, -1));
  ASSERT_EQ(project.config.batches_in_flight, 2);  // the default
  auto agent = Agent::Create(project.config);
  FakeSink sink(project);
  sink.FailSequence(1, absl::InternalError("hub crashed"));
  auto first = (*agent)->Run(&sink, nullptr);
  ASSERT_EQ(first.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(first.status().message().find("stopped after 5 records acknowledged"),
            std::string::npos)
      << first.status();
  const auto progress = nlohmann::json::parse(ReadFile(project.dir / "export.csv.progress.json"));
  EXPECT_EQ(progress["batches_acknowledged"], 1);

  auto second = (*agent)->Run(&sink, nullptr);  // sends 1..4 again; the sink keeps each once
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->acknowledged, 21u);
  EXPECT_EQ(second->batches, 5u);
  std::map<uint64_t, int> stored;
  for (const auto& b : sink.batches) {
    v1::Batch parsed;
    parsed.ParseFromString(b.batch());
    ++stored[parsed.sequence()];
  }
  EXPECT_EQ(stored, (std::map<uint64_t, int>{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}}));
  EXPECT_EQ(sink.completions.size(), 1u);  // and its receipt matched what was sent
}

TEST(AgentTest, AnExportWithEveryRowRejectedIsNotSubmitted) {
  auto project = MakeTestProject("housing",
                                 "voornaam;achternaam;geboren;postcode;huisnummer;achterstand\n"
                                 "Jan,Jansen,10-03-1980,5401AB,1,ja\n"  // ',' where ';' is set
                                 "Piet,Jansen,11-03-1980,5401AB,2,nee\n");
  auto agent = Agent::Create(project.config);
  ASSERT_TRUE(agent.ok()) << agent.status();
  FakeSink sink(project);
  auto summary = (*agent)->Run(&sink, nullptr);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("all 2 rows"), std::string::npos) << summary.status();
  EXPECT_TRUE(sink.completions.empty());
}

TEST(AgentTest, APreviewWritesWhatWouldBeSentToAPrivateFileAndCompletesNothing) {
  auto project = MakeTestProject("housing", HousingExport(12, 3));
  auto agent = Agent::Create(project.config);
  ASSERT_TRUE(agent.ok()) << agent.status();
  const std::filesystem::path preview = project.dir / "preview.csv";
  auto writer = PseudonymCsvWriter::Create(preview.string());
  ASSERT_TRUE(writer.ok()) << writer.status();
  auto summary = (*agent)->Preview(writer->get());
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(summary->records_sent, 11u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_EQ(std::filesystem::status(preview).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string text = ReadFile(preview);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 12);  // the header and 11 records
  EXPECT_NE(text.find(",household,bloom\n"), std::string::npos);
  EXPECT_NE(text.find(",rent_arrears,"), std::string::npos);  // an attribute's column
  EXPECT_EQ(text.find("Jansen"), std::string::npos);
  EXPECT_EQ(text.find("1980"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(project.config.input.string() + ".progress.json"));

  // A symbolic link in its place is not followed: the file it points to stays as it was.
  const std::filesystem::path target = project.dir / "elsewhere.txt", link = project.dir / "l.csv";
  std::ofstream(target) << "kept\n";
  std::filesystem::create_symlink(target, link);
  EXPECT_EQ(PseudonymCsvWriter::Create(link.string()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReadFile(target), "kept\n");
}

TEST(AgentTest, MissingInputFileIsNotFound) {
  auto project = MakeTestProject("housing", "");
  std::filesystem::remove(project.config.input);
  auto agent = Agent::Create(project.config);
  FakeSink sink(project);
  EXPECT_EQ((*agent)->Run(&sink, nullptr).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stapel
