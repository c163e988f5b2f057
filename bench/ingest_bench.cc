// The hub's ingest of register batches shaped as an agent sends them (5,000 records, each with
// the five match keys of tests/test_project.h's register, a household key, a buurt, two
// attributes and a 2,368-bit Bloom filter): the signature check, parsing, validation against
// the manifest and the synced RocksDB write (Ingest::SubmitBatch, in process: no gRPC and no
// TLS), from 1 sender and from one per core at once, in one run so the ratio is measured, not
// remembered. Reports records per second; bench/national.sh times ingest behind a real agent.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "bench/demo_filters.h"
#include "linker/bloom_filter.h"
#include "trusted-hub/hub_test_project.h"

namespace stapel {
namespace {

using testing_util::HubServices;
using testing_util::HubTestProject;

constexpr int kRecordsPerBatch = 5'000;
constexpr int kBatchesPerSender = 8;

// A fuzzy register, as the demo's: the filters count in a batch's size as in a real one.
void AddFuzzyPass(Manifest* manifest) {
  manifest->fuzzy = DemoFilters();
  for (PartyManifest& party : manifest->parties) {
    if (party.id == "municipality") party.fuzzy = true;
  }
}

// Batch `seq` of submission `submission`: distinct keys and filters per record.
v1::SignedBatch RegisterBatch(const HubTestProject& p, const std::string& submission,
                              uint64_t seq) {
  const PartyManifest& party = *p.manifest.FindParty("municipality");
  v1::Batch b;
  b.set_project_id(p.manifest.project_id);
  b.set_party_id(party.id);
  b.set_submission_id(submission);
  b.set_sequence(seq);
  b.set_key_check(KeyCheckValue(HubTestProject::TestLinkageSecret(), p.manifest.project_id));
  b.set_bloom_layout(BloomLayout(*p.manifest.fuzzy));
  for (const std::string& kind : party.match_keys) b.add_match_key_kinds(kind);
  for (const std::string& attribute : party.attributes) b.add_attribute_names(attribute);
  std::string bytes(static_cast<size_t>(p.manifest.fuzzy->bits) / 8, '\0');
  for (int i = 0; i < kRecordsPerBatch; ++i) {
    const uint64_t n = seq * kRecordsPerBatch + static_cast<uint64_t>(i);
    auto* r = b.add_records();
    auto key = [&](uint32_t kind) {
      std::string k(32, static_cast<char>(kind));
      std::memcpy(k.data() + 8, &n, sizeof(n));
      std::memcpy(k.data() + 16, submission.data(), 16);
      return k;
    };
    for (uint32_t kind = 0; kind < static_cast<uint32_t>(party.match_keys.size()); ++kind) {
      HubTestProject::AddKey(r, kind, key(kind));
    }
    r->set_household(key(99));
    r->set_buurt("BU99990101");
    for (size_t a = 0; a < party.attributes.size(); ++a) {
      r->add_attribute_values(static_cast<uint32_t>((n >> a) & 1));
    }
    std::memcpy(bytes.data(), &n, sizeof(n));
    bytes[9] = static_cast<char>(n * 7);  // not all filters alike
    r->set_bloom(bytes);
  }
  return HubTestProject::Sign(b, *p.register_key);
}

// One submission of senders × kBatchesPerSender batches, `senders` of them in flight at once
// (as stapel-agent --batches-in-flight sends them): sender s sends batches s, s + senders, ...
void SubmitBatches(benchmark::State& state) {
  const int senders = state.range(0) == 0
                          ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))
                          : static_cast<int>(state.range(0));
  HubServices hub;
  AddFuzzyPass(&hub.p.manifest);
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string submission(16, static_cast<char>('A' + round % 64));
    std::vector<std::vector<v1::SignedBatch>> batches(static_cast<size_t>(senders));
    for (uint64_t seq = 0; seq < static_cast<uint64_t>(senders) * kBatchesPerSender; ++seq) {
      batches[seq % static_cast<uint64_t>(senders)].push_back(
          RegisterBatch(hub.p, submission, seq));
    }
    ++round;
    state.ResumeTiming();
    std::vector<absl::Status> refused(static_cast<size_t>(senders));
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s) {
      threads.emplace_back([&, s] {
        for (const v1::SignedBatch& batch : batches[static_cast<size_t>(s)]) {
          auto ack = hub.ingest->SubmitBatch("municipality", batch);
          if (!ack.ok()) refused[static_cast<size_t>(s)] = ack.status();
        }
      });
    }
    for (std::thread& t : threads) t.join();
    for (const absl::Status& status : refused) {
      if (!status.ok()) state.SkipWithError(std::string(status.message()).c_str());
    }
  }
  state.counters["records_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * senders * kBatchesPerSender * kRecordsPerBatch,
      benchmark::Counter::kIsRate);
  state.counters["senders"] = senders;
}
BENCHMARK(SubmitBatches)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
