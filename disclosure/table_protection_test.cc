#include "disclosure/table_protection.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "disclosure/disclosure.h"
#include "disclosure/exact_model.h"
#include "disclosure/test_world.h"

namespace stapel {
namespace {

using testing_util::MakeWorld;
using testing_util::SpecFor;
using testing_util::World;

// Attribute bits: a, b (indicators), minor (a characteristic).
const std::vector<std::string> kAttributes = {"a", "b", "minor"};
constexpr uint64_t kA = 1, kB = 2, kMinor = 4;

Manifest TestManifest() {
  Manifest m;
  m.parties.push_back({.id = "register", .attributes = {"a", "b"}, .characteristics = {"minor"}});
  m.populations.push_back({"adults", CountUnit::kPersons, "NOT minor"});
  return m;
}

const DisclosureRules& kRules = testing_util::kTestRules;

TableSpec Spec(const TableRequest& request) { return SpecFor(request, TestManifest()); }

// Protects and returns the table as released.
ReleasedTable Release(const World& w, const TableSpec& spec,
                      const std::vector<ReleasedTable>& earlier,
                      ProtectionResult* result = nullptr) {
  AreaTable table = BuildTable(spec, w.counts, w.geography);
  auto r = ProtectTable(kRules, spec, w.counts, earlier, &table);
  EXPECT_TRUE(r.ok()) << r.status();
  if (result != nullptr && r.ok()) *result = *r;
  return {spec, table, 1};
}

const Cell& CellOf(const ReleasedTable& r, std::string_view code, size_t column) {
  for (const auto& row : r.table.rows) {
    if (row.code == code) return row.cells[column];
  }
  ADD_FAILURE() << code;
  static Cell none;
  return none;
}

TEST(TableProtectionTest, AdultsAfterAllResidentsCannotRevealTheFewMinors) {
  // Buurt 0102 has 3 minors among 60 residents; the others have many.
  const World w = MakeWorld({3, 2}, {{{0, 80}, {kMinor, 30}},
                                     {{0, 57}, {kMinor, 3}},
                                     {{0, 90}, {kMinor, 40}},
                                     {{0, 70}, {kMinor, 25}},
                                     {{0, 65}, {kMinor, 20}}});
  const ReleasedTable residents = Release(w, Spec({.population = "residents"}), {});
  EXPECT_FALSE(CellOf(residents, "BU99990102", 0).suppressed);
  const TableSpec adults_spec = Spec({.population = "adults"});

  // On its own, the adults table is fine; together with the first release it gives the minors
  // of BU99990102 away (60 - 57 = 3), and the audit over both releases says so.
  const ReleasedTable alone = Release(w, adults_spec, {});
  EXPECT_FALSE(CellOf(alone, "BU99990102", 0).suppressed);
  EXPECT_TRUE(AuditReleases(kRules, {alone}).ok());
  const absl::Status leak = AuditReleases(kRules, {residents, alone});
  EXPECT_EQ(leak.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(leak.message().find("'residents' minus 'adults' in BU99990102"), std::string::npos)
      << leak;

  // The guard suppresses more in the second release, and the LP over both confirms it.
  ProtectionResult result;
  const ReleasedTable guarded = Release(w, adults_spec, {residents}, &result);
  EXPECT_TRUE(CellOf(guarded, "BU99990102", 0).suppressed);
  EXPECT_GT(result.secondary, 0);
  EXPECT_TRUE(AuditReleases(kRules, {residents, guarded}, &w.counts).ok())
      << AuditReleases(kRules, {residents, guarded}, &w.counts);
  EXPECT_TRUE(AuditReleases(kRules, {residents, guarded}).ok());
}

TEST(TableProtectionTest, LinkedMeasuresAreRelationsToo) {
  // A AND B and A published next to A would give A AND NOT B = 2 in buurt 0101.
  const World w = MakeWorld({2, 2}, {{{0, 50}, {kA, 2}, {kA | kB, 30}},
                                     {{0, 60}, {kA, 20}, {kA | kB, 25}},
                                     {{0, 40}, {kA, 15}, {kA | kB, 12}},
                                     {{0, 70}, {kA, 30}, {kA | kB, 14}}});
  const TableSpec spec =
      Spec({.population = "residents", .measures = {{"a", "a"}, {"a_and_b", "a AND b"}}});
  AreaTable naive = BuildTable(spec, w.counts, w.geography);
  ApplyPrimaryRules(kRules, spec, &naive);  // the hierarchy alone does not see it
  EXPECT_FALSE(naive.rows[2].cells[1].suppressed);
  EXPECT_FALSE(AuditReleases(kRules, {{spec, naive, 1}}).ok());
  const ReleasedTable protected_table = Release(w, spec, {});
  EXPECT_TRUE(AuditReleases(kRules, {protected_table}, &w.counts).ok());
}

TEST(TableProtectionTest, TwoWijkenWithSmallCountsProtectEachOther) {
  // Three wijken of one buurt each. The small counts of 'a' in the first two (3 and 8) hide each
  // other: with both wijken suppressed, the gemeente's 'a' (3 + 8 + 50) tells only that they add
  // up to 11, so each lies anywhere in 0..11. The gemeente's count can stay published.
  const World w =
      MakeWorld({1, 1, 1}, {{{0, 100}, {kA, 3}}, {{0, 100}, {kA, 8}}, {{0, 100}, {kA, 50}}});
  const TableSpec spec = Spec({.population = "residents", .measures = {{"a", "a"}}});
  ProtectionResult result;
  const ReleasedTable r = Release(w, spec, {}, &result);
  EXPECT_FALSE(CellOf(r, "GM9999", 1).suppressed);
  for (const char* code : {"WK999901", "BU99990101", "WK999902", "BU99990201"}) {
    EXPECT_TRUE(CellOf(r, code, 1).suppressed) << code;
  }
  EXPECT_EQ(result.primary + result.secondary, 4);
  EXPECT_TRUE(AuditReleases(kRules, {r}, &w.counts).ok()) << AuditReleases(kRules, {r}, &w.counts);
}

// Thousands of random hierarchies and counts, many small: after protection, the LP audit
// proves every suppressed cell protected and no published cell breaks a primary rule.
TEST(TableProtectionTest, RandomHierarchicalTablesAreAlwaysProtected) {
  std::mt19937_64 rng(2026);
  const TableSpec spec = Spec({.population = "residents",
                               .measures = {{"a", "a"},
                                            {"b", "b"},
                                            {"a_and_b", "a AND b"},
                                            {"a_or_b", "a OR b"},
                                            {"minor_a", "minor AND a"}}});
  // Every third table comes after an earlier release of the same data, which it must not undo.
  const TableSpec earlier_spec =
      Spec({.population = "adults", .measures = {{"a", "a"}, {"a_and_b", "a AND b"}}});
  int suppressed = 0;
#ifdef STAPEL_SANITIZED
  const int trials = 500;
#else
  const int trials = 2000;
#endif
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<int> wijken(1 + rng() % 4);
    size_t buurten = 0;
    for (int& n : wijken) {
      n = 1 + static_cast<int>(rng() % 4);
      buurten += n;
    }
    std::vector<std::map<uint64_t, int64_t>> persons(buurten);
    for (auto& p : persons) {
      for (uint64_t bits = 0; bits < 8; ++bits) {
        const auto draw = rng() % 4;
        if (draw > 0) p[bits] = draw == 1 ? static_cast<int64_t>(rng() % 5) : rng() % 40;
      }
    }
    const World w = MakeWorld(wijken, persons);
    std::vector<ReleasedTable> all;
    if (trial % 3 == 0) all.push_back(Release(w, earlier_spec, {}));
    const ReleasedTable r = Release(w, spec, all);
    all.push_back(r);
    for (const auto& row : r.table.rows) {
      for (const auto& c : row.cells) suppressed += c.suppressed;
    }
    ASSERT_TRUE(AuditReleases(kRules, all, &w.counts).ok())
        << "trial " << trial << ": " << AuditReleases(kRules, all, &w.counts);
    ASSERT_TRUE(AuditReleases(kRules, all).ok()) << "trial " << trial;
    ASSERT_TRUE(CheckReleasedTable(kRules, spec, r.table).ok())
        << "trial " << trial << ": " << CheckReleasedTable(kRules, spec, r.table);
  }
  EXPECT_GT(suppressed, trials) << "the generated tables should need protection";
}

// The exact model against brute force: on small random tables, alone or after an earlier
// release of the same data, the fewest suppressions found by trying every choice of
// complements, smallest first, is what FindFewestSuppressions proves and finds; ProtectTable
// never suppresses fewer than that bound.
TEST(TableProtectionTest, TheExactModelFindsTheFewestSuppressions) {
  std::mt19937_64 rng(7);
  const TableSpec spec =
      Spec({.population = "residents", .measures = {{"a", "a"}, {"a_and_b", "a AND b"}}});
  int needed_complements = 0, fewest_total = 0, protect_table_total = 0;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<std::map<uint64_t, int64_t>> persons(3);
    for (auto& p : persons) {
      for (uint64_t bits = 0; bits < 8; ++bits) p[bits] = static_cast<int64_t>(rng() % 13);
    }
    const World w = MakeWorld({2, 1}, persons);
    std::vector<ReleasedTable> earlier;
    if (trial % 2 == 1) earlier.push_back(Release(w, Spec({.population = "adults"}), {}));
    auto audit = [&](const AreaTable& t) {
      std::vector<ReleasedTable> all = earlier;
      all.push_back({spec, t, 1});
      return AuditReleases(kRules, all, &w.counts);
    };
    AreaTable exact = BuildTable(spec, w.counts, w.geography);
    auto fewest = FindFewestSuppressions(kRules, spec, w.counts, earlier, &exact, 60);
    ASSERT_TRUE(fewest.ok()) << fewest.status();
    EXPECT_TRUE(audit(exact).ok()) << "trial " << trial << ": " << audit(exact);

    AreaTable primary = BuildTable(spec, w.counts, w.geography);
    const int primaries = ApplyPrimaryRules(kRules, spec, &primary);
    size_t published = 0;
    for (const auto& row : primary.rows) {
      for (const auto& c : row.cells) published += !c.suppressed;
    }
    ASSERT_LE(published, 20u);
    int brute = -1;
    for (size_t extra = 0; brute < 0 && extra <= published; ++extra) {
      std::vector<bool> pick(published, false);
      std::fill(pick.end() - static_cast<long>(extra), pick.end(), true);
      do {
        AreaTable t = primary;
        size_t cell = 0;
        for (auto& row : t.rows) {
          for (auto& c : row.cells) {
            if (!c.suppressed && pick[cell++]) c.suppressed = true;
          }
        }
        if (audit(t).ok()) {
          brute = primaries + static_cast<int>(extra);
          break;
        }
      } while (std::next_permutation(pick.begin(), pick.end()));
    }
    needed_complements += brute - primaries;
    EXPECT_EQ(fewest->lower_bound, brute) << "trial " << trial;
    EXPECT_EQ(fewest->found, brute) << "trial " << trial;
    EXPECT_TRUE(fewest->optimal) << "trial " << trial;

    AreaTable heuristic = BuildTable(spec, w.counts, w.geography);
    auto r = ProtectTable(kRules, spec, w.counts, earlier, &heuristic);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(audit(heuristic).ok()) << "trial " << trial << ": " << audit(heuristic);
    EXPECT_GE(r->primary + r->secondary, fewest->lower_bound) << "trial " << trial;
    fewest_total += brute;
    protect_table_total += r->primary + r->secondary;
  }
  EXPECT_GT(needed_complements, 15) << "the generated tables should need complements";
  // The target for ProtectTable: within 10% of the fewest.
  EXPECT_LE(protect_table_total, 1.1 * fewest_total)
      << protect_table_total << " suppressed, at least " << fewest_total << " needed";
  std::cout << "ProtectTable: " << protect_table_total << " suppressed, at least " << fewest_total
            << " needed\n";
}

}  // namespace
}  // namespace stapel
