#ifndef STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_
#define STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_

// At start: the release log is the authority on what the hub acknowledged. Every party's
// newest receipted submission must be what the database holds as current, or the database
// lost acknowledged writes (a corrupt or restored write-ahead log, a restored backup) and the
// hub would silently release counts of older data.

#include "absl/status/status.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

// DATA_LOSS naming the party, both submissions and what to do. A current submission that the
// log does not know yet (a stop between storing and logging its completion) passes: the
// agent's retry of the completion logs it. `submissions` is used during the call only.
absl::Status CheckStoreHoldsReceipted(const Manifest& manifest, const ReleaseLogWriter& log,
                                      SubmissionStore* submissions);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_
