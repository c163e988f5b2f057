#include "trusted-hub/linked_states.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/cord.h"
#include "encoding/sha256.h"
#include "linker/bloom_filter.h"
#include "linker/linkage.h"
#include "proto/record_view.h"
#include "trusted-hub/content_digest.h"

namespace stapel {
namespace {

// Per batch: where each of its key kinds and attributes sits in the project's order.
struct BatchLayout {
  std::vector<int> kind_slot;  // batch key i -> project kind index
  std::vector<int> indicator_bit;
};

BatchLayout Layout(const v1::Batch& batch, const Manifest& manifest,
                   const std::vector<std::string>& indicators) {
  BatchLayout layout;
  for (const auto& kind : batch.match_key_kinds()) {
    layout.kind_slot.push_back(static_cast<int>(manifest.MatchKeyIndex(kind)));
  }
  for (const auto& name : batch.attribute_names()) {
    layout.indicator_bit.push_back(static_cast<int>(
        std::find(indicators.begin(), indicators.end(), name) - indicators.begin()));
  }
  return layout;
}

uint64_t RecordIndicators(const v1::PseudonymRecord& r, const BatchLayout& layout) {
  uint64_t bits = 0;
  for (int i = 0; i < r.attribute_values_size(); ++i) {
    if (r.attribute_values(i) != 0) bits |= uint64_t{1} << layout.indicator_bit[i];
  }
  return bits;
}

// Counts only: per party, and for sources per pass, how many records linked.
// A share as text ("99.52%"): the log's canonical encoding holds whole numbers only.
std::string Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-" : fmt::format("{:.2f}%", 100.0 * static_cast<double>(part) / whole);
}

// The linkage report: counts and shares only, per party and, for sources, per pass.
nlohmann::json StatsJson(const LinkStats& s, const PartyManifest& party, const Manifest& manifest) {
  if (party.role == PartyRole::kRegister) {
    return {{"records", s.records}, {"persons", s.linked}, {"duplicates", s.duplicates}};
  }
  nlohmann::json by_pass = nlohmann::json::array();  // in pass order
  auto add_pass = [&](const std::string& pass, uint64_t n) {
    if (n > 0) by_pass.push_back({{"pass", pass}, {"linked", n}, {"share", Share(n, s.records)}});
  };
  for (size_t k = 0; k < s.linked_by_kind.size(); ++k)
    add_pass(manifest.match_keys[k], s.linked_by_kind[k]);
  add_pass("fuzzy", s.linked_fuzzy);
  nlohmann::json out = {{"records", s.records},
                        {"linked", s.linked},
                        {"linked_share", Share(s.linked, s.records)},
                        {"ambiguous", s.ambiguous},
                        {"unlinked", s.unlinked},
                        {"passes", std::move(by_pass)}};
  if (manifest.fuzzy && party.fuzzy) {  // the fuzzy pass's model, without ground truth
    const LinkEstimate e = EstimateQuality(s);
    out["estimated"] = {{"precision", fmt::format("{:.2f}%", 100 * e.precision)},
                        {"recall_of_candidates", fmt::format("{:.2f}%", 100 * e.recall)}};
  }
  return out;
}

// The register first: it defines the persons every other record links onto.
std::vector<const PartyManifest*> LinkOrder(const Manifest& manifest) {
  std::vector<const PartyManifest*> order = {&manifest.RegisterParty()};
  for (const auto& p : manifest.parties) {
    if (p.role != PartyRole::kRegister) order.push_back(&p);
  }
  return order;
}

// One linkage of every party's current submission onto the register: the linker and the
// buurten seen so far. Refers to `manifest`, which must outlive it.
struct LinkRun {
  LinkRun(const Manifest& manifest, KeyRelay::Epoch current, std::stop_token stop,
          const RecordKeyer& record_keys)
      : manifest(manifest),
        record_keys(record_keys),
        indicators(manifest.Attributes()),
        epoch(std::move(current)),
        stop(std::move(stop)),
        linker(manifest.match_keys.size()) {
    if (manifest.fuzzy) linker.EnableFuzzy(*manifest.fuzzy);
  }

