#include "disclosure/disclosure.h"

#include <gtest/gtest.h>

#include <random>

#include "disclosure/table_protection.h"

namespace stapel {
namespace {

// The threshold rule alone, for the tests of secondary suppression.
const DisclosureRules kThresholdOnly{
    .k = 10, .min_area_population = 0, .group_disclosure = false, .rounding_base = 1};

TableSpec OneMeasure() {
  TableSpec spec;
  spec.columns.push_back({"m", CountUnit::kPersons, {}, {}, -1});
  return spec;
}

// Residents, and debts counted within them.
TableSpec ResidentsAndDebts() {
  TableSpec spec;
  spec.columns.push_back({"residents", CountUnit::kPersons, {}, {}, -1});
  spec.columns.push_back({"debts", CountUnit::kPersons, {}, {}, 0});
  return spec;
}

void ApplySuppression(const DisclosureRules& rules, AreaTable* t) {
  ApplyPrimaryRules(rules, t->measures.size() == 1 ? OneMeasure() : ResidentsAndDebts(), t);
  CoverLoneSuppressions(t);
}

absl::Status CheckReleasedTable(const DisclosureRules& rules, const AreaTable& t) {
  return CheckReleasedTable(rules, t.measures.size() == 1 ? OneMeasure() : ResidentsAndDebts(), t);
}

// A gemeente with `wijken.size()` wijken; wijken[w] lists the buurt values of one measure.
AreaTable Hierarchy(const std::vector<std::vector<int64_t>>& wijken) {
  AreaTable t;
  t.measures = {"m"};
  t.rows.push_back({AreaLevel::kGemeente, "GM9999", "", "", {{0, false}}});
  for (size_t w = 0; w < wijken.size(); ++w) {
    const std::string wijk = "WK9999" + std::to_string(10 + w);
    const size_t wijk_row = t.rows.size();
    t.rows.push_back({AreaLevel::kWijk, wijk, "", "GM9999", {{0, false}}});
    for (size_t b = 0; b < wijken[w].size(); ++b) {
      t.rows.push_back({AreaLevel::kBuurt,
                        "BU9999" + std::to_string(10 + w) + std::to_string(10 + b),
                        "",
                        wijk,
                        {{wijken[w][b], false}}});
      t.rows[wijk_row].cells[0].value += wijken[w][b];
      t.rows[0].cells[0].value += wijken[w][b];
    }
  }
  return t;
}

bool Suppressed(const AreaTable& t, std::string_view code) {
  for (const auto& r : t.rows) {
    if (r.code == code) return r.cells[0].suppressed;
  }
  ADD_FAILURE() << "no row " << code;
  return false;
}

// Independent of the library: for every parent, the number of suppressed cells among it and
// its children must not be exactly one, and no published cell may be in 1..k-1.
void ExpectSafe(const AreaTable& t, int k) {
  for (const auto& parent : t.rows) {
    for (size_t m = 0; m < t.measures.size(); ++m) {
      int suppressed = parent.cells[m].suppressed, children = 0;
      for (const auto& child : t.rows) {
        if (child.parent != parent.code) continue;
        ++children;
        suppressed += child.cells[m].suppressed;
      }
      if (children > 0) {
        EXPECT_NE(suppressed, 1) << parent.code;
      }
      EXPECT_FALSE(!parent.cells[m].suppressed && parent.cells[m].value > 0 &&
                   parent.cells[m].value < k)
          << parent.code;
    }
  }
}

TEST(DisclosureTest, SmallCountsAreSuppressedAndZeroIsNot) {
  AreaTable t = Hierarchy({{0, 5, 40, 30}});
  ApplySuppression(kThresholdOnly, &t);
  EXPECT_FALSE(Suppressed(t, "BU99991010"));  // 0
  EXPECT_TRUE(Suppressed(t, "BU99991011"));   // 5: primary
  ExpectSafe(t, 10);
}

TEST(DisclosureTest, LoneSuppressionGetsTheSmallestNonZeroComplement) {
  AreaTable t = Hierarchy({{0, 5, 40, 30}, {100, 200}});
  ApplySuppression(kThresholdOnly, &t);
  EXPECT_TRUE(Suppressed(t, "BU99991013"));   // 30, the smallest non-zero neighbour
  EXPECT_FALSE(Suppressed(t, "BU99991012"));  // 40 stays
  EXPECT_FALSE(Suppressed(t, "WK999910"));    // totals stay published
  EXPECT_FALSE(Suppressed(t, "GM9999"));
  ExpectSafe(t, 10);
}

TEST(DisclosureTest, SuppressionPropagatesUpTheHierarchy) {
  // A wijk with a single small buurt: the wijk total equals the buurt, so it must go too,
  // and then a second wijk must be suppressed so the gemeente total does not give it away.
  AreaTable t = Hierarchy({{4}, {100, 200}, {300, 50}});
  ApplySuppression(kThresholdOnly, &t);
  EXPECT_TRUE(Suppressed(t, "BU99991010"));
  EXPECT_TRUE(Suppressed(t, "WK999910"));
  EXPECT_TRUE(Suppressed(t, "WK999911"));  // 300: the smallest other wijk total
  EXPECT_FALSE(Suppressed(t, "WK999912"));
  ExpectSafe(t, 10);
  EXPECT_TRUE(CheckReleasedTable(kThresholdOnly, t).ok());
}

TEST(DisclosureTest, RandomTablesAreAlwaysSafe) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::vector<int64_t>> wijken(1 + rng() % 5);
    for (auto& w : wijken) {
      w.resize(1 + rng() % 6);
      for (auto& v : w)
        v = (rng() % 3 == 0) ? static_cast<int64_t>(rng() % 12) : static_cast<int64_t>(rng() % 400);
    }
    AreaTable t = Hierarchy(wijken);
    ApplySuppression(kThresholdOnly, &t);
    ExpectSafe(t, 10);
    EXPECT_TRUE(CheckReleasedTable(kThresholdOnly, t).ok())
        << CheckReleasedTable(kThresholdOnly, t);
  }
}

