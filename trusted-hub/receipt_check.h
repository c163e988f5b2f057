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

// Per party and period (those of the manifest, and any the log receipted): first rolls
// forward a receipted completion that a stop (or a failed write) left staged but not current
// (RollForward). Then DATA_LOSS, naming the party, the period, both submissions and what to
// do, when the party's current submission of the period is not its newest receipted one: a
// database never makes current what the log has not receipted. `submissions` is used during the call
// only.
absl::Status CheckStoreHoldsReceipted(const Manifest& manifest, const ReleaseLogWriter& log,
                                      SubmissionStore* submissions);

// Makes the party's staged completion of `period` current when the log receipted it:
// `receipted` tells whether a submission (hex id) of the party was receipted.
absl::Status RollForward(SubmissionStore& submissions, std::string_view party,
                         std::string_view period,
                         const std::function<bool(const std::string&)>& receipted);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_RECEIPT_CHECK_H_
