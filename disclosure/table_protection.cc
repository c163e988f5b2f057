// ProtectTable and AuditReleases (table_protection.h). The attacker's model of the releases is
// ReleaseModel (release_model.h); the choice of complements is secondary_suppression.h's.
#include "disclosure/table_protection.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "disclosure/attacker_lp.h"
#include "disclosure/disclosure.h"
#include "disclosure/release_model.h"
#include "disclosure/secondary_suppression.h"

namespace stapel {

using internal::ProtectTargets;
using internal::ReleaseModel;
using internal::RepublishUnneeded;
using internal::SuppressedCells;
using internal::Target;

namespace {

// The earlier release of the same table (spec and areas), if any.
const ReleasedTable* SameTableReleased(const TableSpec& spec, const AreaTable& table,
                                       const std::vector<ReleasedTable>& earlier) {
  const nlohmann::json asked = spec.ToJson();
  for (const ReleasedTable& e : earlier) {
    if (e.state != 0 || e.table.rows.size() != table.rows.size() || e.spec.ToJson() != asked)
      continue;
    if (std::equal(table.rows.begin(), table.rows.end(), e.table.rows.begin(),
                   [](const AreaRow& a, const AreaRow& b) { return a.code == b.code; })) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace

StateTransitions InOrder(int states) {
  StateTransitions out;
  for (int later = 2; later <= states; ++later) out.push_back({later - 1, later % states});
  return out;
}

namespace {

// Complements for a table whose primary suppressions are made (ProtectTable after the rules
// and the check for a table asked again).
absl::StatusOr<ProtectionResult> ProtectSuppressed(const DisclosureRules& rules,
                                                   const TableSpec& spec, const BuurtCounts& truth,
                                                   const std::vector<ReleasedTable>& earlier,
                                                   AreaTable* table,
                                                   const std::vector<BuurtCounts>& earlier_states,
                                                   const StateTransitions& transitions) {
  ProtectionResult result;
  std::set<const Cell*> primary;
  for (const auto& row : table->rows) {
    for (const auto& c : row.cells) {
      if (c.suppressed) primary.insert(&c);
    }
  }
  result.primary = static_cast<int>(primary.size());
  CoverLoneSuppressions(table);  // a cheap first choice of complements
  ReleaseModel model;
  if (auto s = model.BuildForNewTable(spec, rules, earlier, table, primary, truth, earlier_states,
                                      transitions.empty()
                                          ? InOrder(static_cast<int>(earlier_states.size()) + 1)
                                          : transitions);
      !s.ok()) {
    return s;
  }
  const std::vector<Target> targets = model.Targets(rules);
  auto proofs = ProtectTargets(rules, model, targets);
  if (!proofs.ok()) return proofs.status();
  // The clean-up checks again only what it proved; a count the earlier releases already
  // narrow could be narrowed further by publishing a complement again, so then none is.
  if (internal::Inherited(*proofs) == 0) {
    if (auto s = RepublishUnneeded(rules, model, targets, *proofs, primary); !s.ok()) return s;
  }
  result.secondary = SuppressedCells(*table) - result.primary;
  result.narrowed_by_earlier = internal::Inherited(*proofs);
  result.ranges_solved = model.solved();
  result.changes = model.Changes();
  return result;
}

// The gemeente an area is in, from its CBS code (GMgggg, WKggggww, BUggggwwbb; see
// records/area_code.h); "" for a code of another shape.
std::string GemeenteOf(const std::string& code) {
  return code.size() >= 6 ? "GM" + code.substr(2, 4) : "";
}

// One gemeente's part of a table, of the releases and of the counts.
struct GemeentePart {
  std::vector<size_t> rows;  // its rows in the whole table
  AreaTable table;
  std::vector<ReleasedTable> earlier;
  BuurtCounts truth;
  std::vector<BuurtCounts> earlier_states;
  absl::StatusOr<ProtectionResult> result = ProtectionResult();
};

AreaTable RowsOf(const AreaTable& table, const std::string& gemeente) {
  AreaTable part;
  part.measures = table.measures;
  for (const AreaRow& row : table.rows) {
    if (GemeenteOf(row.code) == gemeente) part.rows.push_back(row);
  }
  return part;
}

BuurtCounts CountsOf(const BuurtCounts& counts, const std::string& gemeente) {
  BuurtCounts part;
  part.has_households = counts.has_households;
  for (const auto& [buurt, by_bits] : counts.buurten) {
    if (GemeenteOf(buurt) == gemeente) part.buurten.emplace(buurt, by_bits);
  }
  return part;
}

// A table of several gemeenten: no published count spans two of them (each row is one area,
// and areas add up within their gemeente), so the attacker's program falls apart into one per
// gemeente, and each gemeente is protected on its own, with its part of every earlier release
// and of the counts: the same result as one program over all of them, in a fraction of the
// time, and on every core.
absl::StatusOr<ProtectionResult> ProtectEachGemeente(
    const DisclosureRules& rules, const TableSpec& spec, const BuurtCounts& truth,
    const std::vector<ReleasedTable>& earlier, AreaTable* table,
    const std::vector<BuurtCounts>& earlier_states, const StateTransitions& transitions,
    const std::vector<std::string>& gemeenten) {
  std::vector<GemeentePart> parts(gemeenten.size());
  for (size_t g = 0; g < gemeenten.size(); ++g) {
    GemeentePart& part = parts[g];
    for (size_t r = 0; r < table->rows.size(); ++r) {
      if (GemeenteOf(table->rows[r].code) == gemeenten[g]) part.rows.push_back(r);
    }
    part.table = RowsOf(*table, gemeenten[g]);
    for (const ReleasedTable& e : earlier) {
      ReleasedTable own = {e.spec, RowsOf(e.table, gemeenten[g]), e.rounding_base, e.state};
      if (!own.table.rows.empty()) part.earlier.push_back(std::move(own));
    }
    part.truth = CountsOf(truth, gemeenten[g]);
    for (const BuurtCounts& state : earlier_states) {
      part.earlier_states.push_back(CountsOf(state, gemeenten[g]));
    }
  }
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t g = next++; g < parts.size(); g = next++) {
      GemeentePart& part = parts[g];
      part.result = ProtectSuppressed(rules, spec, part.truth, part.earlier, &part.table,
                                      part.earlier_states, transitions);
    }
  };
  {
    const size_t threads =
        std::min<size_t>(parts.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::jthread> helpers;
    for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  ProtectionResult result;
  result.changes.emplace();
  for (GemeentePart& part : parts) {
    if (!part.result.ok()) return part.result.status();
    for (size_t i = 0; i < part.rows.size(); ++i) {
      table->rows[part.rows[i]].cells = std::move(part.table.rows[i].cells);
    }
    result.primary += part.result->primary;
    result.secondary += part.result->secondary;
    result.ranges_solved += part.result->ranges_solved;
    result.narrowed_by_earlier += part.result->narrowed_by_earlier;
    result.changes->insert(result.changes->end(), part.result->changes->begin(),
                           part.result->changes->end());
  }
  return result;
}

}  // namespace

absl::StatusOr<ProtectionResult> ProtectTable(const DisclosureRules& rules, const TableSpec& spec,
                                              const BuurtCounts& truth,
                                              const std::vector<ReleasedTable>& earlier,
                                              AreaTable* table,
                                              const std::vector<BuurtCounts>& earlier_states,
                                              const StateTransitions& transitions) {
  const int primary = ApplyPrimaryRules(rules, spec, table);
  if (const ReleasedTable* same = SameTableReleased(spec, *table, earlier);
      same != nullptr && same->rounding_base == rules.rounding_base) {
    // Asked again: the same cells as then, which tells nothing new, unless the primary rules
    // now suppress a cell it published (the rules changed); then it is protected anew.
    bool covers = true;
    for (size_t r = 0; r < table->rows.size(); ++r) {
      for (size_t m = 0; m < table->rows[r].cells.size(); ++m)
        covers = covers && (!table->rows[r].cells[m].suppressed ||
                            same->table.rows[r].cells[m].suppressed);
    }
    if (covers) {
      for (size_t r = 0; r < table->rows.size(); ++r) {
        for (size_t m = 0; m < table->rows[r].cells.size(); ++m)
          table->rows[r].cells[m].suppressed = same->table.rows[r].cells[m].suppressed;
      }
      ProtectionResult result;
      result.primary = primary;
      result.secondary = SuppressedCells(*table) - primary;
      return result;
    }
  }
  std::vector<std::string> gemeenten;
  for (const AreaRow& row : table->rows) {
    const std::string gemeente = GemeenteOf(row.code);
    if (gemeente.empty()) {  // not a CBS code: one program over everything
      gemeenten.clear();
      break;
    }
    if (std::find(gemeenten.begin(), gemeenten.end(), gemeente) == gemeenten.end()) {
      gemeenten.push_back(gemeente);
    }
  }
  if (gemeenten.size() > 1) {
    return ProtectEachGemeente(rules, spec, truth, earlier, table, earlier_states, transitions,
                               gemeenten);
  }
  return ProtectSuppressed(rules, spec, truth, earlier, table, earlier_states, transitions);
}

namespace {

absl::Status AuditOneProgram(const DisclosureRules& rules,
                             const std::vector<ReleasedTable>& releases, const BuurtCounts* truth,
                             const StateTransitions& transitions,
                             const std::vector<StateChange>& changes) {
  std::vector<const ReleasedTable*> tables;
  for (const auto& r : releases) tables.push_back(&r);
  ReleaseModel model;
  if (auto s = model.Build(tables, nullptr); !s.ok()) return s;
  if (truth != nullptr) {
    model.SetTruth({truth});
  } else {
    model.SetChanges(transitions, changes, rules.k);
  }
  for (const Target& target : model.Targets(rules)) {
    CountRange range;
    auto ok = model.Protected(target, rules, &range);
    if (!ok.ok()) return ok.status();
    if (!*ok) {
      const std::string where = target.inner < 0 && !target.IsConjunction()
                                    ? fmt::format(" (suppressed in release #{})",
                                                  model.FirstSuppressedIn(target.cell) + 1)
                                    : "";
      return absl::FailedPreconditionError(fmt::format(
          "{}{} can be narrowed to [{}, {}] from what was published (k = {}, protection width "
          "{})",
          model.Describe(target), where, range.lo, range.hi, rules.k, rules.protection_width));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AuditReleases(const DisclosureRules& rules, const std::vector<ReleasedTable>& releases,
                           const BuurtCounts* truth, const StateTransitions& transitions,
                           const std::vector<StateChange>& changes) {
  // As in ProtectTable: no published count spans two gemeenten, so each is audited on its own
  // (on every core), and the first failure in the order of the gemeenten is reported.
  std::vector<std::string> gemeenten;
  for (const ReleasedTable& r : releases) {
    for (const AreaRow& row : r.table.rows) {
      const std::string gemeente = GemeenteOf(row.code);
      if (gemeente.empty()) return AuditOneProgram(rules, releases, truth, transitions, changes);
      if (std::find(gemeenten.begin(), gemeenten.end(), gemeente) == gemeenten.end()) {
        gemeenten.push_back(gemeente);
      }
    }
  }
  if (gemeenten.size() <= 1) return AuditOneProgram(rules, releases, truth, transitions, changes);
  std::vector<absl::Status> audits(gemeenten.size());
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t g = next++; g < gemeenten.size(); g = next++) {
      std::vector<ReleasedTable> own;
      for (const ReleasedTable& r : releases) {
        // Every release keeps its place, so messages count releases as in the whole log.
        own.push_back({r.spec, RowsOf(r.table, gemeenten[g]), r.rounding_base, r.state});
      }
      std::vector<StateChange> own_changes;
      for (const StateChange& c : changes) {
        if (GemeenteOf(c.area) == gemeenten[g]) own_changes.push_back(c);
      }
      const BuurtCounts own_truth = truth != nullptr ? CountsOf(*truth, gemeenten[g]) : BuurtCounts();
      audits[g] = AuditOneProgram(rules, own, truth != nullptr ? &own_truth : nullptr, transitions,
                                  own_changes);
    }
  };
  {
    const size_t threads =
        std::min<size_t>(gemeenten.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::jthread> helpers;
    for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  for (const absl::Status& audit : audits) {
    if (!audit.ok()) return audit;
  }
  return absl::OkStatus();
}

nlohmann::json StateChangesToJson(const std::vector<StateChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const StateChange& c : changes) {
    out.push_back({{"earlier", c.earlier},
                   {"later", c.later},
                   {"area", c.area},
                   {"unit", c.unit == 0 ? "persons" : "households"},
                   {"per_class", c.per_class},
                   {"per_atom", c.per_atom}});
  }
  return out;
}

absl::StatusOr<std::vector<StateChange>> StateChangesFromJson(const nlohmann::json& json) {
  if (!json.is_array()) return absl::InvalidArgumentError("changes is not a list");
  std::vector<StateChange> out;
  for (const nlohmann::json& c : json) {
    if (!c.is_object()) return absl::InvalidArgumentError("a change is not an object");
    for (const char* field : {"earlier", "later", "per_class", "per_atom"}) {
      if (!c.contains(field) || !c[field].is_number_integer() || c[field].get<int64_t>() < 0 ||
          c[field].get<int64_t>() > (int64_t{1} << 40)) {
        return absl::InvalidArgumentError(
            fmt::format("a change's {} is missing or not a count", field));
      }
    }
    if (!c.contains("area") || !c["area"].is_string()) {
      return absl::InvalidArgumentError("a change's area is missing");
    }
    const std::string unit = c.value("unit", "");
    if (unit != "persons" && unit != "households") {
      return absl::InvalidArgumentError("a change's unit is neither persons nor households");
    }
    out.push_back({.earlier = c["earlier"].get<int>(),
                   .later = c["later"].get<int>(),
                   .area = c["area"].get<std::string>(),
                   .unit = unit == "persons" ? 0 : 1,
                   .per_class = c["per_class"].get<int64_t>(),
                   .per_atom = c["per_atom"].get<int64_t>()});
  }
  return out;
}

}  // namespace stapel
