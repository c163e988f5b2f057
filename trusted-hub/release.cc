#include "trusted-hub/release.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>
#include <map>

#include "audit/officer_audit.h"
#include "disclosure/cell_key.h"
#include "disclosure/disclosure.h"
#include "encoding/sha256.h"
#include "encoding/utc_time.h"
#include "encoding/utf8.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"
#include "proto/table_request.h"
#include "tables/trend_table.h"
#include "trusted-hub/retention.h"

namespace stapel {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// A table protected for release, and what protecting it took.
struct ProtectedTable {
  AreaTable table;  // suppressed and rounded
  ProtectionResult protection;
  int by_guard = 0;            // suppressions the differencing guard added
  size_t earlier_checked = 0;  // earlier releases checked, of this data state and earlier ones
  size_t earlier_states = 0;   // earlier data states (updates) they were released from
};

namespace {

// Builds the table of `spec` from `counts`, protects it against `earlier` and rounds it.
absl::StatusOr<ProtectedTable> ProtectForRelease(const DisclosureRules& rules,
                                                 const TableSpec& spec, const BuurtCounts& counts,
                                                 const Geography& geography,
                                                 const std::vector<ReleasedTable>& earlier,
                                                 const std::vector<BuurtCounts>& earlier_states,
                                                 const StateTransitions& transitions) {
  const auto start = std::chrono::steady_clock::now();
  const AreaTable unprotected = BuildTable(spec, counts, geography);
  spdlog::info("counted {} areas × {} columns in {:.1f} ms", unprotected.rows.size(),
               unprotected.measures.size(), 1000 * SecondsSince(start));
  ProtectedTable out{.table = unprotected,
                     .protection = {},
                     .by_guard = 0,
                     .earlier_checked = earlier.size(),
                     .earlier_states = earlier_states.size()};
  const auto protect_start = std::chrono::steady_clock::now();
  auto protection =
      ProtectTable(rules, spec, counts, earlier, &out.table, earlier_states, transitions);
  if (!protection.ok()) return protection.status();
  out.protection = *protection;
  const double guarded_s = SecondsSince(protect_start);
  // What the differencing guard added: the table protected on its own, compared (only needed
  // when there are earlier releases; without them the two are the same).
  if (!earlier.empty()) {
    AreaTable alone = unprotected;
    auto alone_result = ProtectTable(rules, spec, counts, {}, &alone);
    if (!alone_result.ok()) return alone_result.status();
    const AreaTable& table = out.table;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      for (size_t m = 0; m < table.rows[r].cells.size(); ++m) {
        out.by_guard += table.rows[r].cells[m].suppressed && !alone.rows[r].cells[m].suppressed;
      }
    }
  }
  spdlog::info("protected against {} earlier releases in {:.1f} ms, and alone in {:.1f} ms",
               earlier.size(), 1000 * guarded_s, 1000 * (SecondsSince(protect_start) - guarded_s));
  ApplyRounding(rules.rounding_base, &out.table);
  AddTotalRow(&out.table);
  return out;
}

// The release entry's "request": purpose, population, level, measures, the resolved spec and,
// for a trend, its periods.
nlohmann::json RequestJson(const v1::TableRequest& request, const TableRequest& table_request,
                           const TableSpec& spec) {
  nlohmann::json measures = nlohmann::json::array();
  for (const auto& m : table_request.measures) {
    measures.push_back({{"name", m.name}, {"expression", m.expression}});
  }
  nlohmann::json out = {
      {"purpose", BoundedUtf8(request.purpose(), kMaxPurposeBytes)},
      {"population", table_request.population.empty() ? "stacking table" : table_request.population},
      {"level", table_request.level},
      {"measures", measures},
      {"spec", spec.ToJson()}};
  // A trend's periods (checked against the manifest), so the officer sees the releases that
  // were asked together.
  if (table_request.periods.size() > 1) out["trend_periods"] = table_request.periods;
  if (!spec.within.empty()) out["within"] = spec.within;
  return out;
}

// The release entry's "protection": the suppressions and what was checked.
nlohmann::json ProtectionJson(const ProtectedTable& t) {
  return {{"suppressed_primary", t.protection.primary},
          {"suppressed_secondary", t.protection.secondary},
          {"suppressed_by_guard", t.by_guard},
          {"earlier_releases_checked", t.earlier_checked},
          {"earlier_data_states", t.earlier_states},
          {"lp_ranges_solved", t.protection.ranges_solved},
          {"narrowed_by_earlier_releases", t.protection.narrowed_by_earlier}};
}

// The release entry's "protection" of a cell-key release. Only what the reader may know: how
// much the perturbation changed (the share changed, the mean deviation) would tell the noise of
// the table's cells, so it goes to the hub's own log only.
nlohmann::json CellKeyJson(const CellKeyResult& r) {
  return {{"method", "cell_key"},
          {"suppressed_primary", r.suppressed},
          {"suppressed_secondary", r.complements},
          {"held_back", r.held_back},
          {"published", r.published}};
}

// The seq the log writer gave an appended line.
uint64_t SeqOf(const std::string& line) {
  return nlohmann::json::parse(line, nullptr, false).value("seq", uint64_t{0});
}

// The reply of a logged release: the table as JSON and CSV, its digest, the log entry
// (`log_line`, at `sequence`) and the protection counts.
v1::ReleaseReply ReplyOf(const ProtectedTable& t, const nlohmann::json& table_json,
                         uint64_t sequence, const std::string& log_line) {
  v1::ReleaseReply reply;
  reply.set_sequence(sequence);
  reply.set_table_json(table_json.dump(2));
  reply.set_table_csv(t.table.ToCsv());
  reply.set_table_sha256(Sha256Hex(table_json.dump()));
  reply.set_log_entry(log_line);
  reply.set_suppressed_primary(t.protection.primary);
  reply.set_suppressed_secondary(t.protection.secondary);
  reply.set_suppressed_by_guard(t.by_guard);
  reply.set_earlier_releases_checked(t.earlier_checked);
  return reply;
}

}  // namespace

