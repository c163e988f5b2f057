#include "synth/areas.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace stapel::synth {
namespace {

struct BuurtSpec {
  const char* name;
  int wijk;            // 1-based
  double weight;       // share of residents
  double deprivation;  // 0..1
  double price;        // 0..1
};

constexpr std::array<const char*, 5> kWijken = {"Centrum", "Noord", "Oost", "Zuid", "Buitengebied"};

// 24 buurten in 5 wijken; a few are tiny, so their small counts must be suppressed.
constexpr std::array<BuurtSpec, 24> kBuurten = {{
    {"Oude Kern", 1, 4, 0.35, 0.6},
    {"Marktkwartier", 1, 5, 0.25, 0.7},
    {"Stationsbuurt", 1, 6, 0.55, 0.2},
    {"Havenfront", 1, 3, 0.15, 0.95},
    {"Molenwijk", 2, 8, 0.85, 0.05},
    {"De Akkers", 2, 7, 0.75, 0.1},
    {"Kastanjehof", 2, 5, 0.60, 0.15},
    {"Noorderpark", 2, 4, 0.40, 0.3},
    {"Bedrijventerrein Noord", 2, 0.15, 0.5, 0.1},
    {"Vogelbuurt", 3, 6, 0.30, 0.5},
    {"Bloemenbuurt", 3, 6, 0.20, 0.6},
    {"Schildersbuurt", 3, 5, 0.65, 0.1},
    {"Beekdal", 3, 4, 0.10, 0.9},
    {"Villapark", 3, 2, 0.05, 1.0},
    {"Zuiderhof", 4, 6, 0.45, 0.3},
    {"Het Ven", 4, 5, 0.35, 0.4},
    {"Lindenlaan", 4, 4, 0.15, 0.85},
    {"'t Hoogveld", 4, 5, 0.50, 0.25},
    {"Nieuw-Zuid", 4, 7, 0.30, 0.75},
    {"Kerkdorp", 5, 2.5, 0.20, 0.4},
    {"Heidehoek", 5, 1.2, 0.15, 0.5},
    {"Broekhuizen", 5, 0.9, 0.25, 0.3},
    {"Eikelenbosch", 5, 0.4, 0.10, 0.6},
    {"Veldzicht", 5, 0.12, 0.30, 0.3},
}};

// The Netherlands in 2024: 342 gemeenten, about 3,250 wijken and 14,500 buurten.
constexpr double kNationResidents = 17.9e6;
constexpr int kNationGemeenten = 342;
constexpr double kWijkenPerGemeente = 10.9;  // at the median size; the mean comes out near 9.5

constexpr std::array<const char*, 16> kNameStart = {
    "Stap", "Beek", "Wester", "Ooster", "Hooge", "Lage", "Nieuw", "Oud",
    "Groen", "Zand", "Broek", "Linde", "Eike", "Heide", "Veen", "Mole"};
constexpr std::array<const char*, 16> kNameEnd = {
    "dorp", "veen", "hoven", "wijk", "dam", "meer", "horst", "rade",
    "loo", "burg", "zijl", "haar", "brug", "sloot", "sum", "ingen"};

// A standard normal draw (Box-Muller), for log-normal sizes.
double Normal(Random& rng) {
  const double u = 1.0 - rng.Unit(), v = rng.Unit();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
}

double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

}  // namespace

SynthGemeente DemoMunicipality(int residents) {
  SynthGemeente g;
  g.code = "GM9999";
  g.name = "Stapeldorp";
  g.wijken = static_cast<int>(kWijken.size());
  g.residents = residents;
  for (int b = 0; b < static_cast<int>(kBuurten.size()); ++b) {
    const BuurtSpec& s = kBuurten[b];
    g.buurten.push_back({.code = fmt::format("BU9999{:02d}{:02d}", s.wijk, b + 1),
                         .name = s.name,
                         .wijk_code = fmt::format("WK9999{:02d}", s.wijk),
                         .wijk_name = kWijken[s.wijk - 1],
                         .wijk = s.wijk,
                         .weight = s.weight,
                         .deprivation = s.deprivation,
                         .price = s.price,
                         .postcode_base = 5400 + 10 * b});
  }
  return g;
}

