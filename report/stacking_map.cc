#include "report/stacking_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "report/html_escape.h"

namespace stapel {
namespace {

constexpr const char* kNoDataFill = "#d9d9d9";
constexpr const char* kSuppressedFill = "url(#hatch)";

// A count as the tables show it: 12,345.
std::string Count(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

const AreaRow* FindRow(const AreaTable& table, std::string_view code) {
  for (const auto& row : table.rows) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

// The released share of column `m` in a buurt: nullopt when the buurt is not in the table or
// has no population; `suppressed` when the count or its population is suppressed.
struct Share {
  bool suppressed = false;
  double share = 0;
  int64_t count = 0, population = 0;
};
std::optional<Share> ShareOf(const MapRelease& release, int m, std::string_view code) {
  const AreaRow* row = FindRow(release.table, code);
  const int p = release.spec.columns[m].population_column;
  if (row == nullptr || p < 0) return std::nullopt;
  const Cell& count = row->cells[m];
  const Cell& population = row->cells[p];
  if (count.suppressed || population.suppressed) return Share{.suppressed = true};
  if (population.value <= 0) return std::nullopt;
  // Rounded counts may exceed their rounded population by a little; a share stays <= 1.
  return Share{false, std::min(1.0, static_cast<double>(count.value) / population.value),
               count.value, population.value};
}

std::string AreaName(const AreaShape& area) {
  return area.name.empty() ? area.code : fmt::format("{} ({})", area.name, area.code);
}

// The measure columns of a release that can be drawn: those with a population column.
std::vector<int> DrawnColumns(const MapRelease& release) {
  std::vector<int> out;
  for (size_t m = 0; m < release.spec.columns.size(); ++m) {
    if (release.spec.columns[m].population_column >= 0) out.push_back(static_cast<int>(m));
  }
  return out;
}

std::string PopulationName(const MapRelease& release, int m) {
  return release.spec.columns[release.spec.columns[m].population_column].name;
}

MapLayer ShareLayer(const MapRelease& release, int m, const AreaBoundaries& boundaries,
                    double max_share) {
  const TableColumn& column = release.spec.columns[m];
  const std::string population = PopulationName(release, m);
  MapLayer layer{.id = column.name,
                 .title = fmt::format("{}, % of {}", column.name, population),
                 .description = fmt::format("{} counting \"{}\" as a share of {}", column.name,
                                            column.measure.ToString(), population),
                 .scale = ColourScale::Sequential(max_share),
                 .areas = {}};
  for (const auto& area : boundaries.areas) {
    AreaShade& shade = layer.areas[area.code];
    const auto share = ShareOf(release, m, area.code);
    if (!share) {
      shade.text = fmt::format("{}: no data in this release", AreaName(area));
    } else if (share->suppressed) {
      shade.kind = AreaShade::Kind::kSuppressed;
      shade.text = fmt::format("{}: {} suppressed to protect privacy", AreaName(area), column.name);
    } else {
      shade.kind = AreaShade::Kind::kValue;
      shade.colour_class = layer.scale.ClassOf(share->share);
      shade.text = fmt::format("{}: {} {} of {} ({} of {})", AreaName(area), column.name,
                               FormatPercent(share->share), population, Count(share->count),
                               Count(share->population));
    }
  }
  return layer;
}

MapLayer ChangeLayer(const MapRelease& from, int m_from, const MapRelease& to, int m_to,
                     const AreaBoundaries& boundaries) {
  const std::string& name = to.spec.columns[m_to].name;
  const std::string population = PopulationName(to, m_to);
  MapLayer layer{.id = name,
                 .title = fmt::format("{}, change in % of {}", name, population),
                 .description = fmt::format("the share in {} minus the share in {}, in "
                                            "percentage points",
                                            to.label, from.label),
                 .scale = ColourScale::Diverging(0),
                 .areas = {}};
  std::map<std::string, double> changes;
  for (const auto& area : boundaries.areas) {
    const auto a = ShareOf(from, m_from, area.code), b = ShareOf(to, m_to, area.code);
    AreaShade& shade = layer.areas[area.code];
    if (!a || !b) {
      shade.text = fmt::format("{}: no data in {}", AreaName(area), !a ? from.label : to.label);
    } else if (a->suppressed || b->suppressed) {
      shade.kind = AreaShade::Kind::kSuppressed;
      shade.text = fmt::format("{}: {} suppressed in {} to protect privacy", AreaName(area), name,
                               a->suppressed ? from.label : to.label);
    } else {
      shade.kind = AreaShade::Kind::kValue;
      changes[area.code] = b->share - a->share;
      shade.text = fmt::format("{}: {} {} ({} in {}, {} in {})", AreaName(area), name,
                               FormatChange(changes[area.code]), FormatPercent(a->share),
                               from.label, FormatPercent(b->share), to.label);
    }
  }
  double max_abs = 0;
  for (const auto& [code, change] : changes) max_abs = std::max(max_abs, std::abs(change));
  layer.scale = ColourScale::Diverging(max_abs);
  for (const auto& [code, change] : changes) {
    layer.areas[code].colour_class = layer.scale.ClassOf(change);
  }
  return layer;
}

std::string Fill(const MapLayer& layer, const AreaShade& shade) {
  switch (shade.kind) {
    case AreaShade::Kind::kValue:
      return layer.scale.classes()[shade.colour_class].colour;
    case AreaShade::Kind::kSuppressed:
      return kSuppressedFill;
    case AreaShade::Kind::kNoData:
      return kNoDataFill;
  }
  return kNoDataFill;
}

const char* StateName(AreaShade::Kind kind) {
  switch (kind) {
    case AreaShade::Kind::kValue:
      return "value";
    case AreaShade::Kind::kSuppressed:
      return "suppressed";
    case AreaShade::Kind::kNoData:
      return "nodata";
  }
  return "nodata";
}

nlohmann::json LayerJson(const MapLayer& layer) {
  nlohmann::json legend = nlohmann::json::array(), areas = nlohmann::json::object();
  for (const auto& c : layer.scale.classes()) legend.push_back({c.colour, c.label});
  for (const auto& [code, shade] : layer.areas) {
    areas[code] = {Fill(layer, shade), StateName(shade.kind), shade.text};
  }
  return {{"id", layer.id},
          {"title", layer.title},
          {"description", layer.description},
          {"legend", legend},
          {"areas", areas}};
}

// The layer shown first: the share with two or more indicators when there is one.
size_t DefaultLayer(const MapView& view) {
  for (size_t i = 0; i < view.layers.size(); ++i) {
    if (view.layers[i].id == "stacked_2plus") return i;
  }
  return 0;
}

std::string LegendHtml(const MapLayer& layer) {
  std::string out;
  for (const auto& c : layer.scale.classes()) {
    out += fmt::format(
        "<li><svg class=\"swatch\" viewBox=\"0 0 20 14\" aria-hidden=\"true\"><rect width=\"20\" "
        "height=\"14\" fill=\"{}\"/></svg>{}</li>",
        c.colour, HtmlEscape(c.label));
  }
  return out;
}

std::string TableHtml(const MapRelease& release) {
  std::string out = fmt::format(
      "<table class=\"release-table\" data-period=\"{}\"><caption>{} — release {} of {}{}"
      "</caption><thead><tr><th scope=\"col\">level</th><th scope=\"col\">code</th>"
      "<th scope=\"col\">name</th><th scope=\"col\">parent</th>",
      HtmlEscape(release.label), HtmlEscape(release.label), release.seq, HtmlEscape(release.time),
      release.purpose.empty() ? "" : ": " + HtmlEscape(release.purpose));
  for (const auto& m : release.table.measures)
    out += fmt::format("<th scope=\"col\">{}</th>", HtmlEscape(m));
  out += "</tr></thead><tbody>";
  for (const auto& row : release.table.rows) {
    out +=
        fmt::format("<tr class=\"{}\"><td>{}</td><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
                    AreaLevelName(row.level), AreaLevelName(row.level), HtmlEscape(row.code),
                    HtmlEscape(row.name), HtmlEscape(row.parent));
    for (const auto& cell : row.cells) {
      out += cell.suppressed ? std::string("<td class=\"x\">x</td>")
                             : fmt::format("<td>{}</td>", cell.value);
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

// Where to put an area's "suppressed" mark: the mean of its largest ring's corners.
std::pair<double, double> LabelPoint(const std::string& path) {
  double x = 0, y = 0, n = 0;
  const char* p = path.c_str();
  while (*p != '\0' && *p != 'Z') {
    if (*p == 'M' || *p == 'L') {
      char* end = nullptr;
      x += std::strtod(p + 1, &end);
      y += std::strtod(end, &end);
      ++n;
      p = end;
    } else {
      ++p;
    }
  }
  return n > 0 ? std::pair{x / n, y / n} : std::pair{0.0, 0.0};
}

constexpr const char* kStyle = R"css(
:root { font-family: system-ui, sans-serif; color: #222; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.note { color: #555; margin: .25rem 0 1rem; }
.controls { display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: end; margin-bottom: .5rem; }
.controls label { display: flex; flex-direction: column; font-weight: 600; gap: .2rem; }
.controls select { font-size: 1rem; padding: .2rem; }
.map-area { display: grid; grid-template-columns: minmax(0, 3fr) minmax(12rem, 1fr); gap: 1rem; }
#map { width: 100%; height: auto; background: #f7f7f7; border: 1px solid #ccc; }
#map path { stroke: #fff; stroke-width: 1.5; }
#map path:hover, #map path:focus { stroke: #000; stroke-width: 3; outline: none; }
#map text { font-size: 22px; font-weight: 700; fill: #000; pointer-events: none; }
aside ul { list-style: none; padding: 0; margin: 0 0 .5rem; }
aside li { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
.table-scroll { overflow-x: auto; }
.swatch { width: 20px; height: 14px; border: 1px solid #888; flex: none; }
#info { min-height: 3rem; padding: .5rem; border-left: 4px solid #bd0026; background: #fafafa; margin-top: 1rem; }
figcaption { font-weight: 600; margin: .3rem 0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .85rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #ccc; padding: .15rem .4rem; text-align: right; }
th[scope=row], td:nth-child(1), td:nth-child(3), td:nth-child(4) { text-align: left; }
tr.gemeente { font-weight: 700; background: #eee; } tr.wijk { background: #f6f6f6; }
td.x { color: #a00; text-align: center; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 700px) { .map-area { grid-template-columns: 1fr; } }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  .controls, #info { display: none; }
  table { font-size: 7pt; } th, td { padding: 1px 3px; }
  .table-scroll { overflow: visible; }
  body { max-width: none; }
  .map-area { grid-template-columns: auto 1fr; break-inside: avoid; }
  #map { height: 130mm; width: auto; max-width: 100%; }
  table { break-inside: auto; } tr { break-inside: avoid; }
}
)css";

constexpr const char* kScript = R"js(
(function () {
  const data = JSON.parse(document.getElementById('map-data').textContent);
  const period = document.getElementById('period');
  const layer = document.getElementById('layer');
  const paths = document.querySelectorAll('#areas path');
  const info = document.getElementById('info');
  function fillLayerChoice(keep) {
    const view = data.views[period.value];
    layer.replaceChildren(...view.layers.map((l, i) => new Option(l.title, i)));
    const same = view.layers.findIndex(l => l.id === keep);
    layer.value = same >= 0 ? same : view.default_layer;
  }
  let shownId = '';
  function draw() {
    const l = data.views[period.value].layers[layer.value];
    shownId = l.id;
    for (const path of paths) {
      const [fill, state, text] = l.areas[path.dataset.code];
      path.setAttribute('fill', fill);
      path.dataset.state = state;
      path.setAttribute('aria-label', text);
      path.querySelector('title').textContent = text;
      const mark = document.getElementById('mark-' + path.dataset.code);
      if (mark) mark.style.display = state === 'suppressed' ? '' : 'none';
    }
    document.getElementById('legend-classes').replaceChildren(...l.legend.map(([colour, label]) => {
      const li = document.createElement('li');
      li.innerHTML = '<svg class="swatch" viewBox="0 0 20 14" aria-hidden="true"><rect width="20" height="14"/></svg>';
      li.querySelector('rect').setAttribute('fill', colour);
      li.append(label);
      return li;
    }));
    document.getElementById('map-title').textContent =
        data.views[period.value].label + ': ' + l.title;
    document.getElementById('layer-description').textContent = l.description;
  }
  period.addEventListener('change', () => { fillLayerChoice(shownId); draw(); });
  layer.addEventListener('change', draw);
  for (const path of paths) {
    const show = () => { info.textContent = path.getAttribute('aria-label'); };
    path.addEventListener('mouseenter', show);
    path.addEventListener('focus', show);
    path.addEventListener('click', show);
  }
  fillLayerChoice('');
  draw();
})();
)js";

// The map's data for the script: every view's layers, their legends and area shades.
std::string MapDataJson(const std::vector<MapView>& views) {
  nlohmann::json data_views = nlohmann::json::array();
  for (const auto& view : views) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : view.layers) layers.push_back(LayerJson(layer));
    data_views.push_back(
        {{"label", view.label}, {"layers", layers}, {"default_layer", DefaultLayer(view)}});
  }
  std::string data = nlohmann::json{{"views", data_views}}.dump();
  // Inside <script>, "</" could end the element early.
  for (size_t at = data.find("</"); at != std::string::npos; at = data.find("</", at)) {
    data.replace(at, 2, "<\\/");
  }
  return data;
}

// The SVG of the areas: one path per area code and its "suppressed" mark.
struct AreaSvg {
  std::string paths, marks;
};

// Each area drawn as `shown` colours it (no data for all when it is null).
AreaSvg DrawAreas(const AreaBoundaries& boundaries, const ProjectedMap& map,
                  const MapLayer* shown) {
  AreaSvg svg;
  std::set<std::string> drawn;  // a code in several features has one path for all its parts
  for (const auto& area : boundaries.areas) {
    if (!drawn.insert(area.code).second) continue;
    const std::string& path = map.paths.at(area.code);
    const AreaShade fallback{.text = AreaName(area) + ": no data"};
    const AreaShade& shade = shown ? shown->areas.at(area.code) : fallback;
    svg.paths += fmt::format(
        "<path d=\"{}\" data-code=\"{}\" data-state=\"{}\" fill=\"{}\" tabindex=\"0\" "
        "role=\"img\" aria-label=\"{}\"><title>{}</title></path>\n",
        path, HtmlEscape(area.code), StateName(shade.kind),
        shown ? Fill(*shown, shade) : kNoDataFill, HtmlEscape(shade.text), HtmlEscape(shade.text));
    const auto [x, y] = LabelPoint(path);
    svg.marks += fmt::format(
        "<text id=\"mark-{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
        "dominant-baseline=\"middle\" aria-hidden=\"true\"{}>x</text>\n",
        HtmlEscape(area.code), x, y,
        shade.kind == AreaShade::Kind::kSuppressed ? "" : " style=\"display:none\"");
  }
  return svg;
}

// The period switch: one option per view.
std::string PeriodOptions(const std::vector<MapView>& views) {
  std::string options;
  for (size_t i = 0; i < views.size(); ++i) {
    options += fmt::format("<option value=\"{}\">{}</option>", i, HtmlEscape(views[i].label));
  }
  return options;
}

// The released tables below the map, each in its own scroll box.
std::string ReleaseTables(const std::vector<MapRelease>& releases) {
  std::string tables;
  for (const auto& release : releases) {
    tables += "<div class=\"table-scroll\">" + TableHtml(release) + "</div>\n";
  }
  return tables;
}

// The page shell: header and note, controls, map with legend, tables, data and script.
constexpr const char* kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="note">Made by stapel-report from {releases} released, disclosure-checked table{plural}.
Hatched buurten with an <strong>x</strong> are suppressed to protect privacy — their number is
not zero, it is not published. Grey: no data. {counts}</p>
</header>
<main>
<section class="controls" aria-label="Map controls">
<label for="period">Period<select id="period">{options}</select></label>
<label for="layer">Layer<select id="layer"></select></label>
</section>
<div class="map-area">
<figure>
<svg id="map" viewBox="0 0 {width:.0f} {height:.0f}" role="group" aria-labelledby="map-title">
<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="10" height="10" patternTransform="rotate(45)"><rect width="10" height="10" fill="#fff"/><line x1="0" y1="0" x2="0" y2="10" stroke="#666" stroke-width="4"/></pattern></defs>
<g id="areas">
{paths}</g>
<g id="marks">
{marks}</g>
</svg>
<figcaption id="map-title">{caption}</figcaption>
<p id="layer-description" class="note">{description}</p>
</figure>
<aside aria-label="Legend">
<h2>Legend</h2>
<ul id="legend-classes">{legend}</ul>
<ul id="legend-fixed">
<li><svg class="swatch" viewBox="0 0 20 14" aria-hidden="true"><rect width="20" height="14" fill="url(#hatch)"/></svg>suppressed (x)</li>
<li><svg class="swatch" viewBox="0 0 20 14" aria-hidden="true"><rect width="20" height="14" fill="{nodata}"/></svg>no data</li>
</ul>
<div id="info" role="status" aria-live="polite">Hover, tap or tab to a buurt for its numbers.</div>
</aside>
</div>
<section id="tables" aria-label="Released tables">
<h2>Released tables</h2>
<p class="note">x = suppressed.</p>
{tables}
</section>
</main>
<script type="application/json" id="map-data">{data}</script>
<script>{script}</script>
</body>
</html>
)html";

}  // namespace

absl::StatusOr<MapRelease> MapRelease::FromReleaseFile(const nlohmann::json& file,
                                                       const std::string& label,
                                                       const std::string& source) {
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: {} (use the .json file stapel-request saved for a release)", source, what));
  };
  auto table = AreaTable::FromJson(file);
  if (!table.ok()) return bad(std::string(table.status().message()));
  if (!file.contains("release") || !file["release"].is_object() ||
      !file["release"].contains("request") || !file["release"]["request"].contains("spec")) {
    return bad("has no \"release\" section with the request and its spec");
  }
  const nlohmann::json& entry = file["release"];
  auto spec = TableSpec::FromJson(entry["request"]["spec"]);
  if (!spec.ok()) return bad(std::string(spec.status().message()));
  if (spec->columns.size() != table->measures.size()) {
    return bad("the spec's columns do not match the table's measures");
  }
  MapRelease release;
  release.label = label;
  release.purpose = entry["request"].value("purpose", "");
  release.time = entry.value("time", "");
  release.seq = entry.value("seq", uint64_t{0});
  if (entry.contains("rules") && entry["rules"].is_object()) {
    release.rounding_base = entry["rules"].value("rounding_base", 1);
    if (entry["rules"].value("method", "") == "cell_key") {
      release.max_deviation = entry["rules"].value("max_deviation", 0);
    }
  }
  release.table = *std::move(table);
  release.spec = *std::move(spec);
  return release;
}

std::vector<MapView> BuildMapViews(const std::vector<MapRelease>& releases,
                                   const AreaBoundaries& boundaries) {
  // One colour scale per measure name, over every period.
  std::map<std::string, double> max_share;
  for (const auto& release : releases) {
    for (int m : DrawnColumns(release)) {
      double& max = max_share[release.spec.columns[m].name];
      for (const auto& area : boundaries.areas) {
        const auto share = ShareOf(release, m, area.code);
        if (share && !share->suppressed) max = std::max(max, share->share);
      }
    }
  }
  std::vector<MapView> views;
  for (const auto& release : releases) {
    MapView view{.label = release.label, .layers = {}};
    for (int m : DrawnColumns(release)) {
      view.layers.push_back(
          ShareLayer(release, m, boundaries, max_share[release.spec.columns[m].name]));
    }
    views.push_back(std::move(view));
  }
  if (releases.size() >= 2) {
    const MapRelease &from = releases.front(), &to = releases.back();
    MapView change{.label = fmt::format("change {} → {}", from.label, to.label), .layers = {}};
    for (int m_to : DrawnColumns(to)) {
      for (int m_from : DrawnColumns(from)) {
        if (from.spec.columns[m_from].name == to.spec.columns[m_to].name &&
            PopulationName(from, m_from) == PopulationName(to, m_to)) {
          change.layers.push_back(ChangeLayer(from, m_from, to, m_to, boundaries));
        }
      }
    }
    if (!change.layers.empty()) views.push_back(std::move(change));
  }
  return views;
}

std::string RenderStackingMap(const std::vector<MapRelease>& releases,
                              const AreaBoundaries& boundaries, const std::string& title) {
  const std::vector<MapView> views = BuildMapViews(releases, boundaries);
  const ProjectedMap map = Project(boundaries, 1000);
  const std::string data = MapDataJson(views);

  // Drawn as the first period's default layer, so the map shows without script too.
  const MapView* first = views.empty() ? nullptr : &views.front();
  const MapLayer* shown =
      first && !first->layers.empty() ? &first->layers[DefaultLayer(*first)] : nullptr;
  const AreaSvg areas = DrawAreas(boundaries, map, shown);
  const int rounding = releases.empty() ? 1 : releases.back().rounding_base;
  const int deviation = releases.empty() ? 0 : releases.back().max_deviation;
  const std::string counts =
      deviation > 0
          ? fmt::format("Counts are perturbed by the cell key method, by at most {}: the same "
                        "persons always give the same value, and totals need not add up to "
                        "their parts. Shares are computed from the published counts.",
                        deviation)
          : fmt::format("Counts are rounded to multiples of {}; shares are computed from the "
                        "rounded counts.",
                        rounding);

  return fmt::format(
      kPage, fmt::arg("title", HtmlEscape(title)), fmt::arg("style", kStyle),
      fmt::arg("releases", releases.size()), fmt::arg("plural", releases.size() == 1 ? "" : "s"),
      fmt::arg("counts", HtmlEscape(counts)), fmt::arg("options", PeriodOptions(views)),
      fmt::arg("width", map.width), fmt::arg("height", map.height), fmt::arg("paths", areas.paths),
      fmt::arg("marks", areas.marks),
      fmt::arg("caption", shown ? HtmlEscape(first->label + ": " + shown->title) : ""),
      fmt::arg("description", shown ? HtmlEscape(shown->description) : ""),
      fmt::arg("legend", shown ? LegendHtml(*shown) : ""), fmt::arg("nodata", kNoDataFill),
      fmt::arg("tables", ReleaseTables(releases)), fmt::arg("data", data),
      fmt::arg("script", kScript));
}

}  // namespace stapel