TEST(DisclosureTest, CheckFindsAPublishedSmallCount) {
  AreaTable t = Hierarchy({{5, 40}});
  auto s = CheckReleasedTable(kThresholdOnly, t);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("BU99991010"), std::string::npos) << s;
}

TEST(DisclosureTest, TheAuditFindsASmallCellRecoverableFromItsTotal) {
  AreaTable t = Hierarchy({{5, 40}});
  t.rows[2].cells[0].suppressed = true;  // 5 = wijk total - 40
  EXPECT_TRUE(CheckReleasedTable(kThresholdOnly, t).ok());
  auto s = AuditReleases(kThresholdOnly, {{OneMeasure(), t, 1}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("narrowed to [5, 5]"), std::string::npos) << s;
}

TEST(DisclosureTest, CheckFindsTotalsThatDoNotAddUp) {
  AreaTable t = Hierarchy({{15, 40}});
  t.rows[2].cells[0].value = 16;
  EXPECT_NE(CheckReleasedTable(kThresholdOnly, t).message().find("add up"), std::string::npos);
}

// A table with residents and one measure per buurt, under one wijk and the gemeente.
AreaTable WithResidents(const std::vector<std::pair<int64_t, int64_t>>& buurten) {
  AreaTable t;
  t.measures = {"residents", "debts"};
  t.rows.push_back({AreaLevel::kGemeente, "GM9999", "", "", {{0, false}, {0, false}}});
  t.rows.push_back({AreaLevel::kWijk, "WK999910", "", "GM9999", {{0, false}, {0, false}}});
  for (size_t b = 0; b < buurten.size(); ++b) {
    t.rows.push_back({AreaLevel::kBuurt,
                      "BU999910" + std::to_string(10 + b),
                      "",
                      "WK999910",
                      {{buurten[b].first, false}, {buurten[b].second, false}},
                      buurten[b].first});
    for (int r : {0, 1}) {
      t.rows[r].residents += buurten[b].first;
      t.rows[r].cells[0].value += buurten[b].first;
      t.rows[r].cells[1].value += buurten[b].second;
    }
  }
  return t;
}

TEST(DisclosureTest, AnAreaBelowTheMinimumPopulationPublishesNothing) {
  AreaTable t = WithResidents({{30, 12}, {400, 60}, {500, 80}});
  ApplySuppression({.k = 10, .min_area_population = 50, .group_disclosure = true}, &t);
  EXPECT_TRUE(t.rows[2].cells[0].suppressed);  // 30 residents
  EXPECT_TRUE(t.rows[2].cells[1].suppressed);  // 12 would be published by the threshold rule
  EXPECT_TRUE(CheckReleasedTable({.k = 10, .min_area_population = 50}, t).ok());
  AreaTable leaked = WithResidents({{30, 12}, {400, 60}, {500, 80}});
  auto s =
      CheckReleasedTable({.k = 10, .min_area_population = 50, .group_disclosure = false}, leaked);
  EXPECT_NE(s.message().find("minimum area population"), std::string::npos) << s;
}

TEST(DisclosureTest, ACountCloseToItsPopulationIsSuppressed) {
  // 395 of 400 residents have debts: publishing it says nearly everyone there has debts.
  AreaTable t = WithResidents({{400, 395}, {500, 80}, {300, 40}});
  ApplySuppression({.k = 10, .min_area_population = 50, .group_disclosure = true}, &t);
  EXPECT_TRUE(t.rows[2].cells[1].suppressed);
  EXPECT_FALSE(t.rows[2].cells[0].suppressed);
  auto s = CheckReleasedTable({.k = 10, .group_disclosure = true},
                              WithResidents({{400, 395}, {500, 80}, {300, 40}}));
  EXPECT_NE(s.message().find("group disclosure"), std::string::npos) << s;
}

}  // namespace
}  // namespace stapel
