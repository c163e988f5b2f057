#ifndef STAPEL_PARTY_AGENT_AGENT_H_
#define STAPEL_PARTY_AGENT_AGENT_H_

// One run of a party agent over one export: stream the CSV, build pseudonymized records
// (counting those sent with an identifying field left out as incomplete), send them in signed
// batches, write rejected rows (line and reason) to the reject file, and complete the
// submission so the hub uses it in place of the party's earlier one.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "linker/bloom_filter.h"
#include "linker/match_key.h"
#include "party-agent/agent_config.h"
#include "party-agent/batch_sink.h"
#include "project/manifest.h"

namespace stapel {

struct AgentSummary {
  uint64_t rows_read = 0;
  uint64_t records_sent = 0;
  uint64_t rejected = 0;
  uint64_t incomplete = 0;    // records sent with an identifying field left out (empty or invalid)
  uint64_t acknowledged = 0;  // records the hub confirmed as durably stored
  uint64_t batches = 0;
  double seconds = 0;
  uint64_t receipt_seq = 0;            // the submission's entry in the hub's release log
  std::filesystem::path receipt_file;  // where the hub's signed receipt was saved
};

class Agent {
 public:
  // Loads the manifest and the keys named in the config. Errors name the file at fault.
  static absl::StatusOr<std::unique_ptr<Agent>> Create(const AgentConfig& config);

  // Sends the export to `sink`, config_.batches_in_flight batches at a time (`sink` must take
  // that many calls at once). `progress` is called as each batch is put in flight and once
  // every batch is acknowledged, with the records acknowledged so far.
  // Returns the summary, or the error that stopped the run (with what was acknowledged by
  // then in the message). The hub's receipt must be signed with the hub's key and name exactly
  // the batches, records and bytes sent (DATA_LOSS otherwise); it is saved beside the export
  // as <input>.receipt.json. `sink` is borrowed for the call only.
  absl::StatusOr<AgentSummary> Run(BatchSink* sink,
                                   const std::function<void(const AgentSummary&)>& progress);

  // A run that sends nothing: the records are built and signed as Run would, and handed to
  // `sink` (a PseudonymCsvWriter: what would leave the machine, for a privacy officer to read,
  // or a benchmark's peer), one batch at a time. No progress file, no submission to complete.
  absl::StatusOr<AgentSummary> Preview(BatchSink* sink);

 private:
  Agent(AgentConfig config, Manifest manifest, std::unique_ptr<Ed25519Signer> signer,
        Ed25519Verifier hub_key, std::unique_ptr<MatchKeyer> keyer,
        std::unique_ptr<BloomEncoder> bloom);
  // Checks the hub's receipt against what was sent and saves it.
  absl::Status KeepReceipt(const v1::SubmissionReceipt& receipt, const v1::SubmissionSummary& sent,
                           std::string_view sent_sha256, AgentSummary* summary);
  // Sends with retries while the hub is unavailable, up to config_.retry_seconds. Called from
  // the BatchPipeline's sender threads.
  // Gives up early once `abandoned()` (another batch failed).
  absl::StatusOr<v1::BatchAck> SendWithRetry(BatchSink* sink, const v1::SignedBatch& batch,
                                             const std::function<bool()>& abandoned);

  // The steps of Run, in order, over the state of one run (defined in agent.cc).
  struct Submission;
  // Opens the export, reads its header line and creates the reject file.
  absl::Status OpenExport(Submission* run);
  // Takes the submission id and acknowledged batches from the progress file of an earlier run
  // over the same export, or starts a new submission.
  absl::Status ResumeOrStart(Submission* run);
  // Reads, validates and sends the rows in batches, writing rejected rows to the reject file.
  // INVALID_ARGUMENT when every row was rejected.
  absl::Status SendRecords(BatchSink* sink,
                           const std::function<void(const AgentSummary&)>& progress,
                           Submission* run);
  // Signs the batch being filled (if it holds records) and puts it in flight to the hub
  // (config_.batches_in_flight at a time), unless the hub acknowledged it in an earlier run;
  // starts the next batch.
  absl::Status Flush(BatchSink* sink, const std::function<void(const AgentSummary&)>& progress,
                     Submission* run);
  // Takes in what the hub has acknowledged so far (every batch up to the first not yet
  // answered): the summary, the progress file a resumed run starts from, and `progress`.
  void NoteAcknowledged(const std::function<void(const AgentSummary&)>& progress,
                        Submission* run);
  void NewBatch(Submission* run);
  // Completes the submission at the hub and checks and keeps its receipt.
  absl::Status CompleteSubmission(BatchSink* sink, Submission* run);

  AgentConfig config_;
  Manifest manifest_;
  std::unique_ptr<Ed25519Signer> signer_;
  Ed25519Verifier hub_key_;
  std::unique_ptr<MatchKeyer> keyer_;
  std::unique_ptr<BloomEncoder> bloom_;  // null unless the party sends Bloom filters
  std::string key_check_;                // KeyCheckValue of the linkage secret, sent with batches
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_AGENT_H_
