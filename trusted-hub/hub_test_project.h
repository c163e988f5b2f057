#ifndef STAPEL_TRUSTED_HUB_HUB_TEST_PROJECT_H_
#define STAPEL_TRUSTED_HUB_HUB_TEST_PROJECT_H_

// Test-only: the project of tests/test_project.h (register "municipality", source "credit"),
// a RocksDB store (behind a gate a test may close) and a release log in a fresh folder, and
// helpers to make signed batches.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "keys/signing.h"
#include "ledger/log_writer.h"
#include "linker/match_key.h"
#include "project/manifest.h"
#include "proto/key_envelope.h"
#include "proto/stapel.pb.h"
#include "tests/test_project.h"
#include "trusted-hub/ingest.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/release.h"
#include "trusted-hub/rocksdb_store.h"
#include "trusted-hub/submission_store.h"

namespace stapel::testing_util {

// A store in front of another whose scans of one submission's batches
// ("batch/<party>/<submission>/": a link reading them, and also a completion checking them, so
// a test submits only while it is open) wait at the gate while it is closed: a link held in
// progress. Other scans pass. Open at first.
class GatedStore : public Store {
 public:
  explicit GatedStore(Store* inner) : inner_(inner) {}
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  // Whether a scan came to the closed gate within `timeout`.
  bool AScanWaits(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return waiting_ > 0; });
  }

  absl::Status Apply(const std::vector<Write>& writes, bool sync) override {
    return inner_->Apply(writes, sync);
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    return inner_->Get(key);
  }
  absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) override {
    if (prefix.starts_with("batch/") && std::count(prefix.begin(), prefix.end(), '/') == 3) {
      std::unique_lock lock(mu_);
      ++waiting_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
      --waiting_;
    }
    return inner_->Scan(prefix, fn);
  }
  absl::Status Compact() override { return inner_->Compact(); }

 private:
  Store* const inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;
  int waiting_ = 0;
};

struct HubTestProject {
  std::filesystem::path dir;
  Manifest manifest;
  std::unique_ptr<Ed25519Signer> register_key, source_key;
  std::unique_ptr<RocksDbStore> store;
  std::unique_ptr<GatedStore> gate;              // in front of `store`
  std::unique_ptr<SubmissionStore> submissions;  // over `gate`
  std::unique_ptr<Ed25519Verifier> hub_key;  // verifies `log`
  std::unique_ptr<ReleaseLogWriter> log;     // the hub's log, in the same folder
  std::unique_ptr<KeyRelay> relay;           // at epoch 1, the secret of TestLinkageSecret()

  HubTestProject() : dir(FreshTempDir()) {
    auto signers = WriteTestProject(dir);
    register_key = std::move(signers.at("municipality"));
    source_key = std::move(signers.at("credit"));
    manifest = *Manifest::Load(dir / "manifest.toml");
    store = *RocksDbStore::Open(dir / "db");
    gate = std::make_unique<GatedStore>(store.get());
    submissions = std::make_unique<SubmissionStore>(gate.get());
    auto hub_signer = Ed25519Signer::Generate();
    hub_key = std::make_unique<Ed25519Verifier>(
        *Ed25519Verifier::FromBase64(hub_signer->PublicKeyBase64()));
    log = *ReleaseLogWriter::Open(dir / "release.log", std::move(hub_signer));
    relay = std::make_unique<KeyRelay>(&manifest, log.get());
    EXPECT_TRUE(DepositEpoch(TestLinkageSecret()).ok());
  }

