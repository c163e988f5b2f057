#ifndef STAPEL_TRUSTED_HUB_SUBMISSION_STORE_H_
#define STAPEL_TRUSTED_HUB_SUBMISSION_STORE_H_

// The layout of parties' submissions in the hub's Store:
//   batch/<party>/<submission hex>/<sequence, 16 hex digits>  -> SignedBatch as received
//   current/<party>[/<period>]                                 -> SignedSubmissionSummary
//   pending/<party>[/<period>]                                 -> SignedSubmissionSummary
//   state/<data version>                                       -> counts of a released state
// A party's data of a period is the complete submission named by current/<party>/<period>
// (current/<party> in a project of one unnamed period, ""); batches of a
// submission that was never completed are not used. A completion is staged (pending/), then
// receipted in the release log, then made current: the log never lacks what the database
// uses, and a stop after the receipt is rolled forward from pending/. Thread-safe as its Store.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "proto/stapel.pb.h"
#include "trusted-hub/store.h"

namespace stapel {

class SubmissionStore {
 public:
  // `store` is not owned and must outlive the SubmissionStore.
  explicit SubmissionStore(Store* store) : store_(store) {}

  static std::string BatchKey(std::string_view party, std::string_view submission_id,
                              uint64_t sequence);

  // The stored signed batch, if any.
  absl::StatusOr<std::optional<std::string>> GetBatch(std::string_view party,
                                                      std::string_view submission_id,
                                                      uint64_t sequence);
  // Stores a batch durably (synced) before returning.
  absl::Status PutBatch(std::string_view party, std::string_view submission_id, uint64_t sequence,
                        const std::string& signed_batch);
  // Calls `fn` with each batch of a submission in sequence order, and the stored bytes (the
  // SignedBatch as received); stops at the first error.
  absl::Status ForEachBatch(
      std::string_view party, std::string_view submission_id,
      const std::function<absl::Status(uint64_t sequence, const v1::Batch& batch,
                                       std::string_view stored)>& fn);
  // The party's current complete submission of `period`.
  absl::StatusOr<std::optional<v1::SubmissionSummary>> Current(std::string_view party,
                                                               std::string_view period = "");
  // Stages a checked completion, synced, before its receipt is logged.
  absl::Status StagePending(const v1::SignedSubmissionSummary& signed_summary,
                            const v1::SubmissionSummary& summary);
  // The party's staged completion of `period`, if any.
  absl::StatusOr<std::optional<v1::SignedSubmissionSummary>> Pending(
      std::string_view party, std::string_view period = "");
  // Makes `summary` the party's current submission of its period and drops the staged one and
  // the party's other batches of that period (the submission it replaces, and runs that were
  // abandoned), in one synced write. Other periods' batches stay: their current and staged
  // submissions, and runs that may still be sending.
  absl::Status MakeCurrent(const v1::SignedSubmissionSummary& signed_summary,
                           const v1::SubmissionSummary& summary);

  // The true counts per buurt (BuurtCountsToJson) of a data state tables were released from:
  // the guard needs them after an update replaced the state's submissions. Stored synced.
  absl::Status PutStateCounts(std::string_view data_version, const std::string& counts_json);
  absl::StatusOr<std::optional<std::string>> StateCounts(std::string_view data_version);

  struct Erased {
    uint64_t entries = 0;              // batches and current submissions deleted
    std::vector<std::string> parties;  // that had data
  };
  // Deletes every batch and submission of every party in one synced write, then compacts the
  // store so the values are gone from disk (the purge). It needs the keys only, so the purge
  // runs it on the plain store, without the storage key.
  absl::StatusOr<Erased> EraseAll();

 private:
  Store* store_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_SUBMISSION_STORE_H_