  const Manifest& manifest;
  const RecordKeyer& record_keys;
  const std::vector<std::string> indicators;
  const KeyRelay::Epoch epoch;
  const std::stop_token stop;  // the hub is stopping: leave the link unfinished
  Linker linker;
  RecordView view;
  std::vector<std::string> buurt_codes;
  std::map<std::string, uint32_t, std::less<>> buurt_index;
};

// Links the records of one batch: the register's become persons (their buurten numbered in
// the order met), a source's link onto those persons.
void LinkBatch(const v1::Batch& batch, const PartyManifest& party, LinkRun* run, LinkStats* stats) {
  const bool is_register = party.role == PartyRole::kRegister;
  const BatchLayout layout = Layout(batch, run->manifest, run->indicators);
  for (const auto& r : batch.records()) {
    run->view.Read(r, layout.kind_slot);
    // Only a party of the fuzzy pass has its filters compared (CheckFilters checked them).
    const std::span<const uint64_t> filter =
        party.fuzzy ? run->view.filter() : std::span<const uint64_t>();
    if (is_register) {
      auto [it, fresh] = run->buurt_index.try_emplace(r.buurt(), run->buurt_codes.size());
      if (fresh) run->buurt_codes.push_back(r.buurt());
      const int64_t person =
          run->linker.AddRegisterRecord(run->view.keys(), it->second, RecordIndicators(r, layout),
                                        stats, filter, run->view.household());
      for (const KeyRef& key : run->view.keys()) {
        if (person >= 0 && key.kind == 0) {
          run->linker.SetRecordKey(person, run->record_keys.KeyOf(*key.key));
        }
      }
    } else {
      run->linker.AddSourceRecord(run->view.keys(), RecordIndicators(r, layout), stats, filter);
    }
  }
}

// FAILED_PRECONDITION when a stored batch's Bloom filters are not what the fuzzy pass compares
// now: of another layout (an agent from before an upgrade, or a [fuzzy] section changed since)
// or size. Read as the current layout they would be compared wrongly.
absl::Status CheckFilters(const v1::Batch& batch, const PartyManifest& party,
                          const Manifest& manifest) {
  if (!manifest.fuzzy || !party.fuzzy) return absl::OkStatus();
  const size_t bytes = static_cast<size_t>(manifest.fuzzy->bits) / 8;
  const uint32_t layout = BloomLayout(*manifest.fuzzy);
  for (const auto& r : batch.records()) {
    if (r.bloom().empty()) continue;
    if (batch.bloom_layout() != layout || r.bloom().size() != bytes) {
      return absl::FailedPreconditionError(fmt::format(
          "party '{}' sent Bloom filters of layout {:08x} and {} bytes; the fuzzy pass compares "
          "layout {:08x} of {} bytes (the manifest's [fuzzy] section), so the party must send "
          "its export again with a current stapel-agent",
          party.id, batch.bloom_layout(), r.bloom().size(), layout, bytes));
    }
  }
  return absl::OkStatus();
}

// Reads the batches of `party`'s current submission from `store` and links them; refuses
// batches of another epoch than the run's, and filters the fuzzy pass cannot compare. Puts the
// party's statistics into `*linkage` and returns the digest of the content it sent.
absl::StatusOr<std::string> LinkParty(SubmissionStore* store, const PartyManifest& party,
                                      const v1::SubmissionSummary& current, LinkRun* run,
                                      nlohmann::json* linkage) {
  const bool is_register = party.role == PartyRole::kRegister;
  // What the party sent, not which submission carried it: sending the same export again
  // keeps the data state, so the differencing guard still sees the earlier releases.
  ContentDigest content;
  if (is_register) run->linker.Reserve(current.record_count(), party.fuzzy);
  LinkStats stats;
  absl::Status s = store->ForEachBatch(
      party.id, current.submission_id(),
      [&](uint64_t, const v1::Batch& batch, std::string_view) -> absl::Status {
        if (run->stop.stop_requested()) {
          return absl::CancelledError("the hub is stopping; the link was left unfinished");
        }
        if (batch.key_check() != run->epoch.key_check) {
          return absl::FailedPreconditionError(fmt::format(
              "the data of party '{}' were made with the linkage secret of an earlier epoch "
              "(the project is at epoch {}); pseudonyms of different epochs never link, so the "
              "party must fetch the current secret (stapel-ceremony fetch) and send its export "
              "again",
              party.id, run->epoch.number));
        }
        if (absl::Status s = CheckFilters(batch, party, run->manifest); !s.ok()) return s;
        content.AddBatch(batch);
        LinkBatch(batch, party, run, &stats);
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!is_register) run->linker.FinishSource(&stats);
  (*linkage)[party.id] = StatsJson(stats, party, run->manifest);
  return content.FinalHex();
}

constexpr char kStillLinking[] = "type.stapel/still-linking";

}  // namespace

bool IsStillLinking(const absl::Status& status) {
  return absl::IsUnavailable(status) && status.GetPayload(kStillLinking).has_value();
}

absl::StatusOr<std::vector<std::string>> LinkedStates::LinkCurrent() {
  std::vector<std::string> versions;
  absl::Status last = absl::OkStatus();
  const std::vector<std::string> periods =
      manifest_->periods.empty() ? std::vector<std::string>{""} : manifest_->periods;
  std::lock_guard link_lock(link_mu_);  // for every period: no link comes between them
  for (const std::string& period : periods) {
    auto linked = LinkHeld(period);
    if (linked.ok()) {
      versions.push_back((*linked)->data_version);
    } else if (absl::IsFailedPrecondition(linked.status()) || absl::IsDataLoss(linked.status())) {
      last = linked.status();  // its register has not sent, another epoch's data, a bad batch
    } else {
      return linked.status();
    }
  }
  if (versions.empty()) return last;
  return versions;
}

void LinkedStates::Stop() {
  stopping_.request_stop();
  std::lock_guard lock(mu_);
  link_ended_.notify_all();  // waiting requests return CANCELLED
}

absl::StatusOr<LinkedStates::ForRequestResult> LinkedStates::ForRequest(
    const std::string& period, std::chrono::steady_clock::time_point asked) {
  const auto deadline = asked + waiting_.wait;
  bool woke = false;  // the linker, by this request
  for (;;) {
    if (stopping_.stop_requested()) return absl::CancelledError("the hub is stopping");
    // Read again after every wait: a submission or a key rotation may have come meanwhile.
    auto current = ReadCurrent(period);
    if (!current.ok()) return current.status();
    uint64_t seen = 0;                    // links ended so far
    std::shared_ptr<const State> usable;  // the kept state, when of the current epoch
    {
      std::lock_guard lock(mu_);
      if (auto known = KnownLocked(period, current->names)) {
        if (!known->ok()) return known->status();
        return ForRequestResult{**known};
      }
      if (auto kept = kept_.find(period);
          kept != kept_.end() && kept->second->epoch == current->epoch.number) {
        usable = kept->second;
      }
      seen = links_ended_;
    }
    if (!waiting_.wake_linker) {
      std::lock_guard link_lock(link_mu_);
      auto linked = LinkHeld(period);
      if (!linked.ok()) return linked.status();
      return ForRequestResult{*std::move(linked)};
    }
    // Once a request: a link that fails for another reason than the data is not run again and
    // again while it waits.
    if (!woke) waiting_.wake_linker();
    woke = true;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (usable) return ForRequestResult{usable, /*newer_being_linked=*/true};
      absl::Status still_linking = absl::UnavailableError(fmt::format(
          "the hub has not linked the data{} yet (it is linking them, or its last link failed: "
          "see its log) and has no earlier state of them to count from (after a start, or a new "
          "key epoch): ask again in a few minutes",
          period.empty() ? "" : fmt::format(" of period {}", period)));
      still_linking.SetPayload(kStillLinking, absl::Cord("1"));
      return still_linking;
    }
    std::unique_lock lock(mu_);
    link_ended_.wait_until(lock, deadline,
                           [&] { return links_ended_ != seen || stopping_.stop_requested(); });
  }
}

