#include "synth/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "linker/area_table.h"
#include "linker/csv_reader.h"
#include "linker/dutch_name.h"
#include "linker/geography.h"
#include "linker/linkage.h"
#include "synth/boundaries.h"
#include "linker/text_normalize.h"

namespace stapel {
namespace {

constexpr std::string_view kGemeente = "GM9999";
constexpr std::string_view kGemeenteName = "Stapeldorp";

struct BuurtSpec {
  const char* name;
  int wijk;            // 1-based
  double weight;       // share of residents
  double deprivation;  // 0..1: poverty, debts, social housing
  double price;        // 0..1: expensive owner-occupied housing (mortgage stress)
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

constexpr std::array<const char*, 40> kFirstNames = {
    "Daan",  "Sem",     "Lucas",  "Noah",  "Finn",    "Levi",     "Liam",       "Milan",
    "Bram",  "Thijs",   "Emma",   "Julia", "Mila",    "Tess",     "Sophie",     "Zoë",
    "Anouk", "Sanne",   "Fleur",  "Noor",  "Mohamed", "Ayşe",     "Fatima",     "Yusuf",
    "Elif",  "Mücahit", "Sören",  "José",  "Chloë",   "Inès",     "Jan",        "Piet",
    "Kees",  "Henk",    "Gerrit", "Maria", "Johanna", "Cornelia", "Wilhelmina", "Anna"};

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

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  // Portable draws (std:: distributions differ between standard libraries).
  uint64_t Below(uint64_t n) { return rng_() % n; }
  double Unit() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  std::mt19937_64 rng_;
};

struct Person {
  std::string bsn;
  std::string first_names, surname;
  int year, month, day;
  int buurt;  // index into kBuurten
  std::string postcode;
  std::string street;
  int house_number;
  bool tenant = false;  // named tenant of a housing corporation
  // indicators, in manifest order
  bool youth_care = false, wmo = false, social_assistance = false, rent_arrears = false,
       debts = false;
  bool minor = false;        // under 18 on the reference date (a characteristic, not an indicator)
  bool in_register = false;  // has at least one valid register row
  int register_line = 0;     // line of the first valid register row
  bool valid_tenant_row = false, valid_credit_row = false;
};

std::string MakeBsn(Random& rng, std::set<std::string>& used) {
  while (true) {
    std::string d(9, '0');
    int sum = 0;
    for (int i = 0; i < 8; ++i) {
      d[i] = static_cast<char>('0' + rng.Below(10));
      sum += (9 - i) * (d[i] - '0');
    }
    const int check = sum % 11;
    if (check == 10) continue;
    d[8] = static_cast<char>('0' + check);
    if (d == "000000000" || !used.insert(d).second) continue;
    return d;
  }
}

// A BSN with one digit changed: never passes the eleven-test.
std::string Mistype(Random& rng, const std::string& bsn) {
  std::string bad = bsn;
  const size_t i = rng.Below(9);
  bad[i] = static_cast<char>('0' + (bad[i] - '0' + 1 + rng.Below(9)) % 10);
  return bad;
}

std::string BuurtCode(int b) { return fmt::format("BU9999{:02d}{:02d}", kBuurten[b].wijk, b + 1); }

std::string Flag(bool v) { return v ? "1" : "0"; }

std::string DateVariant(Random& rng, const Person& p) {
  switch (rng.Below(4)) {
    case 0:
      return fmt::format("{:02d}-{:02d}-{:04d}", p.day, p.month, p.year);
    case 1:
      return fmt::format("{:04d}-{:02d}-{:02d}", p.year, p.month, p.day);
    case 2:
      return fmt::format("{}-{}-{:04d}", p.day, p.month, p.year);
    default:
      return fmt::format("{:04d}{:02d}{:02d}", p.year, p.month, p.day);
  }
}

std::string PostcodeVariant(Random& rng, const std::string& pc) {
  switch (rng.Below(3)) {
    case 0:
      return pc;
    case 1:
      return pc.substr(0, 4) + " " + pc.substr(4);
    default:
      return pc.substr(0, 4) + " " + std::string{char(pc[4] + 32), char(pc[5] + 32)};
  }
}

std::string NameVariant(Random& rng, const std::string& name) {
  if (rng.Chance(0.15)) {  // typed in capitals, without accents where a form drops them
    std::string upper;
    for (char c : name) upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    return upper;
  }
  return name;
}

// What the name-based match keys are made of, for every surname part. The generator keeps
// these unique across persons, so the ground truth is what a correct linker finds: a record
// links to its own person and to no other.
std::vector<std::string> KeyTuples(const Person& p) {
  const std::string dob = fmt::format("{:04d}{:02d}{:02d}", p.year, p.month, p.day);
  const std::string initial = *FirstInitial(p.first_names);
  std::vector<std::string> tuples = {fmt::format("3|{}|{}|{}", dob, p.postcode, p.house_number)};
  const std::vector<SurnamePart> parts = *ParseSurname(p.surname);
  for (const SurnamePart& part : parts) {
    tuples.push_back(fmt::format("1|{}|{}|{}", part.name, dob, p.postcode));
    tuples.push_back(fmt::format("2|{}|{}|{}", initial, part.name, dob));
    tuples.push_back(fmt::format("4|{}|{}|{}|{}", initial, part.name, p.postcode, p.house_number));
  }
  return tuples;
}

// Takes the person's key tuples if none is taken yet.
bool ClaimKeys(const Person& p, std::set<std::string>* taken) {
  const std::vector<std::string> tuples = KeyTuples(p);
  for (const auto& t : tuples) {
    if (taken->contains(t)) return false;
  }
  taken->insert(tuples.begin(), tuples.end());
  return true;
}

// Half from the common Dutch (and other) surnames, half composed, for a realistic spread.
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

std::string RandomLetter(Random& rng) {
  return std::string(1, static_cast<char>('a' + rng.Below(26)));
}

// Positions of ASCII letters in `s`.
std::vector<size_t> Letters(const std::string& s) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size(); ++i) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(s[i]))) at.push_back(i);
  }
  return at;
}

