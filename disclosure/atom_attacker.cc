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

// The areas of the releases, per data state, each with its parent (-1 at the top) and
// children.
struct Areas {
  std::map<std::pair<int, std::string>, int> index;  // (state, code)
  std::vector<std::string> codes;
  std::vector<int> state;
  std::vector<int> parent;
  std::vector<std::vector<int>> children;

  int Add(int s, const std::string& code) {
    auto [it, fresh] = index.try_emplace({s, code}, static_cast<int>(codes.size()));
    if (fresh) {
      codes.push_back(code);
      state.push_back(s);
      parent.push_back(-1);
      children.emplace_back();
    }
    return it->second;
  }
  int Find(int s, const std::string& code) const {
    auto it = index.find({s, code});
    return it == index.end() ? -1 : it->second;
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
    const BuurtCounts& truth, size_t limit, const std::vector<BuurtCounts>& earlier_states,
    const StateTransitions& transitions) {
  const int states = static_cast<int>(earlier_states.size()) + 1;
  Areas areas;
  uint64_t mask[2] = {0, 0};
  std::vector<std::string> names;
  for (const ReleasedTable& r : releases) {
    names = r.spec.attributes;
    for (const AreaRow& row : r.table.rows) areas.Add(r.state, row.code);
    for (const AreaRow& row : r.table.rows) {
      if (!row.parent.empty())
        areas.parent[areas.Find(r.state, row.code)] = areas.Add(r.state, row.parent);
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
  struct PublishedCount {
    int relation;
    LinearTerms terms;
    int64_t lo, hi;
  };
  std::vector<PublishedCount> published;
  for (const ReleasedTable& r : releases) {
    const RoundingSlack slack = SlackOf(r.rounding_base);
    for (const AreaRow& row : r.table.rows) {
      const int a = areas.Find(r.state, row.code);
      for (size_t m = 0; m < row.cells.size(); ++m) {
        if (row.cells[m].suppressed) continue;
        const TableColumn& column = r.spec.columns[m];
        const int u = column.unit == CountUnit::kPersons ? 0 : 1;
        LinearTerms terms;
        for (int atom = 0; atom < atoms[u]; ++atom) {
          if (column.Counts(Unpack(atom, mask[u]))) terms.push_back({unknown(u, a, atom), 1.0});
        }
        const int64_t v = row.cells[m].value;
        const int64_t lo = std::max<int64_t>(0, v - slack.below), hi = v + slack.above;
        published.push_back({lp.AddRelation(terms, static_cast<double>(lo), static_cast<double>(hi)),
                             terms, lo, hi});
      }
    }
  }
  // The true count per unknown: buurten from the truth of their state, every other area the
  // sum of its children.
  std::vector<int64_t> true_count(lp.unknowns(), 0);
  for (int s = 0; s < states; ++s) {
    for (const auto& [buurt, counts] : (s == 0 ? truth : earlier_states[s - 1]).buurten) {
      int leaf = -1;
      for (const std::string& code : AreasHoldingBuurt(buurt)) {
        if (const int a = areas.Find(s, code); a >= 0) {
          leaf = areas.children[a].empty() ? a : -1;
          break;
        }
      }
      if (leaf < 0) continue;
      for (int u = 0; u < 2; ++u) {
        for (const auto& [bits, n] :
             counts.of(u == 0 ? CountUnit::kPersons : CountUnit::kHouseholds))
          true_count[unknown(u, leaf, Pack(bits, mask[u]))] += n;
      }
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
  // It knows the primary rule too: a published count is 0 or at least k (where the truth
  // agrees: a count published before the rule may be smaller).
  for (const PublishedCount& p : published) {
    int64_t value = 0;
    for (const auto& [unknown_index, coefficient] : p.terms) value += true_count[unknown_index];
    int64_t lo = p.lo, hi = p.hi;
    if (value == 0 && hi < rules.k) hi = 0;
    if (value >= rules.k) lo = std::max<int64_t>(lo, rules.k);
    if (lo != p.lo || hi != p.hi) {
      lp.Restore(p.relation, static_cast<double>(lo), static_cast<double>(hi));
    }
  }
  // States that followed each other, per area in both that is a leaf in one of them:
  // later - earlier = p - q per atom, and the sum of p and q is what changed.
  struct Change {
    int earlier, later, unit;
    int64_t changed;
  };
  std::vector<Change> changes;
  for (const auto& [earlier_state, later] : transitions.empty() ? InOrder(states) : transitions) {
    for (int a = 0; a < n_areas; ++a) {
      if (areas.state[a] != later) continue;
      const int b = areas.Find(earlier_state, areas.codes[a]);
      if (b < 0 || (!areas.children[a].empty() && !areas.children[b].empty())) continue;
      for (int u = 0; u < 2; ++u) {
        int64_t changed = 0;
        for (int atom = 0; atom < atoms[u]; ++atom) {
          changed += std::abs(true_count[unknown(u, a, atom)] - true_count[unknown(u, b, atom)]);
        }
        const int first = lp.AddUnknowns(2 * atoms[u]);
        LinearTerms budget;
        for (int atom = 0; atom < atoms[u]; ++atom) {
          lp.AddRelation({{unknown(u, a, atom), 1.0},
                          {unknown(u, b, atom), -1.0},
                          {first + 2 * atom, -1.0},
                          {first + 2 * atom + 1, 1.0}},
                         0, 0);
          budget.push_back({first + 2 * atom, 1.0});
          budget.push_back({first + 2 * atom + 1, 1.0});
        }
        lp.AddRelation(budget, 0, static_cast<double>(changed));
        changes.push_back({b, a, u, changed});
      }
    }
  }

  std::vector<NarrowedCount> out;
  // Conjunction `c` (digit i in base 3: attribute i is 0, 1, or either) of unit u in words.
  auto describe = [&](int u, int c, std::string_view what) {
    std::vector<std::string> parts;
    for (int i = 0, rest = c; i < std::popcount(mask[u]); ++i, rest /= 3) {
      const auto bit = static_cast<size_t>(std::countr_zero(Unpack(uint64_t{1} << i, mask[u])));
      const std::string name = bit < names.size() ? names[bit] : fmt::format("#{}", bit);
      if (rest % 3 != 2) parts.push_back(rest % 3 == 1 ? name : "NOT " + name);
    }
    return fmt::format("{}{} with {}", what, u == 0 ? "persons" : "households",
                       parts.empty() ? "anything" : fmt::format("{}", fmt::join(parts, " AND ")));
  };
  auto atoms_of = [&](int u, int c) {
    std::vector<int> in;
    for (int atom = 0; atom < atoms[u]; ++atom) {
      bool all = true;
      for (int i = 0, rest = c; i < std::popcount(mask[u]); ++i, rest /= 3) {
        if (rest % 3 != 2 && rest % 3 != ((atom >> i) & 1)) all = false;
      }
      if (all) in.push_back(atom);
    }
    return in;
  };
  // Whether `terms` (true value `value`) keeps its width; else it goes to `out`.
  auto check = [&](const LinearTerms& terms, int64_t value, int64_t width,
                   const std::string& area, const std::string& what) -> absl::Status {
    auto enough = [&](const CountRange& r) {
      return width > 0 ? r.hi - r.lo >= width
                       : IsProtected(r, rules.k, rules.protection_width);
    };
    // Solutions found before (and the truth) show part of the range without solving.
    if (std::optional<CountRange> seen = lp.Spanned(terms); seen.has_value()) {
      seen->lo = std::min(seen->lo, value);
      seen->hi = std::max(seen->hi, value);
      if (enough(*seen)) return absl::OkStatus();
    }
    auto range = lp.Range(terms);
    if (!range.ok()) return range.status();
    if (!enough(*range)) out.push_back({area, what, value, *range});
    return absl::OkStatus();
  };
  for (int u = 0; u < 2 && out.size() < limit; ++u) {
    if (mask[u] == 0) continue;
    int conjunctions = 1;
    for (int i = 0; i < std::popcount(mask[u]); ++i) conjunctions *= 3;
    for (int a = 0; a < n_areas && out.size() < limit; ++a) {
      for (int c = 0; c < conjunctions && out.size() < limit; ++c) {
        LinearTerms terms;
        int64_t value = 0;
        for (int atom : atoms_of(u, c)) {
          terms.push_back({unknown(u, a, atom), 1.0});
          value += true_count[unknown(u, a, atom)];
        }
        if (value < 1 || value >= rules.k) continue;
        const std::string where =
            areas.state[a] == 0 ? areas.codes[a]
                                : fmt::format("{} (earlier state {})", areas.codes[a], areas.state[a]);
        if (absl::Status s = check(terms, value, 0, where, describe(u, c, "")); !s.ok()) return s;
      }
    }
  }
  for (const Change& change : changes) {
    if (change.changed < 1 || change.changed >= rules.k) continue;
    const int u = change.unit;
    int conjunctions = 1;
    for (int i = 0; i < std::popcount(mask[u]); ++i) conjunctions *= 3;
    for (int c = 0; c + 1 < conjunctions && out.size() < limit; ++c) {  // the last: anything
      LinearTerms terms;
      int64_t value = 0;
      for (int atom : atoms_of(u, c)) {
        terms.push_back({unknown(u, change.later, atom), 1.0});
        terms.push_back({unknown(u, change.earlier, atom), -1.0});
        value += true_count[unknown(u, change.later, atom)] -
                 true_count[unknown(u, change.earlier, atom)];
      }
      if (absl::Status s = check(terms, value, change.changed, areas.codes[change.later],
                                 describe(u, c, "the change of "));
          !s.ok()) {
        return s;
      }
    }
  }
  return out;
}

}  // namespace stapel::testing_util
