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
  // The suppressions, from the base's counts: the changed areas' new ones would tell of them.
  AreaTable pattern = earlier.base.has_value() ? *earlier.base : *table;
  ApplyPrimaryRules(rules, spec, &pattern);
  const AreaTable primary = pattern;
  CoverLoneSuppressions(&pattern);
  std::map<std::string, size_t> pattern_row;
  for (size_t r = 0; r < pattern.rows.size(); ++r) pattern_row.emplace(pattern.rows[r].code, r);
  std::set<std::string> held_back;
  for (const std::string& buurt : earlier.changed_buurten) {
    for (std::string& area : AreasHoldingBuurt(buurt)) held_back.insert(std::move(area));
  }
  for (AreaRow& row : table->rows) {
    const auto p = pattern_row.find(row.code);
    const bool held = held_back.contains(row.code) || p == pattern_row.end();
    for (size_t m = 0; m < row.cells.size(); ++m) {
      Cell& cell = row.cells[m];
      if (held) {
        cell.suppressed = true;
        ++result.held_back;
        continue;
      }
      cell.suppressed = pattern.rows[p->second].cells[m].suppressed;
      if (primary.rows[p->second].cells[m].suppressed) {
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
