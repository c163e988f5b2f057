#ifndef STAPEL_TRUSTED_HUB_LINKED_STATES_H_
#define STAPEL_TRUSTED_HUB_LINKED_STATES_H_

// The data states the hub counts from. A period's data state is every party's current
// submission of it, with the key epoch; it is linked once, onto the population register, into
// counts per buurt, and kept while it is current (a completed submission never changes). The
// hub links off the request path (LinkCurrent: at start and after each completed submission);
// a request asks ForRequest, which waits a bounded time for a newer state of its period being
// linked and then counts the state before it (a national relink takes minutes). Thread-safe.

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
  // What a request counts from: the current state; or, while a newer state of the period (of
  // the same key epoch) is being linked, the one before it and since when the newer one is.
  struct ForRequestResult {
    std::shared_ptr<const State> state;
    std::optional<std::chrono::steady_clock::time_point> newer_linking_since;
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
  // linked, or linked within `link_wait` of `asked`; else, while the link of it goes on, the
  // state before. UNAVAILABLE when there is none to count from meanwhile: the period's state
  // was never linked (a restart), or is of an earlier key epoch (a rotation makes data of the
  // old secret unusable). When no link of the current state is under way it is linked here
  // (after a link that failed: the request gets its error). Errors as LinkCurrent's, for the
  // one period.
  absl::StatusOr<ForRequestResult> ForRequest(const std::string& period,
                                              std::chrono::steady_clock::time_point asked);
  // The hub is stopping: a link in progress is left unfinished while it reads the parties'
  // batches (checked per batch), and every later one is refused (CANCELLED). The steps after
  // reading (the fuzzy pass, the counts per buurt) are not interrupted.
  void Stop() { stopping_.request_stop(); }

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
  absl::StatusOr<std::shared_ptr<const State>> Linked(const std::string& period);
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
  std::mutex mu_;                       // guards kept_ and linking_, never held while linking
  std::condition_variable link_ended_;  // under mu_: a link finished or failed
  // Per period: the last state linked (a request holds its own reference), and since when a
  // newer one is being linked.
  std::map<std::string, std::shared_ptr<const State>> kept_;
  std::map<std::string, std::chrono::steady_clock::time_point> linking_;
  std::stop_source stopping_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_LINKED_STATES_H_
