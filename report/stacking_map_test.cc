#include "report/stacking_map.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

nlohmann::json Square(const std::string& code, const std::string& name, double lon) {
  return {
      {"type", "Feature"},
      {"properties", {{"statcode", code}, {"statnaam", name}}},
      {"geometry",
       {{"type", "Polygon"},
        {"coordinates",
         {{{lon, 52.0}, {lon + 0.01, 52.0}, {lon + 0.01, 52.01}, {lon, 52.01}, {lon, 52.0}}}}}}};
}

// Four buurten on the map; the release has three of them.
AreaBoundaries Map() {
  return *AreaBoundaries::FromGeoJson(
      {{"type", "FeatureCollection"},
       {"features",
        {Square("BU00010101", "Oude Kern", 5.0), Square("BU00010102", "'t Hoogveld", 5.01),
         Square("BU00010103", "Villapark", 5.02), Square("BU00010104", "Nieuwbouw", 5.03)}}},
      "test");
}

// A release file as stapel-request saves it: residents and wmo per buurt (null = suppressed).
nlohmann::json ReleaseFileWith(const std::vector<nlohmann::json>& residents,
                               const std::vector<nlohmann::json>& wmo) {
  nlohmann::json rows = nlohmann::json::array();
  rows.push_back({{"level", "gemeente"},
                  {"code", "GM0001"},
                  {"name", "Dorp"},
                  {"parent", ""},
                  {"values", {1000, 50}}});
  rows.push_back({{"level", "wijk"},
                  {"code", "WK000101"},
                  {"name", "Centrum"},
                  {"parent", "GM0001"},
                  {"values", {1000, 50}}});
  const char* codes[] = {"BU00010101", "BU00010102", "BU00010103"};
  const char* names[] = {"Oude Kern", "'t Hoogveld", "Villapark"};
  for (int i = 0; i < 3; ++i) {
    rows.push_back({{"level", "buurt"},
                    {"code", codes[i]},
                    {"name", names[i]},
                    {"parent", "WK000101"},
                    {"values", {residents[i], wmo[i]}}});
  }
  return {{"measures", {"residents", "wmo"}},
          {"rows", rows},
          {"release",
           {{"seq", 4},
            {"time", "2026-11-22T10:00:00Z"},
            {"rules", {{"k", 10}, {"rounding_base", 5}}},
            {"request",
             {{"purpose", "test"},
              {"spec",
               {{"level", "buurt"},
                {"attributes", {"wmo"}},
                {"columns",
                 {{{"name", "residents"},
                   {"unit", "persons"},
                   {"population", "true"},
                   {"measure", "true"}},
                  {{"name", "wmo"},
                   {"unit", "persons"},
                   {"population", "true"},
                   {"measure", "wmo"}}}}}}}}}}};
}

MapRelease Release(const std::string& label, const std::vector<nlohmann::json>& residents,
                   const std::vector<nlohmann::json>& wmo) {
  auto release = MapRelease::FromReleaseFile(ReleaseFileWith(residents, wmo), label, "test");
  EXPECT_TRUE(release.ok()) << release.status();
  return *release;
}

TEST(StackingMapTest, EachMeasureIsAShareOfItsPopulationWithSuppressedAndMissingApart) {
  const AreaBoundaries map = Map();
  // Oude Kern 20 of 400; 't Hoogveld's wmo suppressed; Villapark's population suppressed.
  const auto views = BuildMapViews({Release("2025", {400, 500, nullptr}, {20, nullptr, 10})}, map);
  ASSERT_EQ(views.size(), 1u);
  ASSERT_EQ(views[0].layers.size(), 1u);  // residents is a population, not a layer
  const MapLayer& wmo = views[0].layers[0];
  EXPECT_EQ(wmo.id, "wmo");
  EXPECT_EQ(wmo.title, "wmo, % of residents");
  const AreaShade& oude_kern = wmo.areas.at("BU00010101");
  EXPECT_EQ(oude_kern.kind, AreaShade::Kind::kValue);
  EXPECT_EQ(oude_kern.text, "Oude Kern (BU00010101): wmo 5.0 % of residents (20 of 400)");
  EXPECT_EQ(oude_kern.colour_class, wmo.scale.ClassOf(0.05));
  EXPECT_EQ(wmo.areas.at("BU00010102").kind, AreaShade::Kind::kSuppressed);
  EXPECT_EQ(wmo.areas.at("BU00010102").text,
            "'t Hoogveld (BU00010102): wmo suppressed to protect privacy");
  EXPECT_EQ(wmo.areas.at("BU00010103").kind, AreaShade::Kind::kSuppressed);
  EXPECT_EQ(wmo.areas.at("BU00010104").kind, AreaShade::Kind::kNoData);
  EXPECT_EQ(wmo.areas.at("BU00010104").text, "Nieuwbouw (BU00010104): no data in this release");
}

