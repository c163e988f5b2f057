#ifndef STAPEL_DISCLOSURE_ATOM_ATTACKER_H_
#define STAPEL_DISCLOSURE_ATOM_ATTACKER_H_

// An attacker written apart from the hub's model (release_model.h), for the tests and the
// benchmark to hold ProtectTable against. Its unknowns are every atom of every area: each
// combination of the attributes the releases' columns refer to, per area and unit, with no
// merging of atoms no column tells apart. It knows every published count (as an interval when
// rounded), the primary rule (a published count is 0 or at least k, where the truth agrees) and
// that buurten add up to wijken and wijken to the gemeente. For every
// conjunction of those attributes and their negations ("a AND NOT b AND c", at any marginal
// level) whose true count is 1..k-1, it asks its LP for the narrowest range, and reports the
// ones narrower than the hub's rule allows (the range must hold 0 and k, or be at least
// protection_width wide).
//
// Over several data states (an update or correction: ReleasedTable::state, with the truth of
// earlier state s in `earlier_states[s - 1]`, in time as `transitions` says, empty: InOrder),
// each state's atoms are unknowns of their own and the attacker knows, per area, how much
// changed between states that followed each other (the L1 distance of their atom counts). Then it also reports, in every area where 1..k-1
// changed, each conjunction (but "anything") whose change it narrows below that number.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "disclosure/attacker_lp.h"
#include "disclosure/table_protection.h"
#include "project/manifest.h"
#include "tables/area_table.h"

namespace stapel::testing_util {

struct NarrowedCount {
  std::string area;
  std::string conjunction;  // e.g. "persons with a AND NOT b"
  int64_t truth = 0;
  CountRange range;

  std::string ToString() const;
};

// The small counts the releases (of one data state, `truth`) let an attacker narrow too far;
// at most `limit` of them. INVALID_ARGUMENT when the releases refer to more than 10 attributes
// of a unit (the attacker's program grows as 2^attributes).
absl::StatusOr<std::vector<NarrowedCount>> NarrowedConjunctions(
    const DisclosureRules& rules, const std::vector<ReleasedTable>& releases,
    const BuurtCounts& truth, size_t limit = 10,
    const std::vector<BuurtCounts>& earlier_states = {},
    const StateTransitions& transitions = {});

}  // namespace stapel::testing_util

#endif  // STAPEL_DISCLOSURE_ATOM_ATTACKER_H_
