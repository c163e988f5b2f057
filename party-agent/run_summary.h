#ifndef STAPEL_PARTY_AGENT_RUN_SUMMARY_H_
#define STAPEL_PARTY_AGENT_RUN_SUMMARY_H_

// An agent run's outcome as JSON, for the operator's tooling (stapel-agent --summary-json):
//   {"party", "input", "finished" (UTC), "ok", "error" (when not ok), "rows_read",
//    "records_sent", "rejected", "incomplete" (records sent with an identifying field left out,
//    empty or invalid), "acknowledged", "batches", "seconds", "receipt_seq", "receipt_file",
//    "reject_file"}
// A failed run writes it too, with what was acknowledged before the error counted in the error.
// Holds no identifier: counts, paths and the error's text (which never quotes a row).

#include <filesystem>

#include "absl/status/statusor.h"
#include "party-agent/agent.h"
#include "party-agent/agent_config.h"

namespace stapel {

// Writes the summary of a run of `config` to `path` (replaced whole: written beside it, then
// renamed).
absl::Status WriteRunSummary(const std::filesystem::path& path, const AgentConfig& config,
                             const absl::StatusOr<AgentSummary>& run);

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_RUN_SUMMARY_H_
