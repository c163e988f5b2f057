#ifndef STAPEL_TABLES_TABLE_SPEC_H_
#define STAPEL_TABLES_TABLE_SPEC_H_

// What a table counts. A requester sends a TableRequest (TOML or JSON file, or the proto over
// gRPC): a geography level, a population the manifest declares, and measures (indicator
// expressions). The hub resolves it against the manifest into a TableSpec: one column per
// count, each "persons (or households) in the population who satisfy the measure". The
// population count itself is always the first column. The spec goes into the release log, so
// an auditor can rebuild every relation between the columns of all releases.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "project/indicator_expression.h"
#include "project/manifest.h"
#include "tables/geography.h"

namespace stapel {

struct TableColumn {
  std::string name;
  CountUnit unit = CountUnit::kPersons;
  IndicatorExpression population;
  IndicatorExpression measure;  // "true" for the population count
  // The column that counts this column's population (group disclosure compares with it);
  // -1 for a population count.
  int population_column = -1;

  bool Counts(uint64_t attribute_bits) const {
    return population.Matches(attribute_bits) && measure.Matches(attribute_bits);
  }
};

struct TableSpec {
  AreaLevel level = AreaLevel::kBuurt;
  // The gemeente the table is limited to (its rows: the gemeente and its wijken and buurten);
  // empty: every gemeente of the project.
  std::string within;
  std::vector<std::string> attributes;  // the names of the attribute bits
  std::vector<TableColumn> columns;

  // {"level", "attributes", "columns": [{"name", "unit", "population", "measure"}]}, and
  // "within" when the table is limited to an area.
  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT when the JSON is not a spec.
  static absl::StatusOr<TableSpec> FromJson(const nlohmann::json& json);
};

struct MeasureRequest {
  std::string name;
  std::string expression;
};

struct TableRequest {
  std::string purpose;
  // Empty: the stacking table (residents, each indicator, two or more and three or more
  // indicators, and the same for households). Otherwise a population of the manifest.
  std::string population;
  std::string level = "buurt";
  // A gemeente's code (GM0363): only that gemeente and its wijken and buurten. Empty: every
  // gemeente of the project.
  std::string within;
  std::vector<MeasureRequest> measures;
  // The periods to count (Manifest::periods); none: the latest; several: a trend table.
  std::vector<std::string> periods;

  // A .toml or .json file with the fields above ([[measures]] name = ..., expression = ...).
  // INVALID_ARGUMENT names the file and the field.
  static absl::StatusOr<TableRequest> Load(const std::filesystem::path& path);
};

// Validates a request against the manifest. INVALID_ARGUMENT says in plain words what is
// wrong and what the manifest offers instead. `households` tells whether the register sends
// households; without them household columns are left out and household populations refused.
absl::StatusOr<TableSpec> ResolveRequest(const TableRequest& request, const Manifest& manifest,
                                         bool households);

// The stacking table; household columns only when `households`.
TableSpec StackingTableSpec(const Manifest& manifest, bool households);

}  // namespace stapel

#endif  // STAPEL_TABLES_TABLE_SPEC_H_
