#ifndef STAPEL_TRUSTED_HUB_RELEASE_H_
#define STAPEL_TRUSTED_HUB_RELEASE_H_

// Produces a release for a requester: validates the table request against the manifest, takes
// the linked data state of the requested period (every party's current submission linked onto
// the population register: trusted-hub/linked_states.h), builds the requested table per buurt
// (or wijk) with the coarser totals, protects it (primary
// rules, secondary suppression proved by the attacker's LP, the differencing guard against
// every earlier release of the same period, of this data state and the ones it updated),
// rounds it, and appends the signed entry to the release log before the table is handed out.
// A request over several periods is a trend: each period released so, then combined
// (tables/trend_table.h). Thread-safe: releases are serialized (the guard sees every earlier
// one); linking a new data state (LinkCurrent) runs beside them, and a request that waited
// for it long enough counts from the state before.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/officer_audit.h"
#include "disclosure/area_contents.h"
#include "disclosure/cell_key.h"
#include "disclosure/ptable.h"
#include "disclosure/record_key.h"
#include "disclosure/table_protection.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "proto/stapel.pb.h"
#include "tables/area_table.h"
#include "tables/geography.h"
#include "trusted-hub/hub_metrics.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/linked_states.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

class Releaser {
 public:
  // Links only data made with the linkage secret of `keys`'s current epoch. `manifest`,
  // `store`, `log`, `keys` and `metrics` (when given: it counts releases and refusals and times
  // linking and protecting) are not owned and must remain live while the Releaser is in use.
  // `record_keys` gives linked persons their record keys (the cell key method's); not owned,
  // it must outlive the Releaser too. With [disclosure] method = "cell_key" the manifest's
  // parameters must make a p-table (PTable::Create; the hub checks it at start). `waiting`:
  // how requests wait for links (LinkedStates::ForRequest).
  Releaser(const Manifest* manifest, SubmissionStore* store, ReleaseLogWriter* log,
           const KeyRelay* keys, Geography geography, const RecordKeyer* record_keys,
           HubMetrics* metrics = nullptr, LinkedStates::Waiting waiting = {})
      : manifest_(manifest),
        store_(store),
        log_(log),
        geography_(std::move(geography)),
        ptable_(PTable::Create(manifest->disclosure.cell_key)),
        metrics_(metrics),
        states_(manifest, store, keys, &geography_, record_keys, metrics, std::move(waiting)) {}

  // Errors: PERMISSION_DENIED when `requester` is not a requester of the manifest,
  // INVALID_ARGUMENT for a period the manifest does not name (or one named twice, or more
  // than kMaxPeriodsPerRequest), FAILED_PRECONDITION when the register has not completed a
  // submission of a requested period. A refused request is recorded in the log as a refusal
  // with its reason. Not refusals, so not in the log: UNAVAILABLE when the hub is still
  // linking and has no earlier state to count from (LinkedStates::ForRequest), CANCELLED when
  // it is stopping, INTERNAL and DATA_LOSS (a fault of the hub).
  absl::StatusOr<v1::ReleaseReply> Release(std::string_view requester,
                                           const v1::TableRequest& request);
  static constexpr int kMaxPeriodsPerRequest = 12;

  // Links the current submissions of every period of the manifest whose register has
  // submitted, unless they are linked already, so that the next request finds them linked,
  // and returns their data versions (in the manifest's order of periods). The hub calls it off
  // the request path: at start (the data state in storage), after each completed
  // submission, and when a request finds its state not linked. A request that comes meanwhile waits
  // for it up to `waiting.wait`, then counts the period's state before (its reply's notice says
  // so), or is UNAVAILABLE when there is none of the current key epoch. Errors as
  // LinkedStates::LinkCurrent's.
  absl::StatusOr<std::vector<std::string>> LinkCurrent() { return states_.LinkCurrent(); }
  // The hub is stopping: a link in progress (off the request path or on it) is left
  // unfinished while it reads the parties' batches (checked per batch), and every later one
  // is refused (CANCELLED), as are requests waiting for a link. The steps after reading (the
  // fuzzy pass, the counts per buurt) are not interrupted.
  void Stop() { states_.Stop(); }

