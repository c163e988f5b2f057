#include "linker/table_protection.h"

#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "linker/area_code.h"
#include "linker/attacker_lp.h"
#include "linker/disclosure.h"

namespace stapel {
namespace {

// Atoms are all combinations of the attributes a unit's columns refer to: 2^12 at most.
constexpr int kMaxAttributesPerUnit = 12;
constexpr int kUnits = 2;
// Longest a master program of FindFewestSuppressions may take before its best choice is used.
constexpr double kMasterSeconds = 60;
// The clean-up stops when the programs it solves reach this much work (ReleaseModel::work):
// about 1.6 s at 100 buurten with 50 earlier releases on the benchmark machine, and the same
// table from the same data on any machine.
constexpr int64_t kCleanUpWork = 400'000;
// Complements tried per unprotected cell before taking the one that widens it most.
constexpr int kCandidatesTried = 8;
// Partner wijken tried for a target its own wijk's program does not protect
// (ReleaseModel::Partners).
constexpr size_t kPartnersTried = 3;

int UnitIndex(CountUnit unit) { return unit == CountUnit::kPersons ? 0 : 1; }

// The attribute bits of atom `atom` over the set bits of `mask`, and back.
uint64_t Deposit(uint64_t atom, uint64_t mask) {
  uint64_t bits = 0;
  for (int i = 0; mask != 0; ++i, mask &= mask - 1) {
    if ((atom >> i) & 1) bits |= mask & -mask;
  }
  return bits;
}
uint64_t Extract(uint64_t bits, uint64_t mask) {
  uint64_t atom = 0;
  for (int i = 0; mask != 0; ++i, mask &= mask - 1) {
    if (bits & mask & -mask) atom |= uint64_t{1} << i;
  }
  return atom;
}

// The whole-number range of `terms` over the LP's kept solutions and the true value (also a
// solution): part of the attacker's range, known without solving; nullopt when none is kept.
std::optional<CountRange> SeenRange(const AttackerLp& lp, const LinearTerms& terms, int64_t truth) {
  std::optional<CountRange> seen = lp.Spanned(terms);
  if (seen.has_value()) {
    seen->lo = std::min(seen->lo, truth);
    seen->hi = std::max(seen->hi, truth);
  }
  return seen;
}

// A cell of some release: an area and a column function.
struct CellKey {
  int area;
  int function;
  auto operator<=>(const CellKey&) const = default;
};

struct CellInfo {
  bool suppressed_somewhere = false;
  bool published_earlier = false;  // fixed by an earlier release: suppressing it now is useless
  bool primary = false;            // suppressed in the new table by a primary rule
  int first_suppressed_in = -1;    // release position, for messages
  int population_function = -1;    // the function counting the cell's population, if any
  Cell* new_cell = nullptr;        // the cell in the table being protected, if any
  int new_row = -1;                // its relation in the LP while it is published
  double lo = 0, hi = 0;           // that relation's bounds
  struct LocalRow {
    int local, row;
    double lo, hi;
  };
  std::vector<LocalRow> local_rows;  // the same cell in the per-wijk programs
};

struct Target {
  CellKey cell;    // the suppressed cell, or the larger of a nested pair
  int inner = -1;  // for a difference: the smaller function of the pair
  LinearTerms terms;
  int64_t truth = -1;  // -1 when not known (the auditor)
};

class ReleaseModel {
 public:
  // `tables`: the releases in order; the last one is the table being protected when
  // `new_table` is set.
  absl::Status Build(const std::vector<const ReleasedTable*>& tables, AreaTable* new_table) {
    tables_ = tables;
    auto rows_of = [&](size_t t) -> const std::vector<AreaRow>& {
      return new_table != nullptr && t + 1 == tables.size() ? new_table->rows
                                                            : tables[t]->table.rows;
    };
    for (size_t t = 0; t < tables.size(); ++t) {
      for (const auto& row : rows_of(t)) AreaIndex(row.code, row.parent);
    }
    for (size_t a = 0; a < parent_.size(); ++a) {
      if (parent_[a] >= 0) children_[parent_[a]].push_back(static_cast<int>(a));
    }
    for (const ReleasedTable* t : tables) {
      for (const auto& c : t->spec.columns) {
        mask_[UnitIndex(c.unit)] |= c.population.ReferencedBits() | c.measure.ReferencedBits();
      }
    }
    for (int u = 0; u < kUnits; ++u) {
      if (std::popcount(mask_[u]) > kMaxAttributesPerUnit) {
        return absl::InvalidArgumentError(fmt::format(
            "the releases together refer to {} attributes of {}; the protection model handles "
            "at most {}",
            std::popcount(mask_[u]), u == 0 ? "persons" : "households", kMaxAttributesPerUnit));
      }
    }
    // Column functions, by the atoms they take in.
    std::map<std::pair<int, std::vector<bool>>, int> function_ids;
    for (const ReleasedTable* t : tables) {
      std::vector<int> ids;
      for (const auto& c : t->spec.columns) {
        const int u = UnitIndex(c.unit);
        std::vector<bool> atoms(size_t{1} << std::popcount(mask_[u]));
        for (uint64_t a = 0; a < atoms.size(); ++a) atoms[a] = c.Counts(Deposit(a, mask_[u]));
        auto [it, fresh] = function_ids.try_emplace({u, atoms}, function_unit_.size());
        if (fresh) {
          function_unit_.push_back(u);
          function_atoms_.push_back(atoms);
        }
        ids.push_back(it->second);
      }
      column_function_.push_back(std::move(ids));
    }
    // Atoms no column tells apart are one unknown (a class); atoms no column takes in are left
    // out.
    function_classes_.resize(function_unit_.size());
    for (int u = 0; u < kUnits; ++u) {
      std::map<std::vector<bool>, int> class_ids;
      atom_class_[u].assign(size_t{1} << std::popcount(mask_[u]), -1);
      for (uint64_t a = 0; a < atom_class_[u].size(); ++a) {
        std::vector<bool> signature(function_unit_.size());
        bool any = false;
        for (size_t f = 0; f < function_unit_.size(); ++f) {
          signature[f] = function_unit_[f] == u && function_atoms_[f][a];
          any = any || signature[f];
        }
        if (!any) continue;
        auto [it, fresh] = class_ids.try_emplace(signature, static_cast<int>(class_ids.size()));
        atom_class_[u][a] = it->second;
        if (fresh) {
          for (size_t f = 0; f < function_unit_.size(); ++f) {
            if (signature[f]) function_classes_[f].push_back(it->second);
          }
        }
      }
      classes_[u] = static_cast<int>(class_ids.size());
    }
    overlapping_.resize(function_unit_.size());
    for (size_t f = 0; f < function_unit_.size(); ++f) {
      for (size_t g = 0; g < function_unit_.size(); ++g) {
        if (Overlaps(static_cast<int>(f), static_cast<int>(g)))
          overlapping_[f].push_back(static_cast<int>(g));
      }
    }
    offset_[1] = static_cast<int>(parent_.size()) * classes_[0];
    lp_ = std::make_unique<AttackerLp>(offset_[1] + static_cast<int>(parent_.size()) * classes_[1]);
    // Every area's unknowns add up to its parent's.
    for (size_t a = 0; a < parent_.size(); ++a) {
      if (children_[a].empty()) continue;
      for (int u = 0; u < kUnits; ++u) {
        for (int c = 0; c < classes_[u]; ++c) {
          LinearTerms terms = {{Unknown(static_cast<int>(a), u, c), 1.0}};
          for (int child : children_[a]) terms.push_back({Unknown(child, u, c), -1.0});
          lp_->AddRelation(terms, 0, 0);
        }
      }
    }
    // What the releases publish.
    std::set<std::tuple<int, int, double, double>> known;
    for (size_t t = 0; t < tables.size(); ++t) {
      const bool is_new = new_table != nullptr && t + 1 == tables.size();
      const RoundingSlack slack = SlackOf(is_new ? 1 : tables[t]->rounding_base);
      for (size_t r = 0; r < rows_of(t).size(); ++r) {
        const AreaRow& row = rows_of(t)[r];
        const int area = area_index_.at(row.code);
        for (size_t m = 0; m < row.cells.size(); ++m) {
          const Cell& cell = row.cells[m];
          const CellKey key{area, column_function_[t][m]};
          CellInfo& info = cells_[key];
          if (const int p = tables[t]->spec.columns[m].population_column; p >= 0) {
            info.population_function = column_function_[t][p];
          }
          if (cell.suppressed) {
            if (!info.suppressed_somewhere) info.first_suppressed_in = static_cast<int>(t);
            info.suppressed_somewhere = true;
          }
          if (is_new) info.new_cell = &new_table->rows[r].cells[m];
          if (cell.suppressed && !is_new) continue;
          const double lo = static_cast<double>(std::max<int64_t>(0, cell.value - slack.below));
          const double hi = static_cast<double>(cell.value + slack.above);
          if (is_new) {
            // Suppressed cells of the new table too: the relation is there to be forgotten
            // (below) and known again when a complement is published after all.
            info.new_row = lp_->AddRelation(Terms(key), lo, hi);
            if (cell.suppressed) lp_->Forget(info.new_row);
            row_cell_[info.new_row] = key;
            info.lo = lo;
            info.hi = hi;
            published_.push_back({key, lo, hi, true});
          } else {
            info.published_earlier = true;
            if (known.insert({key.area, key.function, lo, hi}).second) {
              lp_->AddRelation(Terms(key), lo, hi);
              published_.push_back({key, lo, hi, false});
            }
          }
        }
      }
    }
    return absl::OkStatus();
  }

