#include "trusted-hub/ingest.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ledger/log_format.h"
#include "linker/bloom_filter.h"
#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/receipt_check.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

const std::string kSub(16, 's');

class IngestTest : public testing::Test {
 protected:
  void SetUp() override {
    ingest_ = *Ingest::Create(&p_.manifest, p_.submissions.get(), p_.log.get(), p_.relay.get());
  }
  int StoredBatches() {
    int n = 0;
    EXPECT_TRUE(
        p_.store->Scan("batch/", [&](std::string_view, std::string_view) { return ++n; }).ok());
    return n;
  }
  HubTestProject p_;
  std::unique_ptr<Ingest> ingest_;
};

TEST_F(IngestTest, StoresAValidBatchAndRecognizesARetry) {
  auto batch =
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 3, 1), *p_.source_key);
  auto ack = ingest_->SubmitBatch("credit", batch);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->records_stored(), 3u);
  EXPECT_FALSE(ack->duplicate());
  auto again = ingest_->SubmitBatch("credit", batch);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(StoredBatches(), 1);
}

TEST_F(IngestTest, SameSequenceWithOtherContentIsRefused) {
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", kSub, 0, 3, 1),
                                              *p_.source_key))
                  .ok());
  auto other = ingest_->SubmitBatch(
      "credit",
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 4, 1), *p_.source_key));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(IngestTest, CallerMustBeThePartyItSubmitsAs) {
  auto batch =
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 1, 1), *p_.source_key);
  EXPECT_EQ(ingest_->SubmitBatch("analyst", batch).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The register's certificate with a batch claiming to be the credit registry's.
  auto as_other =
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 1, 1), *p_.register_key);
  auto s = ingest_->SubmitBatch("municipality", as_other).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("cannot submit as 'credit'"), std::string::npos) << s;
}