std::vector<SynthGemeente> DrawNation(Random& rng, int residents) {
  const int count = std::clamp(
      static_cast<int>(std::lround(kNationGemeenten * (residents / kNationResidents))), 1,
      kNationGemeenten);
  // Gemeente sizes are log-normal (a median of about 28,000 residents and a mean of 52,000 at
  // national scale: a few cities, many small towns).
  std::vector<double> weight(count);
  double total = 0;
  for (double& w : weight) total += w = std::exp(1.1 * Normal(rng));
  std::vector<SynthGemeente> nation(count);
  int placed = 0;
  size_t largest = 0;
  for (int g = 0; g < count; ++g) {
    SynthGemeente& gm = nation[g];
    gm.code = fmt::format("GM{:04d}", g + 1);
    gm.name = fmt::format("{}{}{}", kNameStart[g % 16], kNameEnd[(g / 16) % 16],
                          g >= 256 ? "-Noord" : "");
    gm.residents = std::max(1, static_cast<int>(residents * weight[g] / total));
    placed += gm.residents;
    if (gm.residents > nation[largest].residents) largest = g;
    // Larger gemeenten have more wijken, less than in proportion.
    gm.wijken = std::clamp(
        static_cast<int>(std::lround(kWijkenPerGemeente * std::pow(weight[g] * count / total, 0.5))),
        1, 99);
    const double gemeente_deprivation = 0.1 + 0.4 * rng.Unit();
    for (int w = 1; w <= gm.wijken; ++w) {
      const double wijk_deprivation = gemeente_deprivation + 0.4 * (rng.Unit() - 0.5);
      const int buurten = 1 + static_cast<int>(rng.Below(8));
      for (int b = 1; b <= buurten; ++b) {
        SynthBuurt buurt{.code = fmt::format("BU{:04d}{:02d}{:02d}", g + 1, w, b),
                         .name = fmt::format("{} {}-{}", gm.name, w, b),
                         .wijk_code = fmt::format("WK{:04d}{:02d}", g + 1, w),
                         .wijk_name = fmt::format("{} wijk {}", gm.name, w),
                         .wijk = w};
        // Log-normal shares, and one buurt in 25 nearly empty (an industrial estate).
        buurt.weight = std::exp(0.9 * Normal(rng)) * (rng.Chance(0.04) ? 0.02 : 1.0);
        buurt.deprivation = Clamp01(wijk_deprivation + 0.3 * (rng.Unit() - 0.5));
        buurt.price = Clamp01(0.8 - buurt.deprivation + 0.4 * (rng.Unit() - 0.5));
        gm.buurten.push_back(std::move(buurt));
      }
    }
  }
  nation[largest].residents += residents - placed;  // the rounding, in the largest
  // Postcode numbers (1000..9999) run through the country: each gemeente a range of its own,
  // at least one number, in proportion to its buurten; neighbouring buurten share some.
  int buurten = 0;
  for (const SynthGemeente& gm : nation) buurten += static_cast<int>(gm.buurten.size());
  const int shared = 9000 - count;  // what is left after one number per gemeente
  int before = 0;
  for (int g = 0; g < count; ++g) {
    SynthGemeente& gm = nation[g];
    const int n = static_cast<int>(gm.buurten.size());
    const int lo = 1000 + g + static_cast<int>(int64_t{shared} * before / buurten);
    const int hi = 1000 + g + 1 + static_cast<int>(int64_t{shared} * (before + n) / buurten);
    for (int j = 0; j < n; ++j) {
      SynthBuurt& buurt = gm.buurten[j];
      buurt.postcode_base = lo + (hi - lo) * j / n;
      buurt.postcode_spread = std::clamp(hi - buurt.postcode_base, 1, 10);
    }
    before += n;
  }
  return nation;
}

}  // namespace stapel::synth
