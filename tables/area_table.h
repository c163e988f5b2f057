#ifndef STAPEL_TABLES_AREA_TABLE_H_
#define STAPEL_TABLES_AREA_TABLE_H_

// A neighbourhood table: one row per area (the gemeente, its wijken, their buurten, each
// parent before its children; over several gemeenten, released with their total first), one
// column per measure. A suppressed cell is kept apart from
// its value and is never written out as a number: "x" in CSV (as in CBS tables), null in
// JSON. Released tables do not say why a cell is suppressed, since that would tell a
// primary cell (1..k-1) from a secondary one.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "linker/linkage.h"
#include "tables/geography.h"
#include "tables/table_spec.h"

namespace stapel {

struct Cell {
  int64_t value = 0;  // meaningless once suppressed, and never released
  bool suppressed = false;
  // The cell key method's cell key: the sum of the contributors' record keys modulo 2^32
  // (disclosure/record_key.h). Never released.
  uint32_t key = 0;
};

struct AreaRow {
  AreaLevel level = AreaLevel::kBuurt;
  std::string code;
  std::string name;
  std::string parent;  // code of the enclosing area, "" for the gemeente
  std::vector<Cell> cells;
  int64_t residents = 0;  // all residents of the area, for the minimum population; not released
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

// Per buurt, how many persons and how many households have each combination of attribute
// bits (a household has the bits of all its members). Every table of a release is computed
// from these, and so is the truth the differencing guard compares with.
struct AttributeCounts {
  std::map<uint64_t, int64_t> persons;
  std::map<uint64_t, int64_t> households;
  // The sums of their record keys modulo 2^32 (a household's key is the sum of its members'),
  // for the cell key method. Only in the linked state: never written to JSON.
  std::map<uint64_t, uint32_t> person_keys;
  std::map<uint64_t, uint32_t> household_keys;

  const std::map<uint64_t, int64_t>& of(CountUnit unit) const {
    return unit == CountUnit::kPersons ? persons : households;
  }
  const std::map<uint64_t, uint32_t>& keys_of(CountUnit unit) const {
    return unit == CountUnit::kPersons ? person_keys : household_keys;
  }
};

struct BuurtCounts {
  std::map<std::string, AttributeCounts, std::less<>> buurten;  // every buurt of the geography
  bool has_households = false;
};

// {"has_households": bool, "buurten": {code: {"persons": {bits: n}, "households": {...}}}}
// with bits in decimal: the generator's ground truth, so tests can compute any table from it.
nlohmann::json BuurtCountsToJson(const BuurtCounts& counts);
absl::StatusOr<BuurtCounts> BuurtCountsFromJson(const nlohmann::json& json);

// `buurt_codes[i]` is the code of buurt index i used in `persons`; a household is counted in
// the buurt of its address.
BuurtCounts CountByBuurt(const std::vector<LinkedPerson>& persons,
                         const std::vector<std::string>& buurt_codes, const Geography& geography);

// The table of `spec`: the gemeente, then each wijk followed by its buurten, down to the
// spec's level (buurten in code order, so every wijk's buurten follow one another); only the
// gemeente spec.within when it names one (no rows when no buurt of `counts` lies in it).
AreaTable BuildTable(const TableSpec& spec, const BuurtCounts& counts, const Geography& geography);

// The code of a table's total row (AddTotalRow).
inline constexpr std::string_view kTotalCode = "total";

// For a table of two or more gemeenten, as released (protected and rounded): puts a row over
// all of them first (level total, code "total"), whose cells are the sums of the gemeenten's
// published values, suppressed where one of theirs is. Made of published values only, it tells
// nothing they do not, so the guard and the audit leave it out (TakeOutTotalRow). A table of one
// gemeente gets none.
void AddTotalRow(AreaTable* table);

// Removes the total row, if the table has one; INVALID_ARGUMENT when it is not what AddTotalRow
// makes of the other rows (a total that would tell more than its gemeenten).
absl::Status TakeOutTotalRow(AreaTable* table);

// NOT_FOUND when the spec is limited to a gemeente (within) in which no buurt of `counts` lies
// (every buurt of the project's areas is in them, with residents or not); the message names the
// gemeenten that are.
absl::Status CheckWithin(const TableSpec& spec, const BuurtCounts& counts);

}  // namespace stapel

#endif  // STAPEL_TABLES_AREA_TABLE_H_
