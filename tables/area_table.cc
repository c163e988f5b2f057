#include "tables/area_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "records/area_code.h"
#include "records/csv_reader.h"

namespace stapel {

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
    const std::string level_name = r["level"].get<std::string>();
    auto level = level_name == AreaLevelName(AreaLevel::kTotal)
                     ? absl::StatusOr<AreaLevel>(AreaLevel::kTotal)
                     : ParseAreaLevel(level_name);
    if (!level.ok()) return bad(std::string(level.status().message()));
    row.level = *level;
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

BuurtCounts CountByBuurt(const std::vector<LinkedPerson>& persons,
                         const std::vector<std::string>& buurt_codes, const Geography& geography) {
  BuurtCounts counts;
  for (const auto& [code, name] : geography.names()) {
    if (code.starts_with("BU")) counts.buurten[code];
  }
  std::vector<AttributeCounts*> by_index;
  for (const auto& code : buurt_codes) by_index.push_back(&counts.buurten[code]);
  // Households: the attributes of their members together, and the buurt of their address.
  std::vector<uint64_t> household_bits;
  std::vector<uint32_t> household_buurt;
  std::vector<uint32_t> household_key;  // the sum of its members' record keys
  for (const auto& person : persons) {
    AttributeCounts& buurt = *by_index[person.buurt];
    buurt.persons[person.indicators] += 1;
    buurt.person_keys[person.indicators] += person.record_key;  // modulo 2^32
    if (person.household == LinkedPerson::kNoHousehold) continue;
    if (person.household >= household_bits.size()) {
      household_bits.resize(person.household + 1, 0);
      household_buurt.resize(person.household + 1, UINT32_MAX);
      household_key.resize(person.household + 1, 0);
    }
    household_bits[person.household] |= person.indicators;
    household_buurt[person.household] = person.buurt;
    household_key[person.household] += person.record_key;
  }
  for (size_t h = 0; h < household_bits.size(); ++h) {
    if (household_buurt[h] == UINT32_MAX) continue;  // a number no person carries
    AttributeCounts& buurt = *by_index[household_buurt[h]];
    buurt.households[household_bits[h]] += 1;
    buurt.household_keys[household_bits[h]] += household_key[h];
    counts.has_households = true;
  }
  return counts;
}

nlohmann::json BuurtCountsToJson(const BuurtCounts& counts) {
  nlohmann::json buurten = nlohmann::json::object();
  for (const auto& [code, c] : counts.buurten) {
    nlohmann::json& b = buurten[code];
    b["persons"] = nlohmann::json::object();
    b["households"] = nlohmann::json::object();
    for (const auto& [bits, n] : c.persons) b["persons"][std::to_string(bits)] = n;
    for (const auto& [bits, n] : c.households) b["households"][std::to_string(bits)] = n;
  }
  return {{"has_households", counts.has_households}, {"buurten", buurten}};
}

absl::StatusOr<BuurtCounts> BuurtCountsFromJson(const nlohmann::json& json) {
  BuurtCounts counts;
  try {
    counts.has_households = json.at("has_households").get<bool>();
    for (const auto& [code, c] : json.at("buurten").items()) {
      AttributeCounts& out = counts.buurten[code];
      for (const auto& [bits, n] : c.at("persons").items()) out.persons[std::stoull(bits)] = n;
      for (const auto& [bits, n] : c.at("households").items()) {
        out.households[std::stoull(bits)] = n;
      }
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(fmt::format("buurt counts: {}", e.what()));
  }
  return counts;
}

absl::Status CheckWithin(const TableSpec& spec, const BuurtCounts& counts) {
  if (spec.within.empty()) return absl::OkStatus();
  std::set<std::string> gemeenten;
  for (const auto& [buurt, by_bits] : counts.buurten) {
    if (AreaHoldsBuurt(spec.within, buurt)) return absl::OkStatus();
    if (std::string gemeente = GemeenteOfArea(buurt); !gemeente.empty()) {
      gemeenten.insert(std::move(gemeente));
    }
  }
  constexpr size_t kNamed = 12;
  std::vector<std::string> named(
      gemeenten.begin(), std::next(gemeenten.begin(), static_cast<std::ptrdiff_t>(
                                                          std::min(kNamed, gemeenten.size()))));
  return absl::NotFoundError(fmt::format(
      "gemeente {} (within) is not in the project's areas; ask for one of its {} gemeenten "
      "({}{}), or leave within out for all of them",
      spec.within, gemeenten.size(), fmt::join(named, ", "),
      gemeenten.size() > kNamed ? ", …" : ""));
}

namespace {

// The total row of `table`'s gemeente rows (AddTotalRow), or nullopt for fewer than two.
std::optional<AreaRow> TotalRowOf(const AreaTable& table) {
  AreaRow total{.level = AreaLevel::kTotal,
                .code = std::string(kTotalCode),
                .name = "",
                .parent = "",
                .cells = std::vector<Cell>(table.measures.size()),
                .residents = 0};
  int gemeenten = 0;
  for (const AreaRow& row : table.rows) {
    if (row.level != AreaLevel::kGemeente || row.cells.size() != total.cells.size()) continue;
    ++gemeenten;
    total.residents += row.residents;
    for (size_t m = 0; m < total.cells.size(); ++m) {
      Cell& sum = total.cells[m];
      sum.suppressed = sum.suppressed || row.cells[m].suppressed;
      sum.value = sum.suppressed ? 0 : sum.value + row.cells[m].value;
    }
  }
  if (gemeenten < 2) return std::nullopt;
  total.name = fmt::format("total of {} gemeenten", gemeenten);
  return total;
}

}  // namespace

void AddTotalRow(AreaTable* table) {
  if (auto total = TotalRowOf(*table)) table->rows.insert(table->rows.begin(), *std::move(total));
}

absl::Status TakeOutTotalRow(AreaTable* table) {
  const auto is_total = [](const AreaRow& r) { return r.level == AreaLevel::kTotal; };
  const auto found = std::count_if(table->rows.begin(), table->rows.end(), is_total);
  if (found == 0) return absl::OkStatus();
  const AreaRow& total = table->rows.front();
  if (found > 1 || !is_total(total) || total.code != kTotalCode || !total.parent.empty()) {
    return absl::InvalidArgumentError(
        "a total row is not the table's one first row, of code \"total\" and no parent");
  }
  const std::optional<AreaRow> expected = TotalRowOf(*table);
  if (!expected)
    return absl::InvalidArgumentError("a total row stands over fewer than two gemeenten");
  for (size_t m = 0; m < table->measures.size(); ++m) {
    const Cell& shown = total.cells[m];
    const Cell& sum = expected->cells[m];
    if (shown.suppressed != sum.suppressed || (!sum.suppressed && shown.value != sum.value)) {
      return absl::InvalidArgumentError(fmt::format(
          "the total row's '{}' is not the sum of its gemeenten's published values (it is "
          "suppressed where one of them is)",
          table->measures[m]));
    }
  }
  table->rows.erase(table->rows.begin());
  return absl::OkStatus();
}

AreaTable BuildTable(const TableSpec& spec, const BuurtCounts& counts, const Geography& geography) {
  AreaTable table;
  for (const auto& c : spec.columns) table.measures.push_back(c.name);
  const size_t n = spec.columns.size();
  auto add_row = [&](AreaLevel level, const std::string& code, const std::string& parent) {
    table.rows.push_back(
        {level, code, std::string(geography.Name(code)), parent, std::vector<Cell>(n), 0});
    return table.rows.size() - 1;
  };
  std::map<std::string, size_t> gemeente_rows;
  std::string current_wijk;
  size_t wijk_row = 0;
  for (const auto& [buurt, by_bits] : counts.buurten) {
    if (!spec.within.empty() && !AreaHoldsBuurt(spec.within, buurt)) continue;
    std::vector<size_t> rows;  // the rows this buurt adds to
    const std::string wijk = WijkOfBuurt(buurt);
    const std::string gemeente = GemeenteOfWijk(wijk);
    auto [g, new_gemeente] = gemeente_rows.try_emplace(gemeente, 0);
    if (new_gemeente) g->second = add_row(AreaLevel::kGemeente, gemeente, "");
    rows.push_back(g->second);
    if (spec.level != AreaLevel::kGemeente) {
      if (wijk != current_wijk) {
        wijk_row = add_row(AreaLevel::kWijk, wijk, gemeente);
        current_wijk = wijk;
      }
      rows.push_back(wijk_row);
    }
    if (spec.level == AreaLevel::kBuurt) rows.push_back(add_row(AreaLevel::kBuurt, buurt, wijk));
    int64_t residents = 0;
    for (const auto& [bits, number] : by_bits.persons) residents += number;
    for (size_t row : rows) table.rows[row].residents += residents;
    for (size_t m = 0; m < n; ++m) {
      const TableColumn& column = spec.columns[m];
      int64_t count = 0;
      uint32_t key = 0;
      for (const auto& [bits, number] : by_bits.of(column.unit)) {
        if (column.Counts(bits)) count += number;
      }
      for (const auto& [bits, sum] : by_bits.keys_of(column.unit)) {
        if (column.Counts(bits)) key += sum;  // modulo 2^32
      }
      for (size_t row : rows) {
        table.rows[row].cells[m].value += count;
        table.rows[row].cells[m].key += key;
      }
    }
  }
  return table;
}

}  // namespace stapel