// A housing row as typed, before formatting.
struct TypedRow {
  std::string first_names, surname, date, postcode, house;
};

// Types one error of a kind drawn from `mix` into `row` (person `p` is the truth).
void TypeError(Random& rng, const ErrorMix& mix, const Person& p, TypedRow* row) {
  const double weights[] = {
      mix.typo,          mix.transposition, mix.dropped_prefix, mix.swapped_day_month,
      mix.missing_field, mix.married_name,  mix.moved};
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) return;
  double pick = rng.Unit() * total;
  int kind = 0;
  while (kind < 6 && pick >= weights[kind]) pick -= weights[kind++];
  switch (kind) {
    case 0: {  // typo in the surname
      const auto at = Letters(row->surname);
      if (!at.empty()) row->surname[at[rng.Below(at.size())]] = RandomLetter(rng)[0];
      break;
    }
    case 1: {  // transposed letters in the surname or the first name
      std::string& s = rng.Chance(0.5) ? row->surname : row->first_names;
      const auto at = Letters(s);
      if (at.size() >= 2) {
        const size_t i = rng.Below(at.size() - 1);
        if (at[i] + 1 == at[i + 1]) std::swap(s[at[i]], s[at[i + 1]]);
      }
      break;
    }
    case 2: {  // dropped prefix
      for (const char* prefix :
           {"van der ", "van den ", "van 't ", "van ", "de ", "ter ", "ten "}) {
        if (row->surname.starts_with(prefix)) {
          row->surname.erase(0, std::string_view(prefix).size());
          break;
        }
      }
      break;
    }
    case 3:  // day and month swapped
      if (p.day <= 12 && p.day != p.month) {
        row->date = fmt::format("{:02d}-{:02d}-{:04d}", p.month, p.day, p.year);
      }
      break;
    case 4: {  // a field left empty
      std::string* fields[] = {&row->date, &row->postcode, &row->house};
      fields[rng.Below(3)]->clear();
      break;
    }
    case 5:  // married name: the partner's name before the own one
      row->surname = fmt::format("{}-{}", DrawSurname(rng), row->surname);
      break;
    default:  // moved: a new address
      row->postcode = fmt::format("{}{}{}", 5400 + rng.Below(240), char('A' + rng.Below(18)),
                                  char('A' + rng.Below(26)));
      row->house = std::to_string(1 + rng.Below(180));
      break;
  }
}

