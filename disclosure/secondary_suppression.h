#ifndef STAPEL_DISCLOSURE_SECONDARY_SUPPRESSION_H_
#define STAPEL_DISCLOSURE_SECONDARY_SUPPRESSION_H_

// INTERNAL to disclosure/: not a public API (see release_model.h). ProtectTable's heuristic
// for the secondary suppressions: complements are added until every target is protected
// (ProtectTargets), then those no target needs are published again (RepublishUnneeded).

#include <optional>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "disclosure/release_model.h"
#include "project/manifest.h"
#include "tables/area_table.h"

namespace stapel::internal {

// Per target: the wijk programs of the program that proved it protected
// (ReleaseModel::LastProof), or nullopt when the earlier releases alone already narrow it, so
// that no suppression in the new table can protect it (a release logged before the rule that
// made it a target).
using Proof = std::optional<std::vector<int>>;

// Suppresses more cells of the new table until every target is protected, or is one the
// earlier releases alone narrow. Returns a proof per target.
absl::StatusOr<std::vector<Proof>> ProtectTargets(const DisclosureRules& rules,
                                                   ReleaseModel& model,
                                                   const std::vector<Target>& targets);

// How many targets the earlier releases alone narrow.
int Inherited(const std::vector<Proof>& proofs);

// The clean-up after ProtectTargets (as tau-ARGUS's): publishes each complement again, largest
// count first (the top area's last), where every target stays protected. A complement's relation is
// in the programs of its own wijk only (a top area's in all), so a target a wijk program (or a
// pair's) protects needs checking again only for complements in that wijk (or those wijken, or the
// top area), and stays protected in such a program; a target only the whole program protects is
// checked again there for each complement. Stops when the LP work of those checks, which grows with
// the releases, and their number reach its budget (kCleanUpWork); a complement not shown
// unneeded by then stays suppressed. `proofs`: ProtectTargets's.
absl::Status RepublishUnneeded(const DisclosureRules& rules, ReleaseModel& model,
                               const std::vector<Target>& targets,
                               const std::vector<Proof>& proofs,
                               const std::set<const Cell*>& primary);

// The number of suppressed cells of `table`.
int SuppressedCells(const AreaTable& table);

}  // namespace stapel::internal

#endif  // STAPEL_DISCLOSURE_SECONDARY_SUPPRESSION_H_