  // The batches of MakeBatch are made with this secret: 32 bytes of 0x42.
  static SecretBytes TestLinkageSecret() {
    const std::string bytes(32, '\x42');
    return SecretBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  // The next epoch, with `secret`, deposited by the creator (municipality).
  absl::StatusOr<v1::KeyDepositReply> DepositEpoch(const SecretBytes& secret) {
    auto envelope = SealKeyEnvelope(secret, manifest, relay->Current().number + 1, *register_key);
    if (!envelope.ok()) return envelope.status();
    return relay->Deposit("municipality", *envelope);
  }

  static std::string Key(uint8_t tag) { return std::string(32, static_cast<char>(tag)); }

  // A batch of `n` records: register records carry bsn key `first_tag + i`, a surname key,
  // buurt BU99990101 and youth_care = i % 2; credit records carry the bsn key and debts = 1.
  static v1::Batch MakeBatch(const std::string& party, std::string submission, uint64_t seq, int n,
                             uint8_t first_tag, const std::string& period = "") {
    v1::Batch b;
    b.set_period(period);
    b.set_project_id("test");
    b.set_party_id(party);
    b.set_submission_id(submission);
    b.set_sequence(seq);
    b.set_key_check(KeyCheckValue(TestLinkageSecret(), "test"));
    const bool reg = party == "municipality";
    b.add_match_key_kinds("bsn");
    if (reg) b.add_match_key_kinds("surname_birth_postcode");
    b.add_attribute_names(reg ? "youth_care" : "debts");
    for (int i = 0; i < n; ++i) {
      auto* r = b.add_records();
      AddKey(r, 0, Key(static_cast<uint8_t>(first_tag + i)));
      if (reg) {
        AddKey(r, 1, Key(static_cast<uint8_t>(200 - i)));
        r->set_buurt("BU99990101");
      }
      r->add_attribute_values(reg ? i % 2 : 1);
    }
    return b;
  }

  static void AddKey(v1::PseudonymRecord* r, uint32_t kind, const std::string& key) {
    auto* e = r->add_keys();
    e->set_kind(kind);
    e->set_key(key);
  }

  static v1::SignedBatch Sign(const v1::Batch& b, const Ed25519Signer& key) {
    v1::SignedBatch s;
    b.SerializeToString(s.mutable_batch());
    auto sig = key.Sign(kBatchSignatureContext, DigestToSign(s.batch()));
    s.set_signature(sig.data(), sig.size());
    return s;
  }

  static v1::SignedSubmissionSummary Summary(const std::string& party, std::string submission,
                                             uint64_t batches, uint64_t records,
                                             const Ed25519Signer& key,
                                             const std::string& period = "") {
    v1::SubmissionSummary s;
    s.set_period(period);
    s.set_project_id("test");
    s.set_party_id(party);
    s.set_submission_id(submission);
    s.set_batch_count(batches);
    s.set_record_count(records);
    v1::SignedSubmissionSummary out;
    s.SerializeToString(out.mutable_summary());
    auto sig = key.Sign(kSubmissionSignatureContext, out.summary());
    out.set_signature(sig.data(), sig.size());
    return out;
  }
};

// A test project with the hub's ingest and releaser running on it.
struct HubServices {
  HubTestProject p;
  std::unique_ptr<Ingest> ingest =
      *Ingest::Create(&p.manifest, p.submissions.get(), p.log.get(), p.relay.get());
  std::unique_ptr<RecordKeyer> record_keys = RecordKeyer::Create(std::vector<uint8_t>(32, 7));
  std::unique_ptr<Releaser> releaser =
      std::make_unique<Releaser>(&p.manifest, p.submissions.get(), p.log.get(), p.relay.get(),
                                 Geography(), record_keys.get());

  // One complete submission of `n` records of `party` (see MakeBatch) for `period`, signed
  // with `key`; its submission id is made of `first_tag`.
  absl::Status Submit(const std::string& party, int n, uint8_t first_tag, const Ed25519Signer& key,
                      const std::string& period = "") {
    const std::string sub(16, static_cast<char>(first_tag));
    auto ack = ingest->SubmitBatch(
        party, HubTestProject::Sign(
                   HubTestProject::MakeBatch(party, sub, 0, n, first_tag, period), key));
    if (!ack.ok()) return ack.status();
    return ingest
        ->CompleteSubmission(party, HubTestProject::Summary(party, sub, 1, n, key, period))
        .status();
  }
};

}  // namespace stapel::testing_util

#endif  // STAPEL_TRUSTED_HUB_HUB_TEST_PROJECT_H_
