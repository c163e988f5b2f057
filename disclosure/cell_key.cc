#include "disclosure/cell_key.h"

#include <fmt/format.h>

#include <cstdlib>

#include "disclosure/disclosure.h"
#include "disclosure/secondary_suppression.h"
#include "encoding/sha256.h"
#include "records/area_code.h"

namespace stapel {
namespace {

// The buurten of `changed` and every wijk and gemeente that holds one.
std::set<std::string> WithCoarserAreas(const std::set<std::string>& changed) {
  std::set<std::string> areas;
  for (const std::string& buurt : changed) {
    const std::string wijk = WijkOfBuurt(buurt);
    areas.insert(buurt);
    areas.insert(GemeenteOfWijk(wijk));
    areas.insert(wijk);
  }
  return areas;
}

}  // namespace

AreaContents AreaContentsOf(const BuurtCounts& counts) {
  AreaContents out;
  std::string text;
  for (const auto& [buurt, c] : counts.buurten) {
    text.clear();
    for (const auto* classes : {&c.persons, &c.households}) {
      for (const auto& [bits, n] : *classes) fmt::format_to(std::back_inserter(text), "{}:{},", bits, n);
      text += ';';
    }
    for (const auto* keys : {&c.person_keys, &c.household_keys}) {
      for (const auto& [bits, sum] : *keys) fmt::format_to(std::back_inserter(text), "{}:{},", bits, sum);
      text += ';';
    }
    out.emplace(buurt, Sha256Hex(text));
  }
  return out;
}

nlohmann::json AreaContentsToJson(const AreaContents& contents) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [buurt, digest] : contents) out[buurt] = digest;
  return out;
}

absl::StatusOr<AreaContents> AreaContentsFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("area contents: not an object");
  AreaContents out;
  for (const auto& [buurt, digest] : json.items()) {
    if (!digest.is_string()) {
      return absl::InvalidArgumentError(fmt::format("area contents: {} has no digest", buurt));
    }
    out.emplace(buurt, digest.get<std::string>());
  }
  return out;
}

void AddChangedBuurten(const AreaContents& now, const AreaContents& earlier,
                       std::set<std::string>* changed) {
  for (const auto& [buurt, digest] : now) {
    const auto it = earlier.find(buurt);
    if (it == earlier.end() || it->second != digest) changed->insert(buurt);
  }
  for (const auto& [buurt, digest] : earlier) {
    if (!now.contains(buurt)) changed->insert(buurt);
  }
}

CellKeyResult ApplyCellKey(const DisclosureRules& rules, const PTable& ptable,
                           const TableSpec& spec, AreaTable* table,
                           const std::set<std::string>& changed_buurten) {
  CellKeyResult result;
  const std::set<std::string> held_back = WithCoarserAreas(changed_buurten);
  for (AreaRow& row : table->rows) {
    if (!held_back.contains(row.code)) continue;
    for (Cell& cell : row.cells) cell.suppressed = true;
    result.held_back += static_cast<int>(row.cells.size());
  }
  const int before_primary = internal::SuppressedCells(*table);
  ApplyPrimaryRules(rules, spec, table);  // its count would include cells held back
  const int before = internal::SuppressedCells(*table);
  result.suppressed = before - before_primary;
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