TEST_F(IngestTest, SignatureMustVerifyWithTheManifestKey) {
  auto batch = HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 1, 1),
                                    *Ed25519Signer::Generate());
  EXPECT_EQ(ingest_->SubmitBatch("credit", batch).status().code(),
            absl::StatusCode::kUnauthenticated);
  auto tampered =
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 1, 1), *p_.source_key);
  tampered.mutable_batch()->back() ^= 1;
  EXPECT_EQ(ingest_->SubmitBatch("credit", tampered).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Signed over its bytes, as agents before stapel-batch-v2 did, not over their digest.
  v1::SignedBatch over_bytes;
  HubTestProject::MakeBatch("credit", kSub, 0, 1, 1).SerializeToString(over_bytes.mutable_batch());
  const Ed25519Signature old = p_.source_key->Sign("stapel-batch-v1\n", over_bytes.batch());
  over_bytes.set_signature(old.data(), old.size());
  EXPECT_EQ(ingest_->SubmitBatch("credit", over_bytes).status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::SignedBatch garbage;
  garbage.set_batch("\xff\xff garbage");
  EXPECT_EQ(ingest_->SubmitBatch("credit", garbage).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(StoredBatches(), 0);
}

TEST_F(IngestTest, SignedGarbageIsInvalid) {
  v1::SignedBatch garbage;
  garbage.set_batch("\xff\xff\xff not a protobuf");
  auto sig = p_.source_key->Sign(kBatchSignatureContext, DigestToSign(garbage.batch()));
  garbage.set_signature(sig.data(), sig.size());
  EXPECT_EQ(ingest_->SubmitBatch("credit", garbage).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IngestTest, OnlyWhatTheManifestAllowsIsAccepted) {
  struct Case {
    std::function<void(v1::Batch*)> edit;
    absl::StatusCode code;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {[](v1::Batch* b) { b->set_attribute_names(0, "income"); },
            absl::StatusCode::kPermissionDenied, "attribute 'income'"},
           {[](v1::Batch* b) { b->add_match_key_kinds("birth_postcode_house"); },
            absl::StatusCode::kPermissionDenied, "match key 'birth_postcode_house'"},
           {[](v1::Batch* b) { b->mutable_records(1)->set_buurt("BU99990101"); },
            absl::StatusCode::kPermissionDenied, "record 1: only the population register"},
           {[](v1::Batch* b) { b->mutable_records(1)->mutable_keys(0)->set_key("short"); },
            absl::StatusCode::kInvalidArgument, "record 1: a match key is not 32 bytes"},
           {[](v1::Batch* b) { b->mutable_records(1)->mutable_keys(0)->set_kind(5); },
            absl::StatusCode::kInvalidArgument, "record 1: a match key's kind"},
           {[](v1::Batch* b) { b->mutable_records(0)->set_bloom(std::string(128, 'x')); },
            absl::StatusCode::kPermissionDenied, "record 0: Bloom filters are accepted only"},
           {[](v1::Batch* b) { b->mutable_records(0)->set_household(std::string(32, 'h')); },
            absl::StatusCode::kPermissionDenied,
            "record 0: only the population register may send a household"},
           {[](v1::Batch* b) { b->mutable_records(0)->clear_keys(); },
            absl::StatusCode::kInvalidArgument, "record 0: no match key"},
           {[](v1::Batch* b) { b->mutable_records(0)->set_attribute_values(0, 7); },
            absl::StatusCode::kInvalidArgument, "record 0: an indicator value"},
           {[](v1::Batch* b) { b->mutable_records(0)->clear_attribute_values(); },
            absl::StatusCode::kInvalidArgument, "record 0: number of attribute values"},
           {[](v1::Batch* b) { b->set_project_id("other"); }, absl::StatusCode::kFailedPrecondition,
            "project 'other'"},
           {[](v1::Batch* b) { b->set_submission_id("x"); }, absl::StatusCode::kInvalidArgument,
            "submission id"},
           {[](v1::Batch* b) { b->clear_records(); }, absl::StatusCode::kInvalidArgument,
            "1 to 50000 records"},
       }) {
    v1::Batch b = HubTestProject::MakeBatch("credit", kSub, 0, 2, 1);
    c.edit(&b);
    absl::Status s =
        ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).status();
    EXPECT_EQ(s.code(), c.code) << c.expect << ": " << s;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
  }
  EXPECT_EQ(StoredBatches(), 0);
}

TEST_F(IngestTest, ABatchMadeWithAnotherLinkageSecretIsRefused) {
  v1::Batch b = HubTestProject::MakeBatch("credit", kSub, 0, 2, 1);
  const std::string current = b.key_check();  // epoch 1's, from the test project's ceremony
  b.set_key_check(std::string(64, 'b'));
  absl::Status s = ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("party 'credit' made its pseudonyms with another linkage secret"),
            std::string::npos)
      << s;
  EXPECT_NE(s.message().find("stapel-ceremony fetch"), std::string::npos) << s;
  b.clear_key_check();  // an agent that does not say is refused too
  EXPECT_EQ(ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  b.set_key_check(current);
  EXPECT_TRUE(ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).ok());

  // A rotation: epoch 2's secret is the only one accepted from then on.
  ASSERT_TRUE(p_.DepositEpoch(SecretBytes::Random(32)).ok());
  b.set_sequence(1);
  s = ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("epoch 2"), std::string::npos) << s;
}

TEST_F(IngestTest, NoBatchIsTakenBeforeTheKeyCeremony) {
  auto log = *ReleaseLogWriter::Open(p_.dir / "fresh.log", Ed25519Signer::Generate());
  KeyRelay no_epoch(&p_.manifest, log.get());
  auto ingest = *Ingest::Create(&p_.manifest, p_.submissions.get(), log.get(), &no_epoch);
  v1::Batch b = HubTestProject::MakeBatch("credit", kSub, 0, 2, 1);
  absl::Status s = ingest->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("no linkage secret yet; the key ceremony comes first: 'municipality' "
                             "runs `stapel-ceremony create`"),
            std::string::npos)
      << s;
}

