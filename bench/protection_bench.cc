// Table protection: a gemeente with N buurten in up to 15 wijken, a table of 12 linked measures
// plus the population, protected together with E earlier releases of the same data. The
// issue's target is N = 100 (about 1,400 cells) with E = 50 in under 5 s; arguments are N, E.
// Reports time and cells suppressed per release, and over the whole series (series_suppressed:
// fewer suppressions in an earlier release can cost more in a later one).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <random>

#include "disclosure/atom_attacker.h"
#include "disclosure/cell_key.h"
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
    ApplyRounding(s.manifest.disclosure.rounding_base, &t);  // published as the hub does
    s.earlier.push_back({spec, t, s.manifest.disclosure.rounding_base});
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
    AreaTable published = protected_table;
    ApplyRounding(s.manifest.disclosure.rounding_base, &published);
    all.push_back({s.spec, published, s.manifest.disclosure.rounding_base});
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

// The demo's kind of project, attacked the way an advisory council composing its own tables
// (or an attacker) would: a gemeente of 20 buurten (70..4,000 residents) in 4 wijken, 50,000
// residents in households, five indicators as rare as the demo's and the characteristic
// "minor"; the stacking table, the adults and residents tables, then a fixed series of 20
// composed requests (unions, "halving" with decoys, inclusion-exclusion, at-least counts,
// complements, nested populations, wijk level), then the stacking table again. Reports the
// median and slowest request, the requests refused, the share of non-zero cells suppressed over the composed
// requests and in the last stacking table, and what the atom attacker (atom_attacker.h) can
// narrow over the whole series: small counts (1..k-1) of any conjunction whose range is
// narrower than the rule. What no method can go below: composed_small_share, the small cells
// (suppressed unless published before); and with an argument of N > 0 seconds, the exact
// model's fewest suppressions for each composed request given the same earlier releases
// (composed_fewest_share, the sum of its lower bounds; fewest_optimal: requests it finished).
const std::vector<std::string> kDemoIndicators = {"youth_care", "wmo", "social_assistance",
                                                  "rent_arrears", "debts"};

Manifest DemoManifest() {
  Manifest m;
  m.parties.push_back(
      {.id = "register", .attributes = kDemoIndicators, .characteristics = {"minor"}});
  m.populations.push_back({"adults", CountUnit::kPersons, "NOT minor"});
  m.populations.push_back({"minors", CountUnit::kPersons, "minor"});
  m.disclosure = {.k = 10,
                  .min_area_population = 50,
                  .group_disclosure = true,
                  .rounding_base = 5,
                  .protection_width = 10};
  return m;
}

BuurtCounts DemoCounts() {
  std::mt19937_64 rng(2026);
  BuurtCounts counts;
  counts.has_households = true;
  const int per_mille[] = {28, 35, 34, 16, 112};
  for (int b = 0; b < 20; ++b) {
    const std::string code = fmt::format("BU9999{:02}{:02}", b % 4 + 1, b / 4 + 1);
    AttributeCounts& c = counts.buurten[code];
    const int residents = b == 0 ? 70 : b == 1 ? 210 : 500 + static_cast<int>(rng() % 3500);
    for (int p = 0; p < residents;) {
      const int size = 1 + static_cast<int>(rng() % 4);
      uint64_t household = 0;
      uint32_t household_key = 0;
      for (int i = 0; i < size && p < residents; ++i, ++p) {
        // Problems pile up: a person with one is likelier to have others.
        const bool troubled = rng() % 1000 < 120;
        uint64_t bits = 0;
        for (int a = 0; a < 5; ++a) {
          if (static_cast<int>(rng() % 1000) < (troubled ? 4 : 1) * per_mille[a] / 2)
            bits |= uint64_t{1} << a;
        }
        if (rng() % 100 < 34) bits |= uint64_t{1} << 5;
        c.persons[bits] += 1;
        const auto key = static_cast<uint32_t>(rng());  // the person's record key
        c.person_keys[bits] += key;
        household_key += key;
        household |= bits;
      }
      c.households[household] += 1;
      c.household_keys[household] += household_key;
    }
  }
  return counts;
}

