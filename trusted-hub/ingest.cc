#include "trusted-hub/ingest.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include "encoding/hex.h"
#include "encoding/sha256.h"
#include "encoding/utc_time.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"
#include "linker/bloom_filter.h"
#include "linker/match_key.h"
#include "proto/unknown_fields.h"
#include "records/area_code.h"
#include "trusted-hub/receipt_check.h"
#include "trusted-hub/retention.h"

namespace stapel {

namespace {

// Only what the schema names is stored: the signed message and its wrapper hold nothing else.
absl::Status RefuseUnknownFields(const google::protobuf::Message& signed_message,
                                 const google::protobuf::Message& wrapper) {
  for (const google::protobuf::Message* message : {&signed_message, &wrapper}) {
    if (const std::string field = FirstUnknownField(*message); !field.empty()) {
      return absl::InvalidArgumentError(fmt::format(
          "the {} holds field {}, which the protocol does not name; the hub stores nothing it "
          "does not know (an agent of another version? update it)",
          message->GetDescriptor()->name(), field));
    }
  }
  return absl::OkStatus();
}

// The batch's match key kinds and attribute names: each allowed for the party by the manifest,
// and none listed twice (kinds and attributes share one set of names).
absl::Status CheckBatchNames(const PartyManifest& party, const v1::Batch& batch,
                             std::string_view at) {
  std::set<std::string_view> seen;
  for (const auto& kind : batch.match_key_kinds()) {
    if (!party.AllowsMatchKey(kind)) {
      return absl::PermissionDeniedError(fmt::format(
          "{}: match key '{}' is not allowed for party '{}' by the manifest", at, kind, party.id));
    }
    if (!seen.insert(kind).second) {
      return absl::InvalidArgumentError(fmt::format("{}: match key '{}' listed twice", at, kind));
    }
  }
  for (const auto& attribute : batch.attribute_names()) {
    if (!party.AllowsAttribute(attribute)) {
      return absl::PermissionDeniedError(fmt::format(
          "{}: attribute '{}' is not allowed for party '{}' by the manifest (allowed: {})", at,
          attribute, party.id, fmt::join(party.attributes, ", ")));
    }
    if (!seen.insert(attribute).second) {
      return absl::InvalidArgumentError(
          fmt::format("{}: attribute '{}' listed twice", at, attribute));
    }
  }
  return absl::OkStatus();
}

// The period data name: one of the manifest's, or none when it names none. `at` starts the
// message.
absl::Status CheckPeriod(const Manifest& manifest, std::string_view period, std::string_view at) {
  if (manifest.HasPeriod(period)) return absl::OkStatus();
  if (manifest.periods.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "{} names period '{}', but project '{}' names no periods; run the agent without "
        "--period",
        at, period, manifest.project_id));
  }
  return absl::InvalidArgumentError(fmt::format(
      "{} {}; the manifest's periods are {}: run the agent with --period and one of them", at,
      period.empty() ? std::string("names no period") : fmt::format("names period '{}'", period),
      fmt::join(manifest.periods, ", ")));
}

// What every record of one batch is checked against. Refers to, and must not outlive, the
// batch, the manifest and the party it is made from.
struct RecordRules {
  std::string_view at;  // "batch <sequence>", the start of every message
  const Manifest& manifest;
  const PartyManifest& party;
  const v1::Batch& batch;
  int identity_kind;  // where the project's first kind is in the batch's kinds; -1: absent
};

// INVALID_ARGUMENT "<batch> record <i>: <what>".
absl::Status BadRecord(const RecordRules& rules, int i, std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("{} record {}: {}", rules.at, i, what));
}

// IsComparable of a filter as the batch carries it (little-endian 64-bit words); false for a
// filter of the wrong size (CheckRecordFuzzy refuses it).
bool FilterIsComparable(const BloomSettings& settings, const std::string& bytes) {
  if (bytes.size() != static_cast<size_t>(settings.bits) / 8) return false;
  std::vector<uint64_t> words(bytes.size() / 8);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  return IsComparable(settings, words);
}

