#include "report/area_boundaries.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>

namespace stapel {
namespace {

std::string StringProperty(const nlohmann::json& feature, std::initializer_list<const char*> keys) {
  const auto props = feature.find("properties");
  if (props != feature.end() && props->is_object()) {
    for (const char* key : keys) {
      const auto it = props->find(key);
      if (it != props->end() && it->is_string()) return it->get<std::string>();
    }
  }
  return "";
}

// A linear ring: at least 4 positions of [lon, lat, ...] numbers within WGS84's range.
absl::StatusOr<std::vector<LonLat>> ReadRing(const nlohmann::json& ring) {
  if (!ring.is_array() || ring.size() < 4) {
    return absl::InvalidArgumentError("a ring needs at least 4 positions");
  }
  std::vector<LonLat> out;
  for (const auto& position : ring) {
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
        !position[1].is_number()) {
      return absl::InvalidArgumentError("a position must be [longitude, latitude]");
    }
    const LonLat p{position[0].get<double>(), position[1].get<double>()};
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::abs(p.lon) > 180 ||
        std::abs(p.lat) > 90) {
      return absl::InvalidArgumentError(fmt::format(
          "position [{}, {}] is not WGS84 longitude/latitude (reproject it, e.g. from RD New "
          "with ogr2ogr -t_srs EPSG:4326)",
          p.lon, p.lat));
    }
    out.push_back(p);
  }
  return out;
}

absl::Status ReadPolygon(const nlohmann::json& polygon, AreaShape* shape) {
  if (!polygon.is_array() || polygon.empty()) {
    return absl::InvalidArgumentError("a polygon needs at least one ring");
  }
  for (const auto& ring : polygon) {
    auto read = ReadRing(ring);
    if (!read.ok()) return read.status();
    shape->rings.push_back(*std::move(read));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AreaBoundaries> AreaBoundaries::FromGeoJson(const nlohmann::json& json,
                                                           const std::string& source) {
  if (!json.is_object() || json.value("type", "") != "FeatureCollection" ||
      !json.contains("features") || !json["features"].is_array()) {
    return absl::InvalidArgumentError(fmt::format("{}: not a GeoJSON FeatureCollection", source));
  }
  AreaBoundaries out;
  size_t number = 0;
  for (const auto& feature : json["features"]) {
    ++number;
    AreaShape shape;
    shape.code = StringProperty(feature, {"statcode", "buurtcode"});
    if (shape.code.empty() && feature.contains("id") && feature["id"].is_string()) {
      shape.code = feature["id"].get<std::string>();
    }
    const std::string where = fmt::format("{}: feature {} ({})", source, number,
                                          shape.code.empty() ? "no code" : shape.code);
    if (shape.code.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: has no area code; give it a \"statcode\" property", where));
    }
    shape.name = StringProperty(feature, {"statnaam", "buurtnaam"});
    const auto geometry = feature.find("geometry");
    if (geometry == feature.end() || !geometry->is_object() || !geometry->contains("coordinates")) {
      return absl::InvalidArgumentError(fmt::format("{}: has no geometry", where));
    }
    const std::string type = geometry->value("type", "");
    const nlohmann::json& coordinates = (*geometry)["coordinates"];
    absl::Status read;
    if (type == "Polygon") {
      read = ReadPolygon(coordinates, &shape);
    } else if (type == "MultiPolygon" && coordinates.is_array()) {
      for (const auto& polygon : coordinates) {
        read.Update(ReadPolygon(polygon, &shape));
      }
    } else {
      read = absl::InvalidArgumentError(
          fmt::format("geometry type \"{}\" is not Polygon or MultiPolygon", type));
    }
    if (!read.ok())
      return absl::InvalidArgumentError(fmt::format("{}: {}", where, std::string(read.message())));
    out.areas.push_back(std::move(shape));
  }
  if (out.areas.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: has no features", source));
  }
  return out;
}

absl::StatusOr<AreaBoundaries> AreaBoundaries::Load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open", path.string()));
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(fmt::format("{}: not valid JSON", path.string()));
  }
  return FromGeoJson(json, path.string());
}

ProjectedMap Project(const AreaBoundaries& boundaries, double width) {
  double min_lon = std::numeric_limits<double>::max(), max_lon = -min_lon;
  double min_lat = min_lon, max_lat = -min_lon;
  for (const auto& area : boundaries.areas) {
    for (const auto& ring : area.rings) {
      for (const LonLat& p : ring) {
        min_lon = std::min(min_lon, p.lon), max_lon = std::max(max_lon, p.lon);
        min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
      }
    }
  }
  const double x_scale = std::cos((min_lat + max_lat) / 2 * std::numbers::pi / 180);
  const double extent = std::max((max_lon - min_lon) * x_scale, 1e-9);
  const double scale = width / extent;
  ProjectedMap map;
  map.width = width;
  map.height = std::ceil((max_lat - min_lat) * scale);
  for (const auto& area : boundaries.areas) {
    std::string d;
    for (const auto& ring : area.rings) {
      for (size_t i = 0; i < ring.size(); ++i) {
        d +=
            fmt::format("{}{:.1f} {:.1f}", i == 0 ? "M" : "L",
                        (ring[i].lon - min_lon) * x_scale * scale, (max_lat - ring[i].lat) * scale);
      }
      d += "Z";
    }
    map.paths[area.code] += d;  // a code may occur in several features
  }
  return map;
}

}  // namespace stapel