std::string Csv(std::initializer_list<std::string> fields, char sep) {
  std::string line;
  for (const auto& f : fields) {
    if (!line.empty()) line.push_back(sep);
    line += EscapeCsvField(f);
  }
  return line + "\n";
}

}  // namespace

absl::StatusOr<ErrorMix> ParseErrorMix(std::string_view text) {
  ErrorMix mix{0, 0, 0, 0, 0, 0, 0};
  const std::pair<std::string_view, double*> kinds[] = {
      {"typo", &mix.typo},
      {"transposition", &mix.transposition},
      {"dropped_prefix", &mix.dropped_prefix},
      {"swapped_day_month", &mix.swapped_day_month},
      {"missing_field", &mix.missing_field},
      {"married_name", &mix.married_name},
      {"moved", &mix.moved}};
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    const size_t eq = item.find('=');
    double weight = -1;
    const std::string_view name = item.substr(0, eq);
    if (eq != std::string_view::npos) {
      std::from_chars(item.data() + eq + 1, item.data() + item.size(), weight);
    }
    auto it = std::find_if(std::begin(kinds), std::end(kinds),
                           [&](const auto& k) { return k.first == name; });
    if (it == std::end(kinds) || weight < 0) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' is not kind=weight with a kind of typo, transposition, dropped_prefix, "
                      "swapped_day_month, missing_field, married_name, moved",
                      item));
    }
    *it->second = weight;
    start = end + 1;
  }
  return mix;
}

