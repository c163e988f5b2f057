// ProtectTable and AuditReleases (table_protection.h). The attacker's model of the releases is
// ReleaseModel (release_model.h); the choice of complements is secondary_suppression.h's.
#include "disclosure/table_protection.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "disclosure/attacker_lp.h"
#include "disclosure/disclosure.h"
#include "disclosure/release_model.h"
#include "disclosure/secondary_suppression.h"
#include "parallel/for_each_index.h"
#include "records/area_code.h"

namespace stapel {

using internal::ProtectTargets;
using internal::ReleaseModel;
using internal::RepublishUnneeded;
using internal::SuppressedCells;
using internal::Target;

namespace {

// What a column counts: its unit, population and measure (its name does not change that).
std::string ColumnCounts(const TableColumn& column) {
  return fmt::format("{}|{}|{}", column.unit == CountUnit::kPersons ? "persons" : "households",
                     column.population.ToString(), column.measure.ToString());
}

// Per earlier release, per column of `spec`, the release's column counting the same; none when
// no column does, or when the release's cells were not shown as this table's would be (another
// data state, another rounding, or perturbed by the cell key method). Matched once per request;
// a gemeente's part of a release keeps the release's columns.
using SameColumns = std::vector<std::vector<std::optional<size_t>>>;
SameColumns SameColumnsIn(const TableSpec& spec, int rounding_base,
                          const std::vector<ReleasedTable>& earlier) {
  std::vector<std::string> counts;
  for (const TableColumn& c : spec.columns) counts.push_back(ColumnCounts(c));
  SameColumns same(earlier.size(), std::vector<std::optional<size_t>>(spec.columns.size()));
  for (size_t e = 0; e < earlier.size(); ++e) {
    const ReleasedTable& release = earlier[e];
    if (release.state != 0 || release.perturbed || release.rounding_base != rounding_base) continue;
    for (size_t j = 0; j < release.spec.columns.size(); ++j) {
      const std::string theirs = ColumnCounts(release.spec.columns[j]);
      for (size_t m = 0; m < counts.size(); ++m) {
        if (!same[e][m] && counts[m] == theirs) same[e][m] = j;
      }
    }
  }
  return same;
}

// When every cell of `table` (its primary suppressions made) is a cell that `earlier` showed as
// this table will be shown (`same`: SameColumnsIn), the table tells nothing new: each
// cell is published when some earlier release published it, and suppressed otherwise. Returns
// whether it was so, and leaves the table as it was when not (a cell no earlier release has, or
// one the primary rules now suppress that was published: the rules changed).
bool ShowOnlyWhatWasShown(const SameColumns& same, const std::vector<ReleasedTable>& earlier,
                          AreaTable* table) {
  enum class Shown : uint8_t { kNowhere, kSuppressed, kPublished };
  const size_t columns = table->measures.size();
  std::vector<std::vector<Shown>> shown(table->rows.size(),
                                        std::vector<Shown>(columns, Shown::kNowhere));
  std::unordered_map<std::string_view, size_t> row_of;
  for (size_t r = 0; r < table->rows.size(); ++r) row_of.emplace(table->rows[r].code, r);
  for (size_t e = 0; e < earlier.size(); ++e) {
    const std::vector<std::optional<size_t>>& column = same[e];
    if (std::none_of(column.begin(), column.end(), [](const auto& j) { return j.has_value(); })) {
      continue;
    }
    for (const AreaRow& row : earlier[e].table.rows) {
      auto r = row_of.find(row.code);
      if (r == row_of.end()) continue;
      for (size_t m = 0; m < column.size(); ++m) {
        if (!column[m] || *column[m] >= row.cells.size()) continue;
        Shown& s = shown[r->second][m];
        if (!row.cells[*column[m]].suppressed) {
          s = Shown::kPublished;
        } else if (s == Shown::kNowhere) {
          s = Shown::kSuppressed;
        }
      }
    }
  }
  for (size_t r = 0; r < table->rows.size(); ++r) {
    for (size_t m = 0; m < columns; ++m) {
      if (shown[r][m] == Shown::kNowhere ||
          (table->rows[r].cells[m].suppressed && shown[r][m] == Shown::kPublished)) {
        return false;
      }
    }
  }
  for (size_t r = 0; r < table->rows.size(); ++r) {
    for (size_t m = 0; m < columns; ++m) {
      table->rows[r].cells[m].suppressed = shown[r][m] == Shown::kSuppressed;
    }
  }
  return true;
}

}  // namespace

StateTransitions InOrder(int states) {
  StateTransitions out;
  for (int later = 2; later <= states; ++later) out.push_back({later - 1, later % states});
  return out;
}

namespace {

// Complements for a table whose primary suppressions are made (ProtectTable after the rules
// and the check for cells shown before). `alone`: the only program being protected, so a core
// is free to find the whole program's first solution (ReleaseModel::OwnThreadForWholeProgram).
absl::StatusOr<ProtectionResult> ProtectSuppressed(const DisclosureRules& rules,
                                                   const TableSpec& spec, const BuurtCounts& truth,
                                                   const std::vector<ReleasedTable>& earlier,
                                                   AreaTable* table,
                                                   const std::vector<BuurtCounts>& earlier_states,
                                                   const StateTransitions& transitions,
                                                   bool alone) {
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
  if (alone) model.OwnThreadForWholeProgram();
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

// The gemeenten of the rows of `tables`, numbered in order of appearance; empty when a row is
// not a CBS code or lies in another gemeente than its parent (then one program covers all).
std::map<std::string, size_t> GemeentenOf(const std::vector<const AreaTable*>& tables) {
  std::map<std::string, size_t> index;
  for (const AreaTable* table : tables) {
    for (const AreaRow& row : table->rows) {
      const std::string gemeente = GemeenteOfArea(row.code);
      if (gemeente.empty() || (!row.parent.empty() && GemeenteOfArea(row.parent) != gemeente)) {
        return {};
      }
      index.emplace(gemeente, index.size());
    }
  }
  return index;
}

// `table`'s rows by gemeente (rows of a gemeente not in `index` are left out); `positions`,
// when given, receives each part's rows' positions in `table`.
std::vector<AreaTable> SplitRows(const AreaTable& table,
                                 const std::map<std::string, size_t>& index,
                                 std::vector<std::vector<size_t>>* positions = nullptr) {
  std::vector<AreaTable> parts(index.size(), AreaTable{.measures = table.measures, .rows = {}});
  if (positions != nullptr) positions->assign(index.size(), {});
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto g = index.find(GemeenteOfArea(table.rows[r].code));
    if (g == index.end()) continue;
    parts[g->second].rows.push_back(table.rows[r]);
    if (positions != nullptr) (*positions)[g->second].push_back(r);
  }
  return parts;
}

// `counts` by gemeente; buurten of no gemeente in `index` are in no table, and left out.
std::vector<BuurtCounts> SplitCounts(const BuurtCounts& counts,
                                     const std::map<std::string, size_t>& index) {
  std::vector<BuurtCounts> parts(index.size());
  for (BuurtCounts& part : parts) part.has_households = counts.has_households;
  for (const auto& [buurt, by_bits] : counts.buurten) {
    auto it = index.find(GemeenteOfArea(buurt));
    if (it != index.end()) parts[it->second].buurten.emplace(buurt, by_bits);
  }
  return parts;
}

// The releases' rows of one gemeente; every release keeps its place (an empty one too), so a
// gemeente's model refers to the same columns as one over all of them.
std::vector<std::vector<ReleasedTable>> SplitReleases(const std::vector<ReleasedTable>& releases,
                                                      const std::map<std::string, size_t>& index) {
  std::vector<std::vector<ReleasedTable>> parts(index.size());
  for (const ReleasedTable& r : releases) {
    std::vector<AreaTable> rows = SplitRows(r.table, index);
    for (size_t g = 0; g < index.size(); ++g) {
      parts[g].push_back({r.spec, std::move(rows[g]), r.rounding_base, r.state, r.perturbed});
    }
  }
  return parts;
}

// Tables of several gemeenten: no published count spans two of them (each row is one area,
// areas add up within their gemeente, and data states link area by area), so the attacker's
// program falls apart into one per gemeente. Each gemeente of `index` is protected on its own,
// with its part of every release and of the counts, on every core: what the attacker learns is
// what one program over all of them would tell, and each gemeente's complements are chosen as
// if it were released alone. Rows of other gemeenten (in earlier releases) are left out.
// `same`: SameColumnsIn of the whole `earlier`.
absl::StatusOr<ProtectionResult> ProtectEachGemeente(
    const DisclosureRules& rules, const TableSpec& spec, const BuurtCounts& truth,
    const std::vector<ReleasedTable>& earlier, AreaTable* table,
    const std::vector<BuurtCounts>& earlier_states, const StateTransitions& transitions,
    const std::map<std::string, size_t>& index, const SameColumns& same) {
  std::vector<std::vector<size_t>> positions;
  std::vector<AreaTable> tables = SplitRows(*table, index, &positions);
  const std::vector<std::vector<ReleasedTable>> releases = SplitReleases(earlier, index);
  const std::vector<BuurtCounts> truths = SplitCounts(truth, index);
  std::vector<std::vector<BuurtCounts>> states(index.size());
  for (const BuurtCounts& state : earlier_states) {
    std::vector<BuurtCounts> parts = SplitCounts(state, index);
    for (size_t g = 0; g < index.size(); ++g) states[g].push_back(std::move(parts[g]));
  }
  std::vector<ProtectionResult> results(index.size());
  const std::vector<absl::Status> done = ForEachIndex(index.size(), /*threads=*/0, [&](size_t g) {
    // A gemeente's part of the table with only cells shown before publishes nothing new of this
    // data state. (Over several, its model is built, for the changes the audit reads.)
    if (earlier_states.empty()) {
      const int primary = SuppressedCells(tables[g]);
      if (ShowOnlyWhatWasShown(same, releases[g], &tables[g])) {
        results[g].primary = primary;
        results[g].secondary = SuppressedCells(tables[g]) - primary;
        results[g].changes.emplace();
        return absl::OkStatus();
      }
    }
    auto r = ProtectSuppressed(rules, spec, truths[g], releases[g], &tables[g], states[g],
                               transitions, /*alone=*/index.size() == 1);
    if (r.ok()) results[g] = *std::move(r);
    return r.status();
  });
  ProtectionResult result;
  result.changes.emplace();
  for (size_t g = 0; g < index.size(); ++g) {
    if (!done[g].ok()) return done[g];
    for (size_t i = 0; i < positions[g].size(); ++i) {
      table->rows[positions[g][i]].cells = std::move(tables[g].rows[i].cells);
    }
    result.primary += results[g].primary;
    result.secondary += results[g].secondary;
    result.ranges_solved += results[g].ranges_solved;
    result.narrowed_by_earlier += results[g].narrowed_by_earlier;
    result.changes->insert(result.changes->end(), results[g].changes->begin(),
                           results[g].changes->end());
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
  // Shown before, whole (asked again, or a part of an earlier table such as its gemeente
  // totals): the same cells as then, which tells nothing new, over any number of data states
  // (the same request on the same data gives the same table).
  const SameColumns same = SameColumnsIn(spec, rules.rounding_base, earlier);
  if (ShowOnlyWhatWasShown(same, earlier, table)) {
    ProtectionResult result;
    result.primary = primary;
    result.secondary = SuppressedCells(*table) - primary;
    return result;
  }
  std::vector<const AreaTable*> tables = {table};
  for (const ReleasedTable& e : earlier) tables.push_back(&e.table);
  if (auto index = GemeentenOf(tables); index.size() > 1) {
    // Over one data state, a gemeente in which the new table has no row publishes nothing new:
    // what was proved for it holds, and only the new table's gemeenten are protected.
    if (earlier_states.empty()) index = GemeentenOf({table});
    return ProtectEachGemeente(rules, spec, truth, earlier, table, earlier_states, transitions,
                               index, same);
  }
  return ProtectSuppressed(rules, spec, truth, earlier, table, earlier_states, transitions,
                           /*alone=*/true);
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
  // (on every core), and the first failure in the order the gemeenten appear is reported.
  std::vector<const AreaTable*> tables;
  for (const ReleasedTable& r : releases) tables.push_back(&r.table);
  const auto index = GemeentenOf(tables);
  if (index.size() <= 1) return AuditOneProgram(rules, releases, truth, transitions, changes);
  const std::vector<std::vector<ReleasedTable>> parts = SplitReleases(releases, index);
  const std::vector<BuurtCounts> truths =
      truth != nullptr ? SplitCounts(*truth, index) : std::vector<BuurtCounts>(index.size());
  std::vector<std::vector<StateChange>> own_changes(index.size());
  for (const StateChange& c : changes) {
    auto it = index.find(GemeenteOfArea(c.area));
    if (it != index.end()) own_changes[it->second].push_back(c);
  }
  for (const absl::Status& audit : ForEachIndex(index.size(), /*threads=*/0, [&](size_t g) {
         return AuditOneProgram(rules, parts[g], truth != nullptr ? &truths[g] : nullptr,
                                transitions, own_changes[g]);
       })) {
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
