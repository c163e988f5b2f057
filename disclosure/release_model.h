#ifndef STAPEL_DISCLOSURE_RELEASE_MODEL_H_
#define STAPEL_DISCLOSURE_RELEASE_MODEL_H_

// INTERNAL to disclosure/: not a public API. Include it only from the implementation of table
// protection (table_protection.cc, secondary_suppression.cc, exact_model.cc); everything here
// may change without notice. The public functions are in table_protection.h and exact_model.h.
//
// ReleaseModel: the attacker's model of a series of releases of one data state, and of the
// earlier states it updated (see table_protection.h): the unknowns per area and atom class, the relations of the area
// hierarchy and of every published count, the whole program over all of them (AttackerLp), and
// with the truth the smaller per-wijk and pair programs that settle most targets cheaply.
// Implemented in release_model.cc (building the model, truth, targets, candidates,
// suppress/republish) and wijk_programs.cc (the per-wijk and pair programs and the protection
// checks that use them).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "disclosure/attacker_lp.h"
#include "disclosure/disclosure.h"
#include "disclosure/table_protection.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel::internal {

// Atoms are all combinations of the attributes a unit's columns refer to: 2^12 at most (and
// 3^12 conjunctions of them per area).
constexpr int kMaxAttributesPerUnit = 12;
constexpr int kUnits = 2;
// Partner wijken tried for a target its own wijk's program does not protect
// (ReleaseModel::Partners).
constexpr size_t kPartnersTried = 3;

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
  // The cell in the table being protected, if any: not owned, it points into the `new_table`
  // given to ReleaseModel::Build, which must outlive the model.
  Cell* new_cell = nullptr;
  std::vector<Cell*> twins;  // other cells of the new table counting the same, as `new_cell`
  int new_row = -1;       // its relation in the LP while it is published
  double lo = 0, hi = 0;  // that relation's bounds
  struct LocalRow {
    int local, row;
    double lo, hi;
  };
  std::vector<LocalRow> local_rows;  // the same cell in the per-wijk programs
};

// A count that must stay protected: a suppressed cell, a difference of two nested cells, or a
// conjunction of attributes and their negations (a cell of the cross-classification of every
// attribute the releases use, at any marginal level), whether or not anyone asked for it.
struct Target {
  CellKey cell;    // the suppressed cell, or the larger of a nested pair; a conjunction: its
                   // area, function -1
  int inner = -1;  // for a difference: the smaller function of the pair
  // The classes the count takes in wholly. A conjunction may take in only some atoms of a class
  // (atoms no column tells apart): then `upper` lists every class it touches, and the
  // attacker's range is [min of terms, max of upper]. Empty `upper`: the same as `terms`.
  LinearTerms terms;
  LinearTerms upper;
  int64_t truth = -1;  // -1 when not known (the auditor)
  int id = -1;         // its position in Targets()
  // A conjunction's unit and, over the unit's attribute mask, the attributes it fixes (`care`)
  // and their values.
  int unit = 0;
  uint64_t care = 0, values = 0;
  // For the change of a conjunction between an earlier data state and a later one in an area
  // where 1..k-1 changed (`terms` holds the later state's classes and, negated, the earlier's;
  // `truth` may be negative): the width the attacker's range must keep, the number changed.
  int change_width = 0;

  bool IsConjunction() const { return cell.function < 0; }
  const LinearTerms& Upper() const { return upper.empty() ? terms : upper; }
};

// The whole-number range of `terms` over the LP's kept solutions and the true value (also a
// solution): part of the attacker's range, known without solving; nullopt when none is kept.
std::optional<CountRange> SeenRange(const AttackerLp& lp, const LinearTerms& terms, int64_t truth);

// What the attacker knows of a change between two data states: for each i, changes[i].first
// (later minus earlier terms) equals changes[i].second plus p_i - q_i, with new unknowns p_i,
// q_i >= 0 whose sum is at most `changed` (none when 0: each difference is exact).
void AddChangeBudget(AttackerLp* lp, const std::vector<std::pair<LinearTerms, double>>& changes,
                     int64_t changed);

