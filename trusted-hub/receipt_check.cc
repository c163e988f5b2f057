#include "trusted-hub/receipt_check.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

#include "encoding/hex.h"
#include "ledger/log_format.h"

namespace stapel {

absl::Status CheckStoreHoldsReceipted(const Manifest& manifest, const ReleaseLogWriter& log,
                                      SubmissionStore* submissions) {
  // Receipts since the last purge (which empties the store), the newest per party and period
  // last.
  const uint64_t purged_at = [&] {
    auto purge = log.LastEntryOfType(kEntryPurge);
    return purge ? purge->value("seq", uint64_t{0}) : 0;
  }();
  std::map<std::pair<std::string, std::string>, nlohmann::json> newest;  // (party, period)
  for (auto& entry : log.EntriesOfType(kEntrySubmission)) {
    if (entry.value("seq", uint64_t{0}) < purged_at) continue;
    std::pair<std::string, std::string> slot{entry.value("party", ""), entry.value("period", "")};
    newest[std::move(slot)] = std::move(entry);
  }
  std::set<std::pair<std::string, std::string>> slots;  // what the log or the manifest names
  for (const auto& [slot, entry] : newest) slots.insert(slot);
  for (const auto& party : manifest.parties) {
    if (manifest.periods.empty()) slots.insert({party.id, ""});
    for (const auto& period : manifest.periods) slots.insert({party.id, period});
  }
  for (const auto& [party, period] : slots) {
    const auto it = newest.find({party, period});
    if (it != newest.end()) {
      const std::string newest_id = it->second.value("submission_id", "");
      if (absl::Status s =
              RollForward(*submissions, party, period,
                          [&](const std::string& id) { return id == newest_id; });
          !s.ok()) {
        return s;
      }
    }
    auto current = submissions->Current(party, period);
    if (!current.ok()) return current.status();
    if (it == newest.end() && !current->has_value()) continue;
    const std::string held = current->has_value() ? HexEncode((*current)->submission_id()) : "";
    if (it != newest.end() && held == it->second.value("submission_id", "") &&
        (*current)->batch_count() == it->second.value("batches", uint64_t{0}) &&
        (*current)->record_count() == it->second.value("records", uint64_t{0})) {
      continue;
    }
    return absl::DataLossError(fmt::format(
        "the database does not hold what the release log receipted for party '{}'{}: the "
        "log's entry #{} receipted submission {} ({} records), the database holds {}. It lost "
        "acknowledged writes (a corrupt or restored write-ahead log, or an older backup). The "
        "hub does not start, so that it never releases counts of older data: restore the data "
        "folder from the backup taken after that receipt",
        party, period.empty() ? "" : fmt::format(", period {}", period),
        it == newest.end() ? 0 : it->second.value("seq", uint64_t{0}),
        it == newest.end() ? "none" : it->second.value("submission_id", "").substr(0, 16),
        it == newest.end() ? 0 : it->second.value("records", uint64_t{0}),
        held.empty() ? "no submission at all"
                     : fmt::format("the older submission {} ({} records)", held.substr(0, 16),
                                   (*current)->record_count())));
  }
  return absl::OkStatus();
}

absl::Status RollForward(SubmissionStore& submissions, std::string_view party,
                         std::string_view period,
                         const std::function<bool(const std::string&)>& receipted) {
  auto pending = submissions.Pending(party, period);
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
