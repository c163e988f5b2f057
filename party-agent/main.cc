// stapel-agent: pseudonymizes a party's CSV export on premises and sends it to the hub.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <string>

#include "CLI/CLI.hpp"
#include "party-agent/agent.h"
#include "party-agent/agent_config.h"
#include "party-agent/hub_client.h"
#include "party-agent/party_command.h"
#include "party-agent/pseudonym_csv.h"
#include "party-agent/run_summary.h"

int main(int argc, char** argv) {
  // A batch is a few megabytes (at most 25 at the largest batch_size), built while the ones
  // before are in flight: kept in the heap when freed, the next one reuses their memory instead
  // of mapping, faulting in and zeroing fresh pages (a tenth of the agent's time). 32 MiB is the
  // largest threshold every glibc accepts.
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 0 || mallopt(M_TRIM_THRESHOLD, 128 << 20) == 0) {
    spdlog::warn("the C library keeps no freed batch in the heap (mallopt refused): slower");
  }
  CLI::App app{
      "stapel-agent: read a party's CSV export, validate and pseudonymize it on premises "
      "(HMAC match keys under the linkage secret), and send it in signed batches to the "
      "Stapel hub over mutual TLS. No name, BSN, birth date or address leaves this machine."};
  std::string config_path, hub_override, input_override;
  app.add_option("--config,-c", config_path, "Agent config (TOML), see deploy/examples")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--hub", hub_override, "Hub address host:port (overrides [hub] address)");
  app.add_option("--input", input_override, "CSV export to send (overrides [input] file)");
  std::string period;
  app.add_option("--period", period,
                 "The period the export describes, one of the manifest's periods (overrides "
                 "[input] period); the run replaces the party's data of that period only");
  std::string preview;
  app.add_option("--preview", preview,
                 "Send nothing: write the pseudonymized records this run would send to this CSV "
                 "file (match keys, buurt, attributes, household, Bloom filter "
                 "in hex; private to this user), to see exactly what leaves this machine; "
                 "rejected rows go to FILE.rejects.csv");
  int in_flight = 0;
  app.add_option("--batches-in-flight", in_flight,
                 "Batches sent before the first is acknowledged, 1 to 3 (overrides [hub] "
                 "batches_in_flight, default 2)")
      ->check(CLI::Range(1, 3));
  int threads = 0;
  app.add_option("--threads", threads,
                 "Threads that compute keys and Bloom filters, 1 to 64 (default: every core)")
      ->check(CLI::Range(1, 64));
  std::string summary_json;
  app.add_option("--summary-json", summary_json,
                 "Also write the run's outcome (counts, receipt, or the error) as JSON to this "
                 "file, for monitoring; written for a failed run too");
  CLI11_PARSE(app, argc, argv);
  auto config = stapel::StartPartyCommand("stapel-agent", config_path, hub_override);
  if (!config) return 1;
  if (!input_override.empty()) {
    config->input = input_override;
    config->reject_file = input_override + ".rejects.csv";
  }
  if (!period.empty()) config->period = period;
  if (in_flight > 0) config->batches_in_flight = in_flight;
  if (threads > 0) config->threads = threads;
  if (!preview.empty()) config->reject_file = preview + ".rejects.csv";  // the run's stays
  auto agent = stapel::Agent::Create(*config);
  if (!agent.ok()) {
    spdlog::error("{}", std::string(agent.status().message()));
    return 1;
  }
  if (!preview.empty()) {
    auto writer = stapel::PseudonymCsvWriter::Create(preview);
    absl::StatusOr<stapel::AgentSummary> run =
        writer.ok() ? (*agent)->Preview(writer->get()) : writer.status();
    absl::Status closed = writer.ok() ? (*writer)->Close() : absl::OkStatus();
    if (!run.ok() || !closed.ok()) {
      spdlog::error("{}", std::string((run.ok() ? closed : run.status()).message()));
      return 1;
    }
    spdlog::info(
        "preview: {} records of {} rows written to {} ({} incomplete, {} rejected); nothing was "
        "sent",
        run->records_sent, run->rows_read, preview, run->incomplete, run->rejected);
    return 0;
  }
  auto client = stapel::HubClient::Create(config->hub, config->tls);
  if (!client.ok()) {
    spdlog::error("{}", std::string(client.status().message()));
    return 1;
  }
  spdlog::info("party {}: sending {} to hub {}", config->party_id, config->input.string(),
               config->hub.address);
  auto summary = (*agent)->Run(client->get(), [](const stapel::AgentSummary& s) {
    if (s.batches % 10 == 0) {
      spdlog::info("progress: {} rows read, {} records acknowledged, {} rejected ({:.0f} rows/s)",
                   s.rows_read, s.acknowledged, s.rejected,
                   s.rows_read / std::max(s.seconds, 1e-9));
    }
  });
  if (!summary_json.empty()) {
    if (absl::Status s = stapel::WriteRunSummary(summary_json, *config, summary); !s.ok()) {
      spdlog::error("{}", std::string(s.message()));
      return 1;
    }
  }
  if (!summary.ok()) {
    spdlog::error("{}", std::string(summary.status().message()));
    return 1;
  }
  const auto& s = *summary;
  spdlog::info(
      "done: read {} rows, sent {} records in {} batches, rejected {}, acknowledged {} "
      "({:.2f} s, {:.0f} rows/s); {} of the records sent are incomplete",
      s.rows_read, s.records_sent, s.batches, s.rejected, s.acknowledged, s.seconds,
      s.rows_read / std::max(s.seconds, 1e-9), s.incomplete);
  spdlog::info("receipt: entry {} of the hub's release log, signed by the hub, saved in {}",
               s.receipt_seq, s.receipt_file.string());
  if (s.incomplete > 0) {
    spdlog::info(
        "incomplete: a record sent with an identifying field left out because it was empty or "
        "invalid (a BSN failing the eleven-test, an impossible date, a malformed postcode or "
        "house number); it links on the keys its other fields form");
  }
  if (s.rejected > 0) {
    spdlog::warn("{} rows were rejected; their line numbers and reasons are in {}", s.rejected,
                 config->reject_file.string());
  }
  return 0;
}
