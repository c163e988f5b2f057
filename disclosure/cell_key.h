#ifndef STAPEL_DISCLOSURE_CELL_KEY_H_
#define STAPEL_DISCLOSURE_CELL_KEY_H_

// The cell key method (as the ABS TableBuilder, CBS's 2021 census and tau-ARGUS apply it to
// count tables): a cell's key is the sum of its contributors' record keys modulo 1
// (Cell::key, disclosure/record_key.h); the key and the cell's count select its perturbation
// from the p-table (disclosure/ptable.h). The same persons give the same key, so the same
// cell has the same published value in every table, at every level, in every request, and
// asking again teaches nothing. No suppression for protection's sake: only an area below the
// minimum population publishes nothing, and group disclosure (a count within k-1 of its
// population) stays suppressed, each with a complement in its relations. Totals are perturbed
// on their own and need not add up.
// Updates: when a period's data change after cell-key releases of it, the cells whose
// contributors changed would get new keys and the others keep their values, so comparing the
// two releases shows which cells the change touched (one person leaves: their indicators).
// Drawing every cell anew would give the attacker a second draw of each count to average.
// So, after a change, an area whose content changed (disclosure/area_contents.h) since any
// earlier state with cell-key releases of the period is held back, with every coarser area
// that holds it; every other cell has the same contributors as in the period's first released
// state (its base) and shows the same value. What is suppressed besides is what the table
// suppresses over the base (tiny areas, group disclosure, their complements), never what the
// changed areas' new counts would make it: every release of the period then shows a part of
// what the same table would have shown over the base, and nothing of the change.
// Limits: the suppressed cells are not proved with the attacker's LP as suppression's are. The
// record keys follow the pseudonyms: after a rotation of the linkage secret every person has a
// new key, so within a period every area counts as changed, and across periods the same cells
// get fresh noise (an attacker who compares a cell in periods of two epochs sees two draws).
// Periods are separate statistics, as for suppression (docs/threat-model.md): the same persons
// give a cell the same value in two periods, so comparing periods shows which cells changed.

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "disclosure/ptable.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {

// What the method did to one table.
struct CellKeyResult {
  int suppressed = 0;  // by the minimum area population or group disclosure
  int complements = 0;  // so no suppressed cell is a total minus published parts
  int changed = 0;     // published counts that differ from the true count
  int64_t absolute_perturbation = 0;  // the sum of |published - true| over published counts
  int published = 0;
  int held_back = 0;  // cells of areas whose data changed since earlier releases (see above)
};

// What the earlier data states of a period mean for a new cell-key table.
struct EarlierCellKeyStates {
  // Buurten whose content differs from any earlier state with cell-key releases of the period.
  std::set<std::string> changed_buurten;
  // The table of the same spec over the period's first state with cell-key releases (true
  // counts; keys are not needed), when that is not the table's own state.
  std::optional<AreaTable> base;
};

// Suppresses what the primary rules (ApplyPrimaryRules) and the complements of every relation
// with one suppressed cell (CoverLoneSuppressions: a total minus its published parts would give
// it within a few times max_deviation) suppress over `earlier.base`, or over `table` itself
// without a base; holds back every cell of each row whose area is, or holds, a buurt of
// `earlier.changed_buurten` (and any row the base lacks); then applies the p-table of
// `rules.cell_key` to every published count of `table`, from its true value and cell key.
// `rules.method` must be kCellKey; `ptable` must be made from `rules.cell_key`; the base must
// be of `spec`.
CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table,
                           const EarlierCellKeyStates& earlier = {});

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_CELL_KEY_H_
