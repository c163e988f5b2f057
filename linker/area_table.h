#ifndef STAPEL_LINKER_AREA_TABLE_H_
#define STAPEL_LINKER_AREA_TABLE_H_

// A neighbourhood table: one row per area (the gemeente, its wijken, their buurten, each
// parent before its children), one column per measure. A suppressed cell is kept apart from
// its value and is never written out as a number: "x" in CSV (as in CBS tables), null in
// JSON. Released tables do not say why a cell is suppressed, since that would tell a
// primary cell (1..k-1) from a secondary one.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "linker/geography.h"
#include "linker/linkage.h"

namespace stapel {

enum class AreaLevel { kGemeente, kWijk, kBuurt };
std::string_view AreaLevelName(AreaLevel level);

struct Cell {
  int64_t value = 0;  // meaningless once suppressed, and never released
  bool suppressed = false;
};

struct AreaRow {
  AreaLevel level = AreaLevel::kBuurt;
  std::string code;
  std::string name;
  std::string parent;  // code of the enclosing area, "" for the gemeente
  std::vector<Cell> cells;
};

struct AreaTable {
  std::vector<std::string> measures;
  std::vector<AreaRow> rows;

  // The column of a measure, or -1.
  int MeasureIndex(std::string_view name) const;

  // JSON of the released view: {"measures": [...], "rows": [{"level", "code", "name",
  // "parent", "values": [n | null, ...]}]}.
  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT when the JSON does not have that shape.
  static absl::StatusOr<AreaTable> FromJson(const nlohmann::json& json);
  // CSV with header level,code,name,parent,<measures...>.
  std::string ToCsv() const;
};

// The stacking table: per area the residents, the residents with each indicator, and the
// residents with two or more and three or more indicators; when persons carry households,
// also the households and the households whose members together have two or more and three
// or more different indicators (counted in the buurt of their address).
// `buurt_codes[i]` is the code of buurt index i used in `persons`; buurten listed in
// `geography` appear even when empty.
AreaTable BuildStackingTable(const std::vector<LinkedPerson>& persons,
                             const std::vector<std::string>& buurt_codes,
                             const std::vector<std::string>& indicators,
                             const Geography& geography);

}  // namespace stapel

#endif  // STAPEL_LINKER_AREA_TABLE_H_
