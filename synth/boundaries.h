#ifndef STAPEL_SYNTH_BOUNDARIES_H_
#define STAPEL_SYNTH_BOUNDARIES_H_

// Plausible boundaries for the demo's fictional buurten, as a real municipality gets them from
// CBS: a GeoJSON FeatureCollection (WGS84 longitude/latitude) with one Polygon per buurt and
// CBS's property names ("statcode", "statnaam"). The buurten tile the town without gaps: each
// is the Voronoi cell of a seed point placed around its wijk's centre, clipped to the town's
// outline. Deterministic: the same buurten always get the same shapes.

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace stapel {

struct DemoBuurt {
  std::string code;
  std::string name;
  int wijk = 1;  // 1-based; wijk 1 is the centre, the others lie around it
};

nlohmann::json DemoBuurtBoundaries(const std::vector<DemoBuurt>& buurten, int wijken);

}  // namespace stapel

#endif  // STAPEL_SYNTH_BOUNDARIES_H_
