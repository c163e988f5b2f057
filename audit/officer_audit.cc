#include "audit/officer_audit.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "disclosure/disclosure.h"
#include "encoding/json.h"
#include "ledger/log_format.h"
#include "proto/key_envelope.h"

namespace stapel {

absl::StatusOr<LoggedRelease> ReadReleaseEntry(const nlohmann::json& entry) {
  LoggedRelease out;
  out.seq = entry.value("seq", uint64_t{0});
  out.data_version = entry.value("data_version", std::string());
  out.period = entry.value("period", std::string());
  if (!entry.contains("table")) return absl::InvalidArgumentError("table is missing");
  auto table = AreaTable::FromJson(entry["table"]);
  if (!table.ok()) return table.status();
  // The total over gemeenten is made of their published values: the guard and the audit need
  // only those, once it is checked to be no more.
  if (absl::Status s = TakeOutTotalRow(&*table); !s.ok()) {
    return absl::InvalidArgumentError(fmt::format(
        "release #{}: {}; the log was altered or written wrongly: stapel-audit verify says "
        "since where, and the hub's data folder must be restored from a backup",
        out.seq, std::string(s.message())));
  }
  out.released.table = *std::move(table);
  if (!entry.contains("request") || !entry["request"].is_object() ||
      !entry["request"].contains("spec")) {
    return absl::InvalidArgumentError("request.spec is missing");
  }
  auto spec = TableSpec::FromJson(entry["request"]["spec"]);
  if (!spec.ok()) return spec.status();
  out.released.spec = *std::move(spec);
  auto rules = RulesFromJson(entry.value("rules", nlohmann::json()));
  if (!rules.ok()) return rules.status();
  out.rules = *rules;
  // A perturbed count lies within max_deviation of the true one: to the LP, an interval as a
  // rounded count's is.
  out.released.rounding_base = out.rules.method == DisclosureMethod::kCellKey
                                   ? 2 * out.rules.cell_key.max_deviation + 1
                                   : out.rules.rounding_base;
  out.released.perturbed = out.rules.method == DisclosureMethod::kCellKey;
  return out;
}

namespace {

absl::Status CheckRelease(const nlohmann::json& entry) {
  if (entry.value("type", "") != kEntryRelease) return absl::OkStatus();
  auto logged = ReadReleaseEntry(entry);
  if (!logged.ok()) return logged.status();
  if (absl::Status s =
          CheckReleasedTable(logged->rules, logged->released.spec, logged->released.table);
      !s.ok()) {
    return absl::DataLossError(
        fmt::format("released table breaks its rules: {}", std::string(s.message())));
  }
  return absl::OkStatus();
}

// The data states the guard linked for a release over updated data (a state_changes entry):
// each release's state number by its data version, which states followed which, and what
// changed. INVALID_ARGUMENT when the entry is malformed.
struct LinkedStates {
  std::map<std::string, int> state_of;
  StateTransitions transitions;
  std::vector<StateChange> changes;
};
absl::StatusOr<LinkedStates> ReadStateChanges(const nlohmann::json& entry) {
  LinkedStates out;
  const nlohmann::json& states = entry.at("states");
  if (!states.is_array()) return absl::InvalidArgumentError("states is not a list");
  for (const nlohmann::json& version : states) {
    if (!version.is_string()) return absl::InvalidArgumentError("a state is not a data version");
    if (!out.state_of.try_emplace(version.get<std::string>(), static_cast<int>(out.state_of.size()))
             .second) {
      return absl::InvalidArgumentError("a data version is listed twice");
    }
  }
  const int n = static_cast<int>(out.state_of.size());
  for (const nlohmann::json& pair : entry.at("transitions")) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() ||
        !pair[1].is_number_integer() || pair[0].get<int64_t>() < 0 ||
        pair[0].get<int64_t>() >= n || pair[1].get<int64_t>() < 0 ||
        pair[1].get<int64_t>() >= n) {
      return absl::InvalidArgumentError("a transition is not a pair of state numbers");
    }
    out.transitions.push_back({pair[0].get<int>(), pair[1].get<int>()});
  }
  auto changes = StateChangesFromJson(entry.at("changes"));
  if (!changes.ok()) return changes.status();
  out.changes = *std::move(changes);
  return out;
}