// An area's key in the model: its code, marked with its data state when earlier.
std::string StateCode(const std::string& code, int state);

class CutFinder;  // exact_model.cc

class ReleaseModel {
 public:
  ReleaseModel() = default;
  // Not copyable or movable: it points into itself (new_spec_) and its cells into the table.
  ReleaseModel(const ReleaseModel&) = delete;
  ReleaseModel& operator=(const ReleaseModel&) = delete;

  // `tables`: the releases in order; the last one is the table being protected when
  // `new_table` is set. Neither is owned: the releases and `new_table` must outlive the model,
  // which reads the releases' specs later and suppresses or publishes cells of `new_table`.
  // INVALID_ARGUMENT when the releases together refer to more than kMaxAttributesPerUnit
  // attributes of one unit.
  absl::Status Build(const std::vector<const ReleasedTable*>& tables, AreaTable* new_table);

  // Before BuildForNewTable: the whole program lives on a thread of its own, where its first
  // solution (AttackerLp::WarmUp, found for every model made by BuildForNewTable) is found while
  // the wijk programs are built and checked. For a model that has a core to itself; the answers
  // are the same either way.
  void OwnThreadForWholeProgram() { whole_thread_ = true; }

  // The model of `earlier` and the new `table` (made by `spec`, its cells read from `table`,
  // `primary` its cells the primary rules suppress), with the truth. As Build: `earlier` and
  // `table` are not owned and must outlive the model.
  // `rules`: the new table is published rounded to rules.rounding_base, so the attacker learns
  // of each of its published cells what every release tells: the interval its rounded value
  // stands for; rules.k tells which changes between data states are small.
  // `earlier_states`: the truth of the earlier data states some of `earlier` were released
  // from (ReleasedTable::state).
  absl::Status BuildForNewTable(const TableSpec& spec, const DisclosureRules& rules,
                                const std::vector<ReleasedTable>& earlier, AreaTable* table,
                                const std::set<const Cell*>& primary, const BuurtCounts& truth,
                                const std::vector<BuurtCounts>& earlier_states = {},
                                const StateTransitions& transitions = {});

  // True counts per unknown, from the linked persons: `states[0]` of the data state being
  // released, `states[s]` of earlier state s. With more than one state, links consecutive
  // states by what changed (AddLinks). Builds the wijk programs (BuildLocals), a wijk's in
  // every state with the links between them.
  // `k`: changes of 1..k-1 persons get atom-level unknowns and change targets (AddAtomLink).
  void SetTruth(const std::vector<const BuurtCounts*>& states, int k = 0);

  // The auditor's links between the data states of the releases (without the truth): states
  // that followed each other as `transitions` says (empty: InOrder), with `changes` as the hub
  // logged them (ProtectionResult::changes). `k` as in SetTruth.
  void SetChanges(const StateTransitions& transitions, const std::vector<StateChange>& changes,
                  int k);
  // The links' changes where something changed (ProtectionResult::changes).
  std::vector<StateChange> Changes() const;

  // The wijk programs of the program that proved the last target Protected found protected:
  // its own wijk's, its and a partner's, or none (the whole program).
  const std::vector<int>& LastProof() const { return last_proof_; }

  // Checks every target in the whole program only.
  void WholeProgramOnly() { local_of_area_.assign(parent_.size(), -1); }

  // While deferred, Protected does not solve the whole program: where only it could tell, it
  // returns false with no limiting cells, and WholeNeeded() is true until the next check.
  // (ProtectTargets settles such targets last, when the whole program has its first solution.)
  void DeferWholeProgram(bool on) { defer_whole_ = on; }
  bool WholeNeeded() const { return whole_needed_; }

  // With the truth: the suppressed cells that the primary rules protect (a count of 1..k-1,
  // a count within k-1 of its population, any count of an area below the minimum population),
  // the sensitive differences and every conjunction of the attributes the releases use with a
  // count of 1..k-1, per area and unit. Without: every suppressed cell, nested difference and
  // conjunction an attacker could know to be at least 1 (one taking in a whole class).
  // Targets with the same terms are listed once.
  std::vector<Target> Targets(const DisclosureRules& rules) const;

