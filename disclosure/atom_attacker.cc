#include "disclosure/atom_attacker.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <map>
#include <optional>

#include "disclosure/disclosure.h"
#include "records/area_code.h"

namespace stapel::testing_util {
namespace {

constexpr int kMaxAttributes = 10;

// The areas of the releases, each with its parent (-1 at the top) and children.
struct Areas {
  std::map<std::string, int> index;
  std::vector<std::string> codes;
  std::vector<int> parent;
  std::vector<std::vector<int>> children;

  int Add(const std::string& code) {
    auto [it, fresh] = index.try_emplace(code, static_cast<int>(codes.size()));
    if (fresh) {
      codes.push_back(code);
      parent.push_back(-1);
      children.emplace_back();
    }
    return it->second;
  }
};

// The bits of `bits` at the positions of `mask`, packed.
uint64_t Pack(uint64_t bits, uint64_t mask) {
  uint64_t out = 0;
  int i = 0;
  for (uint64_t m = mask; m != 0; m &= m - 1, ++i) {
    if (bits & m & -m) out |= uint64_t{1} << i;
  }
  return out;
}
uint64_t Unpack(uint64_t packed, uint64_t mask) {
  uint64_t out = 0;
  int i = 0;
  for (uint64_t m = mask; m != 0; m &= m - 1, ++i) {
    if ((packed >> i) & 1) out |= m & -m;
  }
  return out;
}

}  // namespace

std::string NarrowedCount::ToString() const {
  return fmt::format("{} in {}: true {}, narrowed to [{}, {}]", conjunction, area, truth,
                     range.lo, range.hi);
}

absl::StatusOr<std::vector<NarrowedCount>> NarrowedConjunctions(
    const DisclosureRules& rules, const std::vector<ReleasedTable>& releases,
    const BuurtCounts& truth, size_t limit) {
  Areas areas;
  uint64_t mask[2] = {0, 0};
  std::vector<std::string> names;
  for (const ReleasedTable& r : releases) {
    names = r.spec.attributes;
    for (const AreaRow& row : r.table.rows) areas.Add(row.code);
    for (const AreaRow& row : r.table.rows) {
      if (!row.parent.empty()) areas.parent[areas.index.at(row.code)] = areas.Add(row.parent);
    }
    for (const TableColumn& c : r.spec.columns) {
      mask[c.unit == CountUnit::kPersons ? 0 : 1] |=
          c.population.ReferencedBits() | c.measure.ReferencedBits();
    }
  }
  for (size_t a = 0; a < areas.parent.size(); ++a) {
    if (areas.parent[a] >= 0) areas.children[areas.parent[a]].push_back(static_cast<int>(a));
  }
  for (uint64_t m : mask) {
    if (std::popcount(m) > kMaxAttributes) {
      return absl::InvalidArgumentError(
          fmt::format("the attacker handles at most {} attributes per unit", kMaxAttributes));
    }
  }
  const int n_areas = static_cast<int>(areas.codes.size());
  const int atoms[2] = {1 << std::popcount(mask[0]), 1 << std::popcount(mask[1])};
  const int offset[2] = {0, n_areas * atoms[0]};
  auto unknown = [&](int unit, int area, uint64_t atom) {
    return offset[unit] + area * atoms[unit] + static_cast<int>(atom);
  };
  AttackerLp lp(offset[1] + n_areas * atoms[1]);
  for (int a = 0; a < n_areas; ++a) {
    if (areas.children[a].empty()) continue;
    for (int u = 0; u < 2; ++u) {
      for (int atom = 0; atom < atoms[u]; ++atom) {
        LinearTerms terms = {{unknown(u, a, atom), 1.0}};
        for (int child : areas.children[a]) terms.push_back({unknown(u, child, atom), -1.0});
        lp.AddRelation(terms, 0, 0);
      }
    }
  }
  for (const ReleasedTable& r : releases) {
    const RoundingSlack slack = SlackOf(r.rounding_base);
    for (const AreaRow& row : r.table.rows) {
      const int a = areas.index.at(row.code);
      for (size_t m = 0; m < row.cells.size(); ++m) {
        if (row.cells[m].suppressed) continue;
        const TableColumn& column = r.spec.columns[m];
        const int u = column.unit == CountUnit::kPersons ? 0 : 1;
        LinearTerms terms;
        for (int atom = 0; atom < atoms[u]; ++atom) {
          if (column.Counts(Unpack(atom, mask[u]))) terms.push_back({unknown(u, a, atom), 1.0});
        }
        const int64_t v = row.cells[m].value;
        lp.AddRelation(terms, static_cast<double>(std::max<int64_t>(0, v - slack.below)),
                       static_cast<double>(v + slack.above));
      }
    }
  }
  // The true count per unknown: buurten from `truth`, every other area the sum of its children.
  std::vector<int64_t> true_count(lp.unknowns(), 0);
  for (const auto& [buurt, counts] : truth.buurten) {
    int leaf = -1;
    for (const std::string& code :
         {buurt, WijkOfBuurt(buurt), GemeenteOfWijk(WijkOfBuurt(buurt))}) {
      if (auto it = areas.index.find(code); it != areas.index.end()) {
        leaf = areas.children[it->second].empty() ? it->second : -1;
        break;
      }
    }
    if (leaf < 0) continue;
    for (int u = 0; u < 2; ++u) {
      for (const auto& [bits, n] : counts.of(u == 0 ? CountUnit::kPersons : CountUnit::kHouseholds))
        true_count[unknown(u, leaf, Pack(bits, mask[u]))] += n;
    }
  }
  std::vector<int> order;  // children before parents
  std::vector<int> stack;
  for (int a = 0; a < n_areas; ++a) {
    if (areas.parent[a] < 0) stack.push_back(a);
  }
  while (!stack.empty()) {
    const int a = stack.back();
    stack.pop_back();
    order.insert(order.begin(), a);
    for (int child : areas.children[a]) stack.push_back(child);
  }
  for (int a : order) {
    for (int child : areas.children[a]) {
      for (int u = 0; u < 2; ++u) {
        for (int atom = 0; atom < atoms[u]; ++atom)
          true_count[unknown(u, a, atom)] += true_count[unknown(u, child, atom)];
      }
    }
  }

  std::vector<NarrowedCount> out;
  for (int u = 0; u < 2 && out.size() < limit; ++u) {
    const int bits = std::popcount(mask[u]);
    if (mask[u] == 0) continue;
    int conjunctions = 1;
    for (int i = 0; i < bits; ++i) conjunctions *= 3;
    for (int a = 0; a < n_areas && out.size() < limit; ++a) {
      for (int c = 0; c < conjunctions && out.size() < limit; ++c) {
        // Digit i of c in base 3: attribute i is 0, 1, or either.
        LinearTerms terms;
        int64_t value = 0;
        std::vector<std::string> parts;
        for (int atom = 0; atom < atoms[u]; ++atom) {
          bool in = true;
          for (int i = 0, rest = c; i < bits; ++i, rest /= 3) {
            if (rest % 3 != 2 && rest % 3 != ((atom >> i) & 1)) in = false;
          }
          if (!in) continue;
          terms.push_back({unknown(u, a, atom), 1.0});
          value += true_count[unknown(u, a, atom)];
        }
        if (value < 1 || value >= rules.k) continue;
        // Solutions found before (and the truth) show part of the range without solving.
        if (std::optional<CountRange> seen = lp.Spanned(terms); seen.has_value()) {
          seen->lo = std::min(seen->lo, value);
          seen->hi = std::max(seen->hi, value);
          if (IsProtected(*seen, rules.k, rules.protection_width)) continue;
        }
        auto range = lp.Range(terms);
        if (!range.ok()) return range.status();
        if (IsProtected(*range, rules.k, rules.protection_width)) continue;
        for (int i = 0, rest = c; i < bits; ++i, rest /= 3) {
          const auto bit = static_cast<size_t>(std::countr_zero(Unpack(uint64_t{1} << i, mask[u])));
          const std::string name = bit < names.size() ? names[bit] : fmt::format("#{}", bit);
          if (rest % 3 != 2) parts.push_back(rest % 3 == 1 ? name : "NOT " + name);
        }
        out.push_back({areas.codes[a],
                       fmt::format("{} with {}", u == 0 ? "persons" : "households",
                                   parts.empty() ? "anything" : fmt::format("{}", fmt::join(parts, " AND "))),
                       value, *range});
      }
    }
  }
  return out;
}

}  // namespace stapel::testing_util