// `group`'s releases audited together; the message names them and what went wrong.
absl::Status AuditTogether(const std::vector<const LoggedRelease*>& group, const char* what,
                           const LinkedStates* linked) {
  std::vector<ReleasedTable> tables;
  std::vector<uint64_t> seqs;
  for (const LoggedRelease* release : group) {
    tables.push_back(release->released);
    if (linked != nullptr) tables.back().state = linked->state_of.at(release->data_version);
    seqs.push_back(release->seq);
  }
  // The strictest rules of the group (a manifest change may have raised them).
  static const LinkedStates kOneState;
  const LinkedStates& states = linked == nullptr ? kOneState : *linked;
  const absl::Status s = AuditReleases(group.back()->rules, tables, nullptr, states.transitions,
                                       states.changes);
  if (s.ok()) return s;
  return absl::FailedPreconditionError(fmt::format("releases {} ({}) together: {}",
                                                   fmt::join(seqs, ", "), what,
                                                   std::string(s.message())));
}

// The cell key method's promises, from the log alone: each cell-key release logs the
// parameters of the manifest in force when it was made (the last manifest entry before it),
// and a cell (area, unit, population and measure as canonical expressions) has one value in
// every release of the same data state that shows it, as the method gives it; and in every
// release of the same period made by a hub that holds back the areas a change touched
// (disclosure/cell_key.h; its entries count "held_back"), since a new value would show what
// changed. (No value in 1..threshold: CheckReleasedTable, which the log's verification runs on
// every release.)
class CellKeyAudit {
 public:
  void Manifest(const nlohmann::json& entry) {
    in_force_ = entry.value("disclosure", nlohmann::json());
  }
  absl::Status Release(const nlohmann::json& entry, const LoggedRelease& release) {
    const nlohmann::json& rules = entry.at("rules");
    for (const char* field : {"method", "max_deviation", "variance", "threshold"}) {
      if (!in_force_.is_object() || in_force_.value(field, nlohmann::json()) != rules.at(field)) {
        return absl::FailedPreconditionError(fmt::format(
            "release #{} was perturbed with {} {}, the manifest in force says {}", release.seq,
            field, rules.at(field).dump(),
            in_force_.is_object() ? in_force_.value(field, nlohmann::json()).dump()
                                  : std::string("no cell key method")));
      }
    }
    const TableSpec& spec = release.released.spec;
    const AreaTable& table = release.released.table;
    const bool holds_back =
        entry.value("protection", nlohmann::json::object()).contains("held_back");
    for (const AreaRow& row : table.rows) {
      for (size_t m = 0; m < row.cells.size() && m < spec.columns.size(); ++m) {
        if (row.cells[m].suppressed) continue;
        const TableColumn& c = spec.columns[m];
        const std::string cell = fmt::format(
            "{} {} [{}] [{}]", row.code, c.unit == CountUnit::kPersons ? "persons" : "households",
            c.population.ToString(), c.measure.ToString());
        const int64_t value = row.cells[m].value;
        auto check = [&](const std::string& key, std::string_view of) -> absl::Status {
          auto [it, fresh] = seen_.try_emplace(key, value, release.seq);
          if (fresh || it->second.first == value) return absl::OkStatus();
          return absl::FailedPreconditionError(fmt::format(
              "area {} measure {}: release #{} shows {}, release #{} showed {} for the same cell "
              "of {}; the cell key method gives the same cell one value{}",
              row.code, table.measures[m], release.seq, value, it->second.second, it->second.first,
              of,
              of == "the same data"
                  ? ""
                  : ", and after a change of the data the hub shows only areas that did not "
                    "change"));
        };
        if (absl::Status s = check("data " + release.data_version + " " + cell, "the same data");
            !s.ok()) {
          return s;
        }
        if (!holds_back) continue;
        if (absl::Status s = check("period " + release.period + "|" + cell, "the same period");
            !s.ok()) {
          return s;
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  nlohmann::json in_force_;
  std::map<std::string, std::pair<int64_t, uint64_t>> seen_;  // cell -> value, release seq
};

absl::Status AuditGroups(const std::vector<std::string>& lines, size_t* audited) {
  std::vector<LoggedRelease> releases;
  CellKeyAudit cell_key;
  *audited = 0;
  std::map<uint64_t, nlohmann::json> state_changes;  // by seq
  // Per period, the one the period's last release over several data states names.
  std::map<std::string, const nlohmann::json*> linked_entries;
  for (const auto& line : lines) {
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object()) continue;
    const std::string type = entry.value("type", "");
    if (type == kEntryManifest) {
      cell_key.Manifest(entry);
      continue;
    }
    if (type == kEntryStateChanges) {
      const uint64_t seq = entry.value("seq", uint64_t{0});
      state_changes[seq] = std::move(entry);
      continue;
    }
    if (type != kEntryRelease) continue;
    auto logged = ReadReleaseEntry(entry);
    if (!logged.ok()) return logged.status();
    if (logged->rules.method == DisclosureMethod::kCellKey) {
      if (absl::Status s = cell_key.Release(entry, *logged); !s.ok()) return s;
      ++*audited;
      // Perturbed: its few suppressions (minimum population, group disclosure, their
      // complements) are not LP-proved by the hub either (disclosure/cell_key.h).
      continue;
    }
    // The last guard over several states describes them as the last release saw them.
    const nlohmann::json protection = entry.value("protection", nlohmann::json::object());
    if (protection.is_object() && protection.contains("state_changes_seq")) {
      const auto named = state_changes.find(protection.value("state_changes_seq", uint64_t{0}));
      if (named == state_changes.end()) {
        return absl::InvalidArgumentError(fmt::format(
            "release #{} names a state_changes entry the log does not hold before it",
            logged->seq));
      }
      const nlohmann::json& states = named->second.value("states", nlohmann::json::array());
      if (!states.is_array() || states.empty() || states[0] != logged->data_version) {
        return absl::InvalidArgumentError(fmt::format(
            "release #{} names a state_changes entry of another data state", logged->seq));
      }
      linked_entries[logged->period] = &named->second;
    }
    releases.push_back(*std::move(logged));
  }
  // Per period: the releases of the states its last guard linked are audited together, every
  // other data state on its own (with those of other periods that count the same data).
  std::map<std::string, LinkedStates> linked;
  for (const auto& [period, linked_entry] : linked_entries) {
    auto read = ReadStateChanges(*linked_entry);
    if (!read.ok()) {
      return absl::InvalidArgumentError(fmt::format(
          "the state_changes entry #{}: {}", linked_entry->value("seq", uint64_t{0}),
          std::string(read.status().message())));
    }
    linked[period] = *std::move(read);
  }
  std::map<std::string, std::vector<const LoggedRelease*>> together;  // by period
  std::map<std::string, std::vector<const LoggedRelease*>> by_data;
  for (const LoggedRelease& release : releases) {
    const auto period = linked.find(release.period);
    if (period != linked.end() && period->second.state_of.contains(release.data_version)) {
      together[release.period].push_back(&release);
    } else {
      by_data[release.data_version].push_back(&release);
    }
  }
  *audited += releases.size();
  for (const auto& [period, group] : together) {
    if (absl::Status s = AuditTogether(group, "data states linked by updates", &linked[period]);
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [data_version, group] : by_data) {
    if (absl::Status s = AuditTogether(group, "one data state", nullptr); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckReleaseKeepsItsRules(const nlohmann::json& entry) {
  return WithUntrustedJson("the entry", [&] { return CheckRelease(entry); });
}

absl::Status AuditLoggedReleases(const std::vector<std::string>& lines, size_t* audited) {
  return WithUntrustedJson("a release entry", [&] { return AuditGroups(lines, audited); });
}

absl::StatusOr<OfficerAudit> AuditReleaseLog(const std::filesystem::path& log,
                                             const Ed25519Verifier& hub_key) {
  auto verified = VerifyReleaseLog(log, hub_key, CheckReleaseKeepsItsRules);
  if (!verified.ok()) return verified.status();
  OfficerAudit audit;
  audit.log = *std::move(verified);
  for (const auto& line : audit.log.lines) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ++audit.entries_by_type[entry.value("type", "")];
  }
  // Re-prove every released table with the attacker's LP, together with every other release
  // of the same data (the differencing guard's check, from published values only).
  audit.lp_audit = AuditLoggedReleases(audit.log.lines, &audit.releases_audited);
  audit.key_epochs = VerifyLoggedKeyEpochs(audit.log.lines, &audit.key_epochs_checked);
  return audit;
}

}  // namespace stapel
