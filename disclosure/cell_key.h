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
// So, after a change, an area whose content changed (AreaContents) is held back in every
// cell-key release of the new state, and with it every coarser area that holds it; every other
// cell has the same contributors as before and shows the same value, so the releases of the new
// state tell nothing the old state's could not. (A rotation of the linkage secret gives every
// person a new record key: every area changes.)
// Limit: the suppressed cells are not proved with the attacker's LP as suppression's are.

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include <nlohmann/json.hpp>
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

// Per buurt, a digest of everything its cells are made of: the counts and record-key sums of
// each class of persons and of households. A buurt keeps its digest exactly when every cell over
// it keeps its contributors (up to a 2^-32 chance that two persons' keys sum alike).
using AreaContents = std::map<std::string, std::string, std::less<>>;
AreaContents AreaContentsOf(const BuurtCounts& counts);
// {buurt: digest}; FromJson: INVALID_ARGUMENT for another shape.
nlohmann::json AreaContentsToJson(const AreaContents& contents);
absl::StatusOr<AreaContents> AreaContentsFromJson(const nlohmann::json& json);
// Adds to `changed` every buurt whose digest differs between `now` and `earlier`, or that only
// one of them has.
void AddChangedBuurten(const AreaContents& now, const AreaContents& earlier,
                       std::set<std::string>* changed);

// Holds back every cell of each row whose area is, or holds, a buurt of `changed_buurten`;
// applies the primary rules (ApplyPrimaryRules), suppresses a complement in every relation
// with one suppressed cell (CoverLoneSuppressions: a total minus its published parts would
// give it within a few times max_deviation), then the p-table of `rules.cell_key` to every
// published count of `table`, from its true value and cell key. `rules.method` must be
// kCellKey; `ptable` must be made from `rules.cell_key`.
CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table,
                           const std::set<std::string>& changed_buurten = {});

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_CELL_KEY_H_