absl::StatusOr<SynthSummary> GenerateMunicipality(const SynthOptions& o) {
  if (o.residents < 1000 || o.residents > 5000000) {
    return absl::InvalidArgumentError("residents must be from 1000 to 5000000");
  }
  Random rng(o.seed);
  const std::filesystem::path input = o.out / "input", truth = o.out / "truth";
  std::filesystem::create_directories(input);
  std::filesystem::create_directories(truth);
  SynthSummary summary;
  summary.buurten = static_cast<int>(kBuurten.size());
  summary.wijken = static_cast<int>(kWijken.size());

  {  // Geography in CBS's layout.
    std::ofstream areas(input / "areas.csv");
    areas << "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n";
    for (int b = 0; b < static_cast<int>(kBuurten.size()); ++b) {
      areas << Csv(
          {BuurtCode(b), kBuurten[b].name, fmt::format("WK9999{:02d}", kBuurten[b].wijk),
           kWijken[kBuurten[b].wijk - 1], std::string(kGemeente), std::string(kGemeenteName)},
          ',');
    }
    std::vector<DemoBuurt> demo;
    for (int b = 0; b < static_cast<int>(kBuurten.size()); ++b) {
      demo.push_back({BuurtCode(b), kBuurten[b].name, kBuurten[b].wijk});
    }
    std::ofstream(input / "buurten.geojson")
        << DemoBuurtBoundaries(demo, static_cast<int>(kWijken.size())).dump() << "\n";
  }

  double total_weight = 0;
  for (const auto& b : kBuurten) total_weight += b.weight;
  std::vector<Person> persons;
  persons.reserve(o.residents);
  std::set<std::string> bsns, key_tuples;
  std::vector<std::vector<size_t>> households;
  for (int b = 0;
       b < static_cast<int>(kBuurten.size()) && static_cast<int>(persons.size()) < o.residents;
       ++b) {
    const BuurtSpec& spec = kBuurten[b];
    const int target = b + 1 == static_cast<int>(kBuurten.size())
                           ? o.residents - static_cast<int>(persons.size())
                           : static_cast<int>(o.residents * spec.weight / total_weight);
    const int pc_number = 5400 + 10 * b + static_cast<int>(rng.Below(10));
    int placed = 0;
    while (placed < target) {
      // One household: an address, one or two adults, maybe children.
      const std::string postcode =
          fmt::format("{}{}{}", pc_number, char('A' + rng.Below(18)), char('A' + rng.Below(26)));
      const std::string street = rng.Pick(kStreets);
      const int house_number = 1 + static_cast<int>(rng.Below(180));
      const int adults = rng.Chance(0.55) ? 2 : 1;
      const int children = rng.Chance(0.4) ? 1 + static_cast<int>(rng.Below(3)) : 0;
      const bool debts = rng.Chance(0.03 + 0.30 * spec.deprivation + 0.10 * spec.price);
      const bool tenant = rng.Chance(0.15 + 0.65 * spec.deprivation * (1 - spec.price));
      const std::string family = DrawSurname(rng);
      std::vector<size_t> members;
      for (int m = 0; m < adults + children && placed < target; ++m, ++placed) {
        Person p;
        const bool child = m >= adults;
        p.bsn = MakeBsn(rng, bsns);
        p.first_names = rng.Pick(kFirstNames);
        p.surname = (m == 1 && !child && rng.Chance(0.5)) ? DrawSurname(rng) : family;
        p.buurt = b;
        p.postcode = postcode;
        p.street = street;
        p.house_number = house_number;
        p.minor = child;
        const int age =
            child ? static_cast<int>(rng.Below(18)) : 18 + static_cast<int>(rng.Below(72));
        for (int attempt = 0;; ++attempt) {  // keys must identify one person (see KeyTuples)
          p.year = 2025 - age - (rng.Chance(0.5) ? 1 : 0);  // born by the end of 2025
          p.month = 1 + static_cast<int>(rng.Below(12));
          p.day = 1 + static_cast<int>(rng.Below(28));
          if (ClaimKeys(p, &key_tuples)) break;
          if (attempt % 4 == 3) p.first_names = rng.Pick(kFirstNames);
        }
        p.tenant = m == 0 && tenant;
        p.debts = !child && debts && (m == 0 || rng.Chance(0.6));
        p.rent_arrears = p.tenant && rng.Chance(0.03 + (debts ? 0.35 : 0.0));
        p.youth_care = child && rng.Chance(0.04 + 0.10 * debts + 0.05 * spec.deprivation);
        p.wmo = (!child && age >= 65 && rng.Chance(0.08 + 0.10 * spec.deprivation)) ||
                (!child && rng.Chance(0.01)) ||
                (child && rng.Chance(0.006));  // aids or a home adaptation for a child
        p.social_assistance =
            !child && age < 67 && rng.Chance(0.01 + 0.12 * spec.deprivation + 0.08 * debts);
        members.push_back(persons.size());
        persons.push_back(std::move(p));
      }
      households.push_back(std::move(members));
    }
  }
  summary.residents = static_cast<int>(persons.size());

  // The municipality's population register with youth care, Wmo and social assistance.
  std::ofstream reg(input / "municipality.csv"), reg_truth(truth / "municipality_rows.csv");
  reg << "bsn;voornamen;achternaam;geboortedatum;straat;huisnummer;postcode;buurtcode;jeugdzorg;"
         "wmo;"
         "bijstand;minderjarig\n";
  reg_truth << "line,person,valid\n";
  int line = 1;
  for (size_t i = 0; i < persons.size(); ++i) {
    Person& p = persons[i];
    const int copies = rng.Chance(0.01) ? 2 : 1;
    summary.duplicate_rows += copies - 1;
    for (int c = 0; c < copies; ++c) {
      std::string bsn = p.bsn, date = DateVariant(rng, p), buurt = BuurtCode(p.buurt),
                  youth = Flag(p.youth_care);
      bool valid = true;
      if (rng.Chance(0.015)) {  // a few per cent invalid rows, of four kinds
        valid = false;
        switch (rng.Below(4)) {
          case 0:
            bsn = Mistype(rng, bsn);
            break;
          case 1:
            date = fmt::format("31-02-{}", p.year);
            break;
          case 2:
            buurt = buurt.substr(0, 9);
            break;
          default:
            youth = "?";
            break;
        }
      }
      p.in_register = p.in_register || valid;
      ++line;
      if (valid && p.register_line == 0) p.register_line = line;
      reg << Csv({bsn, NameVariant(rng, p.first_names), p.surname, date, p.street,
                  std::to_string(p.house_number), PostcodeVariant(rng, p.postcode), buurt, youth,
                  Flag(p.wmo), Flag(p.social_assistance), Flag(p.minor)},
                 ';');
      reg_truth << fmt::format("{},{},{}\n", line, i, valid ? 1 : 0);
      summary.invalid_rows += !valid;
      ++summary.register_rows;
    }
  }

  // The housing corporation: its tenants, no BSN, with rent arrears.
  std::ofstream housing(input / "housing.csv"), housing_truth(truth / "housing_rows.csv"),
      housing_pairs(truth / "housing_pairs.csv");
  housing_pairs << "source_line,register_line\n";
  housing << "voornaam,achternaam,geboortedatum,postcode,huisnummer,huurachterstand\n";
  housing_truth << "line,person,valid\n";
  line = 1;
  auto tenant_row = [&](const Person& p, long person, bool arrears) {
    TypedRow typed{NameVariant(rng, p.first_names), NameVariant(rng, p.surname),
                   DateVariant(rng, p), PostcodeVariant(rng, p.postcode),
                   std::to_string(p.house_number)};
    bool valid = true;
    if (rng.Chance(0.01)) {
      valid = false;
      if (rng.Chance(0.5)) {
        typed.postcode = "12345";
      } else {
        typed.date = fmt::format("{}-13-{}", p.day, p.year);
      }
    } else if (person >= 0 && rng.Chance(o.error_rate)) {
      TypeError(rng, o.error_mix, p, &typed);
      if (rng.Chance(0.1)) TypeError(rng, o.error_mix, p, &typed);
      ++summary.rows_with_errors;
    }
    ++line;
    housing << Csv({typed.first_names, typed.surname, typed.date, typed.postcode, typed.house,
                    arrears ? "ja" : "nee"},
                   ',');
    housing_truth << fmt::format("{},{},{}\n", line, person, valid ? 1 : 0);
    if (valid && p.register_line > 0)
      housing_pairs << fmt::format("{},{}\n", line, p.register_line);
    summary.invalid_rows += !valid;
    ++summary.housing_rows;
    return valid;
  };
  for (size_t i = 0; i < persons.size(); ++i) {
    Person& p = persons[i];
    if (!p.tenant) continue;
    p.valid_tenant_row = tenant_row(p, static_cast<long>(i), p.rent_arrears);
  }
  for (int extra = 0; extra < summary.housing_rows / 50; ++extra) {  // tenants who moved away
    Person away;
    do {
      away.first_names = rng.Pick(kFirstNames);
      away.surname = DrawSurname(rng);
      away.year = 1950 + static_cast<int>(rng.Below(50));
      away.month = 1 + static_cast<int>(rng.Below(12));
      away.day = 1 + static_cast<int>(rng.Below(28));
      away.postcode = fmt::format("{}ZZ", 6000 + rng.Below(3000));
      away.house_number = 1 + static_cast<int>(rng.Below(100));
    } while (!ClaimKeys(away, &key_tuples));
    tenant_row(away, -1, rng.Chance(0.3));
  }

  // The credit registry: one row per debt registration, by BSN.
  std::ofstream credit(input / "credit.csv"), credit_truth(truth / "credit_rows.csv");
  credit << "bsn,registratiedatum,schuld\n";
  credit_truth << "line,person,valid\n";
  line = 1;
  auto credit_row = [&](const std::string& bsn, long person) {
    std::string shown = bsn;
    bool valid = true;
    if (rng.Chance(0.01)) {
      valid = false;
      shown = Mistype(rng, bsn);
    } else if (rng.Chance(0.2)) {
      shown = bsn.substr(0, 4) + "." + bsn.substr(4, 2) + "." + bsn.substr(6);
    } else if (bsn[0] == '0' && rng.Chance(0.5)) {
      shown = bsn.substr(1);  // a spreadsheet dropped the leading zero
    }
    ++line;
    credit << Csv(
        {shown, fmt::format("20{:02d}-{:02d}-01", 15 + rng.Below(11), 1 + rng.Below(12)), "1"},
        ',');
    credit_truth << fmt::format("{},{},{}\n", line, person, valid ? 1 : 0);
    summary.invalid_rows += !valid;
    ++summary.credit_rows;
    return valid;
  };
  for (size_t i = 0; i < persons.size(); ++i) {
    Person& p = persons[i];
    if (!p.debts) continue;
    const int registrations = 1 + static_cast<int>(rng.Below(3));
    summary.duplicate_rows += registrations - 1;
    for (int r = 0; r < registrations; ++r) {
      p.valid_credit_row = credit_row(p.bsn, static_cast<long>(i)) || p.valid_credit_row;
    }
  }
  for (int extra = 0; extra < summary.credit_rows / 30; ++extra) {  // debtors living elsewhere
    credit_row(MakeBsn(rng, bsns), -1);
  }

  // Ground truth: every resident, and the table a correct system computes from valid rows.
  std::ofstream persons_out(truth / "persons.csv");
  persons_out
      << "person,bsn,buurt,in_register,youth_care,wmo,social_assistance,rent_arrears,debts\n";
  std::vector<LinkedPerson> linked;
  std::map<std::string, uint32_t> household_of_address;  // as the hub groups them
  std::vector<std::string> buurt_codes;
  for (int b = 0; b < static_cast<int>(kBuurten.size()); ++b) buurt_codes.push_back(BuurtCode(b));
  for (size_t i = 0; i < persons.size(); ++i) {
    const Person& p = persons[i];
    persons_out << fmt::format("{},{},{},{},{},{},{},{},{}\n", i, p.bsn, BuurtCode(p.buurt),
                               int(p.in_register), int(p.youth_care), int(p.wmo),
                               int(p.social_assistance), int(p.rent_arrears), int(p.debts));
    if (!p.in_register) continue;
    const bool arrears = p.rent_arrears && p.valid_tenant_row;
    const bool debts = p.debts && p.valid_credit_row;
    const uint32_t household = household_of_address
                                   .try_emplace(fmt::format("{}|{}", p.postcode, p.house_number),
                                                static_cast<uint32_t>(household_of_address.size()))
                                   .first->second;
    const uint64_t indicators = uint64_t(p.youth_care) | uint64_t(p.wmo) << 1 |
                                uint64_t(p.social_assistance) << 2 | uint64_t(arrears) << 3 |
                                uint64_t(debts) << 4 | uint64_t(p.minor) << 5;
    linked.push_back({static_cast<uint32_t>(p.buurt), indicators, household});
  }
  auto geography = Geography::LoadCsv(input / "areas.csv");
  if (!geography.ok()) return geography.status();
  Manifest manifest;  // the demo's attributes, in the demo manifest's order
  manifest.parties.push_back(
      {.id = "municipality",
       .attributes = {"youth_care", "wmo", "social_assistance", "rent_arrears", "debts"},
       .characteristics = {"minor"}});
  const BuurtCounts counts = CountByBuurt(linked, buurt_codes, *geography);
  const AreaTable table = BuildTable(StackingTableSpec(manifest, true), counts, *geography);
  std::ofstream(truth / "true_table.json") << table.ToJson().dump(1) << "\n";
  std::ofstream(truth / "true_table.csv") << table.ToCsv();
  std::ofstream(truth / "true_counts.json") << BuurtCountsToJson(counts).dump() << "\n";
  return summary;
}

}  // namespace stapel
