#include "trusted-hub/submission_store.h"

#include <fmt/format.h>

#include <set>

#include "encoding/hex.h"

namespace stapel {
namespace {

std::string SubmissionPrefix(std::string_view party, std::string_view submission_id) {
  return fmt::format("batch/{}/{}/", party, HexEncode(submission_id));
}

// `kind`/<party> for the unnamed period, `kind`/<party>/<period> for a named one (party ids
// hold no '/').
std::string SlotKey(std::string_view kind, std::string_view party, std::string_view period) {
  return period.empty() ? fmt::format("{}/{}", kind, party)
                        : fmt::format("{}/{}/{}", kind, party, period);
}

absl::StatusOr<std::optional<v1::SignedSubmissionSummary>> GetSigned(Store& store,
                                                                   const std::string& key) {
  auto value = store.Get(key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  v1::SignedSubmissionSummary signed_summary;
  if (!signed_summary.ParseFromString(**value)) {
    return absl::DataLossError(fmt::format("stored submission {} does not parse", key));
  }
  return signed_summary;
}

}  // namespace

std::string SubmissionStore::BatchKey(std::string_view party, std::string_view submission_id,
                                      uint64_t sequence) {
  return fmt::format("{}{:016x}", SubmissionPrefix(party, submission_id), sequence);
}

absl::StatusOr<std::optional<std::string>> SubmissionStore::GetBatch(std::string_view party,
                                                                     std::string_view submission_id,
                                                                     uint64_t sequence) {
  return store_->Get(BatchKey(party, submission_id, sequence));
}

absl::Status SubmissionStore::PutBatch(std::string_view party, std::string_view submission_id,
                                       uint64_t sequence, const std::string& signed_batch) {
  return store_->Apply({{BatchKey(party, submission_id, sequence), signed_batch}}, /*sync=*/true);
}

absl::Status SubmissionStore::ForEachBatch(
    std::string_view party, std::string_view submission_id,
    const std::function<absl::Status(uint64_t, const v1::Batch&, std::string_view)>& fn) {
  absl::Status result;
  const std::string prefix = SubmissionPrefix(party, submission_id);
  v1::SignedBatch signed_batch;
  v1::Batch batch;
  absl::Status scan = store_->Scan(prefix, [&](std::string_view key, std::string_view value) {
    if (!signed_batch.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
        !batch.ParseFromString(signed_batch.batch())) {
      result = absl::DataLossError(fmt::format("stored batch {} does not parse", key));
      return false;
    }
    result = fn(batch.sequence(), batch, value);
    return result.ok();
  });
  return scan.ok() ? result : scan;
}

absl::StatusOr<std::optional<v1::SubmissionSummary>> SubmissionStore::Current(
    std::string_view party, std::string_view period) {
  auto signed_summary = GetSigned(*store_, SlotKey("current", party, period));
  if (!signed_summary.ok()) return signed_summary.status();
  if (!signed_summary->has_value()) return std::nullopt;
  v1::SubmissionSummary summary;
  if (!summary.ParseFromString((*signed_summary)->summary())) {
    return absl::DataLossError(
        fmt::format("stored current submission of {} does not parse", party));
  }
  return summary;
}

absl::Status SubmissionStore::StagePending(const v1::SignedSubmissionSummary& signed_summary,
                                           const v1::SubmissionSummary& summary) {
  return store_->Apply({{SlotKey("pending", summary.party_id(), summary.period()),
                         signed_summary.SerializeAsString()}},
                       /*sync=*/true);
}

absl::StatusOr<std::optional<v1::SignedSubmissionSummary>> SubmissionStore::Pending(
    std::string_view party, std::string_view period) {
  return GetSigned(*store_, SlotKey("pending", party, period));
}

absl::Status SubmissionStore::MakeCurrent(const v1::SignedSubmissionSummary& signed_summary,
                                          const v1::SubmissionSummary& summary) {
  const std::string_view party = summary.party_id();
  std::vector<Store::Write> writes;
  writes.push_back({SlotKey("current", party, summary.period()),
                    signed_summary.SerializeAsString()});
  writes.push_back({SlotKey("pending", party, summary.period()), "", /*erase=*/true});
  const std::string keep = SubmissionPrefix(party, summary.submission_id());
  // Of the other submissions, only this period's go: another period's may still be sending.
  std::string prefix_seen;
  bool erase = false;
  absl::Status s = store_->Scan(
      fmt::format("batch/{}/", party), [&](std::string_view key, std::string_view value) {
        const std::string prefix(key.substr(0, key.size() - 16));  // without the sequence
        if (prefix != prefix_seen) {  // a submission's first batch names its period
          prefix_seen = prefix;
          v1::SignedBatch signed_batch;
          v1::Batch batch;
          erase = prefix != keep &&
                  (!signed_batch.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
                   !batch.ParseFromString(signed_batch.batch()) ||
                   batch.period() == summary.period());
        }
        if (erase) writes.push_back({std::string(key), "", /*erase=*/true});
        return true;
      });
  if (!s.ok()) return s;
  return store_->Apply(writes, /*sync=*/true);
}

absl::Status SubmissionStore::PutStateCounts(std::string_view data_version,
                                             const std::string& counts_json) {
  return store_->Apply({{fmt::format("state/{}", data_version), counts_json}}, /*sync=*/true);
}

absl::StatusOr<std::optional<std::string>> SubmissionStore::StateCounts(
    std::string_view data_version) {
  return store_->Get(fmt::format("state/{}", data_version));
}

absl::StatusOr<SubmissionStore::Erased> SubmissionStore::EraseAll() {
  Erased erased;
  std::set<std::string> parties;
  std::vector<Store::Write> writes;
  for (const char* prefix : {"batch/", "current/", "pending/", "state/"}) {
    absl::Status scan = store_->Scan(prefix, [&](std::string_view key, std::string_view) {
      writes.push_back({std::string(key), "", true});
      if (key.starts_with("current/")) parties.emplace(key.substr(8, key.find('/', 8) - 8));
      return true;
    });
    if (!scan.ok()) return scan;
  }
  erased.entries = writes.size();
  erased.parties.assign(parties.begin(), parties.end());
  if (absl::Status s = store_->Apply(writes, /*sync=*/true); !s.ok()) return s;
  if (absl::Status s = store_->Compact(); !s.ok()) return s;
  return erased;
}

}  // namespace stapel