  // The model of `earlier` and the new `table` (made by `spec`, its cells read from `table`,
  // `primary` its cells the primary rules suppress), with the truth.
  absl::Status BuildForNewTable(const TableSpec& spec, const std::vector<ReleasedTable>& earlier,
                                AreaTable* table, const std::set<const Cell*>& primary,
                                const BuurtCounts& truth) {
    new_spec_ = {spec, AreaTable{}, 1};
    std::vector<const ReleasedTable*> tables;
    for (const auto& e : earlier) tables.push_back(&e);
    tables.push_back(&new_spec_);
    if (auto s = Build(tables, table); !s.ok()) return s;
    for (auto& [key, info] : cells_) info.primary = primary.contains(info.new_cell);
    SetTruth(truth);
    return absl::OkStatus();
  }

  // True counts per unknown, from the linked persons.
  void SetTruth(const BuurtCounts& counts) {
    truth_.assign(lp_->unknowns(), 0);
    residents_.assign(parent_.size(), 0);
    for (const auto& [buurt, by_bits] : counts.buurten) {
      const int leaf = LeafOf(buurt);
      if (leaf < 0) continue;
      for (const auto& [bits, n] : by_bits.persons) residents_[leaf] += n;
      for (int u = 0; u < kUnits; ++u) {
        for (const auto& [bits, n] :
             by_bits.of(u == 0 ? CountUnit::kPersons : CountUnit::kHouseholds)) {
          const int c = atom_class_[u][Extract(bits, mask_[u])];
          if (c >= 0) truth_[Unknown(leaf, u, c)] += n;
        }
      }
    }
    for (size_t a = 0; a < parent_.size(); ++a) {
      if (parent_[a] < 0) AddUp(static_cast<int>(a));
    }
    BuildLocals();
  }

  // Per wijk (a child of a top area): the attacker's program if he also knew every count
  // outside that wijk exactly. It is tighter than the full program, so a target it finds
  // protected is protected; it is small, so most targets are settled cheaply. Needs the truth.
  // Programs for a wijk and a partner wijk are made when needed (PairLocal).
  void BuildLocals() {
    local_of_area_.assign(parent_.size(), -1);
    for (size_t top = 0; top < parent_.size(); ++top) {
      if (parent_[top] >= 0) continue;
      for (int wijk : children_[top]) {
        for (int a : Subtree(wijk)) local_of_area_[a] = static_cast<int>(locals_.size());
        MakeLocal(static_cast<int>(top), {wijk});
      }
    }
    singles_ = static_cast<int>(locals_.size());
  }

  // The wijk programs of the program that proved the last target Protected found protected:
  // its own wijk's, its and a partner's, or none (the whole program).
  const std::vector<int>& LastProof() const { return last_proof_; }

  // Checks every target in the whole program only.
  void WholeProgramOnly() { local_of_area_.assign(parent_.size(), -1); }

  // With the truth: the suppressed cells that the primary rules protect (a count of 1..k-1,
  // a count within k-1 of its population, any count of an area below the minimum population)
  // and the sensitive differences. Without: every suppressed cell and nested difference.
  std::vector<Target> Targets(const DisclosureRules& rules) const {
    std::vector<Target> targets;
    for (const auto& [key, info] : cells_) {
      if (!info.suppressed_somewhere) continue;
      Target t = MakeTarget(key, -1);
      if (truth_.empty() || Sensitive(t, info, rules)) targets.push_back(std::move(t));
    }
    AddDifferenceTargets(rules.k, &targets);
    return targets;
  }

