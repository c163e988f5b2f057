#ifndef STAPEL_DISCLOSURE_TEST_WORLD_H_
#define STAPEL_DISCLOSURE_TEST_WORLD_H_

// For the disclosure tests: a gemeente of wijken and buurten with given counts per combination
// of attribute bits, and table specs resolved against a manifest.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/geography.h"
#include "tables/table_spec.h"
#include "tests/temp_dir.h"

namespace stapel::testing_util {

// The rules the disclosure tests protect with: exact counts, so nothing hides behind rounding.
inline const DisclosureRules kTestRules{.k = 10,
                                        .min_area_population = 0,
                                        .group_disclosure = true,
                                        .rounding_base = 1,
                                        .protection_width = 10};

struct World {
  Geography geography;
  BuurtCounts counts;
};

// A gemeente of `buurten_per_wijk.size()` wijken; persons[b] = bits -> count for buurt b.
inline World MakeWorld(const std::vector<int>& buurten_per_wijk,
                       const std::vector<std::map<uint64_t, int64_t>>& persons) {
  std::string csv = "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n";
  World w;
  size_t b = 0;
  for (size_t wijk = 0; wijk < buurten_per_wijk.size(); ++wijk) {
    for (int i = 0; i < buurten_per_wijk[wijk]; ++i, ++b) {
      const std::string code = fmt::format("BU9999{:02}{:02}", wijk + 1, i + 1);
      csv += fmt::format("{},B{},WK9999{:02},W{},GM9999,G\n", code, b, wijk + 1, wijk);
      w.counts.buurten[code].persons.insert(persons[b].begin(), persons[b].end());
    }
  }
  const auto path = FreshTempDir() / "areas.csv";
  WriteFile(path, csv);
  w.geography = *Geography::LoadCsv(path);
  return w;
}

inline TableSpec SpecFor(const TableRequest& request, const Manifest& manifest) {
  auto spec = ResolveRequest(request, manifest, false);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : TableSpec{};
}

}  // namespace stapel::testing_util

#endif  // STAPEL_DISCLOSURE_TEST_WORLD_H_
