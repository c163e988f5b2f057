// stapel-report: released tables -> one self-contained HTML stacking map.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <set>

#include "CLI/CLI.hpp"
#include "report/stacking_map.h"

namespace {

// "2025=release/stacking-0005.json" -> label 2025; without "LABEL=" the release's date.
absl::StatusOr<stapel::MapRelease> LoadRelease(const std::string& argument) {
  std::string label, path = argument;
  if (const size_t eq = argument.find('='); eq != std::string::npos) {
    label = argument.substr(0, eq);
    path = argument.substr(eq + 1);
  }
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open", path));
  const nlohmann::json file = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (file.is_discarded()) return absl::InvalidArgumentError(fmt::format("{}: not JSON", path));
  auto release = stapel::MapRelease::FromReleaseFile(file, label, path);
  if (release.ok() && label.empty()) {
    release->label = fmt::format("{} (release {})", release->time.substr(0, 10), release->seq);
  }
  return release;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-report: draw released tables as a stacking map, one self-contained HTML file "
      "(no network needed to open it): a layer per measure (share of its population), the "
      "stacking layers, the change between periods, suppressed buurten hatched, and the "
      "tables themselves below the map."};
  std::vector<std::string> release_args;
  std::string boundaries_path, out = "stacking-map.html", title = "Stacking map";
  app.add_option("--release,-r", release_args,
                 "A release's .json file as stapel-request saved it, optionally labelled with "
                 "its period: 2025=release/stacking-0005.json. Repeat for several periods, "
                 "oldest first; the change is shown from the first to the last")
      ->required();
  app.add_option("--boundaries,-b", boundaries_path,
                 "GeoJSON of the buurten (WGS84; CBS code in the property statcode, name in "
                 "statnaam), e.g. the CBS/PDOK buurt boundaries or the demo's "
                 "input/buurten.geojson")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out,-o", out, "HTML file to write")->capture_default_str();
  app.add_option("--title", title, "Heading of the page")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto boundaries = stapel::AreaBoundaries::Load(boundaries_path);
  if (!boundaries.ok()) {
    std::cerr << "stapel-report: " << boundaries.status().message() << "\n";
    return 1;
  }
  std::set<std::string> on_map;
  for (const auto& area : boundaries->areas) on_map.insert(area.code);
  std::vector<stapel::MapRelease> releases;
  for (const auto& argument : release_args) {
    auto release = LoadRelease(argument);
    if (!release.ok()) {
      std::cerr << "stapel-report: " << release.status().message() << "\n";
      return 1;
    }
    std::vector<std::string> missing;
    size_t buurten = 0;
    for (const auto& row : release->table.rows) {
      if (row.level != stapel::AreaLevel::kBuurt) continue;
      ++buurten;
      if (!on_map.contains(row.code)) missing.push_back(row.code);
    }
    if (buurten > 0 && missing.size() == buurten) {
      std::cerr << fmt::format(
          "stapel-report: none of the {} buurten of {} is in {}; are they boundaries of "
          "the same municipality and year?\n",
          buurten, argument, boundaries_path);
      return 1;
    }
    if (!missing.empty()) {
      std::cerr << fmt::format(
          "stapel-report: warning: {} buurten of {} have no boundary and are only in the "
          "table: {}{}\n",
          missing.size(), argument,
          fmt::join(missing.begin(), missing.begin() + std::min<size_t>(missing.size(), 5), ", "),
          missing.size() > 5 ? ", ..." : "");
    }
    releases.push_back(*std::move(release));
  }
  std::ofstream html(out);
  html << stapel::RenderStackingMap(releases, *boundaries, title);
  html.close();
  if (!html) {
    std::cerr << "stapel-report: cannot write " << out << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "stapel-report: wrote {} ({} buurten, {} release{}); open it in a "
      "browser\n",
      out, on_map.size(), releases.size(), releases.size() == 1 ? "" : "s");
  return 0;
}