TEST_F(IngestTest, RegisterRecordsNeedAValidBuurtAndOneIdentifyingKey) {
  v1::Batch b = HubTestProject::MakeBatch("municipality", kSub, 0, 2, 1);
  b.mutable_records(1)->set_buurt("BU1");
  auto s = ingest_->SubmitBatch("municipality", HubTestProject::Sign(b, *p_.register_key)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("record 1: buurt"), std::string::npos) << s;
  v1::Batch twice = HubTestProject::MakeBatch("municipality", kSub, 0, 2, 1);
  HubTestProject::AddKey(twice.mutable_records(0), 0, HubTestProject::Key(99));
  s = ingest_->SubmitBatch("municipality", HubTestProject::Sign(twice, *p_.register_key)).status();
  EXPECT_NE(s.message().find("record 0: a register record needs exactly one 'bsn' key"),
            std::string::npos)
      << s;
}

TEST_F(IngestTest, BatchesSentSideBySideAndTwiceAreStoredOnceAndCompletedWhole) {
  // An agent with several batches in flight, each sent twice at once (a retry racing the
  // first call), and a completion asked for while they are written.
  constexpr int kBatches = 16;
  std::vector<v1::SignedBatch> batches;
  for (int seq = 0; seq < kBatches; ++seq) {
    batches.push_back(HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, seq, 2, 1),
                                           *p_.source_key));
  }
  std::atomic<int> stored = 0, duplicates = 0, refused = 0, next = 0;
  std::vector<std::thread> senders;
  for (int t = 0; t < 6; ++t) {
    senders.emplace_back([&] {
      for (int i; (i = next++) < 2 * kBatches;) {
        auto ack = ingest_->SubmitBatch("credit", batches[i / 2]);
        if (!ack.ok()) {  // the copy that came after the completion: refused, not stored
          EXPECT_TRUE(absl::IsFailedPrecondition(ack.status())) << ack.status();
          ++refused;
          continue;
        }
        ++(ack->duplicate() ? duplicates : stored);
      }
    });
  }
  absl::StatusOr<v1::SubmissionReceipt> receipt = absl::UnknownError("not asked");
  while (!receipt.ok()) {
    receipt = ingest_->CompleteSubmission(
        "credit", HubTestProject::Summary("credit", kSub, kBatches, 2 * kBatches, *p_.source_key));
    ASSERT_TRUE(receipt.ok() || absl::IsFailedPrecondition(receipt.status())) << receipt.status();
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(stored, kBatches);
  EXPECT_EQ(duplicates + refused, kBatches);
  EXPECT_EQ(receipt->batch_count(), static_cast<uint64_t>(kBatches));
  EXPECT_EQ(StoredBatches(), kBatches);
}

TEST_F(IngestTest, CompletionNeedsEveryBatchAndReplacesTheEarlierSubmission) {
  for (uint64_t seq : {0, 2}) {
    ASSERT_TRUE(ingest_
                    ->SubmitBatch("credit", HubTestProject::Sign(HubTestProject::MakeBatch(
                                                                     "credit", kSub, seq, 2, 1),
                                                                 *p_.source_key))
                    .ok());
  }
  auto missing = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", kSub, 3, 6, *p_.source_key));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("batch 1"), std::string::npos) << missing.status();
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", kSub, 1, 2, 1),
                                              *p_.source_key))
                  .ok());
  auto wrong_count = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", kSub, 3, 7, *p_.source_key));
  EXPECT_EQ(wrong_count.status().code(), absl::StatusCode::kFailedPrecondition);
  auto receipt = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", kSub, 3, 6, *p_.source_key));
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->record_count(), 6u);

  const std::string second(16, 't');
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(
                                              HubTestProject::MakeBatch("credit", second, 0, 1, 1),
                                              *p_.source_key))
                  .ok());
  auto replaced = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", second, 1, 1, *p_.source_key));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->replaced_record_count(), 6u);
  EXPECT_EQ(StoredBatches(), 1);  // the earlier submission's batches are gone
  EXPECT_EQ((*p_.submissions->Current("credit"))->submission_id(), second);
  // Both completions are in the log, with what was stored.
  auto log = VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->entries, 3u);  // the test project's key_epoch entry, then the two
  const auto entry = nlohmann::json::parse(log->lines[2]);
  EXPECT_EQ(entry["type"], "submission");
  EXPECT_EQ(entry["party"], "credit");
  EXPECT_EQ(entry["records"], 1);
  EXPECT_EQ(entry["replaced_records"], 6);
  EXPECT_EQ(entry["stored_sha256"].get<std::string>().size(), 64u);
}

