#include "trusted-hub/hub_metrics.h"

#include <fmt/format.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <sys/statvfs.h>

#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include "proto/tls.h"

namespace stapel {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

prometheus::MetricFamily Gauge(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {metric}};
}

// Seconds a link or a protection may take: from a small project's milliseconds to a nation's
// minutes.
const prometheus::Histogram::BucketBoundaries kSeconds = {0.01, 0.05, 0.1, 0.5, 1,
                                                          2,    5,    10,  30,  120};

}  // namespace

// The gauges read when scraped.
class HubMetrics::ScrapeGauges : public prometheus::Collectable {
 public:
  explicit ScrapeGauges(Sources sources)
      : sources_(std::move(sources)) {
    if (auto expiry = CertificateExpiry(sources_.tls_certificate); expiry.ok()) {
      not_after_ = *expiry;
    }
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    const int64_t now = NowSeconds();
    if (const int64_t linked = linked_at_.load(); linked > 0) {
      out.push_back(Gauge("stapel_linked_state_age_seconds",
                          "Seconds since the data state the hub answers from was linked",
                          static_cast<double>(now - linked)));
    }
    std::error_code error;
    const auto log_bytes = std::filesystem::file_size(sources_.release_log, error);
    if (!error) {
      out.push_back(Gauge("stapel_release_log_bytes", "Size of the release log",
                          static_cast<double>(log_bytes)));
    }
    struct statvfs fs {};
    if (statvfs(sources_.data_dir.c_str(), &fs) == 0) {
      out.push_back(Gauge("stapel_data_free_bytes",
                          "Free space, for the hub, on the file system of its data folder",
                          static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize)));
    }
    if (not_after_.has_value()) {
      out.push_back(Gauge("stapel_tls_certificate_days_left",
                          "Days until the hub's TLS certificate expires (renew before 0)",
                          static_cast<double>(*not_after_ - now) / 86400.0));
    }
    return out;
  }

  void Linked() { linked_at_ = NowSeconds(); }

 private:
  const Sources sources_;
  std::optional<int64_t> not_after_;  // nullopt: the certificate could not be read
  std::atomic<int64_t> linked_at_ = 0;
};

// The counters and histograms, per party where they are about one.
class HubMetrics::Counters {
 public:
  Counters(prometheus::Registry& registry, const std::set<std::string>& parties)
      : batches_(Family(registry, "stapel_batches_received_total",
                        "Batches stored (a batch sent again counts again)")),
        batches_refused_(Family(registry, "stapel_batches_refused_total",
                                "Batches refused (the hub's log says why)")),
        records_(Family(registry, "stapel_records_received_total",
                        "Records in the batches stored, in whole thousands (a small count of "
                        "persons never shows)")),
        submissions_(Family(registry, "stapel_submissions_completed_total",
                            "Submissions completed")),
        submissions_refused_(Family(registry, "stapel_submissions_refused_total",
                                    "Submissions refused at completion")),
        releases_(Family(registry, "stapel_releases_total", "Tables released and logged")
                      .Add({})),
        refusals_(Family(registry, "stapel_release_refusals_total",
                         "Table requests refused (logged with the reason)")
                      .Add({})),
        errors_(Family(registry, "stapel_release_errors_total",
                       "Table requests that failed inside the hub (its log says why; not a "
                       "refusal)")
                    .Add({})),
        link_(prometheus::BuildHistogram()
                  .Name("stapel_link_seconds")
                  .Help("Time to link a data state (once per state, not per request)")
                  .Register(registry)
                  .Add({}, kSeconds)),
        protect_(prometheus::BuildHistogram()
                     .Name("stapel_protect_seconds")
                     .Help("Time to build and protect a table for release")
                     .Register(registry)
                     .Add({}, kSeconds)),
        parties_(parties) {}

  // The label a caller is counted under.
  std::string Party(std::string_view caller) const {
    return parties_.contains(std::string(caller)) ? std::string(caller) : "other";
  }

  prometheus::Family<prometheus::Counter>&batches_, &batches_refused_, &records_, &submissions_,
      &submissions_refused_;
  prometheus::Counter &releases_, &refusals_, &errors_;
  prometheus::Histogram &link_, &protect_;

 private:
  static prometheus::Family<prometheus::Counter>& Family(prometheus::Registry& registry,
                                                         const std::string& name,
                                                         const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
  }
  const std::set<std::string> parties_;
};

absl::StatusOr<std::unique_ptr<HubMetrics>> HubMetrics::Create(const std::string& listen,
                                                               Sources sources) {
  std::unique_ptr<HubMetrics> m(new HubMetrics());
  m->registry_ = std::make_shared<prometheus::Registry>();
  m->counters_ = std::make_unique<Counters>(*m->registry_, sources.parties);
  m->gauges_ = std::make_shared<ScrapeGauges>(std::move(sources));
  try {
    m->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(fmt::format(
        "cannot serve metrics on {} ({}): is the address in use, or not of this machine? Set "
        "[metrics] listen or --metrics-listen to a free host:port",
        listen, e.what()));
  }
  const std::vector<int> ports = m->exposer_->GetListeningPorts();
  if (ports.empty()) return absl::UnavailableError("cannot serve metrics on " + listen);
  m->port_ = ports.front();
  m->exposer_->RegisterCollectable(m->registry_);
  m->exposer_->RegisterCollectable(m->gauges_);
  return m;
}

HubMetrics::~HubMetrics() = default;

void HubMetrics::BatchReceived(std::string_view party, int64_t records) {
  const std::string label = counters_->Party(party);
  counters_->batches_.Add({{"party", label}}).Increment();
  std::lock_guard lock(records_mu_);
  int64_t& total = records_[label];
  const int64_t before = total / kRecordsStep;
  total += records;
  counters_->records_.Add({{"party", label}})
      .Increment(static_cast<double>((total / kRecordsStep - before) * kRecordsStep));
}
void HubMetrics::BatchRefused(std::string_view party) {
  counters_->batches_refused_.Add({{"party", counters_->Party(party)}}).Increment();
}
void HubMetrics::SubmissionCompleted(std::string_view party) {
  counters_->submissions_.Add({{"party", counters_->Party(party)}}).Increment();
}
void HubMetrics::SubmissionRefused(std::string_view party) {
  counters_->submissions_refused_.Add({{"party", counters_->Party(party)}}).Increment();
}
void HubMetrics::Released() { counters_->releases_.Increment(); }
void HubMetrics::ReleaseRefused() { counters_->refusals_.Increment(); }
void HubMetrics::ReleaseFailed() { counters_->errors_.Increment(); }
void HubMetrics::Linked(double seconds) {
  counters_->link_.Observe(seconds);
  gauges_->Linked();
}
void HubMetrics::Protected(double seconds) { counters_->protect_.Observe(seconds); }

}  // namespace stapel
