#include "disclosure/cell_key.h"

#include <cstdlib>

#include "disclosure/disclosure.h"
#include "disclosure/secondary_suppression.h"

namespace stapel {

CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table) {
  CellKeyResult result;
  result.suppressed = ApplyPrimaryRules(rules, spec, table);
  const int before = internal::SuppressedCells(*table);
  CoverLoneSuppressions(table);
  result.complements = internal::SuppressedCells(*table) - before;
  for (AreaRow& row : table->rows) {
    for (Cell& cell : row.cells) {
      if (cell.suppressed) continue;
      const int64_t published = ptable.Perturbed(cell.value, cell.key);
      ++result.published;
      result.changed += published != cell.value;
      result.absolute_perturbation += std::llabs(published - cell.value);
      cell.value = published;
    }
  }
  return result;
}

}  // namespace stapel
