// ReleaseModel (release_model.h): building the attacker's model of the releases, the truth,
// the targets, the candidate complements, and suppressing or publishing cells of the new
// table in every program. The per-wijk and pair programs and the protection checks are in
// wijk_programs.cc.
#include "disclosure/release_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <bit>
#include <tuple>

#include "disclosure/disclosure.h"
#include "records/area_code.h"

namespace stapel::internal {
namespace {

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

}  // namespace

std::string StateCode(const std::string& code, int state) {
  return state == 0 ? code : fmt::format("{}@{}", code, state);
}

std::optional<CountRange> SeenRange(const AttackerLp& lp, const LinearTerms& terms, int64_t truth) {
  std::optional<CountRange> seen = lp.Spanned(terms);
  if (seen.has_value()) {
    seen->lo = std::min(seen->lo, truth);
    seen->hi = std::max(seen->hi, truth);
  }
  return seen;
}

absl::Status ReleaseModel::Build(const std::vector<const ReleasedTable*>& tables,
                                 AreaTable* new_table) {
  tables_ = tables;
  IndexAreas(new_table);
  if (auto s = CollectAttributes(); !s.ok()) return s;
  AddColumnFunctions();
  AddAtomClasses();
  AddHierarchyRelations();
  AddPublishedRelations(new_table);
  return absl::OkStatus();
}

// The rows of release `t`: the new table's own when `t` is the table being protected.
const std::vector<AreaRow>& ReleaseModel::RowsOf(size_t t, const AreaTable* new_table) const {
  return new_table != nullptr && t + 1 == tables_.size() ? new_table->rows : tables_[t]->table.rows;
}

// Every area of every release, with its parent and children.
void ReleaseModel::IndexAreas(const AreaTable* new_table) {
  for (size_t t = 0; t < tables_.size(); ++t) {
    states_ = std::max(states_, tables_[t]->state + 1);
    for (const auto& row : RowsOf(t, new_table)) AreaIndex(row.code, row.parent, tables_[t]->state);
  }
  for (size_t a = 0; a < parent_.size(); ++a) {
    if (parent_[a] >= 0) children_[parent_[a]].push_back(static_cast<int>(a));
  }
}

// The attributes each unit's columns refer to (mask_); INVALID_ARGUMENT when they are too many.
absl::Status ReleaseModel::CollectAttributes() {
  for (const ReleasedTable* t : tables_) {
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
  return absl::OkStatus();
}

// Column functions, by the atoms they take in.
void ReleaseModel::AddColumnFunctions() {
  std::map<std::pair<int, std::vector<bool>>, int> function_ids;
  for (const ReleasedTable* t : tables_) {
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
}

// Atoms no column tells apart are one unknown (a class); atoms no column takes in are left
// out.
void ReleaseModel::AddAtomClasses() {
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
    class_atoms_[u].assign(classes_[u], 0);
    for (int c : atom_class_[u]) {
      if (c >= 0) ++class_atoms_[u][c];
    }
  }
}

// The whole program's unknowns (per area and class, persons first), and its first relations:
// every area's unknowns add up to its parent's.
void ReleaseModel::AddHierarchyRelations() {
  offset_[1] = static_cast<int>(parent_.size()) * classes_[0];
  lp_ = std::make_unique<AttackerLp>(
      offset_[1] + static_cast<int>(parent_.size()) * classes_[1],
      whole_thread_ ? AttackerLp::Thread::kOwn : AttackerLp::Thread::kCallers);
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
}

// What the releases publish.
void ReleaseModel::AddPublishedRelations(AreaTable* new_table) {
  std::set<std::tuple<int, int, double, double>> known;  // earlier releases' relations
  for (size_t t = 0; t < tables_.size(); ++t) {
    const bool is_new = new_table != nullptr && t + 1 == tables_.size();
    const int base = tables_[t]->rounding_base;
    const RoundingSlack slack = SlackOf(base);
    for (size_t r = 0; r < RowsOf(t, new_table).size(); ++r) {
      const AreaRow& row = RowsOf(t, new_table)[r];
      const int area = area_index_.at(StateCode(row.code, tables_[t]->state));
      for (size_t m = 0; m < row.cells.size(); ++m) {
        const Cell& cell = row.cells[m];
        const CellKey key{area, column_function_[t][m]};
        CellInfo& info = NoteCell(t, m, key, cell);
        if (is_new && info.new_cell != nullptr) {
          // Another column of the new table counts the same (a measure asked twice under two
          // names): one cell of the model, published or suppressed together.
          Cell* twin = &new_table->rows[r].cells[m];
          if (twin->suppressed && !info.new_cell->suppressed) lp_->Forget(info.new_row);
          twin->suppressed = info.new_cell->suppressed = twin->suppressed || info.new_cell->suppressed;
          info.twins.push_back(twin);
          continue;
        }
        if (is_new) info.new_cell = &new_table->rows[r].cells[m];
        if (cell.suppressed && !is_new) continue;
        // The new table's cells hold true values; the attacker will see them rounded.
        const int64_t value = is_new ? Rounded(base, cell.value) : cell.value;
        AddCellRelation(key, value, is_new ? cell.value : -1, slack, &info, &known);
      }
    }
  }
}

// Cell `m` of release `t` in the model: its population's function and where it was first
// suppressed.
CellInfo& ReleaseModel::NoteCell(size_t t, size_t m, CellKey key, const Cell& cell) {
  CellInfo& info = cells_[key];
  if (const int p = tables_[t]->spec.columns[m].population_column; p >= 0) {
    info.population_function = column_function_[t][p];
  }
  if (cell.suppressed) {
    if (!info.suppressed_somewhere) info.first_suppressed_in = static_cast<int>(t);
    info.suppressed_somewhere = true;
  }
  return info;
}

// The relation a published cell gives: `known` holds the earlier releases' relations, each is
// added once.
void ReleaseModel::AddCellRelation(CellKey key, int64_t value, int64_t truth, RoundingSlack slack,
                                   CellInfo* info,
                                   std::set<std::tuple<int, int, double, double>>* known) {
  const bool is_new = truth >= 0;
  int64_t low = std::max<int64_t>(0, value - slack.below), high = value + slack.above;
  if (is_new) KnowPrimaryRule(truth, &low, &high);
  const double lo = static_cast<double>(low), hi = static_cast<double>(high);
  if (is_new) {
    // Suppressed cells of the new table too: the relation is there to be forgotten
    // (below) and known again when a complement is published after all.
    info->new_row = lp_->AddRelation(Terms(key), lo, hi);
    if (info->new_cell->suppressed) lp_->Forget(info->new_row);
    row_cell_[info->new_row] = key;
    info->lo = lo;
    info->hi = hi;
    published_.push_back({key, lo, hi, true, info->new_row});
  } else {
    info->published_earlier = true;
    if (known->insert({key.area, key.function, lo, hi}).second) {
      published_.push_back(
          {key, lo, hi, false, lp_->AddRelation(Terms(key), lo, hi, AttackerLp::Fixing::kYes)});
    }
  }
}

absl::Status ReleaseModel::BuildForNewTable(const TableSpec& spec, const DisclosureRules& rules,
                                            const std::vector<ReleasedTable>& earlier,
                                            AreaTable* table, const std::set<const Cell*>& primary,
                                            const BuurtCounts& truth,
                                            const std::vector<BuurtCounts>& earlier_states,
                                            const StateTransitions& transitions) {
  transitions_ = transitions;
  k_ = rules.k;
  new_spec_ = {spec, AreaTable{}, rules.rounding_base, 0};
  std::vector<const ReleasedTable*> tables;
  for (const auto& e : earlier) tables.push_back(&e);
  tables.push_back(&new_spec_);
  if (auto s = Build(tables, table); !s.ok()) return s;
  for (auto& [key, info] : cells_) {
    info.primary = primary.contains(info.new_cell) ||
                   std::any_of(info.twins.begin(), info.twins.end(),
                               [&](const Cell* twin) { return primary.contains(twin); });
    // Suppressing a value an earlier release published protects nothing: the cheap first
    // complements (CoverLoneSuppressions) publish it again.
    if (info.new_cell != nullptr && info.new_cell->suppressed && info.published_earlier &&
        !info.primary) {
      Republish(key);
    }
  }
  std::vector<const BuurtCounts*> states = {&truth};
  for (const BuurtCounts& earlier_state : earlier_states) states.push_back(&earlier_state);
  // The same first solution with or without a thread of its own: the same answers after it.
  lp_->WarmUp();
  SetTruth(states, rules.k);
  return absl::OkStatus();
}

void ReleaseModel::SetTruth(const std::vector<const BuurtCounts*>& states, int k) {
  truth_.assign(lp_->unknowns(), 0);
  residents_.assign(parent_.size(), 0);
  for (int u = 0; u < kUnits; ++u) atom_truth_[u].assign(parent_.size() * atom_class_[u].size(), 0);
  for (size_t state = 0; state < states.size(); ++state) {
   for (const auto& [buurt, by_bits] : states[state]->buurten) {
    const int leaf = LeafOf(buurt, static_cast<int>(state));
    if (leaf < 0) continue;
    for (const auto& [bits, n] : by_bits.persons) residents_[leaf] += n;
    for (int u = 0; u < kUnits; ++u) {
      for (const auto& [bits, n] :
           by_bits.of(u == 0 ? CountUnit::kPersons : CountUnit::kHouseholds)) {
        const uint64_t atom = Extract(bits, mask_[u]);
        atom_truth_[u][leaf * atom_class_[u].size() + atom] += n;
        const int c = atom_class_[u][atom];
        if (c >= 0) truth_[Unknown(leaf, u, c)] += n;
      }
    }
   }
  }
  for (size_t a = 0; a < parent_.size(); ++a) {
    if (parent_[a] < 0) AddUp(static_cast<int>(a));
  }
  KnowPrimaryRuleOfEarlierReleases();
  if (states_ > 1) AddLinks(k);
  // A wijk's program knows a top area only through its wijken; a link of a top area (a state
  // released at gemeente level only) would be lost there, so then the whole program alone.
  if (std::any_of(links_.begin(), links_.end(), [&](const Link& link) {
        return parent_[link.later] < 0 || parent_[link.earlier] < 0;
      })) {
    WholeProgramOnly();
  } else {
    BuildLocals();
  }
}

void ReleaseModel::KnowPrimaryRule(int64_t truth, int64_t* lo, int64_t* hi) const {
  if (k_ <= 1) return;
  if (truth == 0 && *hi < k_) *hi = 0;
  if (truth >= k_) *lo = std::max<int64_t>(*lo, k_);
}

void ReleaseModel::KnowPrimaryRuleOfEarlierReleases() {
  for (Published& p : published_) {
    if (p.is_new) continue;  // AddCellRelation knew it
    int64_t lo = static_cast<int64_t>(p.lo), hi = static_cast<int64_t>(p.hi);
    KnowPrimaryRule(TrueValue(Terms(p.key)), &lo, &hi);
    if (lo == p.lo && hi == p.hi) continue;
    p.lo = static_cast<double>(lo);
    p.hi = static_cast<double>(hi);
    lp_->Restore(p.row, p.lo, p.hi);
  }
}

std::vector<Target> ReleaseModel::Targets(const DisclosureRules& rules) const {
  std::vector<Target> targets;
  for (const auto& [key, info] : cells_) {
    if (!info.suppressed_somewhere) continue;
    Target t = MakeTarget(key, -1);
    if (truth_.empty() || Sensitive(t, info, rules)) targets.push_back(std::move(t));
  }
  AddDifferenceTargets(rules.k, &targets);
  AddConjunctionTargets(rules.k, &targets);
  AddChangeTargets(rules.k, &targets);
  // Each count once: a conjunction may be a suppressed cell or a difference too.
  std::set<std::tuple<LinearTerms, LinearTerms, int64_t>> seen;
  std::erase_if(targets, [&](const Target& t) {
    return !seen.insert({t.terms, t.upper, t.truth}).second;
  });
  for (size_t i = 0; i < targets.size(); ++i) targets[i].id = static_cast<int>(i);
  return targets;
}

bool ReleaseModel::Sensitive(const Target& t, const CellInfo& info,
                             const DisclosureRules& rules) const {
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

Target ReleaseModel::MakeTarget(CellKey key, int inner) const {
  Target t{key, inner, Terms(key, inner), {}, -1};
  if (!truth_.empty()) t.truth = TrueValue(t.terms);
  return t;
}

void ReleaseModel::AddDifferenceTargets(int k, std::vector<Target>* targets) const {
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

// Every conjunction of the unit's attributes, per area: the attributes it fixes are `care`, their
// values `values` (a ternary digit per attribute: 0, 1, or 2 for "either"). With the truth,
// only those with a count of 1..k-1, found by summing atoms digit by digit (3^n per area).
void ReleaseModel::AddConjunctionTargets(int k, std::vector<Target>* targets) const {
  for (int u = 0; u < kUnits; ++u) {
    const int n = std::popcount(mask_[u]);
    if (classes_[u] == 0) continue;
    int conjunctions = 1;
    for (int i = 0; i < n; ++i) conjunctions *= 3;
    const size_t atoms = atom_class_[u].size();
    // Areas with unknowns per atom (AddAtomLink): a conjunction that takes part of a class is
    // counted there over atoms, as the atoms are not free there.
    std::map<int, int> atom_first;
    for (const Link& link : links_) {
      if (link.atom_first[u] < 0) continue;
      atom_first.try_emplace(link.later, link.atom_first[u]);
      atom_first.try_emplace(link.earlier, link.atom_first[u] + static_cast<int>(atoms));
    }
    std::vector<int64_t> count(conjunctions);
    for (size_t area = 0; area < parent_.size(); ++area) {
      for (int c = 0; c < conjunctions; ++c) {
        uint64_t care = 0, values = 0;
        int either = -1, power = 1;
        for (int i = 0, rest = c; i < n; ++i, rest /= 3, power *= 3) {
          const int digit = rest % 3;
          if (digit == 2 && either < 0) either = power;
          if (digit != 2) care |= uint64_t{1} << i;
          if (digit == 1) values |= uint64_t{1} << i;
        }
        if (!truth_.empty()) {
          count[c] = either < 0 ? atom_truth_[u][area * atoms + values]
                                : count[c - 2 * either] + count[c - either];
          if (count[c] < 1 || count[c] >= k) continue;
        }
        std::optional<Target> t = ConjunctionTarget(static_cast<int>(area), u, care, values);
        if (!t.has_value()) continue;
        if (auto it = atom_first.find(static_cast<int>(area));
            it != atom_first.end() && !t->upper.empty()) {
          t->terms.clear();
          t->upper.clear();
          for (size_t x = 0; x < atoms; ++x) {
            if ((x & care) == values && atom_class_[u][x] >= 0)
              t->terms.push_back({it->second + static_cast<int>(x), 1.0});
          }
        }
        if (truth_.empty() && t->terms.empty()) continue;  // the auditor: it can be 0
        if (!truth_.empty()) t->truth = count[c];
        targets->push_back(std::move(*t));
      }
    }
  }
}

std::optional<Target> ReleaseModel::ConjunctionTarget(int area, int u, uint64_t care,
                                                      uint64_t values) const {
  std::map<int, int> taken;  // class -> atoms of it the conjunction takes in
  const uint64_t free = (atom_class_[u].size() - 1) & ~care;
  for (uint64_t sub = free;; sub = (sub - 1) & free) {
    const int c = atom_class_[u][values | sub];
    if (c < 0) return std::nullopt;
    ++taken[c];
    if (sub == 0) break;
  }
  Target t{{area, -1}, -1, {}, {}, -1, -1, u, care, values};
  bool partial = false;
  for (const auto& [c, n] : taken) {
    const bool whole = n == class_atoms_[u][c];
    partial = partial || !whole;
    if (whole) t.terms.push_back({Unknown(area, u, c), 1.0});
  }
  if (partial) {
    for (const auto& [c, n] : taken) t.upper.push_back({Unknown(area, u, c), 1.0});
  }
  return t;
}

bool ReleaseModel::Touches(int g, const Target& t) const {
  if (!t.IsConjunction()) return Overlaps(g, t.cell.function);
  if (function_unit_[g] != t.unit) return false;
  const std::vector<int>& classes = function_classes_[g];
  for (size_t x = 0; x < atom_class_[t.unit].size(); ++x) {
    const int c = atom_class_[t.unit][x];
    if ((x & t.care) == t.values && c >= 0 && std::binary_search(classes.begin(), classes.end(), c))
      return true;
  }
  return false;
}

std::vector<CellKey> ReleaseModel::Candidates(const Target& t) const {
  std::vector<int> areas = children_[t.cell.area];
  if (const int p = parent_[t.cell.area]; p >= 0) {
    areas.insert(areas.end(), children_[p].begin(), children_[p].end());
  }
  for (int a = parent_[t.cell.area]; a >= 0; a = parent_[a]) areas.push_back(a);
  std::set<int> functions;
  if (!t.IsConjunction()) functions.insert(t.cell.function);
  if (t.inner >= 0) functions.insert(t.inner);
  std::vector<CellKey> groups[4];
  for (const auto& [key, info] : cells_) {
    if (info.new_cell == nullptr || info.new_cell->suppressed || info.published_earlier ||
        !Touches(key.function, t)) {
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

void ReleaseModel::Suppress(CellKey key, bool on) {
  CellInfo& info = cells_.at(key);
  if (on) {
    lp_->Forget(info.new_row);
    for (const auto& r : info.local_rows) locals_[r.local].lp->Forget(r.row);
  } else {
    lp_->Restore(info.new_row, info.lo, info.hi);
    for (const auto& r : info.local_rows) locals_[r.local].lp->Restore(r.row, r.lo, r.hi);
  }
}

void ReleaseModel::MarkSuppressed(CellKey key) {
  CellInfo& info = cells_.at(key);
  info.new_cell->suppressed = true;
  for (Cell* twin : info.twins) twin->suppressed = true;
  info.suppressed_somewhere = true;
}

void ReleaseModel::Republish(CellKey key) {
  CellInfo& info = cells_.at(key);
  Suppress(key, false);
  info.new_cell->suppressed = false;
  for (Cell* twin : info.twins) twin->suppressed = false;
  info.suppressed_somewhere =
      info.first_suppressed_in >= 0 && info.first_suppressed_in + 1 < std::ssize(tables_);
}

std::vector<CellKey> ReleaseModel::Complements(const std::set<const Cell*>& primary,
                                               bool published) const {
  std::vector<CellKey> out;
  for (const auto& [key, info] : cells_) {
    if (info.new_cell != nullptr && info.new_cell->suppressed != published &&
        !primary.contains(info.new_cell) && !info.published_earlier) {
      out.push_back(key);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](CellKey a, CellKey b) { return Value(a) > Value(b); });
  return out;
}

absl::StatusOr<bool> ReleaseModel::NarrowedByEarlierAlone(const Target& t,
                                                          const DisclosureRules& rules) {
  const std::vector<CellKey> published = Complements({}, /*published=*/true);
  for (CellKey key : published) Suppress(key, true);
  CountRange range;
  auto ok = Protected(t, rules, &range);
  for (CellKey key : published) Suppress(key, false);
  if (!ok.ok()) return ok.status();
  return !*ok;
}

int64_t ReleaseModel::work() const {
  int64_t sum = lp_->work();
  for (const Local& local : locals_) sum += local.lp->work();
  return sum;
}

std::string ReleaseModel::Describe(const Target& t) const {
  const std::string& area = codes_[t.cell.area];
  if (t.IsConjunction()) {
    std::vector<std::string> parts;
    const std::vector<std::string>& names = tables_.back()->spec.attributes;
    uint64_t mask = mask_[t.unit];
    for (int i = 0; mask != 0; ++i, mask &= mask - 1) {
      if (!((t.care >> i) & 1)) continue;
      const auto bit = static_cast<size_t>(std::countr_zero(mask));
      const std::string name = bit < names.size() ? names[bit] : fmt::format("#{}", bit);
      parts.push_back(((t.values >> i) & 1) ? name : "NOT " + name);
    }
    return fmt::format("the {} of {} with '{}' in {}", t.change_width > 0 ? "change" : "count",
                       t.unit == 0 ? "persons" : "households",
                       parts.empty() ? "true" : fmt::format("{}", fmt::join(parts, " AND ")),
                       area);
  }
  if (t.inner < 0) {
    return fmt::format("the suppressed count of '{}' in {}", FunctionName(t.cell.function), area);
  }
  return fmt::format("the difference '{}' minus '{}' in {}", FunctionName(t.cell.function),
                     FunctionName(t.inner), area);
}

int ReleaseModel::AreaIndex(const std::string& code, const std::string& parent_code,
                            int state) {
  auto [it, fresh] =
      area_index_.try_emplace(StateCode(code, state), static_cast<int>(codes_.size()));
  if (fresh) {
    codes_.push_back(StateCode(code, state));
    area_state_.push_back(state);
    parent_.push_back(-1);
    children_.emplace_back();
  }
  if (!parent_code.empty()) {
    auto p = area_index_.find(StateCode(parent_code, state));
    if (p != area_index_.end()) parent_[it->second] = p->second;
  }
  return it->second;
}

int ReleaseModel::LeafOf(const std::string& buurt, int state) const {
  for (const std::string& code : AreasHoldingBuurt(buurt)) {
    auto it = area_index_.find(StateCode(code, state));
    if (it != area_index_.end()) return children_[it->second].empty() ? it->second : -1;
  }
  return -1;
}

void ReleaseModel::AddUp(int area) {
  for (int child : children_[area]) {
    AddUp(child);
    residents_[area] += residents_[child];
    for (int u = 0; u < kUnits; ++u) {
      const size_t atoms = atom_class_[u].size();
      for (size_t a = 0; a < atoms; ++a)
        atom_truth_[u][area * atoms + a] += atom_truth_[u][child * atoms + a];
      for (int c = 0; c < classes_[u]; ++c)
        truth_[Unknown(area, u, c)] += truth_[Unknown(child, u, c)];
    }
  }
}

LinearTerms ReleaseModel::Terms(CellKey key, int inner) const {
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

int64_t ReleaseModel::TrueValue(const LinearTerms& terms) const {
  int64_t sum = 0;
  for (const auto& [unknown, coefficient] : terms) sum += truth_[unknown];
  return sum;
}

bool ReleaseModel::StrictlyWithin(size_t inner, size_t outer) const {
  if (function_unit_[inner] != function_unit_[outer]) return false;
  const auto& a = function_classes_[inner];
  const auto& b = function_classes_[outer];
  return a.size() < b.size() && std::includes(b.begin(), b.end(), a.begin(), a.end());
}

bool ReleaseModel::Overlaps(int f, int g) const {
  if (function_unit_[f] != function_unit_[g]) return false;
  const auto& a = function_classes_[f];
  const auto& b = function_classes_[g];
  for (int c : a) {
    if (std::binary_search(b.begin(), b.end(), c)) return true;
  }
  return false;
}

std::string ReleaseModel::FunctionName(int f) const {
  for (size_t t = 0; t < tables_.size(); ++t) {
    for (size_t m = 0; m < column_function_[t].size(); ++m) {
      if (column_function_[t][m] == f) return tables_[t]->spec.columns[m].name;
    }
  }
  return "?";
}

}  // namespace stapel::internal
