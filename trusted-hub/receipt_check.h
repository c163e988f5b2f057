#ifndef STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_
#define STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_

// At start: the release log is the authority on what the hub acknowledged. Every party's
// newest receipted submission must be what the database holds as current, or the database
// lost acknowledged writes (a corrupt or restored write-ahead log, a restored backup) and the
// hub would silently release counts of older data.

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

// First rolls forward every party's receipted completion that a stop (or a failed write) left
// staged but not current (RollForward). Then DATA_LOSS, naming the party, both submissions and
// what to do, when a party's current submission is not its newest receipted one: a database
// never makes current what the log has not receipted. `submissions` is used during the call
// only.
absl::Status CheckStoreHoldsReceipted(const Manifest& manifest, const ReleaseLogWriter& log,
                                      SubmissionStore* submissions);

// Makes the party's staged completion current when the log receipted it: `receipted` tells
// whether a submission (hex id) of the party was receipted.
absl::Status RollForward(SubmissionStore& submissions, std::string_view party,
                         const std::function<bool(const std::string&)>& receipted);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_