  // Whether `t` is protected (with the truth: the hub's rule; without: the auditor's, see
  // table_protection.h); `out` receives the range found when it is not.
  // `limiting`, when given and the target is not protected, receives the published cells of the
  // new table that limit its upper bound.
  // `wijk_only`: a target of a wijk counts as protected only if its wijk program, or the pair's
  // program that protected it before, protects it.
  // While the whole program is deferred (DeferWholeProgram), a target only it could tell about
  // gives false with no limiting cells and `out` unset, and WholeNeeded() is true.
  absl::StatusOr<bool> Protected(const Target& t, const DisclosureRules& rules, CountRange* out,
                                 std::vector<CellKey>* limiting = nullptr, bool wijk_only = false);

  // For a target of a wijk that only the whole program protects: tries every sibling wijk as its
  // partner, so that the clean-up's checks of it are cheap where one of them protects it too.
  absl::StatusOr<bool> ProtectedWithAnyPartner(const Target& t, const DisclosureRules& rules);

  // Published cells of the new table whose suppression could widen target `t`: first the
  // linked columns of its own area, then its columns in the enclosing, sibling and contained
  // areas, then their linked columns, then linked columns anywhere else; cheapest (smallest
  // non-zero count) first in each group.
  std::vector<CellKey> Candidates(const Target& t) const;

  // Forgets (`on`) or restores the relation of the new table's cell `key` in every program; the
  // table itself is not changed (MarkSuppressed, Republish).
  void Suppress(CellKey key, bool on);

  // Marks the new table's cell `key` suppressed in the table (after Suppress(key, true)).
  void MarkSuppressed(CellKey key);

  // Publishes a complement of the new table again (in the table and in every program).
  void Republish(CellKey key);

  // The new table's suppressed cells other than `primary` (or with `published`, its published
  // cells), not already published earlier; largest count first.
  std::vector<CellKey> Complements(const std::set<const Cell*>& primary,
                                   bool published = false) const;

  // Whether target `t` is narrowed (the hub's rule) even with every cell of the new table
  // suppressed: then the earlier releases alone narrow it. The table is left as it was.
  absl::StatusOr<bool> NarrowedByEarlierAlone(const Target& t, const DisclosureRules& rules);

  // The wijk program a cell's relation is in, or -1 (a top area's cell is in all of them).
  int WijkOf(CellKey key) const { return local_of_area_[key.area]; }
  // How many wijk programs there are (the first of the local programs).
  int Wijken() const { return singles_; }

  // The work of every program solved so far (AttackerLp::work).
  int64_t work() const;

  // A target in words, for messages.
  std::string Describe(const Target& t) const;

  // The count of the new table's cell `key`.
  int64_t Value(CellKey key) const { return cells_.at(key).new_cell->value; }
  // The position of the first release that suppressed the cell, or -1.
  int FirstSuppressedIn(CellKey key) const { return cells_.at(key).first_suppressed_in; }
  // How many protection checks (and cuts) were asked for.
  int solved() const { return solved_; }

 private:
  // The exact model's cuts (exact_model.cc) read the whole program and the cells.
  friend class CutFinder;

  struct Local {
    int top = -1;              // the first wijk's top area
    std::vector<int> wijken;   // children of top areas it leaves free (a wijk in every state)
    std::map<int, int> owner;  // area of their subtrees -> its index here
    int offset1 = 0;           // where household unknowns start
    std::unique_ptr<AttackerLp> lp;
    std::map<int, CellKey> row_cell;  // relations of the new table's published cells
  };

  struct Published {
    CellKey key;
    double lo, hi;
    bool is_new;
    int row;  // its relation in the whole program
  };
  // What the attacker knows of a published count by the primary rule: it is 0 or at least k
  // (where the truth agrees: a count published before the rule may be smaller); narrows the
  // interval [lo, hi] the count was published as. Nothing without k (the auditor's model).
  void KnowPrimaryRule(int64_t truth, int64_t* lo, int64_t* hi) const;
  // The same for every count of the earlier releases (AddCellRelation does the new table's).
  void KnowPrimaryRuleOfEarlierReleases();

