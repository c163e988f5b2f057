// stapel-request: a requester asks the hub for a table (the stacking table, or one described by
// a request file) and saves the release. The command line only; the work is in request_client.
#include <sodium.h>

#include <iostream>

#include "CLI/CLI.hpp"
#include "trusted-hub/request_client.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-request: ask the Stapel hub for a table and save the disclosure-checked release "
      "as CSV and JSON. Without --request: the stacking table (residents per buurt with wijk "
      "and gemeente totals, per indicator, and with 2+ and 3+ indicators). With --request: "
      "a TOML or JSON file naming a population of the manifest, a level (buurt, wijk, "
      "gemeente) and measures such as \"youth_care AND debts\" (see "
      "deploy/examples/request-*.toml)"};
  stapel::RequestOptions options;
  app.add_option("--config,-c", options.config_path, "Requester config (TOML) with [hub] and [tls]")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--hub", options.hub_override, "Hub address host:port (overrides [hub] address)");
  app.add_option("--out", options.out_dir, "Folder for the released tables")->capture_default_str();
  app.add_option("--purpose", options.purpose,
                 "Why the table is requested (kept in the release log; overrides the request "
                 "file's purpose)");
  app.add_option("--request,-r", options.request_path, "Table request file (.toml or .json)")
      ->check(CLI::ExistingFile);
  app.add_option("--period,-p", options.periods,
                 "The period to count (one of the manifest's; default: the latest). Repeat for a "
                 "trend table: each period released on its own, with the change from the first "
                 "to the last (overrides the request file's periods)");
  app.add_option("--within,-w", options.within,
                 "Only one gemeente: its code (GM0363), for the gemeente and its wijken and "
                 "buurten (overrides the request file's within; default: every gemeente of the "
                 "project)");
  bool health = false;
  app.add_flag("--health", health,
               "Only ask the hub's gRPC health service (grpc.health.v1) whether it serves; "
               "prints SERVING or NOT_SERVING and exits 0 only when serving");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;
  if (health) {
    auto status = stapel::CheckHealth(options);
    if (!status.ok()) {
      std::cerr << "stapel-request: " << status.status().message() << "\n";
      return 1;
    }
    std::cout << *status << "\n";
    return *status == "SERVING" ? 0 : 1;
  }

  if (absl::Status s = stapel::RunRequest(options); !s.ok()) {
    std::cerr << "stapel-request: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