TEST_F(IngestTest, ACompletedSubmissionTakesNoMoreBatchesAndCannotBeReplayed) {
  auto batch = [&](const std::string& sub, uint64_t seq) {
    return HubTestProject::Sign(HubTestProject::MakeBatch("credit", sub, seq, 2, 1),
                                *p_.source_key);
  };
  const std::string first(16, 'a'), second(16, 'b');
  // Nothing to complete: an empty submission would wipe the party's data.
  auto empty = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", first, 0, 0, *p_.source_key));
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(empty.status().message().find("no batches"), std::string::npos) << empty.status();

  ASSERT_TRUE(ingest_->SubmitBatch("credit", batch(first, 0)).ok());
  const auto first_summary = HubTestProject::Summary("credit", first, 1, 2, *p_.source_key);
  auto receipt = ingest_->CompleteSubmission("credit", first_summary);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  // The agent's reply was lost and it asks again: the same receipt, nothing logged twice.
  auto again = ingest_->CompleteSubmission("credit", first_summary);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->log_entry(), receipt->log_entry());
  EXPECT_EQ(p_.log->entries(), 2u);
  // Batches after the receipt would be counted in releases the receipt never covered.
  auto late = ingest_->SubmitBatch("credit", batch(first, 1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("is complete"), std::string::npos) << late.status();

  ASSERT_TRUE(ingest_->SubmitBatch("credit", batch(second, 0)).ok());
  ASSERT_TRUE(ingest_
                  ->CompleteSubmission(
                      "credit", HubTestProject::Summary("credit", second, 1, 2, *p_.source_key))
                  .ok());
  // Replaying the first submission's signed messages does not make it current again, also
  // after a restart of the hub (the completed submissions are read from the log).
  for (int restart = 0; restart < 2; ++restart) {
    if (restart == 1) {
      ingest_ = *Ingest::Create(&p_.manifest, p_.submissions.get(), p_.log.get(), p_.relay.get());
    }
    EXPECT_EQ(ingest_->SubmitBatch("credit", batch(first, 0)).status().code(),
              absl::StatusCode::kFailedPrecondition);
    auto replay = ingest_->CompleteSubmission("credit", first_summary);
    EXPECT_EQ(replay.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(replay.status().message().find("cannot be made current again"), std::string::npos)
        << replay.status();
    EXPECT_EQ((*p_.submissions->Current("credit"))->submission_id(), second);
  }
}

TEST_F(IngestTest, FieldsTheProtocolDoesNotNameAreRefused) {
  // A batch that is valid and signed, but carries plaintext in a field the schema lacks.
  v1::Batch in_batch = HubTestProject::MakeBatch("credit", kSub, 0, 2, 1);
  in_batch.GetReflection()->MutableUnknownFields(&in_batch)->AddLengthDelimited(99, "123456782");
  auto refused = ingest_->SubmitBatch("credit", HubTestProject::Sign(in_batch, *p_.source_key));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("field 99"), std::string::npos) << refused.status();
  v1::Batch in_record = HubTestProject::MakeBatch("credit", kSub, 0, 2, 1);
  v1::PseudonymRecord* record = in_record.mutable_records(1);
  record->GetReflection()->MutableUnknownFields(record)->AddVarint(42, 7);
  refused = ingest_->SubmitBatch("credit", HubTestProject::Sign(in_record, *p_.source_key));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("records[1].42"), std::string::npos)
      << refused.status();
  EXPECT_EQ(StoredBatches(), 0);
}