  bool Sensitive(const Target& t, const CellInfo& info, const DisclosureRules& rules) const {
    if (t.truth == 0) return false;  // a zero tells nothing about anyone
    if (t.truth < rules.k) return true;
    const int64_t residents = residents_[t.cell.area];
    if (residents > 0 && residents < rules.min_area_population) return true;
    if (rules.group_disclosure && info.population_function >= 0) {
      const int64_t population = TrueValue(Terms({t.cell.area, info.population_function}));
      return population - t.truth < rules.k;
    }
    return false;
  }

  Target MakeTarget(CellKey key, int inner) const {
    Target t{key, inner, Terms(key, inner), -1};
    if (!truth_.empty()) t.truth = TrueValue(t.terms);
    return t;
  }

  void AddDifferenceTargets(int k, std::vector<Target>* targets) const {
    const size_t n = function_unit_.size();
    for (size_t inner = 0; inner < n; ++inner) {
      for (size_t outer = 0; outer < n; ++outer) {
        if (inner == outer || !StrictlyWithin(inner, outer)) continue;
        for (size_t area = 0; area < parent_.size(); ++area) {
          const CellKey key{static_cast<int>(area), static_cast<int>(outer)};
          if (!cells_.contains(key) || !cells_.contains({key.area, static_cast<int>(inner)}))
            continue;
          Target t = MakeTarget(key, static_cast<int>(inner));
          if (!truth_.empty() && (t.truth < 1 || t.truth >= k)) continue;  // not sensitive
          targets->push_back(std::move(t));
        }
      }
    }
  }

  // Whether the hub may publish this: see the header for the two rules.
  // The hub's rule in one program (the whole one, a wijk's or a pair's), knowing the true value:
  // the upper end alone may show enough room; else the new table's cells binding that end go to
  // `limiting` (rows found through `row_cell`) and the range is checked.
  absl::StatusOr<bool> HubCheck(AttackerLp& lp, const LinearTerms& terms, int64_t truth,
                                const DisclosureRules& rules,
                                const std::map<int, CellKey>& row_cell, CountRange* out,
                                std::vector<CellKey>* limiting) const {
    // The solutions found for earlier questions, and the truth, span part of the attacker's
    // range: if that part is wide enough, so is the range. It often settles it without solving.
    // (The solution Bound finds is kept too.)
    auto protected_by_seen = [&] {
      const std::optional<CountRange> seen = SeenRange(lp, terms, truth);
      return seen.has_value() && IsProtected(*seen, rules.k, rules.protection_width);
    };
    if (protected_by_seen()) return true;
    auto hi = lp.Bound(terms, true);
    if (!hi.ok()) return hi.status();
    if (!hi->has_value() || **hi - truth >= rules.protection_width) return true;
    if (limiting != nullptr) {
      limiting->clear();
      for (const auto& [row, dual] : lp.BindingRelations()) {
        auto it = row_cell.find(row);
        if (it != row_cell.end() && !cells_.at(it->second).new_cell->suppressed) {
          limiting->push_back(it->second);
        }
      }
    }
    if (protected_by_seen()) return true;
    auto lo = lp.Bound(terms, false);
    if (!lo.ok()) return lo.status();
    *out = {lo->value_or(0), **hi, false};
    return IsProtected(*out, rules.k, rules.protection_width);
  }

  // `limiting`, when given and the target is not protected, receives the published cells of the
  // new table that limit its upper bound.
  // `wijk_only`: a target of a wijk counts as protected only if its wijk program, or the pair's
  // program that protected it before, protects it.
  absl::StatusOr<bool> Protected(const Target& t, const DisclosureRules& rules, CountRange* out,
                                 std::vector<CellKey>* limiting = nullptr, bool wijk_only = false) {
    ++solved_;
    last_proof_.clear();
    if (t.truth >= 0 && local_of_area_[t.cell.area] >= 0) {  // the cheap, tighter checks first
      const int single = local_of_area_[t.cell.area];
      // A target a pair's program protected before is likeliest to be so there again.
      const auto hint = pair_proof_.find({t.cell, t.inner});
      const int hinted = hint == pair_proof_.end() ? -1 : hint->second;
      if (hinted >= 0) {
        auto ok = InPair(t, rules, hinted);
        if (!ok.ok() || *ok) return ok;
      }
      std::vector<CellKey> local_limiting;
      auto ok = HubCheck(*locals_[single].lp, LocalTerms(locals_[single], t.cell, t.inner), t.truth,
                         rules, locals_[single].row_cell, out, &local_limiting);
      if (!ok.ok()) return ok;
      if (*ok) {
        last_proof_ = {single};
        return true;
      }
      // Where only the top area's counts pin it down, a partner wijk may leave it room.
      for (int partner :
           wijk_only ? std::vector<int>() : Partners(single, Pinning(single, t, local_limiting))) {
        const int l = PairLocal(single, partner);
        if (l == hinted) continue;
        auto ok = InPair(t, rules, l);
        if (!ok.ok() || *ok) return ok;
      }
      if (wijk_only) return false;
      // Widen it within the wijk where the wijk's own cells limit it; only otherwise ask the
      // whole program (protection may come from elsewhere, or the cells to suppress lie there).
      if (limiting != nullptr && !local_limiting.empty()) {
        *limiting = std::move(local_limiting);
        return false;
      }
    }
    if (t.truth >= 0) return HubCheck(*lp_, t.terms, t.truth, rules, row_cell_, out, limiting);
    // The auditor, without true values: no suppressed cell or difference may be known to be a
    // small count (its range within 1..k-1). The upper end alone often settles it.
    if (const std::optional<CountRange> span = lp_->Spanned(t.terms);
        span.has_value() && (span->hi >= rules.k || span->lo < 1)) {
      return true;
    }
    auto hi = lp_->Bound(t.terms, true);
    if (!hi.ok()) return hi.status();
    *out = {0, hi->value_or(0), !hi->has_value()};
    if (!hi->has_value() || **hi >= rules.k) return true;
    auto lo = lp_->Bound(t.terms, false);
    if (!lo.ok()) return lo.status();
    out->lo = lo->value_or(0);
    return out->lo < 1;
  }

  // For a target of a wijk that only the whole program protects: tries every sibling wijk as its
  // partner, so that the clean-up's checks of it are cheap where one of them protects it too.
  absl::StatusOr<bool> ProtectedWithAnyPartner(const Target& t, const DisclosureRules& rules) {
    last_proof_.clear();
    if (t.truth < 0 || local_of_area_[t.cell.area] < 0) return false;
    const int single = local_of_area_[t.cell.area];
    for (int sibling : children_[locals_[single].top]) {
      if (local_of_area_[sibling] == single) continue;
      auto ok = InPair(t, rules, PairLocal(single, local_of_area_[sibling]));
      if (!ok.ok() || *ok) return ok;
    }
    return false;
  }

