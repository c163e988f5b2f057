#include "trusted-hub/request_client.h"

#include <fmt/format.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "encoding/json.h"
#include "ledger/log_entry.h"
#include "project/toml_file.h"
#include "proto/grpc_status.h"
#include "proto/health.grpc.pb.h"
#include "proto/stapel.grpc.pb.h"
#include "proto/table_request.h"
#include "proto/tls.h"
#include "records/area_code.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {
namespace {

// Prints the table with aligned columns, "x" for suppressed cells.
void PrintTable(const AreaTable& t) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header = {"area", "name"};
  header.insert(header.end(), t.measures.begin(), t.measures.end());
  lines.push_back(header);
  for (const auto& row : t.rows) {
    const std::string indent = row.level == AreaLevel::kBuurt  ? "    "
                               : row.level == AreaLevel::kWijk ? "  "
                                                               : "";  // a gemeente, the total
    std::vector<std::string> line = {indent + row.code, row.name};
    for (const auto& c : row.cells) line.push_back(c.suppressed ? "x" : std::to_string(c.value));
    lines.push_back(line);
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& l : lines) {
    for (size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], l[i].size());
  }
  for (const auto& l : lines) {
    std::string out;
    for (size_t i = 0; i < l.size(); ++i) {
      out +=
          i < 2 ? fmt::format("{:<{}}  ", l[i], width[i]) : fmt::format("{:>{}}  ", l[i], width[i]);
    }
    std::cout << out << "\n";
  }
}

// The release's linkage report: how each party's records found the register's persons.
void PrintLinkage(const nlohmann::json& linkage) {
  std::cout << "\nLinkage:\n";
  for (const auto& [party, stats] : linkage.items()) {
    if (stats.contains("persons")) {
      std::cout << fmt::format("  {:<14} register: {} records, {} persons, {} duplicates\n", party,
                               stats["records"].get<uint64_t>(), stats["persons"].get<uint64_t>(),
                               stats["duplicates"].get<uint64_t>());
    } else if (!stats.contains("records")) {
      std::cout << fmt::format("  {:<14} has not submitted\n", party);
    } else {
      std::string passes;
      for (const auto& p : stats["passes"]) {
        passes += fmt::format("{}{} {}", passes.empty() ? "" : ", ", p["pass"].get<std::string>(),
                              p["linked"].get<uint64_t>());
      }
      std::cout << fmt::format(
          "  {:<14} {} of {} records linked ({}): {}; {} ambiguous, {} not found\n", party,
          stats["linked"].get<uint64_t>(), stats["records"].get<uint64_t>(),
          stats["linked_share"].get<std::string>(), passes, stats["ambiguous"].get<uint64_t>(),
          stats["unlinked"].get<uint64_t>());
    }
  }
}

// The protection counts and where the release was saved (`base`.csv and `base`.json);
// `entry`: the (last) release entry, for its method.
void PrintSummary(const v1::ReleaseReply& reply, const nlohmann::json& entry,
                  const std::string& base) {
  if (entry.value("rules", nlohmann::json::object()).value("method", "") == "cell_key") {
    std::cout << fmt::format(
        "\nProtection: {} cells suppressed by the minimum area population or group disclosure, "
        "{} complements ({} earlier cell-key releases of the period checked).\n",
        reply.suppressed_primary(), reply.suppressed_secondary(), reply.earlier_releases_checked());
    if (reply.suppressed_by_guard() > 0) {
      std::cout << fmt::format(
          "{} cells held back because their area's data changed since earlier cell-key "
          "releases of the period: new values there would show which counts the change "
          "touched.\n",
          reply.suppressed_by_guard());
    }
  } else {
    std::cout << fmt::format(
        "\nProtection: {} cells suppressed by the primary rules, {} complementary suppressions, "
        "of which {} because of earlier releases of the same data ({} checked by the "
        "differencing guard).\n",
        reply.suppressed_primary(), reply.suppressed_secondary(), reply.suppressed_by_guard(),
        reply.earlier_releases_checked());
  }
  std::cout << "\nRelease " << reply.sequence() << " (table sha256 " << reply.table_sha256()
            << ")\nSaved " << base << ".csv and " << base << ".json; x = suppressed.\n";
  if (!reply.notice().empty()) std::cout << "\nNote: " << reply.notice() << ".\n";
}

