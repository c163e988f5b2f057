#include "synth/boundaries.h"

#include <cmath>
#include <numbers>

namespace stapel {
namespace {

struct Point {
  double x, y;  // kilometres east and north of the town centre
};

// The part of `polygon` on `seed`'s side of the bisector between `seed` and `other`
// (one Sutherland–Hodgman step against a half-plane).
std::vector<Point> ClipToCloserHalf(const std::vector<Point>& polygon, Point seed, Point other) {
  const double nx = other.x - seed.x, ny = other.y - seed.y;
  const double mid = nx * (seed.x + other.x) / 2 + ny * (seed.y + other.y) / 2;
  auto inside = [&](Point p) { return nx * p.x + ny * p.y <= mid; };
  std::vector<Point> out;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const Point a = polygon[i], b = polygon[(i + 1) % polygon.size()];
    if (inside(a)) out.push_back(a);
    if (inside(a) != inside(b)) {
      const double da = nx * a.x + ny * a.y - mid, db = nx * b.x + ny * b.y - mid;
      const double t = da / (da - db);
      out.push_back({a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
    }
  }
  return out;
}

}  // namespace

nlohmann::json DemoBuurtBoundaries(const std::vector<DemoBuurt>& buurten, int wijken) {
  constexpr double kPi = std::numbers::pi;
  // Seeds: wijk 1 at the centre, the others on a ring around it; each wijk's buurten on a
  // small ring around the wijk's centre, turned a little per wijk so the grid looks irregular.
  std::vector<int> per_wijk(wijken + 1, 0), placed(wijken + 1, 0);
  for (const auto& b : buurten) ++per_wijk[b.wijk];
  std::vector<Point> seeds;
  for (const auto& b : buurten) {
    const double wijk_angle = 2 * kPi * (b.wijk - 2) / std::max(1, wijken - 1) + 0.4;
    const Point centre =
        b.wijk == 1 ? Point{0, 0} : Point{2.6 * std::cos(wijk_angle), 1.9 * std::sin(wijk_angle)};
    const int i = placed[b.wijk]++;
    const double radius = (b.wijk == 1 ? 0.55 : 0.9) * (1 + 0.15 * (i % 2));
    const double angle = 2 * kPi * i / per_wijk[b.wijk] + 0.7 * b.wijk;
    seeds.push_back({centre.x + radius * std::cos(angle), centre.y + radius * std::sin(angle)});
  }
  // The town's outline: an ellipse with a wobbly edge (kept convex enough for the clipping).
  std::vector<Point> outline;
  for (int i = 0; i < 48; ++i) {
    const double a = 2 * kPi * i / 48;
    const double wobble = 1 + 0.04 * std::sin(5 * a) + 0.03 * std::cos(3 * a);
    outline.push_back({4.6 * wobble * std::cos(a), 3.4 * wobble * std::sin(a)});
  }
  constexpr double kCentreLon = 5.70, kCentreLat = 51.95;
  const double km_per_degree_lat = 111.2;
  const double km_per_degree_lon = km_per_degree_lat * std::cos(kCentreLat * kPi / 180);

  nlohmann::json features = nlohmann::json::array();
  for (size_t i = 0; i < buurten.size(); ++i) {
    std::vector<Point> cell = outline;
    for (size_t j = 0; j < seeds.size(); ++j) {
      if (j != i) cell = ClipToCloserHalf(cell, seeds[i], seeds[j]);
    }
    nlohmann::json ring = nlohmann::json::array();
    for (const Point& p : cell) {
      // Rounded to about a metre, as published boundaries are.
      ring.push_back({std::round((kCentreLon + p.x / km_per_degree_lon) * 1e5) / 1e5,
                      std::round((kCentreLat + p.y / km_per_degree_lat) * 1e5) / 1e5});
    }
    if (!ring.empty()) ring.push_back(ring.front());
    features.push_back(
        {{"type", "Feature"},
         {"id", buurten[i].code},
         {"properties", {{"statcode", buurten[i].code}, {"statnaam", buurten[i].name}}},
         {"geometry", {{"type", "Polygon"}, {"coordinates", {ring}}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

}  // namespace stapel