// The record's match keys: 1 to kMaxKeysPerRecord keys of 32 bytes, each of a kind the batch
// lists. Sets `*identities` to the number of keys of the identity kind.
absl::Status CheckRecordKeys(const RecordRules& rules, const v1::PseudonymRecord& r, int i,
                             int* identities) {
  // Without a match key only the fuzzy pass can find it: a Bloom filter with a salt and a
  // field encoded under it (IsComparable).
  if (r.keys_size() == 0 &&
      (!rules.party.fuzzy || !FilterIsComparable(*rules.manifest.fuzzy, r.bloom()))) {
    return BadRecord(rules, i,
                     "no match key (and no Bloom filter with a salt and a field to compare)");
  }
  if (r.keys_size() > Ingest::kMaxKeysPerRecord) {
    return BadRecord(rules, i, fmt::format("more than {} match keys", Ingest::kMaxKeysPerRecord));
  }
  *identities = 0;
  for (const auto& entry : r.keys()) {
    if (entry.kind() >= static_cast<uint32_t>(rules.batch.match_key_kinds_size())) {
      return BadRecord(rules, i, "a match key's kind is not in the batch's match_key_kinds");
    }
    if (entry.key().size() != sizeof(MatchKey)) {
      return BadRecord(rules, i, "a match key is not 32 bytes");
    }
    *identities += static_cast<int>(entry.kind()) == rules.identity_kind;
  }
  return absl::OkStatus();
}

// A register record: exactly one identity key, a CBS buurt code, a 32-byte household key if any.
absl::Status CheckRegisterRecord(const RecordRules& rules, const v1::PseudonymRecord& r, int i,
                                 int identities) {
  if (identities != 1) {
    return BadRecord(rules, i,
                     fmt::format("a register record needs exactly one '{}' key",
                                 rules.manifest.match_keys.front()));
  }
  if (!NormalizeBuurtCode(r.buurt()).ok() || r.buurt() != *NormalizeBuurtCode(r.buurt())) {
    return BadRecord(rules, i, "buurt is not a CBS buurt code (BU + 8 digits)");
  }
  const auto& gemeenten = rules.manifest.gemeenten;
  if (const std::string gemeente = GemeenteOfWijk(WijkOfBuurt(r.buurt()));
      !gemeenten.empty() &&
      std::find(gemeenten.begin(), gemeenten.end(), gemeente) == gemeenten.end()) {
    return BadRecord(rules, i,
                     fmt::format("buurt {} lies in gemeente {}, which the manifest does not "
                                 "name (gemeenten = [{}]); the hub publishes only those",
                                 r.buurt(), gemeente, fmt::join(gemeenten, ", ")));
  }
  if (!r.household().empty() && r.household().size() != sizeof(MatchKey)) {
    return BadRecord(rules, i, "the household key is not 32 bytes");
  }
  return absl::OkStatus();
}

// A source record: neither a buurt nor a household key.
absl::Status CheckSourceRecord(const RecordRules& rules, const v1::PseudonymRecord& r, int i) {
  if (!r.buurt().empty()) {
    return absl::PermissionDeniedError(
        fmt::format("{} record {}: only the population register may send a buurt", rules.at, i));
  }
  if (!r.household().empty()) {
    return absl::PermissionDeniedError(fmt::format(
        "{} record {}: only the population register may send a household key", rules.at, i));
  }
  return absl::OkStatus();
}

// Bloom filter: only from fuzzy parties, and of the manifest's size.
absl::Status CheckRecordFuzzy(const RecordRules& rules, const v1::PseudonymRecord& r, int i) {
  if (!rules.party.fuzzy) {
    if (!r.bloom().empty()) {
      return absl::PermissionDeniedError(fmt::format(
          "{} record {}: Bloom filters are accepted only from parties with fuzzy = true", rules.at,
          i));
    }
    return absl::OkStatus();
  }
  const size_t bytes = static_cast<size_t>(rules.manifest.fuzzy->bits) / 8;
  if (!r.bloom().empty() && r.bloom().size() != bytes) {
    return BadRecord(rules, i, fmt::format("the Bloom filter must be {} bytes", bytes));
  }
  return absl::OkStatus();
}

