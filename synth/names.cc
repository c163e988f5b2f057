#include "synth/names.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <string_view>

namespace stapel::synth {
namespace {

constexpr std::array<const char*, 40> kFirstNames = {
    "Daan",  "Sem",     "Lucas",  "Noah",  "Finn",    "Levi",     "Liam",       "Milan",
    "Bram",  "Thijs",   "Emma",   "Julia", "Mila",    "Tess",     "Sophie",     "Zoë",
    "Anouk", "Sanne",   "Fleur",  "Noor",  "Mohamed", "Ayşe",     "Fatima",     "Yusuf",
    "Elif",  "Mücahit", "Sören",  "José",  "Chloë",   "Inès",     "Jan",        "Piet",
    "Kees",  "Henk",    "Gerrit", "Maria", "Johanna", "Cornelia", "Wilhelmina", "Anna"};
// The women's names among them.
constexpr std::array<std::string_view, 20> kWomensNames = {
    "Emma",  "Julia", "Mila",    "Tess",     "Sophie",     "Zoë",  "Anouk",
    "Sanne", "Fleur", "Noor",    "Ayşe",     "Fatima",     "Elif", "Chloë",
    "Inès",  "Maria", "Johanna", "Cornelia", "Wilhelmina", "Anna"};

constexpr std::array<const char*, 40> kSurnames = {
    "de Jong",      "Jansen",     "de Vries", "van den Berg",   "van Dijk",        "Bakker",
    "Janssen",      "Visser",     "Smit",     "Meijer",         "de Boer",         "Mulder",
    "de Groot",     "Bos",        "Vos",      "Peters",         "Hendriks",        "van Leeuwen",
    "Dekker",       "Brouwer",    "de Wit",   "Dijkstra",       "Smits",           "de Graaf",
    "van der Meer", "van 't Hof", "Müller",   "Çelik",          "Yılmaz",          "El Amrani",
    "Nguyen",       "Öztürk",     "Kuijpers", "van der Linden", "Jansen-de Vries", "Schröder",
    "Ter Horst",    "Verbeek",    "Willems",  "Coşkun"};

constexpr std::array<const char*, 16> kStreets = {
    "Kerkstraat",  "Molenweg",   "Schoolstraat",   "Dorpsstraat",
    "Stationsweg", "Beukenlaan", "Julianastraat",  "Wilhelminalaan",
    "Marktplein",  "Eikenlaan",  "Sint Janstraat", "Burgemeester de Kockstraat",
    "'t Zand",     "Heuvelrug",  "Lindenhof",      "Kastanjelaan"};

}  // namespace

std::string DrawFirstName(Random& rng) { return rng.Pick(kFirstNames); }

std::string DrawFirstName(Random& rng, std::string_view sex) {
  while (true) {
    std::string name = rng.Pick(kFirstNames);
    if (SexOfFirstName(name) == sex) return name;
  }
}

std::string_view SexOfFirstName(std::string_view name) {
  return std::ranges::find(kWomensNames, name) != kWomensNames.end() ? "V" : "M";
}

std::string DrawStreet(Random& rng) { return rng.Pick(kStreets); }

std::string StreetOf(std::string_view postcode) {
  return kStreets[std::hash<std::string_view>{}(postcode) % kStreets.size()];
}

std::string DrawSurname(Random& rng) {
  static constexpr std::array<const char*, 6> kPrefixes = {"",    "",         "van ",
                                                           "de ", "van der ", "ter "};
  static constexpr std::array<const char*, 24> kStems = {
      "Berg",   "Bos",   "Dijk",   "Meer",  "Veen",  "Hof",   "Broek", "Kamp",
      "Heuvel", "Linde", "Wijk",   "Beek",  "Haar",  "Donk",  "Laar",  "Gaal",
      "Hoek",   "Molen", "Schouw", "Kruis", "Velde", "Brink", "Hulst", "Roo"};
  static constexpr std::array<const char*, 10> kSuffixes = {"",     "s",    "man", "er",  "ink",
                                                            "huis", "stra", "ing", "sma", "en"};
  if (rng.Chance(0.5)) return rng.Pick(kSurnames);
  return fmt::format("{}{}{}", rng.Pick(kPrefixes), rng.Pick(kStems), rng.Pick(kSuffixes));
}

}  // namespace stapel::synth
