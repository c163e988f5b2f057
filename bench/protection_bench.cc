// Table protection: a gemeente with N buurten in up to 15 wijken, a table of 12 linked measures
// plus the population, protected together with E earlier releases of the same data. The
// issue's target is N = 100 (about 1,400 cells) with E = 50 in under 5 s; arguments are N, E.
// Reports time and cells suppressed per release, and over the whole series (series_suppressed:
// fewer suppressions in an earlier release can cost more in a later one).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <random>

#include "disclosure/disclosure.h"
#include "disclosure/exact_model.h"
#include "disclosure/table_protection.h"

namespace stapel {
namespace {

const std::vector<std::string> kIndicators = {"a", "b", "c", "d", "e", "f"};

Manifest BenchManifest() {
  Manifest m;
  m.parties.push_back({.id = "register", .attributes = kIndicators, .characteristics = {"minor"}});
  m.populations.push_back({"adults", CountUnit::kPersons, "NOT minor"});
  return m;
}

// Buurten in 15 wijken; per buurt 40..2,000 residents over the 128 attribute combinations,
// indicators rare (2-15%), so many small counts.
BuurtCounts Counts(std::mt19937_64& rng, int buurten) {
  BuurtCounts counts;
  for (int b = 0; b < buurten; ++b) {
    const std::string code = fmt::format("BU9999{:02}{:02}", b % 15 + 1, b / 15 + 1);
    auto& persons = counts.buurten[code].persons;
    const int residents = 40 + static_cast<int>(rng() % 1960);
    for (int p = 0; p < residents; ++p) {
      uint64_t bits = 0;
      for (int i = 0; i < 6; ++i) bits |= uint64_t(rng() % 100 < 2 + 2 * i) << i;
      bits |= uint64_t(rng() % 100 < 20) << 6;
      persons[bits] += 1;
    }
  }
  return counts;
}

TableSpec MainSpec(const Manifest& m) {
  TableRequest r{.population = "residents"};
  for (const auto& i : kIndicators) r.measures.push_back({i, i});
  r.measures.push_back({"a_and_b", "a AND b"});
  r.measures.push_back({"a_or_b", "a OR b"});
  r.measures.push_back({"c_and_d", "c AND d"});
  r.measures.push_back({"any", "atleast(1, a, b, c, d, e, f)"});
  r.measures.push_back({"two_plus", "atleast(2, a, b, c, d, e, f)"});
  r.measures.push_back({"three_plus", "atleast(3, a, b, c, d, e, f)"});
  return *ResolveRequest(r, m, false);
}

// Earlier releases: a few measures each, for all residents or adults, at buurt or wijk level.
TableSpec EarlierSpec(const Manifest& m, int i) {
  TableRequest r{.population = i % 3 == 0 ? "adults" : "residents",
                 .level = i % 4 == 0 ? "wijk" : "buurt"};
  r.measures.push_back({"m1", kIndicators[i % 6]});
  r.measures.push_back(
      {"m2", fmt::format("{} AND {}", kIndicators[i % 6], kIndicators[(i + 1) % 6])});
  return *ResolveRequest(r, m, false);
}

Geography BenchGeography() { return Geography(); }

// The benchmark's data: N buurten, E earlier releases of it already protected, and the new table.
struct Scenario {
  Manifest manifest = BenchManifest();
  BuurtCounts counts;
  Geography geography = BenchGeography();
  std::vector<ReleasedTable> earlier;
  int earlier_suppressed = 0;
  TableSpec spec;
};

absl::StatusOr<Scenario> MakeScenario(int buurten, int earlier_count) {
  Scenario s;
  std::mt19937_64 rng(42);
  s.counts = Counts(rng, buurten);
  for (int i = 0; i < earlier_count; ++i) {
    const TableSpec spec = EarlierSpec(s.manifest, i);
    AreaTable t = BuildTable(spec, s.counts, s.geography);
    auto r = ProtectTable(s.manifest.disclosure, spec, s.counts, s.earlier, &t);
    if (!r.ok()) {
      return absl::Status(r.status().code(), fmt::format("earlier release {}: {}", i,
                                                         std::string(r.status().message())));
    }
    s.earlier_suppressed += r->primary + r->secondary;
    s.earlier.push_back({spec, t, 1});
  }
  s.spec = MainSpec(s.manifest);
  return s;
}

void BM_ProtectWithEarlierReleases(benchmark::State& state) {
  const int earlier_count = static_cast<int>(state.range(1));
  auto scenario = MakeScenario(static_cast<int>(state.range(0)), earlier_count);
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  const Scenario& s = *scenario;
  ProtectionResult result;
  AreaTable protected_table;
  for (auto _ : state) {
    protected_table = BuildTable(s.spec, s.counts, s.geography);
    auto r = ProtectTable(s.manifest.disclosure, s.spec, s.counts, s.earlier, &protected_table);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    result = *r;
  }
  // The privacy officer's re-check of all releases from the log (published values only).
  {
    std::vector<ReleasedTable> all = s.earlier;
    all.push_back({s.spec, protected_table, 1});
    const auto start = std::chrono::steady_clock::now();
    const absl::Status audit = AuditReleases(s.manifest.disclosure, all);
    state.counters["audit_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!audit.ok()) state.SkipWithError(std::string(audit.message()).c_str());
  }
  state.counters["cells"] =
      static_cast<double>(protected_table.rows.size() * protected_table.measures.size());
  state.counters["primary"] = result.primary;
  state.counters["secondary"] = result.secondary;
  state.counters["lp_ranges"] = result.ranges_solved;
  state.counters["suppressed"] = result.primary + result.secondary;
  state.counters["series_suppressed"] = s.earlier_suppressed + result.primary + result.secondary;
  state.counters["earlier_suppressed_avg"] =
      earlier_count == 0 ? 0.0 : static_cast<double>(s.earlier_suppressed) / earlier_count;
}
BENCHMARK(BM_ProtectWithEarlierReleases)
    ->Args({10, 0})
    ->Args({10, 10})
    ->Args({20, 0})
    ->Args({100, 0})
    ->Args({30, 20})
    ->Args({100, 50})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// What ProtectTable's count is measured against: the exact model's lower bound on the fewest
// suppressions (the optimum when it finishes within the third argument, in seconds) and the
// cells its choice suppresses.
void BM_FewestSuppressions(benchmark::State& state) {
  auto scenario = MakeScenario(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  const Scenario& s = *scenario;
  FewestSuppressions fewest;
  int heuristic = 0;
  for (auto _ : state) {
    AreaTable t = BuildTable(s.spec, s.counts, s.geography);
    auto r = FindFewestSuppressions(s.manifest.disclosure, s.spec, s.counts, s.earlier, &t,
                                    static_cast<double>(state.range(2)));
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    fewest = *r;
    state.PauseTiming();
    AreaTable h = BuildTable(s.spec, s.counts, s.geography);
    auto p = ProtectTable(s.manifest.disclosure, s.spec, s.counts, s.earlier, &h);
    heuristic = p.ok() ? p->primary + p->secondary : -1;
    std::vector<ReleasedTable> all = s.earlier;
    all.push_back({s.spec, t, 1});
    if (const absl::Status audit = AuditReleases(s.manifest.disclosure, all); !audit.ok()) {
      state.SkipWithError(std::string(audit.message()).c_str());
    }
    state.ResumeTiming();
  }
  state.counters["lower_bound"] = fewest.lower_bound;
  state.counters["found"] = fewest.found;
  state.counters["optimal"] = fewest.optimal;
  state.counters["rounds"] = fewest.rounds;
  state.counters["protect_table"] = heuristic;
  state.counters["protect_table_over_bound"] =
      static_cast<double>(heuristic) / std::max(1, fewest.lower_bound);
}
BENCHMARK(BM_FewestSuppressions)
    ->Args({10, 0, 120})
    ->Args({10, 10, 300})
    ->Args({20, 0, 300})
    ->Args({100, 0, 900})
    ->Args({30, 20, 600})
    ->Args({100, 50, 900})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
