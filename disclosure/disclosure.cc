#include "disclosure/disclosure.h"

#include <fmt/format.h>

#include <limits>
#include <map>
#include <vector>

namespace stapel {
namespace {

// One additive relation per parent: sum(children) = parent, for each measure.
struct Relation {
  size_t parent;
  std::vector<size_t> children;
};

std::vector<Relation> Relations(const AreaTable& table) {
  std::map<std::string_view, size_t> row_of;
  for (size_t i = 0; i < table.rows.size(); ++i) row_of[table.rows[i].code] = i;
  std::map<size_t, Relation> by_parent;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    auto it = row_of.find(table.rows[i].parent);
    if (it == row_of.end()) continue;
    Relation& r = by_parent[it->second];
    r.parent = it->second;
    r.children.push_back(i);
  }
  std::vector<Relation> out;
  for (auto& [parent, relation] : by_parent) out.push_back(std::move(relation));
  return out;
}

// The cell to suppress next to a lone suppressed cell of `r` in measure `m`.
Cell* Complement(AreaTable* table, const Relation& r, size_t m) {
  Cell* best = nullptr;
  auto rank = [](const Cell& c) {  // non-zero cells first, smallest first
    return c.value == 0 ? std::numeric_limits<int64_t>::max() : c.value;
  };
  for (size_t child : r.children) {
    Cell& c = table->rows[child].cells[m];
    if (!c.suppressed && (best == nullptr || rank(c) < rank(*best))) best = &c;
  }
  if (best != nullptr) return best;
  Cell& parent = table->rows[r.parent].cells[m];
  return parent.suppressed ? nullptr : &parent;
}

bool GroupDisclosive(const DisclosureRules& rules, int64_t value, int64_t population,
                     int slack = 0) {
  return rules.group_disclosure && value > 0 && population - value + slack < rules.k;
}

int SuppressedIn(const AreaTable& table, const Relation& r, size_t m) {
  int n = table.rows[r.parent].cells[m].suppressed;
  for (size_t child : r.children) n += table.rows[child].cells[m].suppressed;
  return n;
}

}  // namespace

int ApplyPrimaryRules(const DisclosureRules& rules, const TableSpec& spec, AreaTable* table) {
  int primary = 0;
  for (auto& row : table->rows) {
    const bool tiny_area = row.residents > 0 && row.residents < rules.min_area_population;
    for (size_t m = 0; m < row.cells.size(); ++m) {
      Cell& cell = row.cells[m];
      const int p = spec.columns[m].population_column;
      // With the cell key method the p-table keeps small counts from being published.
      const bool small = rules.method == DisclosureMethod::kSuppression && cell.value >= 1 &&
                         cell.value < rules.k;
      if (tiny_area || small ||
          (p >= 0 && GroupDisclosive(rules, cell.value, row.cells[p].value))) {
        cell.suppressed = true;
        ++primary;
      }
    }
  }
  return primary;
}

void CoverLoneSuppressions(AreaTable* table) {
  const std::vector<Relation> relations = Relations(*table);
  for (bool changed = true; changed;) {
    changed = false;
    for (const Relation& r : relations) {
      for (size_t m = 0; m < table->measures.size(); ++m) {
        if (SuppressedIn(*table, r, m) != 1) continue;
        if (Cell* c = Complement(table, r, m)) {
          c->suppressed = true;
          changed = true;
        }
      }
    }
  }
}

RoundingSlack SlackOf(int base) {
  if (base <= 1) return {};
  return {base / 2, (base - 1) / 2};  // halves round up: 5 -> [-2, +2], 10 -> [-5, +4]
}

int64_t Rounded(int base, int64_t value) {
  return base <= 1 ? value : (value + base / 2) / base * base;
}

void ApplyRounding(int base, AreaTable* table) {
  for (auto& row : table->rows) {
    for (auto& cell : row.cells) {
      if (!cell.suppressed) cell.value = Rounded(base, cell.value);
    }
  }
}

