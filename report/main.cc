// stapel-report: released tables -> one self-contained HTML stacking map.
#include "CLI/CLI.hpp"
#include "report/report_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-report: draw released tables as a stacking map, one self-contained HTML file "
      "(no network needed to open it): a layer per measure (share of its population), the "
      "stacking layers, the change between periods, suppressed buurten hatched, and the "
      "tables themselves below the map."};
  stapel::ReportOptions options;
  app.add_option("--release,-r", options.release_args,
                 "A release's .json file as stapel-request saved it, optionally labelled with "
                 "its period: 2025=release/stacking-0005.json. Repeat for several periods, "
                 "oldest first; the change is shown from the first to the last")
      ->required();
  app.add_option("--boundaries,-b", options.boundaries_path,
                 "GeoJSON of the buurten (WGS84; CBS code in the property statcode, name in "
                 "statnaam), e.g. the CBS/PDOK buurt boundaries or the demo's "
                 "input/buurten.geojson")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out,-o", options.out, "HTML file to write")->capture_default_str();
  app.add_option("--title", options.title, "Heading of the page")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return stapel::RunReport(options);
}
