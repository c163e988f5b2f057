#ifndef STAPEL_TRUSTED_HUB_LINKED_STATES_H_
#define STAPEL_TRUSTED_HUB_LINKED_STATES_H_

// The data states the hub counts from. A period's data state is every party's current
// submission of it, with the key epoch; it is linked once, onto the population register, into
// counts per buurt, and kept while it is current (a completed submission never changes). The
// hub links off the request path (LinkCurrent, on a thread of its own: at start, after each
// completed submission, and when a request finds its state not linked); a request asks
// ForRequest, which in the hub never links: it waits a
// bounded time while the hub links, then counts the state before (a national relink takes
// minutes). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
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

  // How requests wait for links: up to `wait`, from when they came; `wake_linker` asks the
  // thread that runs LinkCurrent for a run (the hub's; a run asked for during one follows it).
  // Without one, a request links the current state itself, waiting as long as that takes.
  struct Waiting {
    std::chrono::milliseconds wait{30'000};
    std::function<void()> wake_linker;
  };

  // Not owned; each must outlive the LinkedStates. `metrics` may be null.
  LinkedStates(const Manifest* manifest, SubmissionStore* store, const KeyRelay* keys,
               const Geography* geography, const RecordKeyer* record_keys, HubMetrics* metrics,
               Waiting waiting)
      : manifest_(manifest),
        store_(store),
        keys_(keys),
        geography_(geography),
        record_keys_(record_keys),
        metrics_(metrics),
        waiting_(std::move(waiting)) {}

  // Links the current state of every period of the manifest whose register has submitted,
  // unless it is linked already, and returns their data versions (in the manifest's order of
  // periods). A period whose data fail (FAILED_PRECONDITION: no register data, an earlier
  // epoch's; DATA_LOSS) does not keep the others from being linked. Errors: the last of those
  // when no period is linked; CANCELLED when a link is left unfinished by Stop.
  absl::StatusOr<std::vector<std::string>> LinkCurrent();
  // The state a request of `period`, made at `asked`, counts from: the current one when it is
  // linked, or linked within `wait` of `asked`; else the state before, when it is of the
  // current key epoch, or UNAVAILABLE (IsStillLinking) when there is none: never linked (a
  // start), or of an earlier epoch (a rotation makes data of the old secret unusable). While
  // it waits it wakes the linker, once; without one (Waiting) it links here instead. A state whose
  // link failed on its data (FAILED_PRECONDITION, DATA_LOSS) gets that error at once, until
  // the data or the epoch change. CANCELLED once the hub is stopping; else errors as
  // LinkCurrent's, for the one period.
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
  // The current state of `period`: the kept one, or linked now (logged, with the time); a
  // failure of these data remembered (failed_), or new and then remembered when the data
  // caused it. Callers hold link_mu_.
  absl::StatusOr<std::shared_ptr<const State>> LinkHeld(const std::string& period);
  // The kept state of `period` when it is of the submissions `names`, or the failure their link
  // met on their data; nullopt when neither. Callers hold mu_.
  std::optional<absl::StatusOr<std::shared_ptr<const State>>> KnownLocked(
      const std::string& period, const std::string& names) const;
  // Reads and links the submissions `current` names, with the secret of its epoch.
  absl::StatusOr<State> Link(const Current& current);

  const Manifest* const manifest_;
  SubmissionStore* const store_;
  const KeyRelay* const keys_;
  const Geography* const geography_;
  const RecordKeyer* const record_keys_;
  HubMetrics* const metrics_;
  const Waiting waiting_;
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