TEST_F(IngestTest, RegisterRecordsOfABuurtOutsideTheManifestsGemeentenAreRefused) {
  auto batch = HubTestProject::Sign(HubTestProject::MakeBatch("municipality", kSub, 0, 3, 1),
                                    *p_.register_key);  // buurt BU99990101, gemeente GM9999
  p_.manifest.gemeenten = {"GM0363"};
  auto refused = ingest_->SubmitBatch("municipality", batch);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("buurt BU99990101 lies in gemeente GM9999, which the "
                                            "manifest does not name (gemeenten = [GM0363])"),
            std::string::npos)
      << refused.status();
  p_.manifest.gemeenten = {"GM0363", "GM9999"};
  EXPECT_TRUE(ingest_->SubmitBatch("municipality", batch).ok());
}

// Wraps a store and fails every write: nothing may be acknowledged then.
class FailingStore : public Store {
 public:
  explicit FailingStore(Store* inner) : inner_(inner) {}
  absl::Status Apply(const std::vector<Write>&, bool) override {
    return absl::UnavailableError("disk full");
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    return inner_->Get(key);
  }
  absl::Status Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) override {
    return inner_->Scan(prefix, fn);
  }
  absl::Status Compact() override { return absl::UnavailableError("disk full"); }

 private:
  Store* inner_;
};