  // For the exact model (FindFewestSuppressions): a constraint on which of the new table's
  // published cells to suppress that every protection of `t` meets and the present choice
  // breaks, or nullopt when the present choice leaves the attacker's LP range of `t` at least
  // `width` wide. From the dual values of both ends: suppressing a published cell c frees its
  // relation, which moves an end by at most its dual times the cell's count (down to 0) or
  // without limit (upwards, unbounded above). So the range can reach `width` only if the
  // published cells now binding it and later suppressed give the width still missing; a
  // term's weight is capped at what is missing, which keeps the constraint valid for 0/1
  // choices and makes it tighter.
  struct Cut {
    std::vector<std::pair<CellKey, double>> terms;
    double missing = 0;
  };
  absl::StatusOr<std::optional<Cut>> CutFor(const Target& t, int width) {
    ++solved_;
    // As in HubCheck: the solutions found earlier, and the truth, may already span the width.
    if (const std::optional<CountRange> seen = SeenRange(*lp_, t.terms, t.truth);
        seen.has_value() && seen->hi - seen->lo >= width) {
      return std::nullopt;
    }
    std::map<CellKey, double> weight;
    double ends[2];
    for (int maximize = 1; maximize >= 0; --maximize) {
      auto end = lp_->Optimum(t.terms, maximize != 0);
      if (!end.ok()) return end.status();
      if (!end->has_value()) return std::nullopt;  // unbounded above: protected
      ends[maximize] = **end;
      for (const auto& [row, dual] : lp_->BindingRelations()) {
        auto it = row_cell_.find(row);
        if (it == row_cell_.end()) continue;
        const double gain = maximize != 0 ? dual : -dual;  // > 0: moves the end outwards as
        weight[it->second] += gain > 0 ? width             //  the count grows, without limit
                                       : std::abs(dual) * cells_.at(it->second).lo;
      }
    }
    Cut cut;
    cut.missing = width - (ends[1] - ends[0]);
    if (cut.missing <= 1e-6) return std::nullopt;
    for (const auto& [key, w] : weight) {
      if (w > 1e-9) cut.terms.push_back({key, std::min(w, cut.missing)});
    }
    return cut;
  }

  // The new table's cells a protection may still choose to suppress: published so far and not
  // already known from an earlier release.
  std::vector<CellKey> Choosable() const {
    std::vector<CellKey> out;
    for (const auto& [key, info] : cells_) {
      if (info.new_cell != nullptr && !info.new_cell->suppressed && !info.published_earlier) {
        out.push_back(key);
      }
    }
    return out;
  }

  // Published cells of the new table whose suppression could widen target `t`: first the
  // linked columns of its own area, then its columns in the enclosing, sibling and contained
  // areas, then their linked columns, then linked columns anywhere else; cheapest (smallest
  // non-zero count) first in each group.
  std::vector<CellKey> Candidates(const Target& t) const {
    std::vector<int> areas = children_[t.cell.area];
    if (const int p = parent_[t.cell.area]; p >= 0) {
      areas.insert(areas.end(), children_[p].begin(), children_[p].end());
    }
    for (int a = parent_[t.cell.area]; a >= 0; a = parent_[a]) areas.push_back(a);
    std::set<int> functions = {t.cell.function};
    if (t.inner >= 0) functions.insert(t.inner);
    std::vector<CellKey> groups[4];
    for (const auto& [key, info] : cells_) {
      if (info.new_cell == nullptr || info.new_cell->suppressed || info.published_earlier ||
          !Overlaps(key.function, t.cell.function)) {
        continue;
      }
      if (key.area == t.cell.area) {
        groups[0].push_back(key);
      } else if (std::find(areas.begin(), areas.end(), key.area) != areas.end()) {
        groups[functions.contains(key.function) ? 1 : 2].push_back(key);
      } else {
        groups[3].push_back(key);
      }
    }
    std::vector<CellKey> out;
    for (auto& group : groups) {
      std::stable_sort(group.begin(), group.end(), [&](CellKey a, CellKey b) {
        const int64_t va = cells_.at(a).new_cell->value, vb = cells_.at(b).new_cell->value;
        return std::pair(va == 0, va) < std::pair(vb == 0, vb);
      });
      out.insert(out.end(), group.begin(), group.end());
    }
    return out;
  }

  void Suppress(CellKey key, bool on) {
    CellInfo& info = cells_.at(key);
    if (on) {
      lp_->Forget(info.new_row);
      for (const auto& r : info.local_rows) locals_[r.local].lp->Forget(r.row);
    } else {
      lp_->Restore(info.new_row, info.lo, info.hi);
      for (const auto& r : info.local_rows) locals_[r.local].lp->Restore(r.row, r.lo, r.hi);
    }
  }

  void MarkSuppressed(CellKey key) {
    CellInfo& info = cells_.at(key);
    info.new_cell->suppressed = true;
    info.suppressed_somewhere = true;
  }

  // Publishes a complement of the new table again (in the table and in every program).
  void Republish(CellKey key) {
    CellInfo& info = cells_.at(key);
    Suppress(key, false);
    info.new_cell->suppressed = false;
    info.suppressed_somewhere =
        info.first_suppressed_in >= 0 && info.first_suppressed_in + 1 < std::ssize(tables_);
  }

  // The new table's suppressed cells other than `primary` (not already published earlier),
  // largest count first.
  std::vector<CellKey> Complements(const std::set<const Cell*>& primary) const {
    std::vector<CellKey> out;
    for (const auto& [key, info] : cells_) {
      if (info.new_cell != nullptr && info.new_cell->suppressed &&
          !primary.contains(info.new_cell) && !info.published_earlier) {
        out.push_back(key);
      }
    }
    std::stable_sort(out.begin(), out.end(),
                     [&](CellKey a, CellKey b) { return Value(a) > Value(b); });
    return out;
  }

  // The wijk program a cell's relation is in, or -1 (a top area's cell is in all of them).
  int WijkOf(CellKey key) const { return local_of_area_[key.area]; }
  int Wijken() const { return singles_; }

  // The work of every program solved so far (AttackerLp::work).
  int64_t work() const {
    int64_t sum = lp_->work();
    for (const Local& local : locals_) sum += local.lp->work();
    return sum;
  }

  std::string Describe(const Target& t) const {
    const std::string& area = codes_[t.cell.area];
    if (t.inner < 0) {
      return fmt::format("the suppressed count of '{}' in {}", FunctionName(t.cell.function), area);
    }
    return fmt::format("the difference '{}' minus '{}' in {}", FunctionName(t.cell.function),
                       FunctionName(t.inner), area);
  }