struct Releaser::PreparedRelease {
  ProtectedTable table;
  ReleaseEntry entry;
  std::optional<StateChangesEntry> changes;  // over several data states of the period
  std::string notice;  // for the requester: a newer state was being linked (ReleaseReply)
};

absl::StatusOr<Releaser::Guarded> Releaser::EarlierReleases(const std::string& data_version,
                                                             const std::string& period) {
  Guarded out;
  out.versions = {data_version};
  StateTransitions* transitions = &out.transitions;
  int last = -1;  // the state of the release before
  auto followed = [&](int state) {
    if (last >= 0 && state != last &&
        std::find(transitions->begin(), transitions->end(), std::pair(last, state)) ==
            transitions->end()) {
      transitions->push_back({last, state});
    }
    last = state;
  };
  // The entries appended since the last request: all of them read, or none kept.
  size_t lines_read = lines_read_;
  std::vector<LoggedRelease> appended;
  for (const auto& entry : log_->EntriesOfType(kEntryRelease, &lines_read)) {
    auto logged = ReadReleaseEntry(entry);
    if (!logged.ok()) return logged.status();
    appended.push_back(*std::move(logged));
  }
  std::move(appended.begin(), appended.end(), std::back_inserter(logged_));
  lines_read_ = lines_read;
  std::map<std::string, int> state_of;  // data version -> state (-1: counts not kept)
  for (const LoggedRelease& logged : logged_) {
    // Another period's releases are not in the guard, unless they count the very same data.
    if (logged.period != period && logged.data_version != data_version) continue;
    auto [it, fresh] = state_of.try_emplace(logged.data_version, 0);
    if (fresh && logged.data_version != data_version) {
      auto stored = store_->StateCounts(logged.data_version);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) {
        it->second = -1;  // released by a version that did not keep the counts
      } else {
        auto counts = BuurtCountsFromJson(nlohmann::json::parse(**stored, nullptr, false));
        if (!counts.ok()) {
          return absl::DataLossError(fmt::format(
              "the kept counts of data state {} do not parse ({}); the guard cannot check "
              "against its releases: restore the data folder from a backup",
              logged.data_version.substr(0, 16), std::string(counts.status().message())));
        }
        it->second = static_cast<int>(out.earlier_states.size()) + 1;
        out.earlier_states.push_back(*std::move(counts));
        out.versions.push_back(logged.data_version);
      }
    }
    if (it->second < 0) continue;
    followed(it->second);
    out.releases.push_back(logged.released);
    out.releases.back().state = it->second;
  }
  followed(0);  // the release being made
  return out;
}

