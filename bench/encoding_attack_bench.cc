// What a curious hub re-identifies in the fuzzy pass's filters with a public frequency list of
// names (linker/encoding_attack.h), before salting (one key for every record: every record given
// one birth date here) and as the hub has them (salted with the birth date and the address), and
// in the names salt's tags (the groups of one first given name and surname, aligned with the
// commonest name pairs), at a municipality's size and a large city's (and a province's for the
// tags). Counters are shares of all residents: re-identified by aligning the 300 largest groups
// of equal name segments with the list ("aligned"), by
// aligning within each salt value ("within"), and what labelling the same residents with the
// commonest name would have got ("guess"). The target: below 1% beyond guessing.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include "linker/bloom_filter.h"
#include "linker/encoding_attack.h"

namespace stapel {
namespace {

std::unique_ptr<BloomEncoder> AttackedEncoder() {
  std::array<uint8_t, 32> secret_bytes{};
  for (size_t i = 0; i < secret_bytes.size(); ++i) secret_bytes[i] = static_cast<uint8_t>(i * 13);
  const SecretBytes secret(secret_bytes.data(), secret_bytes.size());
  return *BloomEncoder::Create(secret, "bench", AttackedSettings());
}
// The public frequency lists the attacker holds.
std::vector<ListedName> Given() { return PowerLawNames(2'000, 0.7, 1); }
std::vector<ListedName> Family() { return PowerLawNames(20'000, 0.6, 2); }

// Args: residents, salted (0: every record one birth date), field (0 given names, 1 surname),
// salt (0 birth date, 1 address).
void BM_ReidentifiedNames(benchmark::State& state) {
  const auto residents = static_cast<size_t>(state.range(0));
  const bool salted = state.range(1) != 0;
  const int field = static_cast<int>(state.range(2));
  const Salt salt = state.range(3) == 0 ? Salt::kBirthDate : Salt::kAddress;
  const BloomSettings settings = AttackedSettings();
  const auto encoder = AttackedEncoder();
  const std::vector<ListedName> given = Given(), family = Family();
  ListedResidents people = DrawResidents(residents, given, family, 3);
  if (!salted) {
    for (auto& v : people.values) v[2] = "1980-01-01";
  }
  const auto& list = field == 0 ? given : family;
  const auto& truth = field == 0 ? people.first_names : people.surnames;
  for (auto _ : state) {
    const HubView hub = EncodeField(*encoder, settings, people.values, field, salt);
    const auto aligned = AlignFrequencies(hub.segments, list, 300);
    const auto within = AlignWithinSalts(hub.segments, hub.tags, list);
    state.counters["aligned"] = ReidentifiedShare(aligned, truth);
    state.counters["aligned_guess"] = GuessedShare(aligned, truth, list.front().name);
    state.counters["within"] = ReidentifiedShare(within, truth);
    state.counters["within_guess"] = GuessedShare(within, truth, list.front().name);
  }
}
void Cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"residents", "salted", "field", "salt"});
  for (int64_t residents : {50'000, 1'000'000}) {
    for (int64_t field : {0, 1}) {
      b->Args({residents, 0, field, 0});  // before salting
      for (int64_t salt : {0, 1}) b->Args({residents, 1, field, salt});
    }
  }
}
BENCHMARK(BM_ReidentifiedNames)->Apply(Cases)->Iterations(1)->Unit(benchmark::kMillisecond);

// Args: residents, and how many of the largest groups of the names salt's tags are aligned with
// as many of the commonest name pairs.
void BM_ReidentifiedByNamesTags(benchmark::State& state) {
  const auto residents = static_cast<size_t>(state.range(0));
  const auto top = static_cast<size_t>(state.range(1));
  const auto encoder = AttackedEncoder();
  const std::vector<ListedName> given = Given(), family = Family();
  const ListedResidents people = DrawResidents(residents, given, family, 3);
  const std::vector<ListedName> pairs = NamePairs(given, family, top);
  const std::vector<std::string> truth = NamePairsOf(people);
  for (auto _ : state) {
    const auto aligned =
        AlignFrequencies(NamesTags(*encoder, AttackedSettings(), people.values), pairs, top);
    state.counters["aligned"] = ReidentifiedShare(aligned, truth);
    state.counters["aligned_guess"] = GuessedShare(aligned, truth, pairs.front().name);
  }
}
BENCHMARK(BM_ReidentifiedByNamesTags)
    ->ArgNames({"residents", "top"})
    ->ArgsProduct({{50'000, 1'000'000, 5'000'000}, {300, 3'000}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stapel

BENCHMARK_MAIN();
