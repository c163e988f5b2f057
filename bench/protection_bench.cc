// Table protection: a gemeente with N buurten in up to 15 wijken, a table of 12 linked measures
// plus the population, protected together with E earlier releases of the same data. The
// issue's target is N = 100 (about 1,400 cells) with E = 50 in under 5 s; arguments are N, E.
// Reports time and cells suppressed per release.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <glpk.h>

#include <chrono>
#include <map>
#include <random>

#include "linker/disclosure.h"
#include "linker/table_protection.h"

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

// A lower bound on the number of suppressed cells any protection needs: the fewest cells such
// that every primary cell is suppressed, no additive relation (buurten to wijk, wijken to
// gemeente, per column) has exactly one suppressed cell, and of two nested cells of an area
// whose difference is 1..k-1 at least one is suppressed — necessary conditions, solved exactly
// as an integer program with GLPK. The heuristic's count over this bound is an upper bound on
// its distance from the optimum.
int SuppressionLowerBound(const TableSpec& spec, const AreaTable& primary_only, int k) {
  std::map<std::string, std::vector<size_t>> children;
  for (size_t r = 0; r < primary_only.rows.size(); ++r) {
    children[primary_only.rows[r].parent].push_back(r);
  }
  const size_t columns = primary_only.measures.size();
  auto var = [&](size_t row, size_t m) { return static_cast<int>(row * columns + m + 1); };
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_cols(lp, static_cast<int>(primary_only.rows.size() * columns));
  for (size_t r = 0; r < primary_only.rows.size(); ++r) {
    for (size_t m = 0; m < columns; ++m) {
      glp_set_col_kind(lp, var(r, m), GLP_BV);
      glp_set_obj_coef(lp, var(r, m), 1.0);
      if (primary_only.rows[r].cells[m].suppressed) glp_set_col_bnds(lp, var(r, m), GLP_FX, 1, 1);
    }
  }
  for (size_t r = 0; r < primary_only.rows.size(); ++r) {
    auto it = children.find(primary_only.rows[r].code);
    if (it == children.end()) continue;
    std::vector<size_t> relation = it->second;
    relation.push_back(r);
    for (size_t m = 0; m < columns; ++m) {
      for (size_t lone : relation) {  // sum of the others >= s_lone
        std::vector<int> index = {0};
        std::vector<double> value = {0.0};
        for (size_t other : relation) {
          index.push_back(var(other, m));
          value.push_back(other == lone ? -1.0 : 1.0);
        }
        const int row = glp_add_rows(lp, 1);
        glp_set_mat_row(lp, row, static_cast<int>(index.size() - 1), index.data(), value.data());
        glp_set_row_bnds(lp, row, GLP_LO, 0, 0);
      }
    }
  }
  // Nested columns: every attribute combination one counts, the other counts too.
  for (size_t f = 0; f < columns; ++f) {
    for (size_t g = 0; g < columns; ++g) {
      bool within = f != g, strictly = false;
      for (uint64_t bits = 0; bits < 128 && within; ++bits) {
        const bool in_f = spec.columns[f].Counts(bits), in_g = spec.columns[g].Counts(bits);
        within = !in_f || in_g;
        strictly = strictly || (in_g && !in_f);
      }
      if (!within || !strictly) continue;
      for (size_t r = 0; r < primary_only.rows.size(); ++r) {
        const int64_t difference =
            primary_only.rows[r].cells[g].value - primary_only.rows[r].cells[f].value;
        if (difference < 1 || difference >= k) continue;
        const int row = glp_add_rows(lp, 1);
        int index[] = {0, var(r, f), var(r, g)};
        double value[] = {0, 1.0, 1.0};
        glp_set_mat_row(lp, row, 2, index, value);
        glp_set_row_bnds(lp, row, GLP_LO, 1, 0);
      }
    }
  }
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.presolve = GLP_ON;
  parm.msg_lev = GLP_MSG_OFF;
  glp_intopt(lp, &parm);
  const int bound = static_cast<int>(std::lround(glp_mip_obj_val(lp)));
  glp_delete_prob(lp);
  return bound;
}

void BM_ProtectWithEarlierReleases(benchmark::State& state) {
  const int earlier_count = static_cast<int>(state.range(1));
  std::mt19937_64 rng(42);
  const Manifest manifest = BenchManifest();
  const BuurtCounts counts = Counts(rng, static_cast<int>(state.range(0)));
  const Geography geography = BenchGeography();
  std::vector<ReleasedTable> earlier;
  int earlier_suppressed = 0;
  for (int i = 0; i < earlier_count; ++i) {
    const TableSpec spec = EarlierSpec(manifest, i);
    AreaTable t = BuildTable(spec, counts, geography);
    auto r = ProtectTable(manifest.disclosure, spec, counts, earlier, &t);
    if (!r.ok()) {
      state.SkipWithError(
          fmt::format("earlier release {}: {}", i, std::string(r.status().message())).c_str());
      return;
    }
    earlier_suppressed += r->primary + r->secondary;
    earlier.push_back({spec, t, 1});
  }
  const TableSpec spec = MainSpec(manifest);
  ProtectionResult result;
  size_t cells = 0;
  int lower_bound = 0;
  {
    AreaTable primary_only = BuildTable(spec, counts, geography);
    DisclosureRules rules = manifest.disclosure;
    ApplyPrimaryRules(rules, spec, &primary_only);
    lower_bound = SuppressionLowerBound(spec, primary_only, rules.k);
  }
  for (auto _ : state) {
    AreaTable t = BuildTable(spec, counts, geography);
    cells = t.rows.size() * t.measures.size();
    auto r = ProtectTable(manifest.disclosure, spec, counts, earlier, &t);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    result = *r;
  }
  // The privacy officer's re-check of all releases from the log (published values only).
  {
    AreaTable t = BuildTable(spec, counts, geography);
    (void)ProtectTable(manifest.disclosure, spec, counts, earlier, &t);
    std::vector<ReleasedTable> all = earlier;
    all.push_back({spec, t, 1});
    const auto start = std::chrono::steady_clock::now();
    const absl::Status audit = AuditReleases(manifest.disclosure, all);
    state.counters["audit_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!audit.ok()) state.SkipWithError(std::string(audit.message()).c_str());
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["primary"] = result.primary;
  state.counters["secondary"] = result.secondary;
  state.counters["lp_ranges"] = result.ranges_solved;
  state.counters["suppressed"] = result.primary + result.secondary;
  state.counters["lower_bound"] = lower_bound;
  state.counters["earlier_suppressed_avg"] =
      earlier_count == 0 ? 0.0 : static_cast<double>(earlier_suppressed) / earlier_count;
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

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
