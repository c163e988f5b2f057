#ifndef STAPEL_TRUSTED_HUB_REQUEST_CLIENT_H_
#define STAPEL_TRUSTED_HUB_REQUEST_CLIENT_H_

// What stapel-request does behind its command line: asks the hub for a table over mutual TLS
// (the stacking table, or one described by a request file), saves the release as CSV and JSON
// and prints it.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stapel {

struct RequestOptions {
  std::string config_path;          // requester config (TOML) with [hub] and [tls]
  std::string hub_override;         // "host:port"; empty: the config's [hub] address
  std::string out_dir = "release";  // folder for the released tables
  std::string purpose;              // empty: the request file's purpose
  std::string request_path;         // table request (.toml or .json); empty: the stacking table
  std::vector<std::string> periods;  // overrides the request file's; several: a trend table
  std::string within;  // a gemeente's code; overrides the request file's (empty: keeps it)
};

// Reads the config and the request file, asks the hub (deadline 10 minutes), writes
// <out_dir>/<name>-<sequence, 4 digits>.csv (the table) and .json (the release file), where
// <name> is the request's population or "stacking" (and "-<gemeente>" for a table within
// one), and prints the table, the linkage report
// and the protection summary to stdout. A trend (several periods) writes each period's release
// so, and the trend table as <name>-trend-<last sequence>.csv and .json. Libsodium must be
// initialized. On error nothing is written or printed; the status's message says what failed
// (config, TLS, request file, "the hub refused: <why>", or a reply that does not parse) and its
// code is the failing step's, the hub's for a refusal.
absl::Status RunRequest(const RequestOptions& options);

// Asks the hub's standard health service (grpc.health.v1, deadline 10 s) whether it serves,
// with the requester config's address and certificate. Returns the status it reports
// ("SERVING", or "NOT_SERVING" while it drains); UNAVAILABLE, with the reason, when it does
// not answer.
absl::StatusOr<std::string> CheckHealth(const RequestOptions& options);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_REQUEST_CLIENT_H_
