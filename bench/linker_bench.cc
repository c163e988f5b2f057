// Kernels on the agent's and the hub's hot paths. Each group has an in-run baseline so
// figures can be compared as ratios on a noisy machine:
//   match key (HMAC-SHA256, precomputed prefix) vs a bare SHA-256 of the same input;
//   linkage per record vs inserting the same keys into a plain hash set;
//   Dice comparisons vs a scan of the same filters without popcount.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <random>

#include "absl/container/flat_hash_set.h"
#include "disclosure/disclosure.h"
#include "linker/bloom_filter.h"
#include "linker/field_comparison.h"
#include "linker/linkage.h"
#include "linker/match_key.h"
#include "records/birth_date.h"
#include "records/bsn.h"
#include "records/text_normalize.h"
#include "tables/area_table.h"

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

// The hub's deterministic linkage of a run: n register records with a key of each of the five
// kinds, then n source records without BSN (four kinds, as the housing corporation sends)
// that link in the first name-based pass. Second argument: 1 when the index is reserved up
// front, as the hub does. Items = records linked or indexed.
void BM_LinkRegisterAndSource(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  constexpr uint32_t kKinds = 5;
  std::vector<std::vector<MatchKey>> keys(kKinds);
  for (uint32_t k = 0; k < kKinds; ++k) keys[k] = RandomKeys(n, 100 + k);
  for (auto _ : state) {
    Linker linker(kKinds);
    if (state.range(1)) linker.Reserve(n);
    LinkStats reg, src;
    for (size_t i = 0; i < n; ++i) {
      const KeyRef refs[] = {
          {0, &keys[0][i]}, {1, &keys[1][i]}, {2, &keys[2][i]}, {3, &keys[3][i]}, {4, &keys[4][i]}};
      linker.AddRegisterRecord(refs, static_cast<uint32_t>(i % 24), 0, &reg);
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t j = (i * 7919) % n;
      const KeyRef refs[] = {
          {1, &keys[1][j]}, {2, &keys[2][j]}, {3, &keys[3][j]}, {4, &keys[4][j]}};
      linker.AddSourceRecord(refs, 1, &src);
    }
    benchmark::DoNotOptimize(src.linked);
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);
}
BENCHMARK(BM_LinkRegisterAndSource)
    ->Args({1 << 20, 0})
    ->Args({1 << 20, 1})
    ->Unit(benchmark::kMillisecond);

// Filters with about a quarter of their bits set.
std::vector<uint64_t> RandomFilters(size_t n, size_t words) {
  std::mt19937_64 rng(3);
  std::vector<uint64_t> f(n * words);
  for (auto& w : f) w = rng() & rng();  // about a quarter of the bits set, as in real filters
  return f;
}

// The example manifest's filters: 2,624 bits.
constexpr size_t kFilterWords = 41;

// The fuzzy pass's kernel: a record's field-level filters against 4,096 persons' who share its
// birth date (the only pairs the hub compares: bloom_filter.h), the example manifest's 2,624
// bits (three tags, nineteen segments of two words for nine fields); items are field comparisons
// (the target: 150 M per second per core). The baseline below reads the same bytes
// without comparing.
void BM_FieldComparisons(benchmark::State& state) {
  const BloomSettings settings{.bits = static_cast<int>(64 * kFilterWords),
                               .fields = {{"first_names", 1},
                                          {"surname", 1},
                                          {"birth_date", 1},
                                          {"birth_year", 1},
                                          {"postcode", 1},
                                          {"house_number", 2},
                                          {"later_given_names", 1},
                                          {"street", 1},
                                          {"sex", 1}}};
  const FieldComparator comparator(settings);
  const size_t n = 4096, words = kFilterWords;
  auto filters = RandomFilters(n, words);
  for (size_t c = 0; c < n; ++c) filters[c * words] = 0x1234'5679;  // one birth date's tag
  std::vector<uint32_t> patterns(n);
  const uint64_t* query = filters.data();
  for (auto _ : state) {
    for (size_t c = 0; c < n; ++c) patterns[c] = comparator.Compare(query, filters.data() + c * words);
    benchmark::DoNotOptimize(patterns.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n * settings.fields.size()));
}
BENCHMARK(BM_FieldComparisons);

void BM_XorScanBaseline(benchmark::State& state) {
  const size_t n = 4096, words = kFilterWords;
  const auto filters = RandomFilters(n, words);
  std::vector<uint64_t> out(n);
  for (auto _ : state) {
    for (size_t c = 0; c < n; ++c) {
      uint64_t acc = 0;
      for (size_t i = 0; i < words; ++i) acc ^= filters[i] & filters[c * words + i];
      out[c] = acc;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_XorScanBaseline);

void BM_BloomEncode(benchmark::State& state) {
  SecretBytes secret = SecretBytes::Random(32);
  BloomSettings settings{1024,
                         20,
                         0.8,
                         {{"birth_date", 1},
                          {"first_names", 0.5},
                          {"house_number", 0.5},
                          {"postcode", 0.5},
                          {"surname", 1}}};
  auto encoder = *BloomEncoder::Create(secret, "p", settings);
  const std::vector<std::string> values = {"1980-02-12", "jan", "12-a", "5401AB", "jansen"};
  std::vector<uint64_t> filter(encoder->words());
  for (auto _ : state) {
    encoder->Encode(values, filter);
    benchmark::DoNotOptimize(filter.data());
  }
}
BENCHMARK(BM_BloomEncode);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
