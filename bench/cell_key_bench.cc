// The attacks of "Release safety against any linear attack", run against cell-key releases
// (disclosure/cell_key.h), with what the method promises beside them: per small count (true
// value 1..k-1), how often the attacker's estimate is the true value.
//   averaging    the same cell asked in 100 phrasings: one value, so the mean is that value
//   differencing A AND B as A + B - (A OR B), its mean with the published A AND B, and the
//                likeliest count given both to an attacker who knows the p-table and how such
//                counts are spread over buurten
//   inclusion-exclusion  A AND B AND C from A OR B OR C, the three, and their three pairs
//   update       one person leaves a buurt (the attacker knows which); the attacker asks the
//                five indicators per buurt, wijk and gemeente before and after, made through
//                the hub's own path (BuildTable, AreaContentsOf, ApplyCellKey), and says the
//                person had an indicator where a count of it changed in any area
// Baselines in the same run: the p-table's own probability that a count is published
// unchanged (averaged over the small counts attacked, and for counts beyond its rows); for the
// update the guess "had none" (right for every indicator the person lacked), and the same attack on
// releases that do not hold back changed areas (update_unguarded_right).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <random>

#include "disclosure/area_contents.h"
#include "disclosure/cell_key.h"
#include "tables/geography.h"

namespace stapel {
namespace {

constexpr int kIndicators = 5;  // bits 0..4; the rates (per mille) of a demo municipality
constexpr int kPerMille[kIndicators] = {28, 35, 34, 16, 112};

// A person: their indicators and record key.
struct Person {
  uint64_t bits;
  uint32_t key;
};

// 400 buurten of 60 to 400 residents in 20 wijken of one gemeente, problems piling up as in
// the demo.
std::vector<std::vector<Person>> Population(std::mt19937_64& rng) {
  std::vector<std::vector<Person>> buurten(400);
  for (auto& persons : buurten) {
    const int residents = 60 + static_cast<int>(rng() % 340);
    for (int p = 0; p < residents; ++p) {
      const bool troubled = rng() % 1000 < 120;
      uint64_t bits = 0;
      for (int a = 0; a < kIndicators; ++a) {
        if (static_cast<int>(rng() % 1000) < (troubled ? 4 : 1) * kPerMille[a] / 2) {
          bits |= uint64_t{1} << a;
        }
      }
      persons.push_back({bits, static_cast<uint32_t>(rng())});
    }
  }
  return buurten;
}

std::string BuurtCode(size_t b) {
  return fmt::format("BU9999{:02d}{:02d}", b / 20 + 1, b % 20 + 1);
}

// The hub's counts of the population: per buurt, persons and key sums per indicator bits.
BuurtCounts CountsOf(const std::vector<std::vector<Person>>& buurten) {
  BuurtCounts counts;
  for (size_t b = 0; b < buurten.size(); ++b) {
    AttributeCounts& c = counts.buurten[BuurtCode(b)];
    for (const Person& p : buurten[b]) {
      ++c.persons[p.bits];
      c.person_keys[p.bits] += p.key;
    }
  }
  return counts;
}

// One column per indicator, at buurt level.
TableSpec IndicatorTable() {
  TableSpec spec;
  for (int a = 0; a < kIndicators; ++a) spec.attributes.push_back(fmt::format("a{}", a));
  for (int a = 0; a < kIndicators; ++a) {
    spec.columns.push_back(
        {.name = spec.attributes[a],
         .unit = CountUnit::kPersons,
         .population = IndicatorExpression(),
         .measure = *IndicatorExpression::Parse(spec.attributes[a], spec.attributes),
         .population_column = -1});
  }
  return spec;
}

// P(published = y | true = n) by the p-table (counts beyond its last row use it, shifted).
double Likelihood(const PTable& ptable, int64_t n, int64_t y) {
  const int64_t last = static_cast<int64_t>(ptable.rows().size()) - 1;
  const int64_t row = std::min(n, last);
  for (const PTransition& t : ptable.rows()[static_cast<size_t>(row)]) {
    if (t.to + (n - row) == y) return t.p;
  }
  return 0;
}

// The distribution of e_A + e_B - e_E for three counts perturbed by the p-table's last row
// (counts large enough), as offset -> probability.
std::map<int64_t, double> DifferenceNoise(const PTable& ptable) {
  const int64_t last = static_cast<int64_t>(ptable.rows().size()) - 1;
  std::map<int64_t, double> one;
  for (const PTransition& t : ptable.rows().back()) one[t.to - last] += t.p;
  std::map<int64_t, double> out;
  for (const auto& [a, pa] : one) {
    for (const auto& [b, pb] : one) {
      for (const auto& [e, pe] : one) out[a + b - e] += pa * pb * pe;
    }
  }
  return out;
}

// The true count and cell key of the persons that `counts` selects.
template <typename Counts>
Cell CellOf(const std::vector<Person>& persons, Counts counts) {
  Cell cell;
  for (const Person& p : persons) {
    if (counts(p.bits)) {
      ++cell.value;
      cell.key += p.key;
    }
  }
  return cell;
}

void BM_CellKeyAttacks(benchmark::State& state) {
  DisclosureRules rules;  // the manifest's defaults, with the cell key method
  rules.method = DisclosureMethod::kCellKey;
  const PTable ptable = *PTable::Create(rules.cell_key);
  const int k = 10;
  std::mt19937_64 rng(2026);
  int64_t small = 0, direct = 0, differencing = 0, combined = 0, likeliest = 0;
  int64_t small_triples = 0, inclusion_exclusion = 0;
  const std::map<int64_t, double> noise = DifferenceNoise(ptable);
  double stay = 0;
  int64_t update_guesses = 0, update_right = 0, unguarded_right = 0, baseline_right = 0;
  for (auto _ : state) {
    const auto buurten = Population(rng);
    // The attacker's prior: how counts of two indicators are spread over buurten (generous:
    // the true spread, which published tables let one estimate).
    std::vector<double> prior(41, 1e-9);
    for (const auto& persons : buurten) {
      for (int a = 0; a < kIndicators; ++a) {
        for (int b = a + 1; b < kIndicators; ++b) {
          const uint64_t m = (uint64_t{1} << a) | (uint64_t{1} << b);
          const Cell both = CellOf(persons, [&](uint64_t x) { return (x & m) == m; });
          prior[static_cast<size_t>(std::min<int64_t>(both.value, 40))] += 1;
        }
      }
    }
    for (const auto& persons : buurten) {
      for (int a = 0; a < kIndicators; ++a) {
        for (int b = a + 1; b < kIndicators; ++b) {
          const uint64_t ma = uint64_t{1} << a, mb = uint64_t{1} << b;
          const Cell both = CellOf(persons, [&](uint64_t x) { return (x & ma) && (x & mb); });
          if (both.value < 1 || both.value >= k) continue;
          const Cell one = CellOf(persons, [&](uint64_t x) { return (x & ma) != 0; });
          const Cell two = CellOf(persons, [&](uint64_t x) { return (x & mb) != 0; });
          const Cell either = CellOf(persons, [&](uint64_t x) { return (x & (ma | mb)) != 0; });
          const auto pub = [&](const Cell& c) { return ptable.Perturbed(c.value, c.key); };
          const int64_t d = pub(both);
          const int64_t e = pub(one) + pub(two) - pub(either);
          ++small;
          direct += d == both.value;
          differencing += e == both.value;
          combined += std::llround((static_cast<double>(d) + static_cast<double>(e)) / 2) ==
                      both.value;
          // The attacker who knows the p-table and the prior: the likeliest count given both.
          int64_t best = 0;
          double best_p = -1;
          for (int64_t n = 0; n <= 40; ++n) {
            const auto q = noise.find(e - n);
            const double p = prior[static_cast<size_t>(n)] * Likelihood(ptable, n, d) *
                             (q == noise.end() ? 0 : q->second);
            if (p > best_p) best = n, best_p = p;
          }
          likeliest += best == both.value;
          const auto& row = ptable.rows()[static_cast<size_t>(
              std::min<int64_t>(both.value, static_cast<int64_t>(ptable.rows().size()) - 1))];
          for (const PTransition& t : row) {
            if (t.to == std::min<int64_t>(both.value, static_cast<int64_t>(ptable.rows().size()) - 1)) {
              stay += t.p;
            }
          }
        }
      }
      // Inclusion-exclusion over three indicators: A AND B AND C from the seven other cells.
      for (int a = 0; a < kIndicators; ++a) {
        for (int b = a + 1; b < kIndicators; ++b) {
          for (int c = b + 1; c < kIndicators; ++c) {
            const uint64_t ma = uint64_t{1} << a, mb = uint64_t{1} << b, mc = uint64_t{1} << c;
            const auto all = [&](uint64_t m) {
              return CellOf(persons, [&](uint64_t x) { return (x & m) == m; });
            };
            const Cell three = all(ma | mb | mc);
            if (three.value < 1 || three.value >= k) continue;
            const auto pub = [&](const Cell& cell) {
              return ptable.Perturbed(cell.value, cell.key);
            };
            const Cell any = CellOf(persons, [&](uint64_t x) { return (x & (ma | mb | mc)) != 0; });
            const int64_t estimate = pub(any) - pub(all(ma)) - pub(all(mb)) - pub(all(mc)) +
                                     pub(all(ma | mb)) + pub(all(ma | mc)) + pub(all(mb | mc));
            ++small_triples;
            inclusion_exclusion += estimate == three.value;
          }
        }
      }
    }
    // Updates, one at a time from the same first state: one person leaves a buurt.
    const TableSpec spec = IndicatorTable();
    const BuurtCounts counts = CountsOf(buurten);
    const AreaContents contents = AreaContentsOf(counts);
    AreaTable first = BuildTable(spec, counts, Geography());
    ApplyCellKey(rules, ptable, spec, &first);
    for (size_t b = 0; b < buurten.size(); b += 4) {
      auto after = buurten;
      const size_t leaving = rng() % after[b].size();
      const uint64_t had = after[b][leaving].bits;
      after[b].erase(after[b].begin() + static_cast<ptrdiff_t>(leaving));
      const BuurtCounts after_counts = CountsOf(after);
      EarlierCellKeyStates earlier{.changed_buurten = {},
                                   .base = BuildTable(spec, counts, Geography())};
      AddChangedBuurten(AreaContentsOf(after_counts), contents, &earlier.changed_buurten);
      AreaTable guarded = BuildTable(spec, after_counts, Geography());
      AreaTable unguarded = guarded;
      ApplyCellKey(rules, ptable, spec, &guarded, earlier);
      ApplyCellKey(rules, ptable, spec, &unguarded);
      // Any count of the indicator that changed, in any area.
      const auto guess = [&](const AreaTable& table, int a) {
        for (size_t r = 0; r < table.rows.size(); ++r) {
          const Cell& now = table.rows[r].cells[static_cast<size_t>(a)];
          const Cell& then = first.rows[r].cells[static_cast<size_t>(a)];
          if (!now.suppressed && !then.suppressed && now.value != then.value) return true;
        }
        return false;
      };
      for (int a = 0; a < kIndicators; ++a) {
        const bool truth = (had & (uint64_t{1} << a)) != 0;
        ++update_guesses;
        update_right += guess(guarded, a) == truth;
        unguarded_right += guess(unguarded, a) == truth;
        baseline_right += !truth;
      }
    }
  }
  const auto share = [](int64_t part, int64_t whole) {
    return static_cast<double>(part) / static_cast<double>(std::max<int64_t>(1, whole));
  };
  state.counters["small_counts"] = static_cast<double>(small);
  state.counters["ptable_unchanged"] = stay / static_cast<double>(std::max<int64_t>(1, small));
  state.counters["averaging_hits"] = share(direct, small);  // one value however often asked
  state.counters["differencing_hits"] = share(differencing, small);
  state.counters["combined_hits"] = share(combined, small);
  state.counters["likeliest_hits"] = share(likeliest, small);
  state.counters["inclusion_exclusion_hits"] = share(inclusion_exclusion, small_triples);
  double zero = 0;  // the p-table's probability of no perturbation, for counts beyond its rows
  for (const PTransition& t : ptable.rows().back()) {
    if (t.to == static_cast<int64_t>(ptable.rows().size()) - 1) zero = t.p;
  }
  state.counters["ptable_zero_perturbation"] = zero;
  state.counters["update_right"] = share(update_right, update_guesses);
  state.counters["update_unguarded_right"] = share(unguarded_right, update_guesses);
  state.counters["update_baseline"] = share(baseline_right, update_guesses);
}
BENCHMARK(BM_CellKeyAttacks)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