std::vector<TableRequest> ComposedSeries() {
  auto request = [](std::string population, std::vector<MeasureRequest> measures,
                    std::string level = "buurt") {
    return TableRequest{.population = std::move(population),
                        .level = std::move(level),
                        .measures = std::move(measures)};
  };
  const std::string x = "(wmo AND social_assistance)", d1 = "(youth_care AND NOT wmo)",
                    d2 = "(rent_arrears AND NOT youth_care AND NOT wmo)",
                    d3 = "(wmo AND NOT social_assistance AND NOT youth_care)";
  return {
      request("residents", {{"wmo_or_arrears", "wmo OR rent_arrears"},
                            {"sa_or_arrears", "social_assistance OR rent_arrears"},
                            {"wmo_or_sa", "wmo OR social_assistance"},
                            {"youth_or_wmo", "youth_care OR wmo"}}),
      request("residents", {{"u1", x + " OR " + d1},
                            {"u2", x + " OR " + d2},
                            {"u3", x + " OR " + d3},
                            {"u4", d1 + " OR " + d2},
                            {"u5", d1 + " OR " + d3},
                            {"u6", d2 + " OR " + d3}}),
      request("residents", {{"any3", "atleast(1, wmo, debts, youth_care)"},
                            {"wmo_or_debts", "wmo OR debts"},
                            {"debts_or_youth", "debts OR youth_care"}}),
      request("adults", {{"debts", "debts"}, {"arrears", "rent_arrears"}}),
      request("minors", {{"youth_care", "youth_care"}, {"wmo", "wmo"}}),
      request("residents", {{"two", "atleast(2, youth_care, wmo, social_assistance, debts)"}}),
      request("residents", {{"debts_not_arrears", "debts AND NOT rent_arrears"},
                            {"arrears_not_debts", "rent_arrears AND NOT debts"}}),
      request("adults", {{"wmo_and_sa", "wmo AND social_assistance"},
                         {"wmo_not_sa", "wmo AND NOT social_assistance"}}),
      request("residents", {{"no_problem",
                             "NOT (youth_care OR wmo OR social_assistance OR rent_arrears OR "
                             "debts)"}}),
      request("residents", {{"wmo", "wmo"}, {"debts", "debts"}}, "wijk"),
      request("residents", {{"youth_and_debts", "youth_care AND debts"},
                            {"youth_or_debts", "youth_care OR debts"}}),
      request("adults", {{"sa_or_debts", "social_assistance OR debts"},
                         {"sa", "social_assistance"}}),
      request("minors", {{"any", "atleast(1, youth_care, wmo, social_assistance)"}}),
      request("residents", {{"three", "atleast(3, youth_care, wmo, social_assistance, "
                                      "rent_arrears, debts)"}}),
      request("residents", {{"wmo_arrears", "wmo AND rent_arrears"},
                            {"sa_arrears", "social_assistance AND rent_arrears"}}),
      request("adults", {{"wmo_or_youth", "wmo OR youth_care"}}),
      request("residents", {{"arrears_or_debts", "rent_arrears OR debts"},
                            {"arrears_and_debts", "rent_arrears AND debts"}}),
      request("residents", {{"sa_not_debts", "social_assistance AND NOT debts"}}, "wijk"),
      request("minors", {{"debts", "debts"}, {"arrears", "rent_arrears"}}),
      request("residents", {{"wmo_youth_sa", "wmo AND youth_care AND social_assistance"},
                            {"wmo_or_youth_or_sa", "wmo OR youth_care OR social_assistance"}}),
  };
}

// Non-zero cells of `table` (true values in `truth`), how many of them are suppressed, and how
// many are small (1..k-1: primary unless published before).
struct CellShare {
  int nonzero = 0, suppressed = 0, small = 0;
};
CellShare SuppressedNonZero(const AreaTable& truth, const AreaTable& table, int k) {
  CellShare share;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t m = 0; m < table.rows[r].cells.size(); ++m) {
      const int64_t value = truth.rows[r].cells[m].value;
      if (value == 0) continue;
      ++share.nonzero;
      share.suppressed += table.rows[r].cells[m].suppressed;
      share.small += value < k;
    }
  }
  return share;
}