// One record: its keys, the register's or a source's fields, fuzzy fields, indicator values.
absl::Status CheckRecord(const RecordRules& rules, int i) {
  const v1::PseudonymRecord& r = rules.batch.records(i);
  int identities = 0;
  if (absl::Status s = CheckRecordKeys(rules, r, i, &identities); !s.ok()) return s;
  absl::Status fields = rules.party.role == PartyRole::kRegister
                            ? CheckRegisterRecord(rules, r, i, identities)
                            : CheckSourceRecord(rules, r, i);
  if (!fields.ok()) return fields;
  if (absl::Status s = CheckRecordFuzzy(rules, r, i); !s.ok()) return s;
  if (r.attribute_values_size() != rules.batch.attribute_names_size()) {
    return BadRecord(rules, i,
                     "number of attribute values differs from the batch's attribute_names");
  }
  for (uint32_t v : r.attribute_values()) {
    if (v > 1) return BadRecord(rules, i, "an indicator value is not 0 or 1");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ingest>> Ingest::Create(const Manifest* manifest,
                                                       SubmissionStore* store,
                                                       ReleaseLogWriter* log,
                                                       const KeyRelay* epochs) {
  std::map<std::string, Ed25519Verifier, std::less<>> keys;
  for (const auto& party : manifest->parties) {
    auto v = Ed25519Verifier::FromBase64(party.signing_public_key);
    if (!v.ok()) return v.status();
    keys.emplace(party.id, *v);
  }
  std::unique_ptr<Ingest> ingest(new Ingest(manifest, store, log, epochs, std::move(keys)));
  for (const auto& entry : log->EntriesOfType(kEntrySubmission)) {
    ingest->completed_.insert({entry.value("party", ""), entry.value("submission_id", "")});
  }
  return ingest;
}

std::optional<nlohmann::json> Ingest::CompletedEntry(std::string_view party,
                                                     const std::string& submission_id) const {
  if (!completed_.contains({std::string(party), HexEncode(submission_id)})) return std::nullopt;
  for (auto& entry : log_->EntriesOfType(kEntrySubmission)) {
    if (entry.value("party", "") == party &&
        entry.value("submission_id", "") == HexEncode(submission_id)) {
      return std::move(entry);
    }
  }
  return std::nullopt;
}

absl::StatusOr<const PartyManifest*> Ingest::Authenticate(std::string_view peer,
                                                          std::string_view context,
                                                          std::string_view signed_message,
                                                          const std::string& signature) const {
  const PartyManifest* party = manifest_->FindParty(peer);
  if (party == nullptr) {
    return absl::PermissionDeniedError(fmt::format(
        "certificate identity '{}' is not a party of project '{}'", peer, manifest_->project_id));
  }
  if (!keys_.find(party->id)->second.Verify(context, signed_message, signature)) {
    return absl::UnauthenticatedError(fmt::format(
        "signature does not verify with party '{}''s signing key from the manifest (wrong key "
        "file in the agent config, an agent of another version than the hub's, or the data was "
        "altered)",
        party->id));
  }
  return party;
}

absl::Status Ingest::CheckBatchHeader(const PartyManifest& party, const v1::Batch& batch,
                                      std::string_view at) const {
  if (batch.project_id() != manifest_->project_id) {
    return absl::FailedPreconditionError(fmt::format("{} is for project '{}', this hub serves '{}'",
                                                     at, batch.project_id(),
                                                     manifest_->project_id));
  }
  if (batch.party_id() != party.id) {
    return absl::PermissionDeniedError(
        fmt::format("{}: party '{}' cannot submit as '{}'", at, party.id, batch.party_id()));
  }
  const KeyRelay::Epoch epoch = epochs_->Current();
  if (epoch.number == 0) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: project '{}' has no linkage secret yet; the key ceremony comes first: '{}' runs "
        "`stapel-ceremony create`, every other party `stapel-ceremony fetch`",
        at, manifest_->project_id,
        manifest_->linkage_secret_creator.empty() ? "the manifest's linkage_secret_creator"
                                                  : manifest_->linkage_secret_creator));
  }
  if (batch.key_check() != epoch.key_check) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: party '{}' made its pseudonyms with another linkage secret than the project's "
        "(key-check value {}, epoch {} has {}); run `stapel-ceremony fetch` for the current "
        "secret and send again",
        at, party.id, batch.key_check().empty() ? "missing" : batch.key_check().substr(0, 16) + "…",
        epoch.number, epoch.key_check.substr(0, 16) + "…"));
  }
  if (batch.submission_id().size() != 16) {
    return absl::InvalidArgumentError(fmt::format("{}: submission id must be 16 bytes", at));
  }
  return CheckPeriod(*manifest_, batch.period(), at);
}