// What the reader must know of a table made with the cell key method.
void PrintMethod(const nlohmann::json& rules) {
  if (rules.value("method", "") != "cell_key") return;
  std::cout << fmt::format(
      "\nCell key method: every count is perturbed by at most {} (unbiased, variance {}); "
      "counts 1 to {} are never shown; totals are perturbed on their own and need not add up "
      "to their parts. The same persons always give the same value, in any table.\n",
      rules.value("max_deviation", 0), rules.value("variance", 0.0), rules.value("threshold", 0));
}

// A channel to the hub of the requester config ([hub], its address overridden when
// `options.hub_override` is set, and [tls]).
absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToHub(const RequestOptions& options) {
  auto parsed = ParseTomlFile(options.config_path);
  if (!parsed.ok()) return parsed.status();
  const toml::table& config = *parsed;
  auto hub = ReadHubSection(config, options.config_path);
  auto tls = ReadTlsSection(config, options.config_path);
  if (!hub.ok() || !tls.ok()) return hub.ok() ? tls.status() : hub.status();
  if (!options.hub_override.empty()) hub->address = options.hub_override;
  return MutualTlsChannel(*hub, *tls);
}

// The request to send, and the name its files get.
struct NamedRequest {
  v1::TableRequest request;
  std::string name = "stacking";
};

// The stacking table, or the request file's table named by its population (and the gemeente
// it is limited to); --purpose, --period and --within override the file's.
absl::StatusOr<NamedRequest> BuildRequest(const RequestOptions& options) {
  NamedRequest named;
  if (!options.request_path.empty()) {
    auto loaded = TableRequest::Load(options.request_path);
    if (!loaded.ok()) return loaded.status();
    named.request = TableRequestToProto(*loaded);
    if (!loaded->population.empty()) named.name = loaded->population;
  }
  if (!options.purpose.empty()) named.request.set_purpose(options.purpose);
  if (!options.periods.empty()) {
    named.request.clear_periods();
    for (const auto& period : options.periods) named.request.add_periods(period);
  }
  if (!options.within.empty()) named.request.set_within(options.within);
  // The hub checks the code; a file name holds it only when it is one.
  if (auto within = NormalizeGemeenteCode(named.request.within()); within.ok()) {
    named.name += "-" + *within;
  }
  return named;
}

// Asks the hub for the table; a refusal keeps the hub's code, its message prefixed with
// "the hub refused: ".
absl::StatusOr<v1::ReleaseReply> CallHub(const std::shared_ptr<grpc::Channel>& channel,
                                         const v1::TableRequest& request) {
  auto stub = v1::Release::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  v1::ReleaseReply reply;
  grpc::Status status = stub->RequestTable(&context, request, &reply);
  if (!status.ok()) {
    return absl::Status(FromGrpcStatus(status).code(),
                        "the hub refused: " + status.error_message());
  }
  return reply;
}

// Checks a release entry (the hub's, as logged) and its table parse, and saves them as
// <out_dir>/<name>-<seq>.csv and .json; returns the entry and the path without extension.
struct SavedRelease {
  nlohmann::json entry;
  AreaTable table;
  std::string base;
};
absl::StatusOr<SavedRelease> SaveRelease(const RequestOptions& options, const std::string& name,
                                         const std::string& log_entry) {
  auto entry = ParseJsonObject(log_entry, "the hub's release entry");
  if (!entry.ok()) return entry.status();
  auto table = AreaTable::FromJson(entry->value("table", nlohmann::json::object()));
  if (!table.ok()) return table.status();
  std::filesystem::create_directories(options.out_dir);
  const std::string base = fmt::format("{}/{}-{:04d}", options.out_dir, name,
                                       entry->value("seq", uint64_t{0}));
  std::ofstream(base + ".csv") << table->ToCsv();
  std::ofstream(base + ".json") << ReleaseFile(*entry).dump(2) << "\n";
  return SavedRelease{*std::move(entry), *std::move(table), base};
}