void BM_ComposedSeries(benchmark::State& state) {
  const Manifest manifest = DemoManifest();
  const BuurtCounts counts = DemoCounts();
  const Geography geography = BenchGeography();
  std::vector<TableSpec> specs = {StackingTableSpec(manifest, true)};
  specs.push_back(*ResolveRequest({.population = "adults", .measures = {{"wmo", "wmo"}}},
                                  manifest, true));
  specs.push_back(*ResolveRequest({.population = "residents", .measures = {{"wmo", "wmo"}}},
                                  manifest, true));
  for (const TableRequest& r : ComposedSeries()) {
    auto spec = ResolveRequest(r, manifest, true);
    if (!spec.ok()) {
      state.SkipWithError(std::string(spec.status().message()).c_str());
      return;
    }
    specs.push_back(*spec);
  }
  specs.push_back(StackingTableSpec(manifest, true));
  std::vector<ReleasedTable> releases;
  std::vector<double> ms;
  CellShare composed, first_stacking, last_stacking;
  int refused = 0, fewest = 0, fewest_optimal = 0;
  const double exact_seconds = static_cast<double>(state.range(0));
  for (auto _ : state) {
    releases.clear();
    for (size_t i = 0; i < specs.size(); ++i) {
      const AreaTable truth = BuildTable(specs[i], counts, geography);
      AreaTable table = truth;
      const auto start = std::chrono::steady_clock::now();
      auto r = ProtectTable(manifest.disclosure, specs[i], counts, releases, &table);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      fprintf(stderr, "req %zu %.0f ms\n", i, ms.back());
      if (!r.ok()) {  // the hub refuses the request
        ++refused;
        continue;
      }
      ApplyRounding(manifest.disclosure.rounding_base, &table);
      const CellShare share = SuppressedNonZero(truth, table, manifest.disclosure.k);
      if (i == 0) first_stacking = share;
      if (i + 1 == specs.size()) last_stacking = share;
      if (i >= 3 && i + 1 < specs.size()) {
        composed.nonzero += share.nonzero;
        composed.suppressed += share.suppressed;
        composed.small += share.small;
        if (exact_seconds > 0) {
          state.PauseTiming();
          AreaTable exact = truth;
          auto f = FindFewestSuppressions(manifest.disclosure, specs[i], counts, releases, &exact,
                                          exact_seconds);
          if (!f.ok()) {
            state.SkipWithError(std::string(f.status().message()).c_str());
            return;
          }
          fewest += f->lower_bound;
          fewest_optimal += f->optimal;
          state.ResumeTiming();
        }
      }
      releases.push_back({specs[i], table, manifest.disclosure.rounding_base});
    }
  }
  auto narrowed = testing_util::NarrowedConjunctions(manifest.disclosure, releases, counts,
                                                     std::numeric_limits<size_t>::max());
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  state.counters["requests"] = static_cast<double>(specs.size());
  state.counters["refused"] = refused;
  state.counters["median_ms"] = sorted[sorted.size() / 2];
  state.counters["max_ms"] = sorted.back();
  auto share = [](int part, int whole) { return static_cast<double>(part) / std::max(1, whole); };
  state.counters["composed_suppressed_share"] = share(composed.suppressed, composed.nonzero);
  state.counters["composed_small_share"] = share(composed.small, composed.nonzero);
  if (exact_seconds > 0) {
    state.counters["composed_fewest_share"] = share(fewest, composed.nonzero);
    state.counters["fewest_optimal"] = fewest_optimal;
  }
  state.counters["first_stacking_suppressed_share"] =
      share(first_stacking.suppressed, first_stacking.nonzero);
  state.counters["last_stacking_suppressed_share"] =
      share(last_stacking.suppressed, last_stacking.nonzero);
  state.counters["narrowed_small_counts"] =
      narrowed.ok() ? static_cast<double>(narrowed->size()) : -1.0;
}
BENCHMARK(BM_ComposedSeries)->Arg(0)->Arg(120)->Unit(benchmark::kSecond)->Iterations(1);