absl::Status CheckReleasedTable(const DisclosureRules& rules, const TableSpec& spec,
                                const AreaTable& table) {
  if (spec.columns.size() != table.measures.size()) {
    return absl::FailedPreconditionError("the table does not have one column per spec column");
  }
  const bool cell_key = rules.method == DisclosureMethod::kCellKey;
  // How far a published count may lie from the true one: rounding, or the perturbation.
  const RoundingSlack slack = cell_key ? RoundingSlack{rules.cell_key.max_deviation,
                                                       rules.cell_key.max_deviation}
                                       : SlackOf(rules.rounding_base);
  for (const auto& row : table.rows) {
    if (row.cells.size() != table.measures.size()) {
      return absl::FailedPreconditionError(fmt::format("area {} has {} values for {} measures",
                                                       row.code, row.cells.size(),
                                                       table.measures.size()));
    }
    for (size_t m = 0; m < row.cells.size(); ++m) {
      const Cell& c = row.cells[m];
      if (c.suppressed) continue;
      if (cell_key && c.value >= 1 && c.value <= rules.cell_key.threshold) {
        return absl::FailedPreconditionError(fmt::format(
            "area {} measure {}: published count {} is at or below the cell key threshold {}",
            row.code, table.measures[m], c.value, rules.cell_key.threshold));
      }
      if (c.value < 0 || (!cell_key && c.value >= 1 && c.value + slack.above < rules.k)) {
        return absl::FailedPreconditionError(
            fmt::format("area {} measure {}: published count {} breaks the threshold rule (k = {})",
                        row.code, table.measures[m], c.value, rules.k));
      }
      if (table.measures[m] == "residents" && c.value > 0 &&
          c.value + slack.above < rules.min_area_population) {
        return absl::FailedPreconditionError(
            fmt::format("area {}: {} residents published, below the minimum area population of {}",
                        row.code, c.value, rules.min_area_population));
      }
      const int p = spec.columns[m].population_column;
      if (p >= 0 && !row.cells[p].suppressed &&
          GroupDisclosive(rules, c.value, row.cells[p].value, slack.below + slack.above)) {
        return absl::FailedPreconditionError(fmt::format(
            "area {} measure {}: published count {} is within k - 1 of its population {} (group "
            "disclosure)",
            row.code, table.measures[m], c.value, row.cells[p].value));
      }
    }
  }
  for (const Relation& r : Relations(table)) {
    const AreaRow& parent = table.rows[r.parent];
    for (size_t m = 0; m < table.measures.size(); ++m) {
      const int suppressed = SuppressedIn(table, r, m);
      if (suppressed == 0 && rules.rounding_base <= 1 && !cell_key) {
        int64_t sum = 0;
        for (size_t child : r.children) sum += table.rows[child].cells[m].value;
        if (sum != parent.cells[m].value) {
          return absl::FailedPreconditionError(
              fmt::format("area {} measure {}: the parts add up to {}, the total says {}",
                          parent.code, table.measures[m], sum, parent.cells[m].value));
        }
      }
    }
  }
  return absl::OkStatus();
}

nlohmann::json RulesToJson(const DisclosureRules& rules) {
  if (rules.method == DisclosureMethod::kCellKey) {
    const CellKeyParams& c = rules.cell_key;
    return {{"method", "cell_key"},
            {"k", rules.k},
            {"min_area_population", rules.min_area_population},
            {"group_disclosure", rules.group_disclosure},
            {"max_deviation", c.max_deviation},
            {"variance", c.variance},
            {"threshold", c.threshold},
            {"primary",
             "areas below the minimum population publish nothing; counts within k-1 of their "
             "population suppressed"},
            {"perturbation",
             "every other count perturbed by the cell key method: by at most max_deviation, "
             "unbiased, with the given variance, never to 1..threshold; the same persons give the "
             "same perturbation in every table; totals are perturbed on their own"}};
  }
  return {{"k", rules.k},
          {"min_area_population", rules.min_area_population},
          {"group_disclosure", rules.group_disclosure},
          {"rounding_base", rules.rounding_base},
          {"protection_width", rules.protection_width},
          {"primary",
           "areas below the minimum population publish nothing; counts from 1 to k-1, "
           "and counts within k-1 of their population, suppressed"},
          {"secondary",
           "every suppressed cell, and every small difference of nested cells, keeps an "
           "attacker-LP interval holding 0 and k or at least protection_width wide, over this "
           "table and every earlier release of the same data"},
          {"rounding",
           "published counts rounded to the nearest multiple of rounding_base; "
           "totals rounded on their own"}};
}

absl::StatusOr<DisclosureRules> RulesFromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("k") || !json["k"].is_number_integer()) {
    return absl::InvalidArgumentError("rules.k is missing");
  }
  DisclosureRules r;
  r.k = json["k"].get<int>();
  if (json.value("method", "suppression") == "cell_key") {
    r.method = DisclosureMethod::kCellKey;
    r.cell_key.max_deviation = json.value("max_deviation", 0);
    r.cell_key.variance = json.value("variance", 0.0);
    r.cell_key.threshold = json.value("threshold", 0);
    if (r.cell_key.max_deviation < 1 || r.cell_key.max_deviation > 20 ||
        r.cell_key.threshold < 0 || r.cell_key.threshold >= r.cell_key.max_deviation ||
        !(r.cell_key.variance > 0)) {
      return absl::InvalidArgumentError(
          "rules of the cell key method need max_deviation (1..20), threshold "
          "(0..max_deviation-1) and a positive variance");
    }
  }
  r.min_area_population = json.value("min_area_population", 0);
  r.group_disclosure = json.value("group_disclosure", false);
  r.rounding_base = json.value("rounding_base", 1);
  r.protection_width = json.value("protection_width", r.k);
  return r;
}

}  // namespace stapel