// Saves and prints the release: one period's, or a trend's (each period's release, then the
// trend table beside them).
absl::Status SaveAndPrint(const RequestOptions& options, const std::string& name,
                          const v1::TableRequest& request, const v1::ReleaseReply& reply) {
  // A hub of an older version ignores within: its table of every gemeente must not be saved as
  // one gemeente's.
  if (!request.within().empty()) {
    auto entry = ParseJsonObject(
        reply.period_log_entries().empty() ? reply.log_entry() : reply.period_log_entries(0),
        "the hub's release entry");
    if (!entry.ok()) return entry.status();
    if (!entry->value("request", nlohmann::json::object()).contains("within")) {
      return absl::FailedPreconditionError(fmt::format(
          "asked for one gemeente (within), the hub's release #{} covers every gemeente; is the "
          "hub older than this stapel-request (it then does not know within)?",
          entry->value("seq", 0)));
    }
  }
  // A hub of an older version ignores periods: it must not be saved as the period asked for.
  const size_t asked = static_cast<size_t>(request.periods_size());
  if (asked > 1 && static_cast<size_t>(reply.period_log_entries_size()) != asked) {
    return absl::FailedPreconditionError(fmt::format(
        "asked for a trend over {} periods, the hub released {}; is the hub older than this "
        "stapel-request (it then does not know periods)?",
        asked, reply.period_log_entries_size()));
  }
  if (reply.period_log_entries().empty()) {
    if (asked == 1) {
      auto entry = ParseJsonObject(reply.log_entry(), "the hub's release entry");
      if (!entry.ok()) return entry.status();
      if (entry->value("period", "") != request.periods(0)) {
        return absl::FailedPreconditionError(fmt::format(
            "asked for period {}, the hub's release #{} names {}; is the hub older than this "
            "stapel-request (it then does not know periods)?",
            request.periods(0), entry->value("seq", 0), entry->value("period", "none")));
      }
    }
    auto saved = SaveRelease(options, name, reply.log_entry());
    if (!saved.ok()) return saved.status();
    PrintTable(saved->table);
    PrintLinkage(saved->entry.value("linkage", nlohmann::json::object()));
    PrintSummary(reply, saved->entry, saved->base);
    PrintMethod(saved->entry.value("rules", nlohmann::json::object()));
    return absl::OkStatus();
  }
  std::vector<std::string> period_files;
  for (const std::string& entry : reply.period_log_entries()) {
    auto saved = SaveRelease(options, name, entry);
    if (!saved.ok()) return saved.status();
    std::cout << fmt::format("Period {}: release {}, saved {}.json\n",
                             saved->entry.value("period", ""), saved->entry.value("seq", 0),
                             saved->base);
    PrintLinkage(saved->entry.value("linkage", nlohmann::json::object()));
    std::cout << "\n";
  }
  auto trend_json = ParseJson(reply.table_json(), "the hub's trend table");
  if (!trend_json.ok()) return trend_json.status();
  auto trend = AreaTable::FromJson(*trend_json);
  if (!trend.ok()) return trend.status();
  const std::string base =
      fmt::format("{}/{}-trend-{:04d}", options.out_dir, name, reply.sequence());
  std::ofstream(base + ".csv") << reply.table_csv();
  nlohmann::json file = *trend_json;
  file["period_sequences"] = reply.period_sequences();
  std::ofstream(base + ".json") << file.dump(2) << "\n";
  PrintTable(*trend);
  auto last_entry = ParseJsonObject(reply.log_entry(), "the hub's release entry");
  if (!last_entry.ok()) return last_entry.status();
  PrintMethod(last_entry->value("rules", nlohmann::json::object()));
  std::cout << "\nEach period's column is its own release (saved above, each in the log); the "
               "change is the difference of two published values, x where either is "
               "suppressed. The trend table's digest below is of the combined table, which the "
               "log holds as those releases.\n";
  PrintSummary(reply, *last_entry, base);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunRequest(const RequestOptions& options) {
  auto channel = ConnectToHub(options);
  if (!channel.ok()) return channel.status();
  auto named = BuildRequest(options);
  if (!named.ok()) return named.status();
  auto reply = CallHub(*channel, named->request);
  if (!reply.ok()) return reply.status();
  return SaveAndPrint(options, named->name, named->request, *reply);
}

absl::StatusOr<std::string> CheckHealth(const RequestOptions& options) {
  auto channel = ConnectToHub(options);
  if (!channel.ok()) return channel.status();
  auto stub = grpc::health::v1::Health::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, {}, &response);
  if (!status.ok()) {
    return absl::UnavailableError("the hub's health service did not answer: " +
                                  status.error_message());
  }
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

}  // namespace stapel