  int64_t Value(CellKey key) const { return cells_.at(key).new_cell->value; }
  int FirstSuppressedIn(CellKey key) const { return cells_.at(key).first_suppressed_in; }
  int solved() const { return solved_; }

 private:
  int AreaIndex(const std::string& code, const std::string& parent_code) {
    auto [it, fresh] = area_index_.try_emplace(code, static_cast<int>(codes_.size()));
    if (fresh) {
      codes_.push_back(code);
      parent_.push_back(-1);
      children_.emplace_back();
    }
    if (!parent_code.empty()) {
      auto p = area_index_.find(parent_code);
      if (p != area_index_.end()) parent_[it->second] = p->second;
    }
    return it->second;
  }

  int LeafOf(const std::string& buurt) const {
    for (const std::string& code :
         {buurt, WijkOfBuurt(buurt), GemeenteOfWijk(WijkOfBuurt(buurt))}) {
      auto it = area_index_.find(code);
      if (it != area_index_.end()) return children_[it->second].empty() ? it->second : -1;
    }
    return -1;
  }

  void AddUp(int area) {
    for (int child : children_[area]) {
      AddUp(child);
      residents_[area] += residents_[child];
      for (int u = 0; u < kUnits; ++u) {
        for (int c = 0; c < classes_[u]; ++c)
          truth_[Unknown(area, u, c)] += truth_[Unknown(child, u, c)];
      }
    }
  }

  int Unknown(int area, int unit, int cls) const {
    return offset_[unit] + area * classes_[unit] + cls;
  }

  struct Local {
    int top = -1;
    std::vector<int> wijken;   // the top area's children it leaves free
    std::map<int, int> owner;  // area of their subtrees -> its index here
    int offset1 = 0;           // where household unknowns start
    std::unique_ptr<AttackerLp> lp;
    std::map<int, CellKey> row_cell;  // relations of the new table's published cells
  };

  // Whether pair program `l` protects target `t` (the hub's rule); remembers it if so.
  absl::StatusOr<bool> InPair(const Target& t, const DisclosureRules& rules, int l) {
    const Local& pair = locals_[l];
    CountRange range;
    auto ok = HubCheck(*pair.lp, LocalTerms(pair, t.cell, t.inner), t.truth, rules, pair.row_cell,
                       &range, nullptr);
    if (ok.ok() && *ok) {
      last_proof_.clear();
      for (int wijk : pair.wijken) last_proof_.push_back(local_of_area_[wijk]);
      pair_proof_[{t.cell, t.inner}] = l;
    }
    return ok;
  }

  std::vector<int> Subtree(int area) const {
    std::vector<int> out, stack = {area};
    while (!stack.empty()) {
      const int a = stack.back();
      stack.pop_back();
      out.push_back(a);
      stack.insert(stack.end(), children_[a].begin(), children_[a].end());
    }
    return out;
  }

  // Makes the program of `wijken` (children of `top`): every count outside them known. Returns
  // its index.
  int MakeLocal(int top, std::vector<int> wijken) {
    const int l = static_cast<int>(locals_.size());
    Local local;
    local.top = top;
    local.wijken = std::move(wijken);
    for (int wijk : local.wijken) {
      for (int a : Subtree(wijk)) local.owner.emplace(a, static_cast<int>(local.owner.size()));
    }
    const int owners = static_cast<int>(local.owner.size());
    local.offset1 = owners * classes_[0];
    local.lp = std::make_unique<AttackerLp>(owners * (classes_[0] + classes_[1]));
    for (const auto& [a, owner] : local.owner) {
      if (children_[a].empty()) continue;
      for (int u = 0; u < kUnits; ++u) {
        for (int c = 0; c < classes_[u]; ++c) {
          LinearTerms terms = {{LocalUnknown(local, a, u, c), 1.0}};
          for (int child : children_[a]) terms.push_back({LocalUnknown(local, child, u, c), -1.0});
          local.lp->AddRelation(terms, 0, 0);
        }
      }
    }
    for (const Published& p : published_) {
      LinearTerms terms;
      double shift = 0;  // the top area's count minus these wijken's part of it is known
      if (p.key.area == top) {
        shift = static_cast<double>(TrueValue(Terms(p.key)));
        for (int wijk : local.wijken) {
          const CellKey part{wijk, p.key.function};
          shift -= static_cast<double>(TrueValue(Terms(part)));
          const LinearTerms part_terms = LocalTerms(local, part, -1);
          terms.insert(terms.end(), part_terms.begin(), part_terms.end());
        }
      } else if (local.owner.contains(p.key.area)) {
        terms = LocalTerms(local, p.key, -1);
      } else {
        continue;
      }
      const double lo = std::max(0.0, p.lo - shift), hi = p.hi - shift;
      const int row = local.lp->AddRelation(terms, lo, hi);
      if (p.is_new) {
        CellInfo& info = cells_.at(p.key);
        if (info.new_cell->suppressed) local.lp->Forget(row);
        info.local_rows.push_back({l, row, lo, hi});
        local.row_cell[row] = p.key;
      }
    }
    locals_.push_back(std::move(local));
    return l;
  }

  // The program of wijk programs `a` and `b` together, made the first time it is asked for.
  int PairLocal(int a, int b) {
    const std::pair<int, int> key = std::minmax(a, b);
    if (auto it = pairs_.find(key); it != pairs_.end()) return it->second;
    const int l = MakeLocal(locals_[a].top, {locals_[a].wijken[0], locals_[b].wijken[0]});
    pairs_[key] = l;
    return l;
  }

  // Whether no release fixes the cell: it is suppressed in the new table and was never
  // published before (or the new table lacks it).
  bool Free(CellKey key) const {
    auto it = cells_.find(key);
    return it == cells_.end() ||
           (!it->second.published_earlier &&
            (it->second.new_cell == nullptr || it->second.new_cell->suppressed));
  }

  // The top area's columns that pin target `t` down in wijk program `single`, where
  // `limiting` are the new table's cells that limit it there: their columns if all are the top
  // area's, none if a cell of the wijk is among them; if none of the new table's cells limits
  // it (earlier releases do), the top area's published columns overlapping the target's.
  std::vector<int> Pinning(int single, const Target& t,
                           const std::vector<CellKey>& limiting) const {
    std::vector<int> out;
    for (CellKey key : limiting) {
      if (local_of_area_[key.area] >= 0) return {};
      out.push_back(key.function);
    }
    if (limiting.empty()) {
      for (int g : overlapping_[t.cell.function]) {
        if (!Free({locals_[single].top, g})) out.push_back(g);
      }
    }
    return out;
  }

