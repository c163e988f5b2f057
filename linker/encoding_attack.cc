#include "linker/encoding_attack.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace stapel {
namespace {

uint32_t Ones(std::span<const uint64_t> words) {
  uint32_t n = 0;
  for (uint64_t w : words) n += static_cast<uint32_t>(std::popcount(w));
  return n;
}

// The records of each distinct, non-empty segment, largest group first (ties: the group whose
// first record comes first).
std::vector<std::vector<size_t>> Groups(const Segments& segments) {
  absl::flat_hash_map<std::string, size_t> index;
  std::vector<std::vector<size_t>> groups;
  for (size_t r = 0; r < segments.records(); ++r) {
    const auto words = segments.of(r);
    if (Ones(words) == 0) continue;
    const std::string key(reinterpret_cast<const char*>(words.data()), words.size_bytes());
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(r);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return groups;
}

}  // namespace

std::vector<ListedName> PowerLawNames(size_t count, double exponent, uint64_t seed) {
  static const std::vector<std::string> kOnsets = {
      "b", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
      "br", "dr", "gr", "kr", "st", "sch", "tr", "fr", "bl", "sl", "sm", "sn"};
  static const std::vector<std::string> kVowels = {"a",  "e",  "i",  "o",  "u",  "aa", "ee",
                                                   "oo", "ij", "ou", "ui", "ie", "ei", "y"};
  static const std::vector<std::string> kCodas = {"", "", "n", "r", "s", "k", "l",
                                                  "m", "t", "rt", "ns", "nk", "ld", "st"};
  static const std::vector<std::string> kEndings = {"", "", "", "sen", "ma", "stra", "ink",
                                                    "man", "er", "s", "ens", "je", "ke"};
  std::mt19937_64 rng(seed);
  const auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  std::vector<ListedName> out;
  absl::flat_hash_set<std::string> seen;
  while (out.size() < count) {
    std::string name;
    const int syllables = 1 + static_cast<int>(rng() % 3);
    for (int s = 0; s < syllables; ++s) name += pick(kOnsets) + pick(kVowels) + pick(kCodas);
    name += pick(kEndings);
    if (seen.insert(name).second) out.push_back({name, 0});
  }
  double total = 0;
  for (size_t i = 0; i < out.size(); ++i) total += std::pow(static_cast<double>(i + 1), -exponent);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].frequency = std::pow(static_cast<double>(i + 1), -exponent) / total;
  }
  return out;
}

namespace {

// Draws an index by the cumulative frequencies `cumulative`.
size_t Draw(std::mt19937_64& rng, const std::vector<double>& cumulative) {
  const double x = std::uniform_real_distribution<double>(0, cumulative.back())(rng);
  return std::min(cumulative.size() - 1,
                  static_cast<size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), x) -
                                      cumulative.begin()));
}

std::vector<double> Cumulative(std::span<const ListedName> list) {
  std::vector<double> c;
  double sum = 0;
  for (const ListedName& n : list) c.push_back(sum += n.frequency);
  return c;
}

}  // namespace

ListedResidents DrawResidents(size_t n, std::span<const ListedName> given,
                              std::span<const ListedName> family, uint64_t seed) {
  std::mt19937_64 rng(seed), later_rng(seed + 1);  // the later names apart: the rest as before
  const std::vector<double> g = Cumulative(given), f = Cumulative(family);
  ListedResidents out;
  while (out.values.size() < n) {
    const std::string surname = family[Draw(rng, f)].name;
    const std::string postcode = fmt::format("{}{}{}", 1000 + rng() % 9000,
                                             static_cast<char>('A' + rng() % 26),
                                             static_cast<char>('A' + rng() % 26));
    const std::string house = fmt::format("{}", 1 + rng() % 200);
    for (size_t m = 1 + rng() % 4; m > 0 && out.values.size() < n; --m) {
      const std::string first = given[Draw(rng, g)].name, later = given[Draw(later_rng, g)].name;
      out.first_names.push_back(first);
      out.later_names.push_back(later);
      out.surnames.push_back(surname);
      const std::string date =
          fmt::format("{}-{:02}-{:02}", 1940 + rng() % 65, 1 + rng() % 12, 1 + rng() % 28);
      const std::string names = first + " " + later;
      out.values.push_back({names, surname, date, postcode, house, date.substr(0, 4), names});
    }
  }
  return out;
}

BloomSettings AttackedSettings() {
  return {.bits = 1984,  // three tags, then 128 bits for each of the fourteen segments
          .hashes = 8,
          .fields = {{"first_names", 1},
                     {"surname", 1},
                     {"birth_date", 1},
                     {"postcode", 1},
                     {"house_number", 2},
                     {"birth_year", 1},
                     {"later_given_names", 1}}};
}

