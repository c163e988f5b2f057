// stapel-request: a requester asks the hub for a table (the stacking table, or one described by
// a request file) and saves the release.
#include <fmt/format.h>
#include <grpcpp/client_context.h>
#include <sodium.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "encoding/json.h"
#include "ledger/log_entry.h"
#include "project/toml_file.h"
#include "proto/grpc_status.h"
#include "proto/stapel.grpc.pb.h"
#include "proto/table_request.h"
#include "proto/tls.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace {

// Prints the table with aligned columns, "x" for suppressed cells.
void PrintTable(const stapel::AreaTable& t) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header = {"area", "name"};
  header.insert(header.end(), t.measures.begin(), t.measures.end());
  lines.push_back(header);
  for (const auto& row : t.rows) {
    const std::string indent = row.level == stapel::AreaLevel::kGemeente ? ""
                               : row.level == stapel::AreaLevel::kWijk   ? "  "
                                                                         : "    ";
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-request: ask the Stapel hub for a table and save the disclosure-checked release "
      "as CSV and JSON. Without --request: the stacking table (residents per buurt with wijk "
      "and gemeente totals, per indicator, and with 2+ and 3+ indicators). With --request: "
      "a TOML or JSON file naming a population of the manifest, a level (buurt, wijk, "
      "gemeente) and measures such as \"youth_care AND debts\" (see "
      "deploy/examples/request-*.toml)"};
  std::string config_path, hub_override, out_dir = "release", purpose, request_path;
  app.add_option("--config,-c", config_path, "Requester config (TOML) with [hub] and [tls]")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--hub", hub_override, "Hub address host:port (overrides [hub] address)");
  app.add_option("--out", out_dir, "Folder for the released tables")->capture_default_str();
  app.add_option("--purpose", purpose,
                 "Why the table is requested (kept in the release log; overrides the request "
                 "file's purpose)");
  app.add_option("--request,-r", request_path, "Table request file (.toml or .json)")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;

  auto parsed = stapel::ParseTomlFile(config_path);
  if (!parsed.ok()) {
    std::cerr << "stapel-request: " << parsed.status().message() << "\n";
    return 1;
  }
  const toml::table& config = *parsed;
  auto hub = stapel::ReadHubSection(config, config_path);
  auto tls = stapel::ReadTlsSection(config, config_path);
  if (!hub.ok() || !tls.ok()) {
    std::cerr << "stapel-request: " << (hub.ok() ? tls.status() : hub.status()).message() << "\n";
    return 1;
  }
  if (!hub_override.empty()) hub->address = hub_override;
  auto channel = stapel::MutualTlsChannel(*hub, *tls);
  if (!channel.ok()) {
    std::cerr << "stapel-request: " << channel.status().message() << "\n";
    return 1;
  }
  auto stub = stapel::v1::Release::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  stapel::v1::TableRequest request;
  std::string name = "stacking";
  if (!request_path.empty()) {
    auto loaded = stapel::TableRequest::Load(request_path);
    if (!loaded.ok()) {
      std::cerr << "stapel-request: " << loaded.status().message() << "\n";
      return 1;
    }
    request = stapel::TableRequestToProto(*loaded);
    if (!loaded->population.empty()) name = loaded->population;
  }
  if (!purpose.empty()) request.set_purpose(purpose);
  stapel::v1::ReleaseReply reply;
  grpc::Status status = stub->RequestTable(&context, request, &reply);
  if (!status.ok()) {
    std::cerr << "stapel-request: the hub refused: " << status.error_message() << "\n";
    return 1;
  }
  auto entry = stapel::ParseJsonObject(reply.log_entry(), "the hub's release entry");
  auto table_json = stapel::ParseJson(reply.table_json(), "the hub's table");
  if (!entry.ok() || !table_json.ok()) {
    std::cerr << "stapel-request: " << (entry.ok() ? table_json.status() : entry.status()).message()
              << "\n";
    return 1;
  }
  auto table = stapel::AreaTable::FromJson(*table_json);
  if (!table.ok()) {
    std::cerr << "stapel-request: " << table.status().message() << "\n";
    return 1;
  }
  std::filesystem::create_directories(out_dir);
  const std::string base = fmt::format("{}/{}-{:04d}", out_dir, name, reply.sequence());
  std::ofstream(base + ".csv") << reply.table_csv();
  std::ofstream(base + ".json") << stapel::ReleaseFile(*entry).dump(2) << "\n";
  PrintTable(*table);
  PrintLinkage(entry->value("linkage", nlohmann::json::object()));
  std::cout << fmt::format(
      "\nProtection: {} cells suppressed by the primary rules, {} complementary suppressions, "
      "of which {} because of earlier releases of the same data ({} checked by the "
      "differencing guard).\n",
      reply.suppressed_primary(), reply.suppressed_secondary(), reply.suppressed_by_guard(),
      reply.earlier_releases_checked());
  std::cout << "\nRelease " << reply.sequence() << " (table sha256 " << reply.table_sha256()
            << ")\nSaved " << base << ".csv and " << base << ".json; x = suppressed.\n";
  return 0;
}
