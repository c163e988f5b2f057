#include "synth/boundaries.h"

#include <gtest/gtest.h>

#include <cmath>

namespace stapel {
namespace {

// Shoelace area in square degrees (enough to compare parts with their whole).
double Area(const nlohmann::json& ring) {
  double twice = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    twice += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
             ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  }
  return std::abs(twice) / 2;
}

TEST(DemoBoundariesTest, EveryBuurtGetsAPolygonAndTogetherTheyTileTheTown) {
  std::vector<DemoBuurt> buurten;
  for (int w = 1; w <= 5; ++w) {
    for (int b = 1; b <= 5; ++b) {
      buurten.push_back({"BU9999" + std::to_string(w * 1000 + b).substr(1), "B", w});
    }
  }
  const nlohmann::json geojson = DemoBuurtBoundaries(buurten, 5);
  ASSERT_EQ(geojson["features"].size(), buurten.size());
  double total = 0, largest = 0, smallest = 1;
  for (size_t i = 0; i < buurten.size(); ++i) {
    const auto& feature = geojson["features"][i];
    EXPECT_EQ(feature["properties"]["statcode"], buurten[i].code);
    const auto& ring = feature["geometry"]["coordinates"][0];
    ASSERT_GE(ring.size(), 4u) << buurten[i].code;
    EXPECT_EQ(ring.front(), ring.back());  // a closed ring, as GeoJSON requires
    const double area = Area(ring);
    total += area, largest = std::max(largest, area), smallest = std::min(smallest, area);
  }
  EXPECT_GT(smallest, 0);
  EXPECT_LT(largest / smallest, 40);  // no sliver, no buurt swallowing the town
  // The cells partition the outline (an ellipse of 4.6 by 3.4 km with a small wobble), so
  // their areas add up to its area: no gaps and no overlaps.
  const double km2_per_square_degree = 111.2 * 111.2 * std::cos(51.95 * M_PI / 180);
  EXPECT_NEAR(total * km2_per_square_degree, M_PI * 4.6 * 3.4, 0.05 * M_PI * 4.6 * 3.4);
}

TEST(DemoBoundariesTest, TheSameBuurtenAlwaysGetTheSameShapes) {
  const std::vector<DemoBuurt> buurten = {{"BU99990101", "A", 1}, {"BU99990202", "B", 2}};
  EXPECT_EQ(DemoBuurtBoundaries(buurten, 2), DemoBuurtBoundaries(buurten, 2));
}

}  // namespace
}  // namespace stapel