TEST(StackingMapTest, AnAreaWithoutPopulationIsNoDataNotZero) {
  const auto views = BuildMapViews({Release("2025", {0, 500, 300}, {0, 25, 30})}, Map());
  EXPECT_EQ(views[0].layers[0].areas.at("BU00010101").kind, AreaShade::Kind::kNoData);
}

TEST(StackingMapTest, PeriodsShareOneScaleAndTheChangeIsInPercentagePoints) {
  const auto views = BuildMapViews({Release("2024", {400, 500, 200}, {20, 25, 10}),
                                    Release("2025", {400, 500, 200}, {40, nullptr, 10})},
                                   Map());
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[2].label, "change 2024 → 2025");
  // Both periods are coloured on the scale of the largest share of either (10 %).
  EXPECT_EQ(views[0].layers[0].scale.classes().back().label,
            views[1].layers[0].scale.classes().back().label);
  const MapLayer& change = views[2].layers[0];
  EXPECT_EQ(change.areas.at("BU00010101").text,
            "Oude Kern (BU00010101): wmo +5.0 %-pt (5.0 % in 2024, 10.0 % in 2025)");
  EXPECT_EQ(change.areas.at("BU00010101").colour_class, 5u);
  EXPECT_EQ(change.areas.at("BU00010102").kind, AreaShade::Kind::kSuppressed);
  EXPECT_EQ(change.areas.at("BU00010102").text,
            "'t Hoogveld (BU00010102): wmo suppressed in 2025 to protect privacy");
  EXPECT_EQ(change.areas.at("BU00010103").text,
            "Villapark (BU00010103): wmo ±0.0 %-pt (5.0 % in 2024, 5.0 % in 2025)");
  EXPECT_EQ(change.areas.at("BU00010103").colour_class, 3u);
}

TEST(StackingMapTest, HtmlIsSelfContainedAndDrawsEveryAreaAndTheTable) {
  MapRelease release = Release("2025", {400, 500, 200}, {20, nullptr, 10});
  release.table.rows[3].name = "</script><b>";  // names are text, never markup
  const std::string html = RenderStackingMap({release}, Map(), "Stacking map of Dorp");
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  size_t paths = 0;
  for (size_t at = html.find("<path d=\"M"); at != std::string::npos;
       at = html.find("<path d=\"M", at + 1)) {
    ++paths;
  }
  EXPECT_EQ(paths, 4u);
  for (const char* code : {"BU00010101", "BU00010102", "BU00010103", "BU00010104"}) {
    EXPECT_NE(html.find(std::string("data-code=\"") + code + "\""), std::string::npos) << code;
  }
  // Without script the first layer is already drawn: the suppressed buurt hatched and marked.
  EXPECT_NE(html.find("data-code=\"BU00010102\" data-state=\"suppressed\" fill=\"url(#hatch)\""),
            std::string::npos);
  EXPECT_NE(html.find("data-code=\"BU00010104\" data-state=\"nodata\" fill=\"#d9d9d9\""),
            std::string::npos);
  EXPECT_EQ(html.find("</script><b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"x\">x</td>"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">BU00010101</th><td>Oude Kern</td><td>WK000101</td>"
                      "<td>400</td><td>20</td>"),
            std::string::npos);
}

TEST(StackingMapTest, SaysHowTheCountsWereProtected) {
  EXPECT_NE(RenderStackingMap({Release("2025", {400, 500, 200}, {20, 25, 10})}, Map(), "Dorp")
                .find("Counts are rounded to multiples of 5"),
            std::string::npos);
  nlohmann::json file = ReleaseFileWith({400, 500, 200}, {20, 25, 10});
  file["release"]["rules"] = {{"method", "cell_key"}, {"k", 10}, {"max_deviation", 3}};
  auto perturbed = MapRelease::FromReleaseFile(file, "2025", "test");
  ASSERT_TRUE(perturbed.ok()) << perturbed.status();
  EXPECT_NE(RenderStackingMap({*perturbed}, Map(), "Dorp")
                .find("Counts are perturbed by the cell key method, by at most 3"),
            std::string::npos);
}

TEST(StackingMapTest, AFileWithoutItsReleaseSectionIsRefusedWithWhatToUse) {
  nlohmann::json file = ReleaseFileWith({400, 500, 200}, {20, 25, 10});
  file.erase("release");
  auto release = MapRelease::FromReleaseFile(file, "2025", "old.json");
  ASSERT_FALSE(release.ok());
  EXPECT_EQ(release.status().message(),
            "old.json: has no \"release\" section with the request and its spec (use the .json "
            "file stapel-request saved for a release)");
}

}  // namespace
}  // namespace stapel