absl::StatusOr<v1::ReleaseReply> Releaser::Release(std::string_view requester,
                                                   const v1::TableRequest& request) {
  absl::StatusOr<v1::ReleaseReply> reply = TryRelease(requester, request);
  // A stopping hub (CANCELLED) or one still linking refused nothing: the request is asked
  // again later.
  const absl::StatusCode code = reply.status().code();
  const bool still_linking = IsStillLinking(reply.status());
  const bool refused = !reply.ok() && code != absl::StatusCode::kInternal &&
                       code != absl::StatusCode::kDataLoss &&
                       code != absl::StatusCode::kCancelled && !still_linking;
  if (metrics_ != nullptr && !still_linking) {
    reply.ok() ? metrics_->Released() : refused ? metrics_->ReleaseRefused() : metrics_->ReleaseFailed();
  }
  if (refused) {
    // The privacy officer sees what was asked and refused, too.
    auto logged = log_->Append(RefusalEntry{.requester = std::string(requester),
                                            .purpose = request.purpose(),
                                            .reason = std::string(reply.status().message())}
                                   .ToEntry());
    if (!logged.ok()) return logged.status();
  }
  return reply;
}

absl::Status Releaser::CheckRequest(std::string_view requester,
                                    const v1::TableRequest& request) const {
  if (!manifest_->IsRequester(requester)) {
    return absl::PermissionDeniedError(
        fmt::format("'{}' is not a requester of project '{}'; the manifest lists: {}", requester,
                    manifest_->project_id, fmt::join(manifest_->requesters, ", ")));
  }
  if (absl::Status s = CheckRetention(*manifest_, *log_, UtcNow().substr(0, 10)); !s.ok()) {
    return s;
  }
  if (request.purpose().size() > 1000) {
    return absl::InvalidArgumentError("purpose is longer than 1000 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Releaser::RequestedPeriods(
    const v1::TableRequest& request) const {
  if (request.periods().empty()) {
    // The latest period the register has sent (a manifest may list periods yet to come).
    const std::string& register_id = manifest_->RegisterParty().id;
    for (auto period = manifest_->periods.rbegin(); period != manifest_->periods.rend(); ++period) {
      auto sent = store_->Current(register_id, *period);
      if (!sent.ok()) return sent.status();
      if (sent->has_value()) return std::vector<std::string>{*period};
    }
    return std::vector<std::string>{manifest_->LatestPeriod()};
  }
  if (request.periods_size() > kMaxPeriodsPerRequest) {
    return absl::InvalidArgumentError(fmt::format(
        "the request names {} periods; a trend table spans at most {}", request.periods_size(),
        kMaxPeriodsPerRequest));
  }
  std::vector<std::string> periods;
  for (const std::string& period : request.periods()) {
    if (!manifest_->HasPeriod(period)) {
      return absl::InvalidArgumentError(
          manifest_->periods.empty()
              ? fmt::format("project '{}' names no periods; ask without a period",
                            manifest_->project_id)
              : fmt::format("period '{}' is not one of project '{}''s periods ({})",
                            BoundedUtf8(period, 64), manifest_->project_id,
                            fmt::join(manifest_->periods, ", ")));
    }
    if (std::find(periods.begin(), periods.end(), period) != periods.end()) {
      return absl::InvalidArgumentError(
          fmt::format("period '{}' is named twice in the request", period));
    }
    periods.push_back(period);
  }
  // Oldest first, as the manifest lists them: the change is always from the first to the last.
  std::sort(periods.begin(), periods.end(), [&](const std::string& a, const std::string& b) {
    const auto& all = manifest_->periods;
    return std::find(all.begin(), all.end(), a) < std::find(all.begin(), all.end(), b);
  });
  return periods;
}

absl::StatusOr<v1::ReleaseReply> Releaser::TryRelease(std::string_view requester,
                                                      const v1::TableRequest& request) {
  if (absl::Status s = CheckRequest(requester, request); !s.ok()) return s;
  auto periods = RequestedPeriods(request);
  if (!periods.ok()) return periods.status();
  const TableRequest table_request = TableRequestFromProto(request);
  // A request waits for a new state's link at most the wait LinkedStates has, its wait for
  // the requests before it included.
  const auto asked = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  // Every period is protected before any is logged: a refusal releases nothing. (The guard
  // of one period never looks at another's releases.)
  std::vector<PreparedRelease> prepared;
  for (const std::string& period : *periods) {
    auto one = PrepareRelease(requester, request, table_request, period, asked);
    if (!one.ok()) return one.status();
    prepared.push_back(*std::move(one));
  }
  std::vector<v1::ReleaseReply> replies;
  for (PreparedRelease& one : prepared) {
    auto reply = LogRelease(one);
    if (!reply.ok()) return reply.status();
    replies.push_back(*std::move(reply));
  }
  if (replies.size() == 1) return replies.front();
  // The trend: the periods' released tables side by side, with the change.
  std::vector<AreaTable> tables;
  for (const PreparedRelease& one : prepared) tables.push_back(one.table.table);
  const AreaTable trend = BuildTrendTable(*periods, tables);
  nlohmann::json trend_json = trend.ToJson();
  trend_json["periods"] = *periods;
  v1::ReleaseReply out = replies.back();
  out.set_table_json(trend_json.dump(2));
  out.set_table_csv(trend.ToCsv());
  out.set_table_sha256(Sha256Hex(trend_json.dump()));
  out.set_suppressed_primary(0);
  out.set_suppressed_secondary(0);
  out.set_suppressed_by_guard(0);
  out.set_earlier_releases_checked(0);
  std::vector<std::string_view> notices;
  for (const v1::ReleaseReply& reply : replies) {
    if (!reply.notice().empty()) notices.push_back(reply.notice());
    out.set_suppressed_primary(out.suppressed_primary() + reply.suppressed_primary());
    out.set_suppressed_secondary(out.suppressed_secondary() + reply.suppressed_secondary());
    out.set_suppressed_by_guard(out.suppressed_by_guard() + reply.suppressed_by_guard());
    out.set_earlier_releases_checked(out.earlier_releases_checked() +
                                     reply.earlier_releases_checked());
    out.add_period_sequences(reply.sequence());
    out.add_period_log_entries(reply.log_entry());
  }
  out.set_notice(fmt::format("{}", fmt::join(notices, "; ")));
  return out;
}

absl::StatusOr<Releaser::PreparedRelease> Releaser::PrepareRelease(
    std::string_view requester, const v1::TableRequest& request, const TableRequest& table_request,
    const std::string& period, std::chrono::steady_clock::time_point asked) {
  // Held: a new state linked meanwhile does not change it.
  auto for_request = states_.ForRequest(period, asked);
  if (!for_request.ok()) return for_request.status();
  const LinkedStates::State& linked = *for_request->state;
  const BuurtCounts* counts = &linked.counts;
  const std::string& data_version = linked.data_version;
  auto spec = ResolveRequest(table_request, *manifest_, counts->has_households);
  if (!spec.ok()) return spec.status();
  if (absl::Status s = CheckWithin(*spec, *counts); !s.ok()) return s;
  const DisclosureRules& rules = manifest_->disclosure;
  PreparedRelease out{.table = {},
                      .entry = {.project_id = manifest_->project_id,
                                .requester = std::string(requester),
                                .request = RequestJson(request, table_request, *spec),
                                .data_version = data_version,
                                .period = period,
                                .rules = RulesToJson(rules),
                                .protection = {},
                                .linkage = linked.linkage,
                                .table = {}},
                      .changes = std::nullopt,
                      .notice = {}};
  if (for_request->newer_being_linked) {
    out.notice = fmt::format(
        "a newer data state{} is being linked (a party sent new data); this table counts the "
        "state before it, data version {}: ask again later for the new data",
        period.empty() ? "" : fmt::format(" of period {}", period), data_version.substr(0, 16));
    spdlog::info("a request counts from data state {} while a newer one is being linked",
                 data_version);
  }
  // Kept before the release is logged: a later update's guard needs this state's counts.
  auto kept = store_->StateCounts(data_version);
  if (!kept.ok()) return kept.status();
  if (!kept->has_value()) {
    nlohmann::json counts_json = BuurtCountsToJson(*counts);
    counts_json["cell_key_contents"] = AreaContentsToJson(linked.contents);
    if (absl::Status s = store_->PutStateCounts(data_version, counts_json.dump()); !s.ok()) {
      return s;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  if (rules.method == DisclosureMethod::kCellKey) {
    // Consistent perturbation needs no guard: the same persons give the same value. But it
    // cannot answer for exact counts released before by suppression, nor show an area again
    // after its data changed.
    auto cell_key = CellKeyTable(linked, *spec, period);
    if (!cell_key.ok()) return cell_key.status();
    if (metrics_ != nullptr) metrics_->Protected(SecondsSince(start));
    const CellKeyResult& result = cell_key->result;
    out.table.table = std::move(cell_key->table);
    AddTotalRow(&out.table.table);
    out.table.protection.primary = result.suppressed;
    out.table.protection.secondary = result.complements;
    out.table.by_guard = result.held_back;
    out.table.earlier_checked = cell_key->earlier_releases;
    out.entry.protection = CellKeyJson(result);
    out.entry.table = out.table.table.ToJson();
    return out;
  }
  auto earlier = EarlierReleases(data_version, period);
  if (!earlier.ok()) return earlier.status();
  spdlog::info("read {} earlier releases from the log in {:.1f} ms", earlier->releases.size(),
               1000 * SecondsSince(start));
  auto released = ProtectForRelease(rules, *spec, *counts, geography_, earlier->releases,
                                    earlier->earlier_states, earlier->transitions);
  if (!released.ok()) return released.status();
  if (metrics_ != nullptr) metrics_->Protected(SecondsSince(start));
  out.table = *std::move(released);
  out.entry.protection = ProtectionJson(out.table);
  out.entry.table = out.table.table.ToJson();
  if (earlier->versions.size() > 1 && out.table.protection.changes.has_value()) {
    nlohmann::json transitions = nlohmann::json::array();
    for (const auto& [from, to] : earlier->transitions) transitions.push_back({from, to});
    out.changes = StateChangesEntry{.states = earlier->versions,
                                    .transitions = std::move(transitions),
                                    .changes = StateChangesToJson(*out.table.protection.changes)};
  }
  return out;
}

absl::StatusOr<v1::ReleaseReply> Releaser::LogRelease(PreparedRelease& prepared) {
  // Over several data states, what changed goes in the log first, for the audit; the release
  // names it (a crash in between leaves it unnamed, which the audit skips).
  if (prepared.changes.has_value()) {
    auto changes = log_->Append(prepared.changes->ToEntry());
    if (!changes.ok()) return changes.status();
    prepared.entry.protection["state_changes_seq"] = SeqOf(*changes);
  }
  auto line = log_->Append(prepared.entry.ToEntry());
  if (!line.ok()) return line.status();
  // Its own seq, from the line: other entries (submissions, refusals) may be appended meanwhile.
  v1::ReleaseReply reply = ReplyOf(prepared.table, prepared.entry.table, SeqOf(*line), *line);
  reply.set_notice(prepared.notice);
  return reply;
}

}  // namespace stapel
