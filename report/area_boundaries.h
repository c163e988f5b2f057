#ifndef STAPEL_REPORT_AREA_BOUNDARIES_H_
#define STAPEL_REPORT_AREA_BOUNDARIES_H_

// Buurt boundaries from a GeoJSON FeatureCollection as CBS/PDOK publishes them: WGS84
// longitude/latitude, one Feature per area with a Polygon or MultiPolygon geometry and the
// area's CBS code in the property "statcode" (or "buurtcode", or the feature's "id"), its name
// in "statnaam" (or "buurtnaam"). Projected for drawing as SVG paths.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stapel {

struct LonLat {
  double lon = 0, lat = 0;
};

struct AreaShape {
  std::string code;
  std::string name;
  std::vector<std::vector<LonLat>> rings;  // outer rings and holes, drawn even-odd
};

struct AreaBoundaries {
  std::vector<AreaShape> areas;  // in the file's order

  // INVALID_ARGUMENT names the feature (by number and code) and what is wrong with it;
  // `source` (a file name) starts the message.
  static absl::StatusOr<AreaBoundaries> FromGeoJson(const nlohmann::json& json,
                                                    const std::string& source);
  static absl::StatusOr<AreaBoundaries> Load(const std::filesystem::path& path);
};

// The areas drawn in an SVG user space `width` units wide, north up, in an equirectangular
// projection scaled by cos(latitude) at the map's centre (true to shape at buurt scale).
struct ProjectedMap {
  double width = 0, height = 0;
  std::map<std::string, std::string> paths;  // code -> SVG path data ("M x y L ... Z")
};
ProjectedMap Project(const AreaBoundaries& boundaries, double width);

}  // namespace stapel

#endif  // STAPEL_REPORT_AREA_BOUNDARIES_H_