// The same series with the cell key method (the manifest's default parameters): no guard, so
// only the time of building and perturbing each table; the information loss beside
// suppression's: the share of non-zero published cells changed, their mean absolute
// perturbation, and the share of non-zero cells suppressed (minimum population and group
// disclosure only).
void BM_ComposedSeriesCellKey(benchmark::State& state) {
  const Manifest manifest = DemoManifest();
  const BuurtCounts counts = DemoCounts();
  const Geography geography = BenchGeography();
  DisclosureRules rules = manifest.disclosure;
  rules.method = DisclosureMethod::kCellKey;
  const PTable ptable = *PTable::Create(rules.cell_key);
  std::vector<TableSpec> specs = {StackingTableSpec(manifest, true)};
  for (const TableRequest& r : ComposedSeries()) specs.push_back(*ResolveRequest(r, manifest, true));
  int64_t nonzero = 0, changed = 0, suppressed = 0, absolute = 0;
  std::vector<double> ms;
  for (auto _ : state) {
    for (const TableSpec& spec : specs) {
      const auto start = std::chrono::steady_clock::now();
      const AreaTable truth = BuildTable(spec, counts, geography);
      AreaTable table = truth;
      ApplyCellKey(rules, ptable, spec, &table);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             start)
                       .count());
      for (size_t r = 0; r < truth.rows.size(); ++r) {
        for (size_t m = 0; m < truth.rows[r].cells.size(); ++m) {
          const int64_t value = truth.rows[r].cells[m].value;
          const Cell& out = table.rows[r].cells[m];
          if (value == 0) continue;
          ++nonzero;
          if (out.suppressed) {
            ++suppressed;
            continue;
          }
          changed += out.value != value;
          absolute += std::abs(out.value - value);
        }
      }
    }
  }
  std::sort(ms.begin(), ms.end());
  const auto share = [&](int64_t part) { return static_cast<double>(part) / std::max<int64_t>(1, nonzero); };
  state.counters["requests"] = static_cast<double>(specs.size());
  state.counters["median_ms"] = ms[ms.size() / 2];
  state.counters["max_ms"] = ms.back();
  state.counters["suppressed_share"] = share(suppressed);
  state.counters["changed_share"] = share(changed);
  state.counters["mean_abs_perturbation"] =
      static_cast<double>(absolute) / std::max<int64_t>(1, nonzero - suppressed);
}
BENCHMARK(BM_ComposedSeriesCellKey)->Unit(benchmark::kMillisecond)->Iterations(1);

// An update: the stacking table released while only the register had submitted (every
// indicator 0), then again once the sources arrived. The second is protected against both data
// states (ProtectTable's earlier_states): the time of that one.
void BM_ReleaseAfterTheSourcesArrive(benchmark::State& state) {
  const Manifest manifest = DemoManifest();
  const BuurtCounts after = DemoCounts();
  BuurtCounts before = after;
  for (auto& [code, c] : before.buurten) {
    AttributeCounts register_only;
    register_only.persons.clear();
    for (const auto& [bits, n] : c.persons) register_only.persons[bits & (uint64_t{1} << 5)] += n;
    for (const auto& [bits, n] : c.households) register_only.households[bits & (uint64_t{1} << 5)] += n;
    c = register_only;
  }
  const Geography geography = BenchGeography();
  const TableSpec spec = StackingTableSpec(manifest, true);
  AreaTable first = BuildTable(spec, before, geography);
  if (auto r = ProtectTable(manifest.disclosure, spec, before, {}, &first); !r.ok()) {
    state.SkipWithError(std::string(r.status().message()).c_str());
    return;
  }
  ApplyRounding(manifest.disclosure.rounding_base, &first);
  const std::vector<ReleasedTable> earlier = {
      {spec, first, manifest.disclosure.rounding_base, /*state=*/1}};
  ProtectionResult result;
  for (auto _ : state) {
    AreaTable table = BuildTable(spec, after, geography);
    auto r = ProtectTable(manifest.disclosure, spec, after, earlier, &table, {before});
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    result = *r;
  }
  state.counters["primary"] = result.primary;
  state.counters["secondary"] = result.secondary;
  state.counters["lp_ranges"] = result.ranges_solved;
}
BENCHMARK(BM_ReleaseAfterTheSourcesArrive)->Unit(benchmark::kSecond)->Iterations(1);

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
    ApplyRounding(s.manifest.disclosure.rounding_base, &t);
    all.push_back({s.spec, t, s.manifest.disclosure.rounding_base});
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