  // Whether some cell of `function` in the subtree of `area` is suppressed for its own sake: by
  // a primary rule of the new table, or in an earlier release.
  bool Anchored(int area, int function) const {
    for (int a : Subtree(area)) {
      auto it = cells_.find({a, function});
      if (it == cells_.end()) continue;
      const CellInfo& info = it->second;
      if (info.primary ||
          (info.first_suppressed_in >= 0 && info.first_suppressed_in + 1 < std::ssize(tables_))) {
        return true;
      }
    }
    return false;
  }

  // Partners for a target of wijk program `single` that the top area's published counts in
  // `functions` pin down: the wijk programs of sibling wijken whose own count in one of them is
  // free, so that in their pair's program the top area fixes only the two wijken's sum. Only
  // where that count stays free anyway (Anchored): a pair that relies on a complement keeps the
  // clean-up from choosing a cheaper one (such as the top area's count). Most such counts first;
  // at most kPartnersTried.
  std::vector<int> Partners(int single, const std::vector<int>& functions) const {
    std::vector<std::pair<int, int>> ranked;  // (-free counts, wijk program)
    const Local& local = locals_[single];
    for (int sibling : children_[local.top]) {
      if (sibling == local.wijken[0]) continue;
      const int free =
          static_cast<int>(std::count_if(functions.begin(), functions.end(), [&](int f) {
            return Free({sibling, f}) && Anchored(sibling, f);
          }));
      if (free > 0) ranked.push_back({-free, local_of_area_[sibling]});
    }
    std::sort(ranked.begin(), ranked.end());
    std::vector<int> out;
    for (size_t i = 0; i < ranked.size() && i < kPartnersTried; ++i)
      out.push_back(ranked[i].second);
    return out;
  }

  int LocalUnknown(const Local& local, int area, int unit, int cls) const {
    return (unit == 0 ? 0 : local.offset1) + local.owner.at(area) * classes_[unit] + cls;
  }

  // Terms(key, inner) over a local program's unknowns; `key.area` must be in its wijk.
  LinearTerms LocalTerms(const Local& local, CellKey key, int inner) const {
    LinearTerms terms;
    for (const auto& [unknown, coefficient] : Terms(key, inner)) {
      const int u = unknown >= offset_[1] && classes_[1] > 0 ? 1 : 0;
      const int c = (unknown - offset_[u]) % classes_[u];
      terms.push_back({LocalUnknown(local, key.area, u, c), coefficient});
    }
    return terms;
  }

  // The cell's sum, or for a nested pair the classes of `function` outside `inner`.
  LinearTerms Terms(CellKey key, int inner = -1) const {
    LinearTerms terms;
    const int u = function_unit_[key.function];
    for (int c : function_classes_[key.function]) {
      if (inner >= 0 &&
          std::binary_search(function_classes_[inner].begin(), function_classes_[inner].end(), c)) {
        continue;
      }
      terms.push_back({Unknown(key.area, u, c), 1.0});
    }
    return terms;
  }

  int64_t TrueValue(const LinearTerms& terms) const {
    int64_t sum = 0;
    for (const auto& [unknown, coefficient] : terms) sum += truth_[unknown];
    return sum;
  }

  bool StrictlyWithin(size_t inner, size_t outer) const {
    if (function_unit_[inner] != function_unit_[outer]) return false;
    const auto& a = function_classes_[inner];
    const auto& b = function_classes_[outer];
    return a.size() < b.size() && std::includes(b.begin(), b.end(), a.begin(), a.end());
  }

  bool Overlaps(int f, int g) const {
    if (function_unit_[f] != function_unit_[g]) return false;
    const auto& a = function_classes_[f];
    const auto& b = function_classes_[g];
    for (int c : a) {
      if (std::binary_search(b.begin(), b.end(), c)) return true;
    }
    return false;
  }

  std::string FunctionName(int f) const {
    for (size_t t = 0; t < tables_.size(); ++t) {
      for (size_t m = 0; m < column_function_[t].size(); ++m) {
        if (column_function_[t][m] == f) return tables_[t]->spec.columns[m].name;
      }
    }
    return "?";
  }