HubView EncodeField(const BloomEncoder& encoder, const BloomSettings& settings,
                    std::span<const std::vector<std::string>> values, int field, Salt salt) {
  const int segment = settings.SegmentIndex(field, salt);
  assert(segment >= 0 && "the field has a segment under the salt");
  const size_t words = settings.SegmentWords();
  const size_t at = kSalts + static_cast<size_t>(segment) * words;
  HubView out;
  out.segments.words = words;
  std::vector<uint64_t> filter(encoder.words());
  for (const auto& v : values) {
    encoder.Encode(v, filter);
    out.segments.bits.insert(out.segments.bits.end(), filter.begin() + static_cast<ptrdiff_t>(at),
                             filter.begin() + static_cast<ptrdiff_t>(at + words));
    out.tags.push_back(TagOf(filter.data(), salt));
  }
  return out;
}

Segments NamesTags(const BloomEncoder& encoder, const BloomSettings& settings,
                   std::span<const std::vector<std::string>> values) {
  // Any field under the names salt gives its tags.
  HubView view =
      EncodeField(encoder, settings, values, settings.FieldIndex("birth_date"), Salt::kNames);
  return {.bits = std::move(view.tags), .words = 1};
}

namespace {

std::string NamePair(const std::string& given, const std::string& family) {
  return std::min(given, family) + " " + std::max(given, family);
}

}  // namespace

std::vector<ListedName> NamePairs(std::span<const ListedName> given,
                                  std::span<const ListedName> family, size_t count) {
  // Of the `count` most frequent pairs, neither name ranks below `count` in its list: their
  // frequencies first, the `count`-th largest the least a pair needs, then the pairs' names.
  given = given.first(std::min(count, given.size()));
  family = family.first(std::min(count, family.size()));
  std::vector<double> products;
  products.reserve(given.size() * family.size());
  for (const ListedName& g : given) {
    for (const ListedName& f : family) products.push_back(g.frequency * f.frequency);
  }
  if (products.empty() || count == 0) return {};
  const size_t n = std::min(count, products.size());
  std::nth_element(products.begin(), products.begin() + static_cast<ptrdiff_t>(n - 1),
                   products.end(), std::greater<>());
  const double least = products[n - 1];
  std::vector<ListedName> out;
  for (const ListedName& g : given) {
    for (const ListedName& f : family) {
      if (g.frequency * f.frequency >= least) {
        out.push_back({NamePair(g.name, f.name), g.frequency * f.frequency});
      }
    }
  }
  std::ranges::stable_sort(out, std::greater<>(), &ListedName::frequency);
  out.resize(n);
  return out;
}

std::vector<std::string> NamePairsOf(const ListedResidents& residents) {
  std::vector<std::string> out;
  for (size_t r = 0; r < residents.first_names.size(); ++r) {
    out.push_back(NamePair(residents.first_names[r], residents.surnames[r]));
  }
  return out;
}

std::vector<std::optional<std::string>> AlignFrequencies(const Segments& segments,
                                                         std::span<const ListedName> list,
                                                         size_t top) {
  std::vector<std::optional<std::string>> labels(segments.records());
  const std::vector<std::vector<size_t>> groups = Groups(segments);
  const size_t n = std::min({top, groups.size(), list.size()});
  for (size_t g = 0; g < n; ++g) {
    for (size_t r : groups[g]) labels[r] = list[g].name;
  }
  return labels;
}

std::vector<std::optional<std::string>> AlignWithinSalts(const Segments& segments,
                                                         std::span<const uint64_t> tags,
                                                         std::span<const ListedName> list) {
  std::vector<std::optional<std::string>> labels(segments.records());
  absl::flat_hash_map<uint64_t, std::vector<size_t>> by_tag;
  for (size_t r = 0; r < segments.records(); ++r) {
    if (tags[r] != 0) by_tag[tags[r]].push_back(r);
  }
  Segments part{.words = segments.words};
  for (const auto& [tag, records] : by_tag) {
    part.bits.clear();
    for (size_t r : records) {
      const auto s = segments.of(r);
      part.bits.insert(part.bits.end(), s.begin(), s.end());
    }
    const std::vector<std::vector<size_t>> groups = Groups(part);
    for (size_t g = 0; g < groups.size() && g < list.size() && groups[g].size() >= 2; ++g) {
      for (size_t i : groups[g]) labels[records[i]] = list[g].name;
    }
  }
  return labels;
}

double ReidentifiedShare(std::span<const std::optional<std::string>> labels,
                         std::span<const std::string> truth) {
  if (truth.empty()) return 0;
  size_t right = 0;
  for (size_t r = 0; r < truth.size(); ++r) right += labels[r] && *labels[r] == truth[r];
  return static_cast<double>(right) / static_cast<double>(truth.size());
}

double GuessedShare(std::span<const std::optional<std::string>> labels,
                    std::span<const std::string> truth, const std::string& commonest) {
  if (truth.empty()) return 0;
  size_t right = 0;
  for (size_t r = 0; r < truth.size(); ++r) right += labels[r] && truth[r] == commonest;
  return static_cast<double>(right) / static_cast<double>(truth.size());
}

}  // namespace stapel
