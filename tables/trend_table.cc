#include "tables/trend_table.h"

#include <fmt/format.h>

#include <map>

namespace stapel {

AreaTable BuildTrendTable(const std::vector<std::string>& periods,
                          const std::vector<AreaTable>& released) {
  const AreaTable& first = released.front();
  const size_t measures = first.measures.size();
  AreaTable trend;
  for (const std::string& measure : first.measures) {
    for (const std::string& period : periods) {
      trend.measures.push_back(fmt::format("{} {}", measure, period));
    }
    trend.measures.push_back(
        fmt::format("{} change {}-{}", measure, periods.front(), periods.back()));
  }
  // Each period's rows by area code.
  std::vector<std::map<std::string, const AreaRow*, std::less<>>> rows(released.size());
  for (size_t p = 0; p < released.size(); ++p) {
    for (const AreaRow& row : released[p].rows) rows[p][row.code] = &row;
  }
  const Cell kSuppressed{.value = 0, .suppressed = true};
  for (const AreaRow& area : first.rows) {
    AreaRow out{.level = area.level,
                .code = area.code,
                .name = area.name,
                .parent = area.parent,
                .cells = {},
                .residents = area.residents};
    for (size_t m = 0; m < measures; ++m) {
      std::vector<Cell> values;
      for (size_t p = 0; p < released.size(); ++p) {
        const auto found = rows[p].find(area.code);
        const int column = released[p].MeasureIndex(first.measures[m]);
        const bool has = found != rows[p].end() && column >= 0 &&
                         static_cast<size_t>(column) < found->second->cells.size();
        values.push_back(has ? found->second->cells[static_cast<size_t>(column)] : kSuppressed);
      }
      out.cells.insert(out.cells.end(), values.begin(), values.end());
      const Cell& from = values.front();
      const Cell& to = values.back();
      out.cells.push_back(from.suppressed || to.suppressed
                              ? kSuppressed
                              : Cell{.value = to.value - from.value, .suppressed = false});
    }
    trend.rows.push_back(std::move(out));
  }
  return trend;
}

}  // namespace stapel