 private:
  // The checks before any data is read: the requester is one of the manifest, the microdata
  // may still be used (retention), the purpose is at most 1000 characters.
  absl::Status CheckRequest(std::string_view requester, const v1::TableRequest& request) const;
  // Release without logging a refusal: checks the request and its periods, prepares each
  // period's release, logs them all and, for several, combines them into the trend table.
  absl::StatusOr<v1::ReleaseReply> TryRelease(std::string_view requester,
                                              const v1::TableRequest& request);
  // The periods a request counts, checked against the manifest: its own, or the latest the
  // register has sent (the manifest's last when it has sent none).
  absl::StatusOr<std::vector<std::string>> RequestedPeriods(const v1::TableRequest& request) const;
  // One period's release, protected and rounded, with its log entries, not yet logged.
  struct PreparedRelease;
  // Takes the state of `period` the request counts from (LinkedStates::ForRequest, its wait
  // counted from `asked`, when the request came), resolves the request to a table spec,
  // protects and rounds the table, and keeps the state's counts for later updates' guard.
  // Callers hold mu_.
  absl::StatusOr<PreparedRelease> PrepareRelease(std::string_view requester,
                                                 const v1::TableRequest& request,
                                                 const TableRequest& table_request,
                                                 const std::string& period,
                                                 std::chrono::steady_clock::time_point asked);
  // Appends the prepared entries (what changed between states first; the release then names
  // its seq) and returns the reply.
  absl::StatusOr<v1::ReleaseReply> LogRelease(PreparedRelease& prepared);
  // The differencing guard's input: every earlier release of `period`, of the data state
  // `data_version` (ReleasedTable::state 0) and of the earlier states it updated (1 the
  // oldest, ...), with the true counts of those earlier states, which states followed which in
  // the log (the last into the state released now, 0) and each state's data version. A state
  // whose counts the hub did not keep (released by a version before it kept them) is left out.
  // Releases of other periods are not in it: each period is protected as its own statistics
  // (docs/threat-model.md says what that leaves to the reader).
  struct Guarded {
    std::vector<ReleasedTable> releases;
    std::vector<BuurtCounts> earlier_states;  // [s - 1]: of state s
    StateTransitions transitions;
    std::vector<std::string> versions;  // [s]: of state s
  };
  // Callers hold mu_ (it reads the log's new release entries into logged_).
  absl::StatusOr<Guarded> EarlierReleases(const std::string& data_version,
                                          const std::string& period);
  // The cell key method's view of earlier releases of `period`: refuses when one was made by
  // cell suppression or with other parameters; else the buurten whose content differs between
  // `linked` and any earlier data state with cell-key releases of the period, the counts of the
  // first of those states (the base, when it is not `linked`'s), and how many such releases
  // there were. Callers hold mu_.
  struct CellKeyHistory {
    std::set<std::string> changed_buurten;
    const BuurtCounts* base = nullptr;  // in kept_states_; null: `linked` is the base
    size_t earlier_releases = 0;
    bool contents_unknown = false;  // a state kept by an older hub: every area counts as changed
  };
  // A cell-key table of `spec` over `linked` (disclosure/cell_key.h), held back and suppressed
  // as the period's earlier cell-key releases require (EarlierCellKeyReleases). Refused with
  // the reason when nothing of it can be shown. Callers hold mu_.
  struct CellKeyTableOf {
    AreaTable table;
    CellKeyResult result;
    size_t earlier_releases = 0;
  };
  absl::StatusOr<CellKeyTableOf> CellKeyTable(const LinkedStates::State& linked,
                                              const TableSpec& spec, const std::string& period);
  absl::StatusOr<CellKeyHistory> EarlierCellKeyReleases(const LinkedStates::State& linked,
                                                        const std::string& period);

  const Manifest* manifest_;
  SubmissionStore* store_;
  ReleaseLogWriter* log_;
  const Geography geography_;
  const absl::StatusOr<PTable> ptable_;  // the cell key method's, from the manifest
  HubMetrics* const metrics_;  // not owned; may be null
  LinkedStates states_;
  std::mutex mu_;  // serializes releases
  // Earlier data states with cell-key releases, as kept: their area contents (when the hub
  // that kept them did), and the counts of a period's base. By data version, under mu_.
  struct KeptState {
    std::optional<AreaContents> contents;
    std::optional<BuurtCounts> counts;
  };
  std::map<std::string, KeptState> kept_states_;
  // Every release entry of the log as read (ReadReleaseEntry), and the log lines that covers:
  // the log only grows, so a request reads only the entries appended since. Under mu_.
  std::vector<LoggedRelease> logged_;
  size_t lines_read_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_RELEASE_H_
