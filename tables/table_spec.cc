#include "tables/table_spec.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "encoding/json.h"
#include "encoding/utf8.h"
#include "keys/identity.h"
#include "project/toml_file.h"
#include "records/area_code.h"

namespace stapel {
namespace {

constexpr size_t kMaxMeasures = 40;

std::string_view UnitName(CountUnit unit) {
  return unit == CountUnit::kPersons ? "persons" : "households";
}

IndicatorExpression MustParse(const std::string& text, const std::vector<std::string>& names) {
  return *IndicatorExpression::Parse(text, names);  // built from valid names only
}

absl::StatusOr<std::string> TextField(const nlohmann::json& json, const char* field,
                                      std::string_view where) {
  if (!json.contains(field)) return std::string();
  if (!json[field].is_string()) {
    return absl::InvalidArgumentError(fmt::format("{}: '{}' must be text", where, field));
  }
  return json[field].get<std::string>();
}

}  // namespace

nlohmann::json TableSpec::ToJson() const {
  nlohmann::json columns_json = nlohmann::json::array();
  for (const auto& c : columns) {
    columns_json.push_back({{"name", c.name},
                            {"unit", UnitName(c.unit)},
                            {"population", c.population.ToString()},
                            {"measure", c.measure.ToString()}});
  }
  nlohmann::json out = {
      {"level", AreaLevelName(level)}, {"attributes", attributes}, {"columns", columns_json}};
  if (!within.empty()) out["within"] = within;
  return out;
}

absl::StatusOr<TableSpec> TableSpec::FromJson(const nlohmann::json& json) {
  auto bad = [](std::string_view what) {
    return absl::InvalidArgumentError(fmt::format("table spec: {}", what));
  };
  if (!json.is_object() || !json.contains("level") || !json["level"].is_string() ||
      !json.contains("attributes") || !json["attributes"].is_array() || !json.contains("columns") ||
      !json["columns"].is_array()) {
    return bad("expected an object with 'level', 'attributes' and 'columns'");
  }
  TableSpec spec;
  auto level = ParseAreaLevel(json["level"].get<std::string>());
  if (!level.ok()) return bad(std::string(level.status().message()));
  spec.level = *level;
  if (json.contains("within")) {
    if (!json["within"].is_string()) return bad("'within' is not text");
    auto within = NormalizeGemeenteCode(json["within"].get<std::string>());
    if (!within.ok()) return bad(std::string(within.status().message()));
    spec.within = *within;
  }
  for (const auto& a : json["attributes"]) {
    if (!a.is_string()) return bad("an attribute is not text");
    spec.attributes.push_back(a.get<std::string>());
  }
  for (const auto& c : json["columns"]) {
    TableColumn column;
    for (const char* field : {"name", "unit", "population", "measure"}) {
      if (!c.is_object() || !c.contains(field) || !c[field].is_string()) {
        return bad(fmt::format("a column has no text field '{}'", field));
      }
    }
    column.name = c["name"].get<std::string>();
    const std::string unit = c["unit"].get<std::string>();
    if (unit != "persons" && unit != "households") return bad("unknown unit " + unit);
    column.unit = unit == "persons" ? CountUnit::kPersons : CountUnit::kHouseholds;
    auto population =
        IndicatorExpression::Parse(c["population"].get<std::string>(), spec.attributes);
    auto measure = IndicatorExpression::Parse(c["measure"].get<std::string>(), spec.attributes);
    if (!population.ok()) return bad(std::string(population.status().message()));
    if (!measure.ok()) return bad(std::string(measure.status().message()));
    column.population = *population;
    column.measure = *measure;
    spec.columns.push_back(std::move(column));
  }
  // The population count of each column: the first column of the same unit and population
  // whose measure is "true".
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    TableColumn& c = spec.columns[i];
    if (c.measure.ToString() == "true") continue;
    for (size_t j = 0; j < spec.columns.size(); ++j) {
      const TableColumn& p = spec.columns[j];
      if (p.unit == c.unit && p.measure.ToString() == "true" &&
          p.population.ToString() == c.population.ToString()) {
        c.population_column = static_cast<int>(j);
        break;
      }
    }
  }
  return spec;
}

absl::StatusOr<TableRequest> TableRequest::Load(const std::filesystem::path& path) {
  const std::string file = path.string();
  nlohmann::json json;
  if (path.extension() == ".toml") {
    auto toml = ParseTomlFile(path);
    if (!toml.ok()) return toml.status();
    std::stringstream as_json;
    as_json << toml::json_formatter{*toml};
    auto converted = ParseJson(as_json.str(), file);
    if (!converted.ok()) return converted.status();
    json = *std::move(converted);
  } else if (path.extension() == ".json") {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(fmt::format("{}: cannot be read", file));
    json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return absl::InvalidArgumentError(fmt::format("{}: is not valid JSON", file));
    }
  } else {
    return absl::InvalidArgumentError(
        fmt::format("{}: a table request is a .toml or .json file", file));
  }
  if (!json.is_object()) {
    return absl::InvalidArgumentError(fmt::format("{}: expected an object of fields", file));
  }
  TableRequest request;
  for (const auto& [key, value] : json.items()) {
    if (key != "purpose" && key != "population" && key != "level" && key != "within" &&
        key != "measures" && key != "periods") {
      return absl::InvalidArgumentError(fmt::format(
          "{}: unknown field '{}' (fields: purpose, population, level, within, measures, "
          "periods)",
          file, key));
    }
  }
  for (auto [field, target] :
       {std::pair{"purpose", &request.purpose}, std::pair{"population", &request.population},
        std::pair{"level", &request.level}, std::pair{"within", &request.within}}) {
    auto text = TextField(json, field, file);
    if (!text.ok()) return text.status();
    if (!text->empty()) *target = *text;
  }
  if (json.contains("measures")) {
    if (!json["measures"].is_array()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: 'measures' must be a list of {{name, expression}}", file));
    }
    for (size_t i = 0; i < json["measures"].size(); ++i) {
      const auto& m = json["measures"][i];
      const std::string where = fmt::format("{}: measure #{}", file, i + 1);
      if (!m.is_object())
        return absl::InvalidArgumentError(where + ": expected name and expression");
      auto name = TextField(m, "name", where);
      auto expression = TextField(m, "expression", where);
      if (!name.ok()) return name.status();
      if (!expression.ok()) return expression.status();
      request.measures.push_back({*name, *expression});
    }
  }
  if (json.contains("periods")) {
    const nlohmann::json& periods = json["periods"];
    if (!periods.is_array() ||
        !std::all_of(periods.begin(), periods.end(), [](const auto& p) { return p.is_string(); })) {
      return absl::InvalidArgumentError(
          fmt::format("{}: 'periods' must be a list of period names, e.g. [\"2024\", \"2025\"]",
                      file));
    }
    for (const auto& period : periods) request.periods.push_back(period.get<std::string>());
  }
  return request;
}

