#include "trusted-hub/submission_store.h"

#include <fmt/format.h>

#include "encoding/hex.h"

namespace stapel {
namespace {

std::string SubmissionPrefix(std::string_view party, std::string_view submission_id) {
  return fmt::format("batch/{}/{}/", party, HexEncode(submission_id));
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
    std::string_view party) {
  auto value = store_->Get(fmt::format("current/{}", party));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  v1::SignedSubmissionSummary signed_summary;
  v1::SubmissionSummary summary;
  if (!signed_summary.ParseFromString(**value) ||
      !summary.ParseFromString(signed_summary.summary())) {
    return absl::DataLossError(
        fmt::format("stored current submission of {} does not parse", party));
  }
  return summary;
}

absl::Status SubmissionStore::StagePending(const v1::SignedSubmissionSummary& signed_summary,
                                           const v1::SubmissionSummary& summary) {
  return store_->Apply(
      {{fmt::format("pending/{}", summary.party_id()), signed_summary.SerializeAsString()}},
      /*sync=*/true);
}

absl::StatusOr<std::optional<v1::SignedSubmissionSummary>> SubmissionStore::Pending(
    std::string_view party) {
  auto value = store_->Get(fmt::format("pending/{}", party));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  v1::SignedSubmissionSummary signed_summary;
  if (!signed_summary.ParseFromString(**value)) {
    return absl::DataLossError(fmt::format("stored pending submission of {} does not parse", party));
  }
  return signed_summary;
}

absl::Status SubmissionStore::MakeCurrent(const v1::SignedSubmissionSummary& signed_summary,
                                          const v1::SubmissionSummary& summary) {
  std::vector<Store::Write> writes;
  writes.push_back(
      {fmt::format("current/{}", summary.party_id()), signed_summary.SerializeAsString()});
  writes.push_back({fmt::format("pending/{}", summary.party_id()), "", /*erase=*/true});
  const std::string keep = SubmissionPrefix(summary.party_id(), summary.submission_id());
  absl::Status s = store_->Scan(fmt::format("batch/{}/", summary.party_id()),
                                [&](std::string_view key, std::string_view) {
                                  if (!key.starts_with(keep)) {
                                    writes.push_back({std::string(key), "", /*erase=*/true});
                                  }
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
  std::vector<Store::Write> writes;
  for (const char* prefix : {"batch/", "current/", "pending/", "state/"}) {
    absl::Status scan = store_->Scan(prefix, [&](std::string_view key, std::string_view) {
      writes.push_back({std::string(key), "", true});
      if (key.starts_with("current/")) erased.parties.emplace_back(key.substr(8));
      return true;
    });
    if (!scan.ok()) return scan;
  }
  erased.entries = writes.size();
  if (absl::Status s = store_->Apply(writes, /*sync=*/true); !s.ok()) return s;
  if (absl::Status s = store_->Compact(); !s.ok()) return s;
  return erased;
}

}  // namespace stapel
