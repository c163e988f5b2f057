#include "trusted-hub/receipt_check.h"

#include <fmt/format.h>

#include <map>

#include "encoding/hex.h"
#include "ledger/log_format.h"

namespace stapel {

absl::Status CheckStoreHoldsReceipted(const Manifest& manifest, const ReleaseLogWriter& log,
                                      SubmissionStore* submissions) {
  // Receipts since the last purge (which empties the store), the newest per party last.
  const uint64_t purged_at = [&] {
    auto purge = log.LastEntryOfType(kEntryPurge);
    return purge ? purge->value("seq", uint64_t{0}) : 0;
  }();
  std::map<std::string, nlohmann::json> newest;
  for (auto& entry : log.EntriesOfType(kEntrySubmission)) {
    if (entry.value("seq", uint64_t{0}) < purged_at) continue;
    const std::string party = entry.value("party", "");
    newest[party] = std::move(entry);
  }
  for (const auto& party : manifest.parties) {
    if (auto it = newest.find(party.id); it != newest.end()) {
      const std::string newest_id = it->second.value("submission_id", "");
      if (absl::Status s = RollForward(*submissions, party.id,
                                       [&](const std::string& id) { return id == newest_id; });
          !s.ok()) {
        return s;
      }
    }
    auto current = submissions->Current(party.id);
    if (!current.ok()) return current.status();
    auto it = newest.find(party.id);
    if (it == newest.end() && !current->has_value()) continue;
    const std::string held = current->has_value() ? HexEncode((*current)->submission_id()) : "";
    if (it != newest.end() && held == it->second.value("submission_id", "") &&
        (*current)->batch_count() == it->second.value("batches", uint64_t{0}) &&
        (*current)->record_count() == it->second.value("records", uint64_t{0})) {
      continue;
    }
    return absl::DataLossError(fmt::format(
        "the database does not hold what the release log receipted for party '{}': the log's "
        "entry #{} receipted submission {} ({} records), the database holds {}. It lost "
        "acknowledged writes (a corrupt or restored write-ahead log, or an older backup). The "
        "hub does not start, so that it never releases counts of older data: restore the data "
        "folder from the backup taken after that receipt",
        party.id, it == newest.end() ? 0 : it->second.value("seq", uint64_t{0}),
        it == newest.end() ? "none" : it->second.value("submission_id", "").substr(0, 16),
        it == newest.end() ? 0 : it->second.value("records", uint64_t{0}),
        held.empty() ? "no submission at all"
                     : fmt::format("the older submission {} ({} records)", held.substr(0, 16),
                                   (*current)->record_count())));
  }
  return absl::OkStatus();
}

absl::Status RollForward(SubmissionStore& submissions, std::string_view party,
                         const std::function<bool(const std::string&)>& receipted) {
  auto pending = submissions.Pending(party);
  if (!pending.ok()) return pending.status();
  if (!pending->has_value()) return absl::OkStatus();
  v1::SubmissionSummary summary;
  if (!summary.ParseFromString((*pending)->summary())) {
    return absl::DataLossError(fmt::format("the staged submission of {} does not parse", party));
  }
  if (!receipted(HexEncode(summary.submission_id()))) {
    return absl::OkStatus();  // staged but never receipted: its agent completes it again
  }
  return submissions.MakeCurrent(**pending, summary);
}

}  // namespace stapel
