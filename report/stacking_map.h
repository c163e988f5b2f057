#ifndef STAPEL_REPORT_STACKING_MAP_H_
#define STAPEL_REPORT_STACKING_MAP_H_

// The stacking map: released tables drawn over buurt boundaries as one self-contained HTML
// file (inline SVG, CSS and script; nothing is fetched when it is opened, so it can be mailed
// to a partner or opened offline). Per release (period) one layer per measure — the share of
// the measure's population, so "stacked_2plus" is the share of residents with two or more
// indicators — and, with two or more periods, the change of each share from the first period
// to the last. Only released numbers are used: a buurt whose count or population is suppressed
// is hatched and labelled "suppressed", never coloured as zero. Below the map, the released
// tables themselves, cell for cell as in the release's CSV.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "report/area_boundaries.h"
#include "report/colour_scale.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {

// One release as the requester received it (stapel-request's .json file).
struct MapRelease {
  std::string label;  // the period, e.g. "2025"; shown in the period switch
  std::string purpose;
  std::string time;
  uint64_t seq = 0;
  int rounding_base = 1;
  int max_deviation = 0;  // > 0: counts perturbed by the cell key method, by at most this
  AreaTable table;
  TableSpec spec;

  // From a release file: the table ("measures", "rows") and "release" (the log entry: request
  // with its spec, rules, time). INVALID_ARGUMENT names `source` and the missing part.
  static absl::StatusOr<MapRelease> FromReleaseFile(const nlohmann::json& file,
                                                    const std::string& label,
                                                    const std::string& source);
};

// How one buurt looks in one layer.
struct AreaShade {
  enum class Kind { kValue, kSuppressed, kNoData };
  Kind kind = Kind::kNoData;
  size_t colour_class = 0;  // for kValue
  std::string text;         // what hover, focus and screen readers tell, e.g. "Oude Kern: ..."
};

struct MapLayer {
  std::string id;     // the measure's column name
  std::string title;  // e.g. "wmo, % of residents"
  std::string description;
  ColourScale scale = ColourScale::Sequential(0);
  std::map<std::string, AreaShade> areas;  // by buurt code; every area of the map
};

struct MapView {
  std::string label;  // a period, or "change 2024 → 2025"
  std::vector<MapLayer> layers;
};

// One view per release, plus a change view (first release to last) when there are two or
// more and they share measures. A measure's colour scale is the same in every period, so
// colours compare across periods. `boundaries` gives the areas drawn.
std::vector<MapView> BuildMapViews(const std::vector<MapRelease>& releases,
                                   const AreaBoundaries& boundaries);

// The whole HTML file.
std::string RenderStackingMap(const std::vector<MapRelease>& releases,
                              const AreaBoundaries& boundaries, const std::string& title);

}  // namespace stapel

#endif  // STAPEL_REPORT_STACKING_MAP_H_