absl::StatusOr<TableSpec> ResolveRequest(const TableRequest& request, const Manifest& manifest,
                                         bool households) {
  TableSpec spec;
  auto level = ParseAreaLevel(request.level);
  if (!level.ok()) return level.status();
  spec.level = *level;
  if (!request.within.empty()) {
    auto within = NormalizeGemeenteCode(request.within);
    if (!within.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("within: '{}' is not a CBS gemeente code (expected GM and 4 digits, like "
                      "GM1991); leave it out for every gemeente of the project",
                      BoundedUtf8(request.within, 80)));
    }
    spec.within = *within;
  }
  spec.attributes = manifest.Attributes();
  if (request.population.empty()) {
    if (!request.measures.empty()) {
      return absl::InvalidArgumentError(
          "measures need a population to count in (for example population = \"residents\")");
    }
    TableSpec stacking = StackingTableSpec(manifest, households);
    stacking.level = spec.level;
    stacking.within = spec.within;
    return stacking;
  }
  const Population* population = manifest.FindPopulation(request.population);
  if (population == nullptr) {
    std::vector<std::string> names;
    for (const auto& p : manifest.populations) names.push_back(p.name);
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not a population of project '{}'; the manifest offers: {}",
        BoundedUtf8(request.population, 80), manifest.project_id, fmt::join(names, ", ")));
  }
  if (population->unit == CountUnit::kHouseholds && !households) {
    return absl::FailedPreconditionError(
        fmt::format("population '{}' counts households, but the register sends no household links",
                    population->name));
  }
  if (request.measures.size() > kMaxMeasures) {
    return absl::InvalidArgumentError(fmt::format("{} measures asked; a table has at most {}",
                                                  request.measures.size(), kMaxMeasures));
  }
  const IndicatorExpression filter = MustParse(population->filter, spec.attributes);
  spec.columns.push_back({population->name, population->unit, filter, IndicatorExpression(), -1});
  std::set<std::string, std::less<>> names = {population->name};
  for (const auto& m : request.measures) {
    if (auto s = ValidateIdentity(m.name); !s.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("measure name '{}': {}", BoundedUtf8(m.name, 80), std::string(s.message())));
    }
    if (!names.insert(m.name).second) {
      return absl::InvalidArgumentError(
          fmt::format("measure name '{}' is used twice (the population count is called '{}')",
                      m.name, population->name));
    }
    auto expression = IndicatorExpression::Parse(m.expression, spec.attributes);
    // The canonical text goes into the release log and is parsed again from there (the next
    // request's guard, the hub's start, the audit): it must be within the limits too.
    if (expression.ok()) {
      if (auto again = IndicatorExpression::Parse(expression->ToString(), spec.attributes);
          !again.ok()) {
        expression = absl::InvalidArgumentError(
            fmt::format("written out in full ({} characters) it exceeds the limits: {}",
                        expression->ToString().size(), std::string(again.status().message())));
      }
    }
    if (!expression.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("measure '{}': {}", m.name, std::string(expression.status().message())));
    }
    spec.columns.push_back({m.name, population->unit, filter, *expression, 0});
  }
  return spec;
}

TableSpec StackingTableSpec(const Manifest& manifest, bool households) {
  TableSpec spec;
  spec.attributes = manifest.Attributes();
  const std::vector<std::string> indicators = manifest.Indicators();
  auto column = [&](std::string name, CountUnit unit, const std::string& measure, int population) {
    spec.columns.push_back({std::move(name), unit, IndicatorExpression(),
                            MustParse(measure, spec.attributes), population});
  };
  const std::string all = fmt::format("{}", fmt::join(indicators, ", "));
  column("residents", CountUnit::kPersons, "true", -1);
  for (const auto& indicator : indicators) column(indicator, CountUnit::kPersons, indicator, 0);
  for (int n : {2, 3}) {
    if (static_cast<int>(indicators.size()) < n) continue;
    column(fmt::format("stacked_{}plus", n), CountUnit::kPersons,
           fmt::format("atleast({}, {})", n, all), 0);
  }
  if (households) {
    const int population = static_cast<int>(spec.columns.size());
    column("households", CountUnit::kHouseholds, "true", -1);
    for (int n : {2, 3}) {
      if (static_cast<int>(indicators.size()) < n) continue;
      column(fmt::format("households_{}plus", n), CountUnit::kHouseholds,
             fmt::format("atleast({}, {})", n, all), population);
    }
  }
  return spec;
}

}  // namespace stapel