  std::vector<const ReleasedTable*> tables_;
  ReleasedTable new_spec_;  // BuildForNewTable's: the new table's spec
  std::map<std::string, int> area_index_;
  std::vector<std::string> codes_;
  std::vector<int> parent_;
  std::vector<std::vector<int>> children_;
  uint64_t mask_[kUnits] = {0, 0};
  std::vector<int> atom_class_[kUnits];
  int classes_[kUnits] = {0, 0};
  int offset_[kUnits] = {0, 0};
  std::vector<int> function_unit_;
  std::vector<std::vector<bool>> function_atoms_;
  std::vector<std::vector<int>> function_classes_;  // sorted
  std::vector<std::vector<int>> column_function_;   // per release, per column
  std::map<CellKey, CellInfo> cells_;
  std::map<int, CellKey> row_cell_;  // LP relation of a published cell of the new table
  struct Published {
    CellKey key;
    double lo, hi;
    bool is_new;
  };
  std::vector<Published> published_;           // every relation a published cell gives
  std::vector<Local> locals_;                  // per wijk, then per pair of wijken; with the truth
  int singles_ = 0;                            // how many of them are per wijk
  std::map<std::pair<int, int>, int> pairs_;   // two wijk programs -> their pair's program
  std::vector<std::vector<int>> overlapping_;  // per function, the functions overlapping it
  std::vector<int> local_of_area_;             // per area, its local program, or -1 (a top area)
  std::vector<int64_t> truth_;
  std::vector<int64_t> residents_;  // per area, with the truth
  std::unique_ptr<AttackerLp> lp_;
  int solved_ = 0;
  std::map<std::pair<CellKey, int>, int> pair_proof_;  // target -> the pair program proving it
  std::vector<int> last_proof_;  // the wijk programs whose program proved the last target
};

// Suppresses more cells of the new table until every target is protected.
// Returns, per target, the wijk programs of the program that proved it (ReleaseModel::LastProof).
absl::StatusOr<std::vector<std::vector<int>>> ProtectTargets(const DisclosureRules& rules,
                                                             ReleaseModel& model,
                                                             const std::vector<Target>& targets) {
  std::vector<std::vector<int>> proofs;
  // Suppressing more only widens ranges, so a target found protected stays protected, in the
  // same program.
  for (const Target& target : targets) {
    CountRange range;
    std::vector<CellKey> limiting;
    auto ok = model.Protected(target, rules, &range, &limiting);
    if (!ok.ok()) return ok.status();
    while (!*ok) {
      std::optional<CellKey> best;
      if (!limiting.empty()) {
        // A published cell that limits the attacker's upper bound: the cheapest of them.
        best = *std::min_element(limiting.begin(), limiting.end(), [&](CellKey a, CellKey b) {
          const int64_t va = model.Value(a), vb = model.Value(b);
          return std::pair(va == 0, va) < std::pair(vb == 0, vb);
        });
      }
      // Otherwise: the first candidate that protects the target; else, of the first few, the
      // one that widens its range most; else the first that widens it at all; else (it takes
      // two suppressions, as a cell and its complement in a total) the cheapest, and go on.
      const int64_t width_now = range.hi - range.lo;
      const std::vector<CellKey> candidates =
          best ? std::vector<CellKey>() : model.Candidates(target);
      int64_t best_width = width_now;
      int tried = 0;
      for (const CellKey& candidate : candidates) {
        if (best && tried >= kCandidatesTried) break;
        ++tried;
        model.Suppress(candidate, true);
        CountRange widened;
        auto protects = model.Protected(target, rules, &widened);
        if (!protects.ok()) return protects.status();
        model.Suppress(candidate, false);
        const int64_t width = *protects ? INT64_MAX : widened.hi - widened.lo;
        if (width > best_width) {
          best = candidate;
          best_width = width;
        }
        if (*protects) break;
      }
      if (!best && !candidates.empty()) best = candidates.front();
      if (!best) {
        return absl::FailedPreconditionError(fmt::format(
            "{} cannot be protected by suppressing more of this table", model.Describe(target)));
      }
      model.Suppress(*best, true);
      model.MarkSuppressed(*best);
      ok = model.Protected(target, rules, &range, &limiting);
      if (!ok.ok()) return ok.status();
    }
    if (model.LastProof().empty()) {
      if (auto ok = model.ProtectedWithAnyPartner(target, rules); !ok.ok()) return ok.status();
    }
    proofs.push_back(model.LastProof());
  }
  return proofs;
}

// The clean-up after ProtectTargets (as tau-ARGUS's): publishes each complement again, largest
// count first (the top area's last), where every target stays protected. A complement's relation is
// in the programs of its own wijk only (a top area's in all), so a target a wijk program (or a
// pair's) protects needs checking again only for complements in that wijk (or those wijken, or the
// top area), and stays protected in such a program; a target only the whole program protects is
// checked again there for each complement. Stops when the LP work of those checks, which grows with
// the releases, reaches its budget (kCleanUpWork). `proofs`: ProtectTargets's.
absl::Status RepublishUnneeded(const DisclosureRules& rules, ReleaseModel& model,
                               const std::vector<Target>& targets,
                               const std::vector<std::vector<int>>& proofs,
                               const std::set<const Cell*>& primary) {
  std::set<const Target*> whole;
  std::vector<std::set<const Target*>> by_wijk(model.Wijken());  // targets proven there
  std::map<const Target*, int> proven_in;  // how many wijk programs the last proof took
  for (size_t i = 0; i < targets.size(); ++i) {
    if (proofs[i].empty()) whole.insert(&targets[i]);
    for (int w : proofs[i]) by_wijk[w].insert(&targets[i]);
    proven_in[&targets[i]] = static_cast<int>(proofs[i].size());
  }
  const int64_t budget = model.work() + kCleanUpWork;
  // The top area's complements last: each is in every wijk's program, so its check asks every
  // target again, and the budget goes further on the others.
  std::vector<CellKey> complements = model.Complements(primary);
  std::stable_partition(complements.begin(), complements.end(),
                        [&](CellKey c) { return model.WijkOf(c) >= 0; });
  for (const CellKey& complement : complements) {
    if (model.work() >= budget) break;
    const int wijk = model.WijkOf(complement);
    std::set<const Target*> recheck = whole;
    for (int w = 0; w < model.Wijken(); ++w) {
      if (wijk < 0 || w == wijk) recheck.insert(by_wijk[w].begin(), by_wijk[w].end());
    }
    // The targets of the complement's own area first: they are the likeliest to need it; then
    // the cheaper checks (a wijk's program, a pair's, the whole program).
    std::vector<const Target*> order(recheck.begin(), recheck.end());
    auto rank = [&](const Target* t) {
      return std::pair(t->cell.area != complement.area, whole.contains(t) ? 3 : proven_in[t]);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const Target* a, const Target* b) { return rank(a) < rank(b); });
    model.Republish(complement);
    bool needed = false;
    for (const Target* t : order) {
      CountRange range;
      auto ok = model.Protected(*t, rules, &range, nullptr, !whole.contains(t));
      if (!ok.ok()) return ok.status();
      if (!*ok) {
        needed = true;
        break;
      }
      for (int w : model.LastProof()) by_wijk[w].insert(t);
      proven_in[t] = static_cast<int>(model.LastProof().size());
    }
    if (needed) {
      model.Suppress(complement, true);
      model.MarkSuppressed(complement);
    }
  }
  return absl::OkStatus();
}

int SuppressedCells(const AreaTable& table) {
  int n = 0;
  for (const auto& row : table.rows) {
    for (const auto& c : row.cells) n += c.suppressed;
  }
  return n;
}

// The master program of FindFewestSuppressions: 0/1 per choosable cell, fewest suppressions,
// subject to the cuts found so far. Returns the chosen cells and a lower bound on its optimum
// (the optimum itself unless the time ran out).
struct MasterChoice {
  std::vector<CellKey> chosen;
  double lower_bound = 0;
  bool solved = false;
};

class MasterProgram {
 public:
  explicit MasterProgram(std::vector<CellKey> choosable)
      : choosable_(std::move(choosable)), lp_(glp_create_prob()) {
    glp_set_obj_dir(lp_, GLP_MIN);
    if (!choosable_.empty()) glp_add_cols(lp_, static_cast<int>(choosable_.size()));
    for (size_t i = 0; i < choosable_.size(); ++i) {
      column_[choosable_[i]] = static_cast<int>(i) + 1;
      glp_set_col_kind(lp_, static_cast<int>(i) + 1, GLP_BV);
      glp_set_obj_coef(lp_, static_cast<int>(i) + 1, 1.0);
    }
  }
  ~MasterProgram() { glp_delete_prob(lp_); }
  MasterProgram(const MasterProgram&) = delete;
  MasterProgram& operator=(const MasterProgram&) = delete;

