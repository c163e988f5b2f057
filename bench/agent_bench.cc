// The agent's own work per row of a register export shaped as the demo's (its columns, the
// demo manifest's keys and fuzzy pass; the rows are made up here): normalization, the HMAC
// match keys, the keyed, salted Bloom filter and the record's serialization
// (RecordBuilder::BuildAll), over 20,000
// rows on 1 thread and on every core of this machine, in one run so the ratio is
// measured, not remembered. Reports rows per second; the hub and the network are not in it
// (bench/national.sh times the agent against a real hub).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <thread>

#include "bench/demo_filters.h"
#include "keys/secret_bytes.h"
#include "party-agent/agent_config.h"
#include "party-agent/record_builder.h"

namespace stapel {
namespace {

constexpr int kRows = 20'000;

const char* const kFirst[] = {"Jan", "Sanne", "Mohamed", "Émile", "Anna Maria", "Daan", "Fleur"};
const char* const kSurname[] = {"Jansen", "de Vries", "van den Berg", "El Amrani", "Bakker-Smit",
                                "ter Beekstra", "Visser"};

std::vector<CsvRow> Rows() {
  std::vector<CsvRow> rows;
  for (int i = 0; i < kRows; ++i) {
    std::vector<std::string> f = {"123456782",
                                  kFirst[i % 7],
                                  kSurname[(i / 7) % 7],
                                  fmt::format("{:02}-{:02}-19{:02}", 1 + i % 28, 1 + i % 12, i % 100),
                                  "Lindenhof",
                                  std::to_string(1 + i % 200),
                                  fmt::format("54{:02} {}{}", i % 100, "ABKLMN"[i % 6], "ABKLMN"[(i / 6) % 6]),
                                  "BU99990101",
                                  "0",
                                  std::to_string(i % 2),
                                  "0",
                                  std::to_string(i % 5 == 0)};
    const size_t n = f.size();
    rows.push_back({static_cast<size_t>(i + 2), std::move(f), n, ""});
  }
  return rows;
}

void BuildAll(benchmark::State& state) {
  const int threads = state.range(0) == 0
                          ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                          : static_cast<int>(state.range(0));
  // The demo's register (deploy/examples/manifest.toml and agent-municipality.toml).
  Manifest manifest;
  manifest.project_id = "bench";
  for (std::string_view kind : KnownMatchKeyKinds()) manifest.match_keys.emplace_back(kind);
  manifest.parties.push_back({.id = "municipality",
                              .role = PartyRole::kRegister,
                              .match_keys = manifest.match_keys,
                              .attributes = {"youth_care", "wmo", "social_assistance"},
                              .characteristics = {"minor"},
                              .fuzzy = true});
  manifest.fuzzy = DemoFilters();
  AgentConfig config;
  config.party_id = "municipality";
  config.columns = {{"bsn", "bsn"},           {"first_names", "voornamen"},
                    {"surname", "achternaam"}, {"birth_date", "geboortedatum"},
                    {"postcode", "postcode"}, {"house_number", "huisnummer"},
                    {"buurt", "buurtcode"}};
  config.attributes = {{"youth_care", "jeugdzorg"},
                       {"wmo", "wmo"},
                       {"social_assistance", "bijstand"},
                       {"minor", "minderjarig"}};
  const SecretBytes secret = SecretBytes::Random(32);
  auto keyer = MatchKeyer::Create(secret, manifest.project_id);
  auto bloom = BloomEncoder::Create(secret, manifest.project_id, *manifest.fuzzy);
  const std::vector<std::string> header = {
      "bsn",      "voornamen", "achternaam", "geboortedatum", "straat", "huisnummer",
      "postcode", "buurtcode", "jeugdzorg",  "wmo",           "bijstand", "minderjarig"};
  auto builder = RecordBuilder::Create(config, manifest, keyer->get(), bloom->get(),
                                       CsvRow{1, header, header.size(), ""});
  if (!builder.ok()) {
    state.SkipWithError(std::string(builder.status().message()).c_str());
    return;
  }
  const std::vector<CsvRow> rows = Rows();
  std::vector<absl::StatusOr<RecordBuilder::Completeness>> built(rows.size());
  std::string batch;
  for (auto _ : state) {
    batch.clear();
    (*builder)->BuildAll(rows, built, threads, &batch);
  }
  for (const auto& b : built) {
    if (!b.ok()) {
      state.SkipWithError(std::string(b.status().message()).c_str());
      break;
    }
  }
  state.counters["threads"] = threads;
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows.size()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
// 1 thread, then every core (0).
BENCHMARK(BuildAll)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
