#ifndef STAPEL_REPORT_REPORT_COMMAND_H_
#define STAPEL_REPORT_REPORT_COMMAND_H_

// What stapel-report does once its options are parsed: load the buurt boundaries and the
// releases, check that each release's buurten are on the map, and write the stacking map.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "report/stacking_map.h"

namespace stapel {

struct ReportOptions {
  // A release's .json file, optionally labelled with its period: "2025=release/x.json".
  std::vector<std::string> release_args;
  std::string boundaries_path;
  std::string out = "stacking-map.html";
  std::string title = "Stacking map";
};

// "2025=release/stacking-0005.json" -> label 2025; without "LABEL=" the release's date.
// NOT_FOUND when the file cannot be opened, INVALID_ARGUMENT when it is not a release file.
absl::StatusOr<MapRelease> LoadRelease(const std::string& argument);

// Writes the HTML file and says so on stdout; returns the exit code: 0, or 1 after saying
// what went wrong on stderr. Buurten of a release that have no boundary are warned about on
// stderr; a release with none of its buurten on the map is an error.
int RunReport(const ReportOptions& options);

}  // namespace stapel

#endif  // STAPEL_REPORT_REPORT_COMMAND_H_