  // False when the cut cannot be met by any choice (the target cannot be protected).
  bool Add(const ReleaseModel::Cut& cut) {
    std::vector<int> index = {0};
    std::vector<double> value = {0.0};
    for (const auto& [key, weight] : cut.terms) {
      auto it = column_.find(key);
      if (it == column_.end()) continue;
      index.push_back(it->second);
      value.push_back(weight);
    }
    if (index.size() == 1) return false;
    const int row = glp_add_rows(lp_, 1);
    glp_set_mat_row(lp_, row, static_cast<int>(index.size()) - 1, index.data(), value.data());
    glp_set_row_bnds(lp_, row, GLP_LO, cut.missing, 0.0);
    return true;
  }

  MasterChoice Solve(double seconds) {
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_OFF;
    parm.mir_cuts = GLP_ON;
    parm.tm_lim = static_cast<int>(std::max(1.0, seconds * 1000));
    parm.cb_func = [](glp_tree* tree, void* info) {
      const int node = glp_ios_best_node(tree);
      if (node != 0) *static_cast<double*>(info) = glp_ios_node_bound(tree, node);
    };
    double best_bound = 0;
    parm.cb_info = &best_bound;
    const int rc = glp_intopt(lp_, &parm);
    MasterChoice out;
    const int status = glp_mip_status(lp_);
    out.solved = rc == 0 && status == GLP_OPT;
    if (status == GLP_OPT || status == GLP_FEAS) {
      for (size_t i = 0; i < choosable_.size(); ++i) {
        if (glp_mip_col_val(lp_, static_cast<int>(i) + 1) > 0.5)
          out.chosen.push_back(choosable_[i]);
      }
    }
    out.lower_bound = out.solved ? glp_mip_obj_val(lp_) : best_bound;
    return out;
  }

 private:
  std::vector<CellKey> choosable_;
  std::map<CellKey, int> column_;
  glp_prob* lp_;
};

}  // namespace

absl::StatusOr<ProtectionResult> ProtectTable(const DisclosureRules& rules, const TableSpec& spec,
                                              const BuurtCounts& truth,
                                              const std::vector<ReleasedTable>& earlier,
                                              AreaTable* table) {
  ProtectionResult result;
  result.primary = ApplyPrimaryRules(rules, spec, table);
  std::set<const Cell*> primary;
  for (const auto& row : table->rows) {
    for (const auto& c : row.cells) {
      if (c.suppressed) primary.insert(&c);
    }
  }
  CoverLoneSuppressions(table);  // a cheap first choice of complements
  ReleaseModel model;
  if (auto s = model.BuildForNewTable(spec, earlier, table, primary, truth); !s.ok()) return s;
  const std::vector<Target> targets = model.Targets(rules);
  auto proofs = ProtectTargets(rules, model, targets);
  if (!proofs.ok()) return proofs.status();
  if (auto s = RepublishUnneeded(rules, model, targets, *proofs, primary); !s.ok()) return s;
  result.secondary = SuppressedCells(*table) - result.primary;
  result.ranges_solved = model.solved();
  return result;
}

absl::StatusOr<FewestSuppressions> FindFewestSuppressions(const DisclosureRules& rules,
                                                          const TableSpec& spec,
                                                          const BuurtCounts& truth,
                                                          const std::vector<ReleasedTable>& earlier,
                                                          AreaTable* table, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto left = [&] {
    return std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
  };
  FewestSuppressions result;
  const int primary = ApplyPrimaryRules(rules, spec, table);
  ReleaseModel model;
  if (auto s = model.BuildForNewTable(spec, earlier, table, {}, truth); !s.ok()) return s;
  model.WholeProgramOnly();  // the wijk programs are tighter: they would ask for more
  const std::vector<Target> targets = model.Targets(rules);
  // A target protected while only the primary cells are suppressed stays protected (suppressing
  // more only widens ranges): after the first round, only the others are asked again.
  std::vector<const Target*> open;
  for (const Target& t : targets) open.push_back(&t);
  // The LP range must be at least this wide: both ways of protecting a cell imply it.
  const int width = std::min(rules.k, rules.protection_width);
  // After the model: GLPK's environment goes with the model's last program, so the master's
  // must go first.
  MasterProgram master(model.Choosable());
  std::vector<CellKey> chosen;
  bool last_solved = true;  // the choice is the master's optimum (no cuts at first)
  while (left() > 0) {
    ++result.rounds;
    int cuts = 0;
    std::vector<const Target*> unprotected;
    for (const Target* t : open) {
      auto cut = model.CutFor(*t, width);
      if (!cut.ok()) return cut.status();
      if (!cut->has_value()) continue;
      if (!master.Add(**cut)) {
        return absl::FailedPreconditionError(fmt::format(
            "{} cannot be protected by suppressing more of this table", model.Describe(*t)));
      }
      unprotected.push_back(t);
      ++cuts;
    }
    if (result.rounds == 1) open = std::move(unprotected);
    if (cuts == 0) break;  // the choice protects every target (in the LP sense)
    last_solved = false;
    // A master that takes too long is cut short: its best choice so far still yields cuts.
    const MasterChoice choice = master.Solve(std::min(left(), kMasterSeconds));
    result.lower_bound = std::max(result.lower_bound,
                                  primary + static_cast<int>(std::ceil(choice.lower_bound - 1e-6)));
    if (choice.chosen.empty() && !choice.solved) break;
    last_solved = choice.solved;
    for (const CellKey& key : chosen) model.Suppress(key, false);
    chosen = choice.chosen;
    for (const CellKey& key : chosen) model.Suppress(key, true);
  }
  // Complete the last choice with ProtectTable's method where it falls short (rounding, or
  // the time ran out), which makes it a protection.
  for (const CellKey& key : chosen) model.MarkSuppressed(key);
  if (auto s = ProtectTargets(rules, model, targets); !s.ok()) return s.status();
  result.found = SuppressedCells(*table);
  result.lower_bound = std::max(result.lower_bound, primary);
  if (last_solved && result.found == primary + static_cast<int>(chosen.size())) {
    result.lower_bound = result.found;  // the master's optimum protects: nothing fewer does
  }
  result.optimal = result.found == result.lower_bound;
  return result;
}

absl::Status AuditReleases(const DisclosureRules& rules, const std::vector<ReleasedTable>& releases,
                           const BuurtCounts* truth) {
  std::vector<const ReleasedTable*> tables;
  for (const auto& r : releases) tables.push_back(&r);
  ReleaseModel model;
  if (auto s = model.Build(tables, nullptr); !s.ok()) return s;
  if (truth != nullptr) model.SetTruth(*truth);
  for (const Target& target : model.Targets(rules)) {
    CountRange range;
    auto ok = model.Protected(target, rules, &range);
    if (!ok.ok()) return ok.status();
    if (!*ok) {
      const std::string where = target.inner < 0
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

}  // namespace stapel
