#include "report/report_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

namespace stapel {
namespace {

// Checks that the buurten of `release` (given on the command line as `argument`) are on the
// map: false, after the error on stderr, when none is; a warning on stderr when some are not.
bool CheckBuurtenOnMap(const MapRelease& release, const std::string& argument,
                       const std::set<std::string>& on_map, const std::string& boundaries_path) {
  std::vector<std::string> missing;
  size_t buurten = 0;
  for (const auto& row : release.table.rows) {
    if (row.level != AreaLevel::kBuurt) continue;
    ++buurten;
    if (!on_map.contains(row.code)) missing.push_back(row.code);
  }
  if (buurten > 0 && missing.size() == buurten) {
    std::cerr << fmt::format(
        "stapel-report: none of the {} buurten of {} is in {}; are they boundaries of "
        "the same municipality and year?\n",
        buurten, argument, boundaries_path);
    return false;
  }
  if (!missing.empty()) {
    std::cerr << fmt::format(
        "stapel-report: warning: {} buurten of {} have no boundary and are only in the "
        "table: {}{}\n",
        missing.size(), argument,
        fmt::join(missing.begin(), missing.begin() + std::min<size_t>(missing.size(), 5), ", "),
        missing.size() > 5 ? ", ..." : "");
  }
  return true;
}

}  // namespace

absl::StatusOr<MapRelease> LoadRelease(const std::string& argument) {
  std::string label, path = argument;
  if (const size_t eq = argument.find('='); eq != std::string::npos) {
    label = argument.substr(0, eq);
    path = argument.substr(eq + 1);
  }
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open", path));
  const nlohmann::json file = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (file.is_discarded()) return absl::InvalidArgumentError(fmt::format("{}: not JSON", path));
  auto release = MapRelease::FromReleaseFile(file, label, path);
  if (release.ok() && label.empty()) {
    release->label = fmt::format("{} (release {})", release->time.substr(0, 10), release->seq);
  }
  return release;
}

int RunReport(const ReportOptions& options) {
  auto boundaries = AreaBoundaries::Load(options.boundaries_path);
  if (!boundaries.ok()) {
    std::cerr << "stapel-report: " << boundaries.status().message() << "\n";
    return 1;
  }
  std::set<std::string> on_map;
  for (const auto& area : boundaries->areas) on_map.insert(area.code);
  std::vector<MapRelease> releases;
  for (const auto& argument : options.release_args) {
    auto release = LoadRelease(argument);
    if (!release.ok()) {
      std::cerr << "stapel-report: " << release.status().message() << "\n";
      return 1;
    }
    if (!CheckBuurtenOnMap(*release, argument, on_map, options.boundaries_path)) return 1;
    releases.push_back(*std::move(release));
  }
  std::ofstream html(options.out);
  html << RenderStackingMap(releases, *boundaries, options.title);
  html.close();
  if (!html) {
    std::cerr << "stapel-report: cannot write " << options.out << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "stapel-report: wrote {} ({} buurten, {} release{}); open it in a "
      "browser\n",
      options.out, on_map.size(), releases.size(), releases.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace stapel
