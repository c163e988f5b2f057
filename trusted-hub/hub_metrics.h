#ifndef STAPEL_TRUSTED_HUB_HUB_METRICS_H_
#define STAPEL_TRUSTED_HUB_HUB_METRICS_H_

// What an operator's monitoring scrapes from a running hub: Prometheus text metrics over plain
// HTTP at http://<listen>/metrics, on an address of its own (keep it on localhost or a
// monitoring network; it needs no certificate). Counters of what the hub received, refused and
// released, the time linking and protecting took, and, read at each scrape, the age of the
// linked data state, the release log's size, free disk and the days left on the hub's TLS
// certificate.
//
// What it never shows: a small count of persons (no table cell, no linked total; the records a
// party sent, which count the persons in its export, only in whole thousands), a pseudonym, or
// an identity outside the manifest (a caller the manifest does not list is counted as "other").

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace stapel {

class HubMetrics {
 public:
  struct Sources {
    std::set<std::string> parties;          // identities counted by name; others as "other"
    std::filesystem::path release_log;      // its size
    std::filesystem::path data_dir;         // the free space of its file system
    std::filesystem::path tls_certificate;  // the hub's own certificate: days until it expires
  };

  // Serves the metrics on `listen` (host:port; port 0 picks a free one, see port()). Errors
  // name the address and what to change.
  static absl::StatusOr<std::unique_ptr<HubMetrics>> Create(const std::string& listen,
                                                            Sources sources);
  ~HubMetrics();
  int port() const { return port_; }

  void BatchReceived(std::string_view party, int64_t records);
  void BatchRefused(std::string_view party);
  void SubmissionCompleted(std::string_view party);
  void SubmissionRefused(std::string_view party);
  void Released();
  void ReleaseRefused();  // a refusal the release log records
  void ReleaseFailed();   // an error inside the hub (internal, data loss): not logged
  // The records counter moves in steps of this many.
  static constexpr int64_t kRecordsStep = 1000;

  // A data state was linked in `seconds` (its age counts from now).
  void Linked(double seconds);
  // A table was protected in `seconds`.
  void Protected(double seconds);

 private:
  class ScrapeGauges;
  class Counters;
  HubMetrics() = default;

  int port_ = 0;
  std::mutex records_mu_;
  std::map<std::string, int64_t> records_;  // per party label, exact; under records_mu_
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Counters> counters_;
  std::shared_ptr<ScrapeGauges> gauges_;
  std::unique_ptr<prometheus::Exposer> exposer_;  // last: stops serving before the rest goes
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_HUB_METRICS_H_
