#ifndef STAPEL_TRUSTED_HUB_RETENTION_H_
#define STAPEL_TRUSTED_HUB_RETENTION_H_

// Retention of a project's microdata (the parties' pseudonymized submissions at the hub). The
// manifest states retention_until, the last day the hub may keep them. After it — or earlier,
// on demand with a reason — `stapel-hub purge` deletes every submission, compacts the database
// so the values leave the files on disk, and writes a "purge" entry to the release log. From
// then on the hub refuses every submission and every release of the project; so it does, with
// the reason, once the retention date has passed and the purge has not yet been run.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

// OK while the microdata may be used on `today` ("YYYY-MM-DD", UTC); FAILED_PRECONDITION
// saying why not (purged when and why, or the retention date that passed) otherwise.
absl::Status CheckRetention(const Manifest& manifest, const ReleaseLogWriter& log,
                            std::string_view today);

// Deletes every submission and logs the purge. Before the retention date (or when the manifest
// states none) only with a `reason` (on demand). FAILED_PRECONDITION when refused or already
// purged. Returns the log entry written. `submissions` and `log` are used during the call only.
absl::StatusOr<nlohmann::json> Purge(const Manifest& manifest, SubmissionStore* submissions,
                                     ReleaseLogWriter* log, std::string_view reason,
                                     std::string_view today);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_RETENTION_H_
