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
// Limits: the record keys follow the pseudonyms, so after a rotation of the linkage secret the
// same persons get fresh noise (an attacker who asks the same cell in both epochs sees two
// draws); and the suppressed cells are not proved with the attacker's LP as suppression's are.

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
};

// Applies the primary rules (ApplyPrimaryRules), suppresses a complement in every relation
// with one suppressed cell (CoverLoneSuppressions: a total minus its published parts would
// give it within a few times max_deviation), then the p-table of `rules.cell_key` to every
// published count of `table`, from its true value and cell key. `rules.method` must be
// kCellKey; `ptable` must be made from `rules.cell_key`.
CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table);

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_CELL_KEY_H_