TEST_F(IngestTest, AFailedWriteIsNotAcknowledged) {
  FailingStore failing(p_.store.get());
  SubmissionStore submissions(&failing);
  auto ingest = *Ingest::Create(&p_.manifest, &submissions, p_.log.get(), p_.relay.get());
  auto ack = ingest->SubmitBatch(
      "credit",
      HubTestProject::Sign(HubTestProject::MakeBatch("credit", kSub, 0, 1, 1), *p_.source_key));
  EXPECT_EQ(ack.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(IngestTest, ARecordWithoutMatchKeysNeedsABloomFilterWithASaltAndAField) {
  const_cast<PartyManifest*>(p_.manifest.FindParty("credit"))->fuzzy = true;
  p_.manifest.fuzzy =
      BloomSettings{.bits = 1024, .hashes = 20, .fields = {{"birth_date", 1}, {"surname", 1}}};
  // The filter: the birth date's tag (bytes 0..7), the address's (8..15), the names' (16..23),
  // then the surname's segment under the birth date.
  const uint32_t layout = BloomLayout(*p_.manifest.fuzzy);
  auto submit = [&](uint64_t seq, bool tag, bool surname, uint32_t stated = 0) {
    v1::Batch b = HubTestProject::MakeBatch("credit", kSub, seq, 1, 1);
    b.set_bloom_layout(stated == 0 ? layout : stated);
    v1::PseudonymRecord* r = b.mutable_records(0);
    r->clear_keys();
    std::string filter(128, '\0');
    if (tag) filter[0] = 't';
    if (surname) filter[24] = 'b';
    r->set_bloom(filter);
    return ingest_->SubmitBatch("credit", HubTestProject::Sign(b, *p_.source_key));
  };
  EXPECT_TRUE(submit(0, true, true).ok());
  for (const auto& [tag, surname] : {std::pair(false, true), std::pair(true, false)}) {
    auto refused = submit(1, tag, surname);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find(
                  "no match key (and no Bloom filter with a salt and a field to compare)"),
              std::string::npos)
        << refused.status();
  }
  // Filters of another layout (an agent of before the salts, another [fuzzy] section) would be
  // read as this one: refused, saying what to do.
  auto old = submit(2, true, true, layout ^ 2);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(old.status().message().find("update stapel-agent, fetch the manifest in force and "
                                        "send again"),
            std::string::npos)
      << old.status();
}

TEST_F(IngestTest, EachPeriodKeepsItsOwnCurrentSubmissionAndEveryBatchNamesOne) {
  p_.manifest.periods = {"2024", "2025"};
  const auto submit = [&](const std::string& sub, int n, const std::string& batch_period,
                          const std::string& summary_period) -> absl::Status {
    auto ack = ingest_->SubmitBatch(
        "credit", HubTestProject::Sign(
                      HubTestProject::MakeBatch("credit", sub, 0, n, 1, batch_period),
                      *p_.source_key));
    if (!ack.ok()) return ack.status();
    return ingest_
        ->CompleteSubmission("credit", HubTestProject::Summary("credit", sub, 1, n, *p_.source_key,
                                                               summary_period))
        .status();
  };
  // A batch that names no period, or one the manifest does not name, is refused and says how.
  absl::Status none = submit(std::string(16, 'a'), 2, "", "");
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(none.message().find("names no period; the manifest's periods are 2024, 2025: run "
                                "the agent with --period"),
            std::string::npos)
      << none;
  EXPECT_NE(submit(std::string(16, 'b'), 2, "2023", "2023").message().find("names period '2023'"),
            std::string::npos);
  // A summary of another period than its batches completes nothing.
  absl::Status mixed = submit(std::string(16, 'c'), 2, "2024", "2025");
  EXPECT_EQ(mixed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mixed.message().find("a submission is of one period"), std::string::npos) << mixed;
  EXPECT_FALSE(p_.submissions->Current("credit", "2025")->has_value());

  ASSERT_TRUE(submit(std::string(16, 'd'), 3, "2024", "2024").ok());
  ASSERT_TRUE(submit(std::string(16, 'e'), 4, "2025", "2025").ok());
  ASSERT_TRUE(submit(std::string(16, 'f'), 5, "2025", "2025").ok());  // replaces 2025 only
  EXPECT_EQ((*p_.submissions->Current("credit", "2024"))->record_count(), 3u);
  EXPECT_EQ((*p_.submissions->Current("credit", "2025"))->record_count(), 5u);
  EXPECT_FALSE(p_.submissions->Current("credit")->has_value());
  EXPECT_EQ(StoredBatches(), 2);  // 2024's and the newest 2025's; the rest are gone
  int batches_2024 = 0;
  ASSERT_TRUE(p_.submissions
                  ->ForEachBatch("credit", std::string(16, 'd'),
                                 [&](uint64_t, const v1::Batch& b, std::string_view) {
                                   EXPECT_EQ(b.period(), "2024");
                                   ++batches_2024;
                                   return absl::OkStatus();
                                 })
                  .ok());
  EXPECT_EQ(batches_2024, 1);
  // A 2025 run still sending when a 2024 submission completes keeps its batches.
  const std::string sending(16, 'g');
  ASSERT_TRUE(ingest_
                  ->SubmitBatch("credit", HubTestProject::Sign(HubTestProject::MakeBatch(
                                                                   "credit", sending, 0, 6, 1, "2025"),
                                                               *p_.source_key))
                  .ok());
  ASSERT_TRUE(submit(std::string(16, 'h'), 2, "2024", "2024").ok());
  auto finished = ingest_->CompleteSubmission(
      "credit", HubTestProject::Summary("credit", sending, 1, 6, *p_.source_key, "2025"));
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ((*p_.submissions->Current("credit", "2024"))->record_count(), 2u);
  EXPECT_EQ((*p_.submissions->Current("credit", "2025"))->record_count(), 6u);
  // The receipts name their period, and the hub's start check follows each period.
  const auto receipts = p_.log->EntriesOfType(kEntrySubmission);
  ASSERT_EQ(receipts.size(), 5u);
  EXPECT_EQ(receipts[2]["period"], "2025");
  EXPECT_EQ(receipts[2]["replaced_records"], 4);
  EXPECT_EQ(receipts[3]["period"], "2024");
  EXPECT_TRUE(CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get()).ok());
  ASSERT_TRUE(p_.store->Apply({{"current/credit/2024", "", /*erase=*/true}}, true).ok());
  absl::Status lost = CheckStoreHoldsReceipted(p_.manifest, *p_.log, p_.submissions.get());
  EXPECT_EQ(lost.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(lost.message().find("party 'credit', period 2024"), std::string::npos) << lost;
}

}  // namespace
}  // namespace stapel
