#include "linker/area_table.h"

#include <fmt/format.h>

#include <bit>
#include <map>

#include "linker/area_code.h"
#include "linker/csv_reader.h"

namespace stapel {
std::string_view AreaLevelName(AreaLevel level) {
  switch (level) {
    case AreaLevel::kGemeente:
      return "gemeente";
    case AreaLevel::kWijk:
      return "wijk";
    case AreaLevel::kBuurt:
      return "buurt";
  }
  return "";
}

int AreaTable::MeasureIndex(std::string_view name) const {
  for (size_t i = 0; i < measures.size(); ++i) {
    if (measures[i] == name) return static_cast<int>(i);
  }
  return -1;
}

nlohmann::json AreaTable::ToJson() const {
  nlohmann::json rows_json = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& cell : row.cells) {
      values.push_back(cell.suppressed ? nlohmann::json(nullptr) : nlohmann::json(cell.value));
    }
    rows_json.push_back({{"level", AreaLevelName(row.level)},
                         {"code", row.code},
                         {"name", row.name},
                         {"parent", row.parent},
                         {"values", std::move(values)}});
  }
  return {{"measures", measures}, {"rows", std::move(rows_json)}};
}

absl::StatusOr<AreaTable> AreaTable::FromJson(const nlohmann::json& json) {
  auto bad = [](std::string_view what) {
    return absl::InvalidArgumentError(fmt::format("table: {}", what));
  };
  if (!json.is_object() || !json.contains("measures") || !json.contains("rows") ||
      !json["measures"].is_array() || !json["rows"].is_array()) {
    return bad("expected an object with 'measures' and 'rows' lists");
  }
  AreaTable table;
  for (const auto& m : json["measures"]) {
    if (!m.is_string()) return bad("a measure name is not a string");
    table.measures.push_back(m.get<std::string>());
  }
  for (const auto& r : json["rows"]) {
    if (!r.is_object()) return bad("a row is not an object");
    AreaRow row;
    for (const char* field : {"level", "code", "name", "parent"}) {
      if (!r.contains(field) || !r[field].is_string()) {
        return bad(fmt::format("a row has no text field '{}'", field));
      }
    }
    const std::string level = r["level"].get<std::string>();
    if (level == "gemeente")
      row.level = AreaLevel::kGemeente;
    else if (level == "wijk")
      row.level = AreaLevel::kWijk;
    else if (level == "buurt")
      row.level = AreaLevel::kBuurt;
    else
      return bad(fmt::format("unknown level '{}'", level));
    row.code = r["code"].get<std::string>();
    row.name = r["name"].get<std::string>();
    row.parent = r["parent"].get<std::string>();
    if (!r.contains("values") || !r["values"].is_array() ||
        r["values"].size() != table.measures.size()) {
      return bad(fmt::format("row {} does not have one value per measure", row.code));
    }
    for (const auto& v : r["values"]) {
      if (v.is_null()) {
        row.cells.push_back({0, true});
      } else if (v.is_number_integer()) {
        row.cells.push_back({v.get<int64_t>(), false});
      } else {
        return bad(
            fmt::format("row {} has a value that is neither a whole number nor null", row.code));
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string AreaTable::ToCsv() const {
  std::string out = "level,code,name,parent";
  for (const auto& m : measures) out += "," + EscapeCsvField(m);
  out += "\n";
  for (const auto& row : rows) {
    out += fmt::format("{},{},{},{}", AreaLevelName(row.level), row.code, EscapeCsvField(row.name),
                       row.parent);
    for (const auto& cell : row.cells) {
      out += cell.suppressed ? std::string(",x") : fmt::format(",{}", cell.value);
    }
    out += "\n";
  }
  return out;
}

AreaTable BuildStackingTable(const std::vector<LinkedPerson>& persons,
                             const std::vector<std::string>& buurt_codes,
                             const std::vector<std::string>& indicators,
                             const Geography& geography) {
  AreaTable table;
  table.measures.push_back("residents");
  table.measures.insert(table.measures.end(), indicators.begin(), indicators.end());
  table.measures.push_back("stacked_2plus");
  table.measures.push_back("stacked_3plus");
  const size_t person_measures = table.measures.size();
  // Households: the indicators of their members together, and the buurt of their address.
  std::vector<uint64_t> household_indicators;
  std::vector<uint32_t> household_buurt;
  for (const auto& person : persons) {
    if (person.household == LinkedPerson::kNoHousehold) continue;
    if (person.household >= household_indicators.size()) {
      household_indicators.resize(person.household + 1, 0);
      household_buurt.resize(person.household + 1, 0);
    }
    household_indicators[person.household] |= person.indicators;
    household_buurt[person.household] = person.buurt;
  }
  if (!household_indicators.empty()) {
    table.measures.push_back("households");
    table.measures.push_back("households_2plus");
    table.measures.push_back("households_3plus");
  }
  const size_t n = table.measures.size();

  // Counts per buurt, ordered by code so every wijk's buurten follow one another.
  std::map<std::string, std::vector<int64_t>> buurt_counts;
  for (const auto& [code, name] : geography.names()) {
    if (code.starts_with("BU")) buurt_counts[code].assign(n, 0);
  }
  std::vector<std::vector<int64_t>*> by_index(buurt_codes.size());
  for (size_t i = 0; i < buurt_codes.size(); ++i) {
    auto& counts = buurt_counts[buurt_codes[i]];
    counts.resize(n, 0);
    by_index[i] = &counts;
  }
  for (const auto& person : persons) {
    std::vector<int64_t>& c = *by_index[person.buurt];
    c[0] += 1;
    for (size_t i = 0; i < indicators.size(); ++i) c[1 + i] += (person.indicators >> i) & 1;
    const int stacked = std::popcount(person.indicators);
    c[person_measures - 2] += stacked >= 2;
    c[person_measures - 1] += stacked >= 3;
  }
  for (size_t h = 0; h < household_indicators.size(); ++h) {
    std::vector<int64_t>& c = *by_index[household_buurt[h]];
    const int stacked = std::popcount(household_indicators[h]);
    c[person_measures] += 1;
    c[person_measures + 1] += stacked >= 2;
    c[person_measures + 2] += stacked >= 3;
  }

  auto add_row = [&](AreaLevel level, const std::string& code, const std::string& parent) {
    table.rows.push_back(
        {level, code, std::string(geography.Name(code)), parent, std::vector<Cell>(n)});
    return table.rows.size() - 1;
  };
  auto add_to = [&](size_t row, const std::vector<int64_t>& counts) {
    for (size_t m = 0; m < n; ++m) table.rows[row].cells[m].value += counts[m];
  };
  std::map<std::string, size_t> gemeente_rows;
  std::string current_wijk;
  size_t wijk_row = 0;
  for (const auto& [buurt, counts] : buurt_counts) {
    const std::string wijk = WijkOfBuurt(buurt);
    const std::string gemeente = GemeenteOfWijk(wijk);
    auto [g, new_gemeente] = gemeente_rows.try_emplace(gemeente, 0);
    if (new_gemeente) g->second = add_row(AreaLevel::kGemeente, gemeente, "");
    if (wijk != current_wijk) {
      wijk_row = add_row(AreaLevel::kWijk, wijk, gemeente);
      current_wijk = wijk;
    }
    add_to(add_row(AreaLevel::kBuurt, buurt, wijk), counts);
    add_to(wijk_row, counts);
    add_to(g->second, counts);
  }
  return table;
}

}  // namespace stapel
