#include "report/area_boundaries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

namespace stapel {
namespace {

nlohmann::json Square(const std::string& code, double lon, double lat) {
  return {{"type", "Feature"},
          {"properties", {{"statcode", code}, {"statnaam", "Buurt " + code}}},
          {"geometry",
           {{"type", "Polygon"},
            {"coordinates",
             {{{lon, lat},
               {lon + 0.01, lat},
               {lon + 0.01, lat + 0.01},
               {lon, lat + 0.01},
               {lon, lat}}}}}}};
}

TEST(AreaBoundariesTest, ReadsRealCbsBuurtenOfMaashorst) {
  auto boundaries = AreaBoundaries::Load(std::string(STAPEL_SOURCE_DIR) +
                                         "/tests/data/cbs/maashorst_GM1991_buurten_2022.geojson");
  ASSERT_TRUE(boundaries.ok()) << boundaries.status();
  ASSERT_EQ(boundaries->areas.size(), 39u);
  EXPECT_EQ(boundaries->areas[0].code, "BU19910101");
  EXPECT_EQ(boundaries->areas[1].name, "Bogerd-Vijfhuis");
  const ProjectedMap map = Project(*boundaries, 1000);
  EXPECT_EQ(map.paths.size(), 39u);
  EXPECT_GT(map.height, 100);
  // Every point lies inside the drawing.
  for (const auto& [code, d] : map.paths) {
    ASSERT_EQ(d.front(), 'M') << code;
    const char* p = d.c_str();
    while (*p != '\0') {
      if (*p == 'M' || *p == 'L') {
        char* end = nullptr;
        const double x = std::strtod(p + 1, &end), y = std::strtod(end, &end);
        EXPECT_GE(x, -0.05) << code;
        EXPECT_LE(x, 1000.05) << code;
        EXPECT_GE(y, -0.05) << code;
        EXPECT_LE(y, map.height + 0.05) << code;
        p = end;
      } else {
        ++p;
      }
    }
  }
}

TEST(AreaBoundariesTest, MultiPolygonsAndHolesBecomeOnePathPerArea) {
  nlohmann::json multi = Square("BU00010101", 5.0, 52.0);
  multi["geometry"] = {{"type", "MultiPolygon"},
                       {"coordinates",
                        {Square("a", 5.0, 52.0)["geometry"]["coordinates"],
                         Square("b", 5.02, 52.0)["geometry"]["coordinates"]}}};
  auto boundaries = AreaBoundaries::FromGeoJson(
      {{"type", "FeatureCollection"}, {"features", {multi, Square("BU00010102", 5.01, 52.0)}}},
      "test");
  ASSERT_TRUE(boundaries.ok()) << boundaries.status();
  ASSERT_EQ(boundaries->areas[0].rings.size(), 2u);
  const ProjectedMap map = Project(*boundaries, 300);
  EXPECT_EQ(map.paths.size(), 2u);
  const std::string& d = map.paths.at("BU00010101");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 2);
  // Three cells of 0.01 degrees side by side: a degree of longitude is cos(latitude) as long
  // as one of latitude, so the drawing is 3 * cos(52) times as wide as high.
  EXPECT_NEAR(map.height, 300 / (3 * std::cos(52.005 * std::numbers::pi / 180)), 1.0);
}

TEST(AreaBoundariesTest, BadFeaturesAreRefusedWithTheirNumberCodeAndReason) {
  nlohmann::json no_code = Square("", 5, 52);
  no_code["properties"].erase("statcode");
  auto missing = AreaBoundaries::FromGeoJson(
      {{"type", "FeatureCollection"}, {"features", {Square("BU1", 5, 52), no_code}}}, "b.geojson");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "b.geojson: feature 2 (no code): has no area code; give it a \"statcode\" property");

  nlohmann::json rd = Square("BU2", 155000, 463000);  // Rijksdriehoek metres, not degrees
  auto projected = AreaBoundaries::FromGeoJson({{"type", "FeatureCollection"}, {"features", {rd}}},
                                               "rd.geojson");
  ASSERT_FALSE(projected.ok());
  EXPECT_NE(projected.status().message().find("rd.geojson: feature 1 (BU2): position [155000, "
                                              "463000] is not WGS84"),
            std::string::npos)
      << projected.status();

  nlohmann::json point = Square("BU3", 5, 52);
  point["geometry"] = {{"type", "Point"}, {"coordinates", {5, 52}}};
  auto wrong_type = AreaBoundaries::FromGeoJson(
      {{"type", "FeatureCollection"}, {"features", {point}}}, "p.geojson");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("\"Point\" is not Polygon or MultiPolygon"),
            std::string::npos);

  EXPECT_FALSE(AreaBoundaries::FromGeoJson({{"type", "Feature"}}, "f").ok());
  EXPECT_FALSE(AreaBoundaries::FromGeoJson(
                   {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}}, "e")
                   .ok());
  EXPECT_EQ(AreaBoundaries::Load("/nonexistent.geojson").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stapel
