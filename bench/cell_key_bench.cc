// The attacks of "Release safety against any linear attack", run against cell-key releases
// (disclosure/cell_key.h), with what the method promises beside them: per small count (true
// value 1..k-1), how often the attacker's estimate is the true value.
//   averaging    the same cell asked in 100 phrasings: one value, so the mean is that value
//   differencing A AND B as A + B - (A OR B), and its mean with the published A AND B
//   update       one person leaves a buurt; the attacker, asking the five indicators before
//                and after, says the person had an indicator where its count changed
// Baselines in the same run: the p-table's own probability that a count is published
// unchanged (averaged over the small counts attacked), and for the update the guess "had
// none" (right for every indicator the person lacked).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <random>

#include "disclosure/cell_key.h"

namespace stapel {
namespace {

constexpr int kIndicators = 5;  // bits 0..4; the rates (per mille) of a demo municipality
constexpr int kPerMille[kIndicators] = {28, 35, 34, 16, 112};

// A person: their indicators and record key.
struct Person {
  uint64_t bits;
  uint32_t key;
};

// 400 buurten of 60 to 400 residents, problems piling up as in the demo.
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
  const CellKeyParams params;  // the manifest's defaults
  const PTable ptable = *PTable::Create(params);
  const int k = 10;
  std::mt19937_64 rng(2026);
  int64_t small = 0, direct = 0, differencing = 0, combined = 0;
  double stay = 0;
  int64_t update_guesses = 0, update_right = 0, baseline_right = 0;
  for (auto _ : state) {
    const auto buurten = Population(rng);
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
          const auto& row = ptable.rows()[static_cast<size_t>(
              std::min<int64_t>(both.value, static_cast<int64_t>(ptable.rows().size()) - 1))];
          for (const PTransition& t : row) {
            if (t.to == std::min<int64_t>(both.value, static_cast<int64_t>(ptable.rows().size()) - 1)) {
              stay += t.p;
            }
          }
        }
      }
      // One person leaves.
      std::vector<Person> after = persons;
      const size_t leaving = rng() % after.size();
      const uint64_t had = after[leaving].bits;
      after.erase(after.begin() + static_cast<ptrdiff_t>(leaving));
      for (int a = 0; a < kIndicators; ++a) {
        const uint64_t m = uint64_t{1} << a;
        const auto counts = [&](uint64_t x) { return (x & m) != 0; };
        const Cell before_cell = CellOf(persons, counts);
        const Cell after_cell = CellOf(after, counts);
        const bool changed = ptable.Perturbed(before_cell.value, before_cell.key) !=
                             ptable.Perturbed(after_cell.value, after_cell.key);
        ++update_guesses;
        update_right += changed == ((had & m) != 0);
        baseline_right += (had & m) == 0;
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
  state.counters["update_right"] = share(update_right, update_guesses);
  state.counters["update_baseline"] = share(baseline_right, update_guesses);
}
BENCHMARK(BM_CellKeyAttacks)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
