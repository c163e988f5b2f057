#ifndef STAPEL_TRUSTED_HUB_LINKED_STATES_H_
#define STAPEL_TRUSTED_HUB_LINKED_STATES_H_

// The data states the hub counts from. A period's data state is every party's current
// submission of it, with the key epoch; it is linked once, onto the population register, into
// counts per buurt, and kept while it is current (a completed submission never changes). The
// hub links off the request path (LinkCurrent: at start and after each completed submission);
// a request asks ForRequest, which waits a bounded time while the hub links and then counts
// the state before (a national relink takes minutes). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "disclosure/area_contents.h"
#include "disclosure/record_key.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/geography.h"
#include "trusted-hub/hub_metrics.h"
#include "trusted-hub/key_relay.h"
#include "trusted-hub/submission_store.h"

namespace stapel {

// Whether `status` is ForRequest's UNAVAILABLE: the hub is still linking and has no state to
// count from (not a refusal; ask again).
bool IsStillLinking(const absl::Status& status);

class LinkedStates {
 public:
  // A period's current submissions linked into counts per buurt, with per-party linkage
  // statistics and the data version: a digest of the records every party's current submission
  // holds (the same export sent again gives the same data version).
  struct State {
    std::string submissions;  // what was linked: each party's current submission, the epoch
    uint32_t epoch = 0;       // the key epoch whose secret made the data
    BuurtCounts counts;
    AreaContents contents;  // for the cell key method's check of what changed
    nlohmann::json linkage;
    std::string data_version;
  };
  // What a request counts from: the current state; or, while the hub links (a newer state of
  // the period, or another period first), the state before, of the same key epoch.
  struct ForRequestResult {
    std::shared_ptr<const State> state;
    bool newer_being_linked = false;
  };

  // Not owned; each must outlive the LinkedStates. `metrics` may be null. A request waits up
  // to `link_wait` for a newer state of its period being linked (ForRequest).
  LinkedStates(const Manifest* manifest, SubmissionStore* store, const KeyRelay* keys,
               const Geography* geography, const RecordKeyer* record_keys, HubMetrics* metrics,
               std::chrono::milliseconds link_wait)
      : manifest_(manifest),
        store_(store),
        keys_(keys),
        geography_(geography),
        record_keys_(record_keys),
        metrics_(metrics),
        link_wait_(link_wait) {}

  // Links the current state of every period of the manifest whose register has submitted,
  // unless it is linked already, and returns their data versions (in the manifest's order of
  // periods). Errors: FAILED_PRECONDITION when no period has register data (or the data are of
  // an earlier epoch); CANCELLED after Stop.
  absl::StatusOr<std::vector<std::string>> LinkCurrent();
  // The state a request of `period`, made at `asked`, counts from: the current one when it is
  // linked, or linked within `link_wait` of `asked`; else, while the hub is still linking, the
  // state before. UNAVAILABLE then when there is none to count from: the period's state was
  // never linked (a start), or is of an earlier key epoch (a rotation makes data of the old
  // secret unusable). When no link runs, the current state is linked here. A state whose link
  // failed on its data (FAILED_PRECONDITION, DATA_LOSS) gets that error at once, until the
  // data change. CANCELLED once the hub is stopping. Errors as LinkCurrent's, for the one
  // period.
  absl::StatusOr<ForRequestResult> ForRequest(const std::string& period,
                                              std::chrono::steady_clock::time_point asked);
  // The hub is stopping: a link in progress is left unfinished while it reads the parties'
  // batches (checked per batch), and every later one is refused (CANCELLED), as are requests
  // waiting for a link. The steps after reading (the fuzzy pass, the counts per buurt) are not
  // interrupted.
  void Stop();

 private:
  // Each party in link order with its current submission (none yet: nullopt).
  using Submissions =
      std::vector<std::pair<const PartyManifest*, std::optional<v1::SubmissionSummary>>>;
  // A period's current submissions as read from the store, and the text that names them with
  // the epoch (State::submissions).
  struct Current {
    KeyRelay::Epoch epoch;
    Submissions submissions;
    std::string names;
  };
  absl::StatusOr<Current> ReadCurrent(const std::string& period) const;
  // The current state of `period`: the kept one, or linked now (logged, with the time).
  // Callers hold link_mu_.
  absl::StatusOr<std::shared_ptr<const State>> LinkHeld(const std::string& period);
  // Reads and links the submissions `current` names, with the secret of its epoch.
  absl::StatusOr<State> Link(const Current& current);

  const Manifest* const manifest_;
  SubmissionStore* const store_;
  const KeyRelay* const keys_;
  const Geography* const geography_;
  const RecordKeyer* const record_keys_;
  HubMetrics* const metrics_;
  const std::chrono::milliseconds link_wait_;
  std::mutex link_mu_;                  // one link at a time; taken before mu_
  std::mutex mu_;                       // guards the members below; never held while linking
  std::condition_variable link_ended_;  // a link ended (links_ended_ grew), or the hub stops
  uint64_t links_ended_ = 0;
  // Per period: the last state linked (a request holds its own reference), and the current
  // submissions whose link failed on their data, with why.
  std::map<std::string, std::shared_ptr<const State>> kept_;
  struct Failed {
    std::string names;  // Current::names
    absl::Status status;
  };
  std::map<std::string, Failed> failed_;
  std::stop_source stopping_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_LINKED_STATES_H_