absl::StatusOr<LinkedStates::Current> LinkedStates::ReadCurrent(const std::string& period) const {
  Current out{.epoch = keys_->Current(), .submissions = {}, .names = {}};
  out.names = fmt::format("epoch {} {};", out.epoch.number, out.epoch.key_check);
  for (const PartyManifest* party : LinkOrder(*manifest_)) {
    auto summary = store_->Current(party->id, period);
    if (!summary.ok()) return summary.status();
    if (!summary->has_value()) {
      if (party->role == PartyRole::kRegister) {
        return absl::FailedPreconditionError(fmt::format(
            "the population register '{}' has not completed a submission {}yet; run its agent "
            "first",
            party->id, period.empty() ? "" : fmt::format("of period {} ", period)));
      }
      out.names += party->id + " none;";
    } else {
      out.names += fmt::format("{} {};", party->id, Sha256Hex((*summary)->SerializeAsString()));
    }
    out.submissions.emplace_back(party, std::move(*summary));
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const LinkedStates::State>> LinkedStates::LinkHeld(
    const std::string& period) {
  // Read under the link's lock: a link that just finished has kept what it linked.
  auto current = ReadCurrent(period);
  if (!current.ok()) return current.status();
  {
    std::lock_guard lock(mu_);
    if (auto known = KnownLocked(period, current->names)) return *std::move(known);
  }
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const State> kept;
  absl::Status failed = absl::InternalError("the link stopped with an exception");
  {
    // Its outcome is kept, and waiting requests learn that it ended, together (also when
    // Link throws). What the data themselves cause is not tried again until they change (a
    // request gets the reason at once); a stop or a failing disk is.
    absl::Cleanup ended = [&] {
      std::lock_guard lock(mu_);
      if (kept) {
        kept_[period] = kept;  // the state before goes once no request holds it
        failed_.erase(period);
      } else if (absl::IsFailedPrecondition(failed) || absl::IsDataLoss(failed)) {
        failed_[period] = {current->names, failed};
      }
      ++links_ended_;
      link_ended_.notify_all();
    };
    auto linked = Link(*current);
    if (linked.ok()) {
      kept = std::make_shared<const State>(*std::move(linked));
    } else {
      failed = linked.status();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string of_period = period.empty() ? "" : fmt::format(" (period {})", period);
  if (!kept) {
    if (absl::IsFailedPrecondition(failed) || absl::IsDataLoss(failed)) {
      spdlog::warn("the data state{} is not linked: {}; not tried again until its data change",
                   of_period, std::string(failed.message()));
    }
    return failed;
  }
  if (metrics_ != nullptr) metrics_->Linked(seconds);
  std::vector<std::string_view> parties;  // those with a submission in this state
  for (const auto& [party, summary] : current->submissions) {
    if (summary.has_value()) parties.push_back(party->id);
  }
  spdlog::info("linked data state {}{} of {} in {:.1f} s", kept->data_version, of_period,
               fmt::join(parties, ", "), seconds);
  return kept;
}

std::optional<absl::StatusOr<std::shared_ptr<const LinkedStates::State>>> LinkedStates::KnownLocked(
    const std::string& period, const std::string& names) const {
  if (auto kept = kept_.find(period); kept != kept_.end() && kept->second->submissions == names) {
    return kept->second;
  }
  if (auto failed = failed_.find(period);
      failed != failed_.end() && failed->second.names == names) {
    return failed->second.status;
  }
  return std::nullopt;
}

absl::StatusOr<LinkedStates::State> LinkedStates::Link(const Current& current) {
  LinkRun run(*manifest_, current.epoch, stopping_.get_token(), *record_keys_);
  State linked;
  linked.submissions = current.names;
  linked.epoch = current.epoch.number;
  linked.linkage = nlohmann::json::object();
  std::string contents;
  for (const auto& [party, summary] : current.submissions) {
    if (!summary.has_value()) {
      linked.linkage[party->id] = {{"submitted", false}};
      continue;
    }
    auto content = LinkParty(store_, *party, *summary, &run, &linked.linkage);
    if (!content.ok()) return content.status();
    contents += fmt::format("{}:{};", party->id, *content);
  }
  linked.counts = CountByBuurt(run.linker.persons(), run.buurt_codes, *geography_);
  linked.contents = AreaContentsOf(linked.counts);
  // The same records and the same linked counts: the same data state. (The counts are in, as
  // linking resolves a register's duplicate persons by the order it meets them; they are
  // hashed together with the records' digests, which nobody outside the hub knows, so the
  // published value lets nobody test guesses of counts.)
  linked.data_version = Sha256Hex(contents + BuurtCountsToJson(linked.counts).dump());
  return linked;
}

}  // namespace stapel
