#include "disclosure/cell_key.h"

#include <cstdlib>
#include <map>

#include "disclosure/disclosure.h"
#include "records/area_code.h"

namespace stapel {

CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table,
                           const EarlierCellKeyStates& earlier) {
  CellKeyResult result;
  ApplyPrimaryRules(rules, spec, table);
  const AreaTable primary = *table;
  CoverLoneSuppressions(table);
  // What the same table suppresses over each earlier state stays suppressed.
  std::map<std::string, size_t> row_of;
  for (size_t r = 0; r < table->rows.size(); ++r) row_of.emplace(table->rows[r].code, r);
  for (AreaTable other : earlier.tables) {
    ApplyPrimaryRules(rules, spec, &other);
    CoverLoneSuppressions(&other);
    for (const AreaRow& row : other.rows) {
      const auto at = row_of.find(row.code);
      if (at == row_of.end()) continue;
      std::vector<Cell>& cells = table->rows[at->second].cells;
      for (size_t m = 0; m < cells.size() && m < row.cells.size(); ++m) {
        cells[m].suppressed = cells[m].suppressed || row.cells[m].suppressed;
      }
    }
  }
  std::set<std::string> held_back;
  for (const std::string& buurt : earlier.changed_buurten) {
    for (std::string& area : AreasHoldingBuurt(buurt)) held_back.insert(std::move(area));
  }
  for (size_t r = 0; r < table->rows.size(); ++r) {
    AreaRow& row = table->rows[r];
    const bool held = held_back.contains(row.code);
    for (size_t m = 0; m < row.cells.size(); ++m) {
      Cell& cell = row.cells[m];
      if (held) {
        cell.suppressed = true;
        ++result.held_back;
      } else if (primary.rows[r].cells[m].suppressed) {
        ++result.suppressed;
      } else if (cell.suppressed) {
        ++result.complements;
      }
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
