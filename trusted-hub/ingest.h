#ifndef STAPEL_TRUSTED_HUB_INGEST_H_
#define STAPEL_TRUSTED_HUB_INGEST_H_

// Accepts parties' batches. Every batch is untrusted: the caller's certificate identity must
// be a party of the manifest and the batch's party; the signature must verify with that
// party's key from the manifest; the project, match key kinds, attributes and every record
// must be what the manifest allows. A batch is acknowledged only after a synced write, and a
// batch sent again (an agent retrying) is recognized and not stored twice.
// Thread-safe.

#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "proto/stapel.pb.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

class Ingest {
 public:
  static constexpr int kMaxRecordsPerBatch = 50000;
  static constexpr int kMaxKeysPerRecord = 64;

  // INVALID_ARGUMENT when a party's key in the manifest does not parse. Completed
  // submissions are recorded in `log` (party, counts, digest of the stored batches). Batches
  // must carry the key_check of `keys`'s current epoch. `manifest`, `store`, `log` and `keys`
  // are not owned and must remain live while the Ingest is in use.
  static absl::StatusOr<std::unique_ptr<Ingest>> Create(const Manifest* manifest,
                                                        SubmissionStore* store,
                                                        ReleaseLogWriter* log,
                                                        const KeyRelay* keys);

  // `peer` is the common name of the caller's verified certificate. Errors:
  // PERMISSION_DENIED (not a party, submitting as another party, a match key kind, attribute
  // or field the manifest does not allow), UNAUTHENTICATED (bad signature),
  // INVALID_ARGUMENT (malformed batch; names the record), FAILED_PRECONDITION (another
  // project, no key ceremony yet, or another epoch's key_check), ALREADY_EXISTS (same sequence
  // number, different content).
  absl::StatusOr<v1::BatchAck> SubmitBatch(std::string_view peer,
                                           const v1::SignedBatch& signed_batch);

  // FAILED_PRECONDITION when batches are missing, counts differ from the summary, the
  // submission has no batches, or it was completed before and replaced since (a replay).
  // Completing the current submission again returns its receipt again. Batches for a
  // completed submission are refused (FAILED_PRECONDITION).
  absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      std::string_view peer, const v1::SignedSubmissionSummary& signed_summary);

 private:
  // The pointees are not owned and must outlive the Ingest (as for Create).
  Ingest(const Manifest* manifest, SubmissionStore* store, ReleaseLogWriter* log,
         const KeyRelay* epochs, std::map<std::string, Ed25519Verifier, std::less<>> keys)
      : manifest_(manifest), store_(store), log_(log), epochs_(epochs), keys_(std::move(keys)) {}
  // Checks the caller and the signature over `signed_message`; returns the caller's manifest
  // entry.
  absl::StatusOr<const PartyManifest*> Authenticate(std::string_view peer, std::string_view context,
                                                    std::string_view signed_message,
                                                    const std::string& signature) const;
  // Checks a parsed batch of `party` against the manifest: its header, its match key kinds
  // and attribute names, and every record. The errors of SubmitBatch.
  // The start of both calls: the caller and the signature over `signed_message` (`bytes`, or
  // for a batch DigestToSign(bytes)) (Authenticate), the retention, and `bytes` parsed into
  // `*out` (INVALID_ARGUMENT `parse_error` otherwise) with nothing the schema does not name,
  // in it or in its `wrapper`.
  absl::StatusOr<const PartyManifest*> OpenSigned(std::string_view peer, std::string_view context,
                                                  std::string_view signed_message,
                                                  const std::string& bytes,
                                                  const std::string& signature,
                                                  const google::protobuf::Message& wrapper,
                                                  std::string_view parse_error,
                                                  google::protobuf::Message* out) const;
  absl::Status CheckBatch(const PartyManifest& party, const v1::Batch& batch) const;
  // The batch's project, party, the current epoch's key_check and the submission id's size;
  // `at` ("batch <sequence>") starts every message.
  absl::Status CheckBatchHeader(const PartyManifest& party, const v1::Batch& batch,
                                std::string_view at) const;
  // The release-log entry of a completed submission, if it was completed. Callers hold mu_.
  std::optional<nlohmann::json> CompletedEntry(std::string_view party,
                                               const std::string& submission_id) const;
  absl::StatusOr<v1::SubmissionReceipt> ReceiptAgain(const v1::SubmissionSummary& summary,
                                                     const nlohmann::json& entry);

  const Manifest* manifest_;
  SubmissionStore* store_;
  ReleaseLogWriter* log_;
  const KeyRelay* epochs_;
  std::map<std::string, Ed25519Verifier, std::less<>> keys_;
  // Under mu_: the check that a batch is new, and the completions. Batches are written outside
  // it, side by side (the store syncs writes that come together in one), each slot by one
  // writer at a time (`writing_`); a completion waits for the writes of its submission.
  std::mutex mu_;
  std::condition_variable written_;
  std::set<std::pair<std::string, std::string>> completed_;  // (party, hex submission id)
  struct Slot {
    std::string party, submission_id;
    uint64_t sequence;
    auto operator<=>(const Slot&) const = default;
  };
  std::set<Slot> writing_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_INGEST_H_