  // The steps of Build (release_model.cc).
  const std::vector<AreaRow>& RowsOf(size_t t, const AreaTable* new_table) const;
  void IndexAreas(const AreaTable* new_table);
  absl::Status CollectAttributes();
  void AddColumnFunctions();
  void AddAtomClasses();
  void AddHierarchyRelations();
  void AddPublishedRelations(AreaTable* new_table);
  CellInfo& NoteCell(size_t t, size_t m, CellKey key, const Cell& cell);
  // `truth`: the true value of a cell of the new table; -1 for an earlier release's.
  void AddCellRelation(CellKey key, int64_t value, int64_t truth, RoundingSlack slack,
                       CellInfo* info, std::set<std::tuple<int, int, double, double>>* known);

  // The model's areas, truth and targets (release_model.cc). An area of an earlier data
  // state is an area of its own (StateCode).
  int AreaIndex(const std::string& code, const std::string& parent_code, int state);
  int LeafOf(const std::string& buurt, int state) const;
  // Between consecutive data states: per area in both (at the finest level either has), the
  // attacker knows at most how many persons (households) changed, the L1 distance of their
  // counts; an unchanged area's counts are the same. The distances from the truth, or for the
  // auditor from `logged` (earlier state, later state, area code, unit -> per class, per atom).
  using LoggedChanges = std::map<std::tuple<int, int, std::string, int>, std::pair<int64_t, int64_t>>;
  void AddLinks(int k, const LoggedChanges* logged = nullptr);
  // An area's code without its data state (StateCode).
  std::string PlainCode(int area) const { return codes_[area].substr(0, codes_[area].find('@')); }
  void AddUp(int area);
  int Unknown(int area, int unit, int cls) const {
    return offset_[unit] + area * classes_[unit] + cls;
  }
  bool Sensitive(const Target& t, const CellInfo& info, const DisclosureRules& rules) const;
  Target MakeTarget(CellKey key, int inner) const;
  void AddDifferenceTargets(int k, std::vector<Target>* targets) const;
  void AddConjunctionTargets(int k, std::vector<Target>* targets) const;
  void AddChangeTargets(int k, std::vector<Target>* targets) const;
  // A conjunction of unit `u` in `area` (attributes `care` of the unit's mask fixed to
  // `values`) as a target, or nullopt when some atom it takes in is in no column (the
  // attacker cannot bound it above).
  std::optional<Target> ConjunctionTarget(int area, int u, uint64_t care, uint64_t values) const;
  // Whether function `g` counts some of the persons or households target `t` counts.
  bool Touches(int g, const Target& t) const;
  // The cell's sum, or for a nested pair the classes of `function` outside `inner`.
  LinearTerms Terms(CellKey key, int inner = -1) const;
  int64_t TrueValue(const LinearTerms& terms) const;
  bool StrictlyWithin(size_t inner, size_t outer) const;
  bool Overlaps(int f, int g) const;
  std::string FunctionName(int f) const;

  // The per-wijk and pair programs (wijk_programs.cc).
  void BuildLocals();
  absl::StatusOr<bool> HubCheck(AttackerLp& lp, const LinearTerms& terms,
                                const LinearTerms& upper, int64_t truth, int64_t shift,
                                int change_width,
                                const DisclosureRules& rules,
                                const std::map<int, CellKey>& row_cell, CountRange* out,
                                std::vector<CellKey>* limiting) const;
  absl::StatusOr<bool> InPair(const Target& t, const DisclosureRules& rules, int l);
  // A target of a top area (the gemeente) in the programs of the wijk or two wijken holding
  // most of it, where the attacker also knows the other wijken's part: what they prove holds,
  // and they are far smaller than the whole program. Sets LastProof.
  absl::StatusOr<bool> TopInWijken(const Target& t, const DisclosureRules& rules);
  std::vector<int> Subtree(int area) const;
  int MakeLocal(std::vector<int> wijken);
  void AddLocalLinks(Local* local) const;
  int PairLocal(int a, int b);
  bool Free(CellKey key) const;
  std::vector<int> Pinning(int single, const Target& t, const std::vector<CellKey>& limiting) const;
  bool Anchored(int area, int function) const;
  std::vector<int> Partners(int single, const std::vector<int>& functions) const;
  int LocalUnknown(const Local& local, int area, int unit, int cls) const;
  // Terms of the whole program's unknowns of `area` over a local program's; `area` must be in
  // its wijk.
  // `terms` (of the whole program) in `local`, whose areas must be its own (Owns).
  LinearTerms LocalTerms(const Local& local, const LinearTerms& terms) const;
  bool Owns(const Local& local, const LinearTerms& terms) const;

