#ifndef STAPEL_DISCLOSURE_TABLE_PROTECTION_H_
#define STAPEL_DISCLOSURE_TABLE_PROTECTION_H_

// Secondary suppression with proof, and the differencing guard across releases.
//
// The attacker's model: every count of every released table is a sum of unknown non-negative
// numbers of persons (or households) per area and per combination of attributes (an "atom":
// which of the referenced attributes they have). Buurten add up to their wijk and wijken to
// the gemeente; every column is the sum of the atoms its population and measure take in, so
// linked measures (A, B, A AND B, A OR B, at least 2 of ...) and nested populations (all
// residents, adults) are relations too, within one table and across releases. A published
// count fixes its sum (to an interval when counts are rounded).
//
// What must stay protected, for the new table together with every earlier release of the
// same data (as in tau-ARGUS, the cells the primary rules protect; complements need no
// interval of their own):
//  - every suppressed cell with a count of 1..k-1, within k-1 of its population, or in an
//    area below the minimum population: the attacker's LP range must hold both 0 and k, or be
//    at least protection_width wide;
//  - every difference of two nested cells of one area (adults within residents, "A AND B"
//    within A, ...) whose true value is 1..k-1: the same;
//  - every conjunction of the attributes the releases use and their negations ("A AND NOT B
//    AND C", at every marginal level, asked for or not: the cells of the whole
//    cross-classification), per area and unit, whose true value is 1..k-1: the same. Counts
//    composed from unions, "halving" requests or inclusion-exclusion over several releases
//    narrow one of these, so they are protected too.
// An auditor does not know true values; from the published tables alone it checks that none
// of these is known to be a small count (range within 1..k-1).
// ProtectTable suppresses more cells of the new table until that holds (earlier releases are
// never changed); AuditReleases re-proves it from the published tables alone.
//
// How the hub finds complements: each target is first checked in a small program for its
// wijk in which the attacker also knows every count outside the wijk exactly. That program is
// tighter than the real one, so what it finds protected is protected. Where it is not, the
// published cells of the new table that bind the attacker's upper bound (non-zero LP duals)
// are the candidates, the smallest non-zero count first; only when the wijk's own cells do not
// limit it is the whole program (every area, every release) solved.
//
// How few suppressions ProtectTable's choice is from the fewest possible is measured by the
// exact model (exact_model.h, library stapel_disclosure_exact).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {

// A table as released: what the attacker knows.
struct ReleasedTable {
  TableSpec spec;
  AreaTable table;
  int rounding_base = 1;
  // The data state it was computed from: 0 the one being released now (or audited), s > 0 the
  // earlier state `s` of ProtectTable's `earlier_states` (an update or correction since).
  int state = 0;
  // Released by the cell key method: its values are perturbed (within rounding_base / 2 of the
  // truth), and its suppressions were never proved by the attacker's program.
  bool perturbed = false;
};

// Data states that followed each other in time, each pair (earlier, later) once; 0 is the state
// released now, s > 0 an earlier one. Data may go back to an earlier state (a correction
// withdrawn): 1, 0, 2, 0 gives (1, 0), (0, 2), (2, 0).
using StateTransitions = std::vector<std::pair<int, int>>;
// The transitions of states released in the order 1, 2, ..., states - 1, then 0.
StateTransitions InOrder(int states);

// What the attacker is assumed to know changed in one area between two data states that
// followed each other (ReleasedTable::state numbers): the L1 distance of the area's counts per
// class of the model (atoms no column tells apart, merged) and per atom, for unit 0 (persons) or
// 1 (households). An area in both states that is not listed did not change.
struct StateChange {
  int earlier = 0;
  int later = 0;
  std::string area;  // its code
  int unit = 0;
  int64_t per_class = 0;
  int64_t per_atom = 0;
  bool operator==(const StateChange&) const = default;
};

struct ProtectionResult {
  int primary = 0;        // cells suppressed by the primary rules
  int secondary = 0;      // complementary suppressions
  int ranges_solved = 0;  // attacker LP ranges computed
  // Small counts the earlier releases alone already narrow (released before the rule that
  // protects them): no suppression in this table can widen them; its complements then all stay
  // suppressed (no clean-up), so it does not narrow them further.
  int narrowed_by_earlier = 0;
  // What changed between the data states, as the model that proved the table assumed the
  // attacker knows it (empty with one state); the audit needs it to re-prove the releases over
  // all states. nullopt for a table whose cells were all shown before (ProtectTable): no model
  // was built, the last one holds.
  std::optional<std::vector<StateChange>> changes;
};

// StateChanges as the release log holds them: a list of objects with the fields above.
nlohmann::json StateChangesToJson(const std::vector<StateChange>& changes);
// INVALID_ARGUMENT naming what is missing or of the wrong type.
absl::StatusOr<std::vector<StateChange>> StateChangesFromJson(const nlohmann::json& json);

// Applies the primary rules to `table` (built from `truth` by `spec`), then suppresses
// complements until every suppressed cell, every sensitive difference and every small
// conjunction is protected against the new table combined with `earlier`. A cell an earlier
// release published is never suppressed (it would protect nothing), and a table whose cells
// earlier releases of this data state all showed (by area and by what a column counts, rounded
// the same, not perturbed) shows them as then: published where one of them published it. Does not
// round, but counts on it: the table must be published rounded to rules.rounding_base
// (ApplyRounding), as the attacker is assumed to see it. A target the earlier releases alone
// already narrow is not an error: it is counted in narrowed_by_earlier. INVALID_ARGUMENT when the
// releases together refer to more attributes than the model handles.
//
// Updates and corrections: `earlier` may hold releases of earlier data states of the same
// period (ReleasedTable::state s > 0, computed from `earlier_states[s - 1]`), which followed
// each other in time as `transitions` says (empty: InOrder).
// The attacker's program then spans every state: each state's persons are unknowns of their
// own, and the attacker is assumed to know how much changed in each buurt between
// states that followed each other: the L1 distance of their counts per atom (a person who
// left counts 1, one whose attributes changed 2), which the hub knows exactly. Then
// also protected: every small conjunction of every state, and in every linked area where the
// distance per atom is 1..k-1, what the changed persons have: for each conjunction of
// attributes (over atoms, so also one that no column tells apart), the attacker's range of its
// change must stay as wide as that distance (one person left: the releases must not tell
// whether that person had Wmo).
absl::StatusOr<ProtectionResult> ProtectTable(const DisclosureRules& rules, const TableSpec& spec,
                                              const BuurtCounts& truth,
                                              const std::vector<ReleasedTable>& earlier,
                                              AreaTable* table,
                                              const std::vector<BuurtCounts>& earlier_states = {},
                                              const StateTransitions& transitions = {});

// The audit of releases of one data state. Without `truth`: the auditor's check from published
// values only; with it: the hub's full rule (for tests). FAILED_PRECONDITION names the
// release (by position), area and cell that an attacker can narrow too far.
// Releases of several data states (ReleasedTable::state) are audited together, linked as
// `transitions` says with what `changes` says changed (ProtectionResult::changes of the last
// release): no small count of any state may be known to be one, and in every area where 1..k-1
// changed, no conjunction's change may be narrower than what changed (both from published
// values only).
absl::Status AuditReleases(const DisclosureRules& rules, const std::vector<ReleasedTable>& releases,
                           const BuurtCounts* truth = nullptr,
                           const StateTransitions& transitions = {},
                           const std::vector<StateChange>& changes = {});

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_TABLE_PROTECTION_H_