absl::Status Ingest::CheckBatch(const PartyManifest& party, const v1::Batch& batch) const {
  const std::string at = fmt::format("batch {}", batch.sequence());
  if (absl::Status s = CheckBatchHeader(party, batch, at); !s.ok()) return s;
  if (absl::Status s = CheckBatchNames(party, batch, at); !s.ok()) return s;
  if (batch.records_size() == 0 || batch.records_size() > kMaxRecordsPerBatch) {
    return absl::InvalidArgumentError(fmt::format("{}: must hold 1 to {} records, holds {}", at,
                                                  kMaxRecordsPerBatch, batch.records_size()));
  }
  // Filters of another layout would be compared as this one's.
  const bool filters = std::any_of(batch.records().begin(), batch.records().end(),
                                   [](const auto& r) { return !r.bloom().empty(); });
  if (filters && party.fuzzy && batch.bloom_layout() != BloomLayout(*manifest_->fuzzy)) {
    return absl::FailedPreconditionError(fmt::format(
        "{}: Bloom filters of layout {:08x}, the manifest's [fuzzy] section gives {:08x} (an "
        "agent older than this hub, or a manifest other than the hub's); update stapel-agent, "
        "fetch the manifest in force and send again",
        at, batch.bloom_layout(), BloomLayout(*manifest_->fuzzy)));
  }
  // The register identifies persons by the project's first kind; find it in this batch.
  int identity_kind = -1;
  for (int k = 0; k < batch.match_key_kinds_size(); ++k) {
    if (batch.match_key_kinds(k) == manifest_->match_keys.front()) identity_kind = k;
  }
  const RecordRules rules{.at = at,
                          .manifest = *manifest_,
                          .party = party,
                          .batch = batch,
                          .identity_kind = identity_kind};
  for (int i = 0; i < batch.records_size(); ++i) {
    if (absl::Status s = CheckRecord(rules, i); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<const PartyManifest*> Ingest::OpenSigned(
    std::string_view peer, std::string_view context, std::string_view signed_message,
    const std::string& bytes, const std::string& signature,
    const google::protobuf::Message& wrapper, std::string_view parse_error,
    google::protobuf::Message* out) const {
  auto party = Authenticate(peer, context, signed_message, signature);
  if (!party.ok()) return party.status();
  if (absl::Status s = CheckRetention(*manifest_, *log_, UtcNow().substr(0, 10)); !s.ok()) {
    return s;
  }
  if (!out->ParseFromString(bytes)) return absl::InvalidArgumentError(std::string(parse_error));
  if (absl::Status s = RefuseUnknownFields(*out, wrapper); !s.ok()) return s;
  return party;
}

absl::StatusOr<v1::BatchAck> Ingest::SubmitBatch(std::string_view peer,
                                                 const v1::SignedBatch& signed_batch) {
  v1::Batch batch;
  auto party = OpenSigned(peer, kBatchSignatureContext, DigestToSign(signed_batch.batch()),
                          signed_batch.batch(), signed_batch.signature(), signed_batch,
                          "the signed batch does not parse as a stapel.v1.Batch", &batch);
  if (!party.ok()) return party.status();
  if (absl::Status s = CheckBatch(**party, batch); !s.ok()) return s;

  v1::BatchAck ack;
  ack.set_sequence(batch.sequence());
  ack.set_records_stored(batch.records_size());
  const std::string bytes = signed_batch.SerializeAsString();
  const Slot slot{batch.party_id(), batch.submission_id(), batch.sequence()};
  {
    std::unique_lock lock(mu_);
    written_.wait(lock, [&] { return !writing_.contains(slot); });  // the same batch, resent
    if (completed_.contains({batch.party_id(), HexEncode(batch.submission_id())})) {
      return absl::FailedPreconditionError(fmt::format(
          "submission {} of '{}' is complete (its receipt is in the release log); the hub takes "
          "no more batches for it. To send data again, run the agent again: it starts a new "
          "submission",
          HexEncode(batch.submission_id()).substr(0, 16), batch.party_id()));
    }
    auto existing = store_->GetBatch(batch.party_id(), batch.submission_id(), batch.sequence());
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      v1::SignedBatch stored;
      if (!stored.ParseFromString(**existing) || stored.batch() != signed_batch.batch()) {
        return absl::AlreadyExistsError(fmt::format(
            "batch {} of this submission was already stored with other content; start a new "
            "submission (run the agent again)",
            batch.sequence()));
      }
      ack.set_duplicate(true);
      return ack;
    }
    writing_.insert(slot);
  }
  absl::Status put =
      store_->PutBatch(batch.party_id(), batch.submission_id(), batch.sequence(), bytes);
  {
    std::lock_guard lock(mu_);
    writing_.erase(slot);
  }
  written_.notify_all();
  if (!put.ok()) return put;
  return ack;
}

absl::StatusOr<v1::SubmissionReceipt> Ingest::CompleteSubmission(
    std::string_view peer, const v1::SignedSubmissionSummary& signed_summary) {
  v1::SubmissionSummary summary;
  auto party = OpenSigned(peer, kSubmissionSignatureContext, signed_summary.summary(),
                          signed_summary.summary(), signed_summary.signature(), signed_summary,
                          "the signed summary does not parse as a SubmissionSummary", &summary);
  if (!party.ok()) return party.status();
  if (summary.project_id() != manifest_->project_id) {
    return absl::FailedPreconditionError(
        fmt::format("summary is for project '{}'", summary.project_id()));
  }
  if (summary.party_id() != (*party)->id) {
    return absl::PermissionDeniedError(fmt::format(
        "party '{}' cannot complete a submission of '{}'", (*party)->id, summary.party_id()));
  }
  if (absl::Status s = CheckPeriod(*manifest_, summary.period(), "the summary"); !s.ok()) return s;
  std::unique_lock lock(mu_);
  // Batches of this submission still being written are counted once they are.
  written_.wait(lock, [&] {
    return std::none_of(writing_.begin(), writing_.end(), [&](const Slot& s) {
      return s.party == summary.party_id() && s.submission_id == summary.submission_id();
    });
  });
  if (auto done = CompletedEntry(summary.party_id(), summary.submission_id())) {
    return ReceiptAgain(summary, *done);
  }
  if (summary.batch_count() == 0) {
    return absl::FailedPreconditionError(fmt::format(
        "a submission of no batches would replace the data of '{}' with nothing; the hub "
        "refuses it (check the export: it has no valid rows)",
        summary.party_id()));
  }
  uint64_t batches = 0, records = 0;
  Sha256Stream digest;  // over the stored batches, in order
  absl::Status scan = store_->ForEachBatch(
      summary.party_id(), summary.submission_id(),
      [&](uint64_t sequence, const v1::Batch& b, std::string_view stored) {
        digest.Update(stored);
        if (sequence != batches) {
          return absl::FailedPreconditionError(fmt::format(
              "batch {} of the submission never arrived; run the agent again", batches));
        }
        if (b.period() != summary.period()) {
          return absl::InvalidArgumentError(fmt::format(
              "batch {} names period '{}', the summary '{}'; a submission is of one period: "
              "run the agent again",
              sequence, b.period(), summary.period()));
        }
        ++batches;
        records += b.records_size();
        return absl::OkStatus();
      });
  if (!scan.ok()) return scan;
  if (batches != summary.batch_count() || records != summary.record_count()) {
    return absl::FailedPreconditionError(fmt::format(
        "the hub holds {} batches with {} records of this submission, the agent announced {} "
        "with {}; run the agent again",
        batches, records, summary.batch_count(), summary.record_count()));
  }
  // A completion receipted before but not made current (a failed write) is finished first,
  // so that staging this one does not lose it.
  if (absl::Status s = RollForward(*store_, summary.party_id(), summary.period(),
                                   [&](const std::string& id) {
                                     return completed_.contains({summary.party_id(), id});
                                   });
      !s.ok()) {
    return s;
  }
  auto previous = store_->Current(summary.party_id(), summary.period());
  if (!previous.ok()) return previous.status();
  // Staged, receipted, then current: what releases count is always receipted in the log, and
  // a failed append (a full disk) leaves the party's data as it was.
  if (absl::Status s = store_->StagePending(signed_summary, summary); !s.ok()) return s;
  v1::SubmissionReceipt receipt;
  receipt.set_batch_count(batches);
  receipt.set_record_count(records);
  if (previous->has_value() && (*previous)->submission_id() != summary.submission_id()) {
    receipt.set_replaced_record_count((*previous)->record_count());
  }
  auto logged = log_->Append(SubmissionEntry{.party = summary.party_id(),
                                             .period = summary.period(),
                                             .submission_id = HexEncode(summary.submission_id()),
                                             .batches = batches,
                                             .records = records,
                                             .replaced_records = receipt.replaced_record_count(),
                                             .stored_sha256 = digest.FinalHex()}
                                 .ToEntry());
  if (!logged.ok()) return logged.status();
  completed_.insert({summary.party_id(), HexEncode(summary.submission_id())});
  if (absl::Status s = store_->MakeCurrent(signed_summary, summary); !s.ok()) {
    return absl::Status(s.code(), fmt::format("the submission is receipted in the release log "
                                              "but could not be made current ({}); run the "
                                              "agent again to finish it",
                                              std::string(s.message())));
  }
  receipt.set_log_entry(*logged);
  return receipt;
}

absl::StatusOr<v1::SubmissionReceipt> Ingest::ReceiptAgain(const v1::SubmissionSummary& summary,
                                                           const nlohmann::json& entry) {
  const std::string id = HexEncode(summary.submission_id());
  if (absl::Status s = RollForward(*store_, summary.party_id(), summary.period(),
                                   [&](const std::string& staged) { return staged == id; });
      !s.ok()) {
    return s;
  }
  auto current = store_->Current(summary.party_id(), summary.period());
  if (!current.ok()) return current.status();
  if (!current->has_value() || (*current)->submission_id() != summary.submission_id()) {
    // Signed batches and summaries carry no freshness of their own: without this, replaying an
    // old submission's messages would make its data current again.
    return absl::FailedPreconditionError(fmt::format(
        "submission {} of '{}' was completed before (release log entry #{}) and has been "
        "replaced since; an old submission cannot be made current again. Run the agent again "
        "to send the data as a new submission",
        HexEncode(summary.submission_id()).substr(0, 16), summary.party_id(),
        entry.value("seq", uint64_t{0})));
  }
  // The agent asks again (its reply was lost): the same receipt.
  v1::SubmissionReceipt receipt;
  receipt.set_batch_count(entry.value("batches", uint64_t{0}));
  receipt.set_record_count(entry.value("records", uint64_t{0}));
  receipt.set_replaced_record_count(entry.value("replaced_records", uint64_t{0}));
  receipt.set_log_entry(entry.dump());
  return receipt;
}

}  // namespace stapel