  std::vector<const ReleasedTable*> tables_;  // not owned
  ReleasedTable new_spec_;                    // BuildForNewTable's: the new table's spec
  std::map<std::string, int> area_index_;
  std::vector<std::string> codes_;
  std::vector<int> area_state_;  // the data state of each area
  std::vector<int> parent_;
  std::vector<std::vector<int>> children_;
  uint64_t mask_[kUnits] = {0, 0};
  std::vector<int> atom_class_[kUnits];
  std::vector<int> class_atoms_[kUnits];  // how many atoms each class has
  int classes_[kUnits] = {0, 0};
  int offset_[kUnits] = {0, 0};
  std::vector<int> function_unit_;
  std::vector<std::vector<bool>> function_atoms_;
  std::vector<std::vector<int>> function_classes_;  // sorted
  std::vector<std::vector<int>> column_function_;   // per release, per column
  std::map<CellKey, CellInfo> cells_;
  std::map<int, CellKey> row_cell_;            // LP relation of a published cell of the new table
  std::vector<Published> published_;           // every relation a published cell gives
  std::vector<Local> locals_;                  // per wijk, then per pair of wijken; with the truth
  int singles_ = 0;                            // how many of them are per wijk
  std::map<std::pair<int, int>, int> pairs_;   // two wijk programs -> their pair's program
  std::vector<int> local_of_area_;             // per area, its local program, or -1 (a top area)
  std::vector<int64_t> truth_;
  std::vector<int64_t> atom_truth_[kUnits];  // per area and atom, with the truth
  std::vector<int64_t> residents_;  // per area, with the truth
  int states_ = 1;                  // data states in the model
  struct Link {
    int earlier, later;             // an area in two consecutive states
    int64_t changed[kUnits];        // the L1 distance of their true counts per class
    int64_t atom_changed[kUnits];   // and per atom: what the attacker is assumed to know, so
                                    // also how much the classes may change
    int atom_first[kUnits];         // AddAtomLink's unknowns, or -1
  };
  // Where link->atom_changed[u] is 1..k-1: the atom unknowns of both areas.
  void AddAtomLink(Link* link, int u, int k);
  // The change of a conjunction over a link: over atoms (AddAtomLink), or over whole classes
  // (nullopt when it takes part of a class).
  std::optional<Target> AtomChangeTarget(const Link& link, int u, uint64_t care,
                                         uint64_t values) const;
  std::optional<Target> ClassChangeTarget(const Link& link, int u, uint64_t care,
                                          uint64_t values) const;
  std::vector<Link> links_;
  StateTransitions transitions_;  // BuildForNewTable's; empty: InOrder
  int k_ = 0;                     // BuildForNewTable's rules.k; 0 for the auditor
  std::unique_ptr<AttackerLp> lp_;
  int solved_ = 0;
  std::map<int, int> pair_proof_;  // target id -> the pair program proving it
  std::vector<int> last_proof_;  // the wijk programs whose program proved the last target
  bool defer_whole_ = false;
  bool whole_needed_ = false;
  bool whole_thread_ = false;
};

}  // namespace stapel::internal

#endif  // STAPEL_DISCLOSURE_RELEASE_MODEL_H_
