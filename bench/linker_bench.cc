// Kernels on the agent's and the hub's hot paths. Each group has an in-run baseline so
// figures can be compared as ratios on a noisy machine:
//   match key (HMAC-SHA256, precomputed prefix) vs a bare SHA-256 of the same input;
//   linkage per record vs inserting the same keys into a plain hash set.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <random>

#include "absl/container/flat_hash_set.h"
#include "linker/area_table.h"
#include "linker/birth_date.h"
#include "linker/bsn.h"
#include "linker/disclosure.h"
#include "linker/linkage.h"
#include "linker/match_key.h"
#include "linker/text_normalize.h"

namespace stapel {
namespace {

void BM_Sha256Baseline(benchmark::State& state) {
  const std::string input = "stapel-match-key-v1 stapeldorp-2026 bsn 123456782";
  uint8_t out[32];
  for (auto _ : state) {
    crypto_hash_sha256(out, reinterpret_cast<const uint8_t*>(input.data()), input.size());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Sha256Baseline);

void BM_MatchKey(benchmark::State& state) {
  SecretBytes secret = SecretBytes::Random(32);
  auto keyer = *MatchKeyer::Create(secret, "stapeldorp-2026");
  for (auto _ : state) benchmark::DoNotOptimize(keyer->Compute(kMatchKeyBsn, "123456782"));
}
BENCHMARK(BM_MatchKey);

void BM_NormalizeBsn(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(NormalizeBsn("1234.56.782"));
}
BENCHMARK(BM_NormalizeBsn);

void BM_FoldNameAscii(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FoldName("Jansen-de Vries"));
}
BENCHMARK(BM_FoldNameAscii);

void BM_FoldNameUnicode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FoldName("Müller-Çelik"));
}
BENCHMARK(BM_FoldNameUnicode);

void BM_ParseDate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ParseDate("12-02-1980"));
}
BENCHMARK(BM_ParseDate);

std::vector<MatchKey> RandomKeys(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<MatchKey> keys(n);
  for (auto& k : keys) {
    for (size_t i = 0; i < k.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(k.data() + i, &v, 8);
    }
  }
  return keys;
}

// Baseline: insert n keys into a hash set and probe n keys.
void BM_HashSetBaseline(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto keys = RandomKeys(n, 1);
  for (auto _ : state) {
    absl::flat_hash_set<uint64_t> set;
    set.reserve(n);
    for (const auto& k : keys) {
      uint64_t h;
      std::memcpy(&h, k.data(), 8);
      set.insert(h);
    }
    size_t hits = 0;
    for (const auto& k : keys) {
      uint64_t h;
      std::memcpy(&h, k.data(), 8);
      hits += set.contains(h);
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);
}
BENCHMARK(BM_HashSetBaseline)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// n register records, then n source records that all link: the hub's linkage of a run.
// Second argument: 1 when the index is reserved up front, as the hub does.
void BM_LinkRegisterAndSource(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto bsn = RandomKeys(n, 1);
  for (auto _ : state) {
    Linker linker(1);
    if (state.range(1)) linker.Reserve(n);
    LinkStats reg, src;
    for (size_t i = 0; i < n; ++i) {
      const KeyRef keys[] = {{0, &bsn[i]}};
      linker.AddRegisterRecord(keys, static_cast<uint32_t>(i % 24), 0, &reg);
    }
    for (size_t i = 0; i < n; ++i) {
      const KeyRef keys[] = {{0, &bsn[(i * 7919) % n]}};
      linker.AddSourceRecord(keys, 1, &src);
    }
    benchmark::DoNotOptimize(src.linked);
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);
}
BENCHMARK(BM_LinkRegisterAndSource)
    ->Args({1 << 20, 0})
    ->Args({1 << 20, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
