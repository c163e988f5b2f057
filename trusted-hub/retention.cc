#include "trusted-hub/retention.h"

#include <fmt/format.h>

#include "encoding/json.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"

namespace stapel {

absl::Status CheckRetention(const Manifest& manifest, const ReleaseLogWriter& log,
                            std::string_view today) {
  if (auto purge = log.LastEntryOfType(kEntryPurge)) {
    return absl::FailedPreconditionError(fmt::format(
        "the microdata of project '{}' were purged on {} ({}); it takes no more submissions "
        "and makes no more releases",
        manifest.project_id, (*purge)["time"].get<std::string>(),
        (*purge)["reason"].get<std::string>()));
  }
  if (!manifest.retention_until.empty() && today > manifest.retention_until) {
    return absl::FailedPreconditionError(fmt::format(
        "the retention of project '{}' ended on {}; the hub operator must run stapel-hub purge",
        manifest.project_id, manifest.retention_until));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> Purge(const Manifest& manifest, SubmissionStore* submissions,
                                     ReleaseLogWriter* log, std::string_view reason,
                                     std::string_view today) {
  if (auto purge = log->LastEntryOfType(kEntryPurge)) {
    return absl::FailedPreconditionError(fmt::format("project '{}' was already purged on {}",
                                                     manifest.project_id,
                                                     (*purge)["time"].get<std::string>()));
  }
  const bool expired = !manifest.retention_until.empty() && today > manifest.retention_until;
  if (!expired && reason.empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "{}; to purge now, give the reason (--reason \"...\"), which goes into the release log",
        manifest.retention_until.empty()
            ? "the manifest states no retention_until"
            : fmt::format("the retention of project '{}' runs until {}", manifest.project_id,
                          manifest.retention_until)));
  }
  auto erased = submissions->EraseAll();
  if (!erased.ok()) return erased.status();
  const PurgeEntry entry{
      .project_id = manifest.project_id,
      .retention_until = manifest.retention_until,
      .reason = expired ? fmt::format("retention ended on {}", manifest.retention_until)
                        : fmt::format("on demand: {}", reason),
      .parties = erased->parties,
      .stored_entries_deleted = erased->entries};
  auto line = log->Append(entry.ToEntry());
  if (!line.ok()) return line.status();
  return ParseJson(*line, "the purge entry");
}

}  // namespace stapel
