#include "synth/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "linker/linkage.h"
#include "records/csv_reader.h"
#include "records/dutch_name.h"
#include "records/text_normalize.h"
#include "synth/areas.h"
#include "synth/boundaries.h"
#include "synth/names.h"
#include "synth/random.h"
#include "synth/typed_errors.h"
#include "tables/area_table.h"
#include "tables/geography.h"

namespace stapel {
namespace {

using synth::DrawFirstName;
using synth::SynthBuurt;
using synth::SynthGemeente;
using synth::DrawSurname;
using synth::Random;
using synth::TypedRow;
using synth::TypeError;

// What an export row carries of a person's birth date and postcode: a field whose value is
// invalid the agent leaves out of the row's keys, as if the row left it empty.
struct Carried {
  bool birth_date = true, postcode = true;
};

struct Person {
  std::string bsn;
  std::string first_names, surname;
  int year, month, day;
  int buurt;  // index into its gemeente's buurten
  std::string postcode;
  std::string street;
  int house_number;
  bool tenant = false;  // named tenant of a housing corporation
  // indicators, in manifest order
  bool youth_care = false, wmo = false, social_assistance = false, rent_arrears = false,
       debts = false;
  bool minor = false;        // under 18 on the reference date (a characteristic, not an indicator)
  bool in_register = false;  // has at least one register row the agent sends
  int register_line = 0;     // line of the first of them
  Carried registered = {.birth_date = false, .postcode = false};  // what they carry together
  bool linked_tenant_row = false;  // has a housing row that is a true pair (see HousingExport)
  bool valid_credit_row = false;
};

// Every BSN given out, also to people living elsewhere: one bit per nine-digit number (125 MB,
// whatever the population; a set of strings would take 1.5 GB at national scale).
using BsnsUsed = std::vector<bool>;
BsnsUsed NoBsnsUsed() { return BsnsUsed(1'000'000'000, false); }

std::string MakeBsn(Random& rng, BsnsUsed& used) {
  while (true) {
    std::string d(9, '0');
    int sum = 0;
    size_t number = 0;  // the digits as a number, the bit to mark
    for (int i = 0; i < 8; ++i) {
      d[i] = static_cast<char>('0' + rng.Below(10));
      sum += (9 - i) * (d[i] - '0');
      number = number * 10 + static_cast<size_t>(d[i] - '0');
    }
    const int check = sum % 11;
    if (check == 10) continue;
    d[8] = static_cast<char>('0' + check);
    number = number * 10 + static_cast<size_t>(check);
    if (number == 0 || used[number]) continue;
    used[number] = true;
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

std::string Flag(bool v) { return v ? "1" : "0"; }

// The given name a person goes by, the first (SynthOptions::several_given_names).
std::string CallName(const Person& p) { return p.first_names.substr(0, p.first_names.find(' ')); }

// The person's sex as registers write it (M or V): the one their first given name goes with
// (no draw, so the rest of the data stay as they were).
std::string SexOf(const Person& p) { return std::string(synth::SexOfFirstName(CallName(p))); }

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

// What the name-based match keys are made of, for every surname part (of a row that carries
// `c`). The generator keeps these unique across persons, so the ground truth is what a correct
// linker finds: a record links to its own person and to no other.
std::vector<std::string> KeyTuples(const Person& p, Carried c = {}) {
  const std::string dob = fmt::format("{:04d}{:02d}{:02d}", p.year, p.month, p.day);
  const std::string initial = *FirstInitial(p.first_names);
  std::vector<std::string> tuples;
  if (c.birth_date && c.postcode) {
    tuples.push_back(fmt::format("3|{}|{}|{}", dob, p.postcode, p.house_number));
  }
  const std::vector<SurnamePart> parts = *ParseSurname(p.surname);
  for (const SurnamePart& part : parts) {
    if (c.birth_date && c.postcode) {
      tuples.push_back(fmt::format("1|{}|{}|{}", part.name, dob, p.postcode));
    }
    if (c.birth_date) tuples.push_back(fmt::format("2|{}|{}|{}", initial, part.name, dob));
    if (c.postcode) {
      tuples.push_back(
          fmt::format("4|{}|{}|{}|{}", initial, part.name, p.postcode, p.house_number));
    }
  }
  return tuples;
}

// Whether a source row of `p` that carries `row` shares a name-based match key with p's register
// rows: the true pairs are those a correct linker finds.
bool LinksToRegister(const Person& p, Carried row) {
  if (p.register_line == 0) return false;
  const std::vector<std::string> registered = KeyTuples(p, p.registered);
  const std::vector<std::string> own = KeyTuples(p, row);
  return std::any_of(own.begin(), own.end(), [&](const std::string& t) {
    return std::find(registered.begin(), registered.end(), t) != registered.end();
  });
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

std::string Csv(std::initializer_list<std::string> fields, char sep) {
  std::string line;
  for (const auto& f : fields) line += EscapeCsvField(f) + sep;  // an empty first field too
  line.back() = '\n';
  return line;
}

// Geography in CBS's layout; boundaries for the demo municipality only.
void WriteGeography(const std::filesystem::path& input, const std::vector<SynthGemeente>& areas) {
  std::ofstream out(input / "areas.csv");
  out << "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n";
  for (const SynthGemeente& g : areas) {
    for (const SynthBuurt& b : g.buurten) {
      out << Csv({b.code, b.name, b.wijk_code, b.wijk_name, g.code, g.name}, ',');
    }
  }
  if (areas.size() != 1) return;
  std::vector<DemoBuurt> demo;
  for (const SynthBuurt& b : areas[0].buurten) demo.push_back({b.code, b.name, b.wijk});
  std::ofstream(input / "buurten.geojson")
      << DemoBuurtBoundaries(demo, areas[0].wijken).dump() << "\n";
}

// The residents of one gemeente, and what its exports must keep unique.
struct Town {
  const SynthGemeente* gemeente = nullptr;
  std::vector<Person> persons;
  std::set<std::string> key_tuples;  // taken (see ClaimKeys)
};

// One household: an address, one or two adults, maybe children.
struct Household {
  std::string postcode;
  std::string street;
  int house_number;
  int adults, children;
  bool debts, tenant;
  std::string family;  // the surname of the first adult and the children
};

Household DrawHousehold(Random& rng, int pc_number, const SynthBuurt& spec) {
  Household h;
  h.postcode =
      fmt::format("{}{}{}", pc_number, char('A' + rng.Below(18)), char('A' + rng.Below(26)));
  h.street = synth::DrawStreet(rng);
  h.house_number = 1 + static_cast<int>(rng.Below(180));
  h.adults = rng.Chance(0.55) ? 2 : 1;
  h.children = rng.Chance(0.4) ? 1 + static_cast<int>(rng.Below(3)) : 0;
  h.debts = rng.Chance(0.03 + 0.30 * spec.deprivation + 0.10 * spec.price);
  h.tenant = rng.Chance(0.15 + 0.65 * spec.deprivation * (1 - spec.price));
  h.family = DrawSurname(rng);
  return h;
}

// Member `m` of household `h` in buurt `b`: adults first, then the children.
Person DrawMember(Random& rng, const Household& h, int b, int m, Town* town, BsnsUsed& bsns) {
  const SynthBuurt& spec = town->gemeente->buurten[b];
  Person p;
  const bool child = m >= h.adults;
  p.bsn = MakeBsn(rng, bsns);
  p.first_names = DrawFirstName(rng);
  p.surname = (m == 1 && !child && rng.Chance(0.5)) ? DrawSurname(rng) : h.family;
  p.buurt = b;
  p.postcode = h.postcode;
  p.street = h.street;
  p.house_number = h.house_number;
  p.minor = child;
  const int age = child ? static_cast<int>(rng.Below(18)) : 18 + static_cast<int>(rng.Below(72));
  for (int attempt = 0;; ++attempt) {  // keys must identify one person (see KeyTuples)
    p.year = 2025 - age - (rng.Chance(0.5) ? 1 : 0);  // born by the end of 2025
    p.month = 1 + static_cast<int>(rng.Below(12));
    p.day = 1 + static_cast<int>(rng.Below(28));
    if (ClaimKeys(p, &town->key_tuples)) break;
    if (attempt % 4 == 3) p.first_names = DrawFirstName(rng);
  }
  p.tenant = m == 0 && h.tenant;
  p.debts = !child && h.debts && (m == 0 || rng.Chance(0.6));
  p.rent_arrears = p.tenant && rng.Chance(0.03 + (h.debts ? 0.35 : 0.0));
  p.youth_care = child && rng.Chance(0.04 + 0.10 * h.debts + 0.05 * spec.deprivation);
  p.wmo = (!child && age >= 65 && rng.Chance(0.08 + 0.10 * spec.deprivation)) ||
          (!child && rng.Chance(0.01)) ||
          (child && rng.Chance(0.006));  // aids or a home adaptation for a child
  p.social_assistance =
      !child && age < 67 && rng.Chance(0.01 + 0.12 * spec.deprivation + 0.08 * h.debts);
  return p;
}

// The gemeente's residents, household by household, buurt by buurt in proportion to their
// weights.
Town DrawResidents(Random& rng, const SynthGemeente& gemeente, BsnsUsed& bsns) {
  const std::vector<SynthBuurt>& buurten = gemeente.buurten;
  const int residents = gemeente.residents;
  double total_weight = 0;
  for (const auto& b : buurten) total_weight += b.weight;
  Town town;
  town.gemeente = &gemeente;
  std::vector<Person>& persons = town.persons;
  persons.reserve(residents);
  for (int b = 0; b < static_cast<int>(buurten.size()) && static_cast<int>(persons.size()) < residents;
       ++b) {
    const SynthBuurt& spec = buurten[b];
    const int target = b + 1 == static_cast<int>(buurten.size())
                           ? residents - static_cast<int>(persons.size())
                           : static_cast<int>(residents * spec.weight / total_weight);
    const int pc_number =
        spec.postcode_base + static_cast<int>(rng.Below(static_cast<uint64_t>(spec.postcode_spread)));
    int placed = 0;
    while (placed < target) {
      const Household h = DrawHousehold(rng, pc_number, spec);
      for (int m = 0; m < h.adults + h.children && placed < target; ++m, ++placed) {
        Person p = DrawMember(rng, h, b, m, &town, bsns);
        persons.push_back(std::move(p));
      }
    }
  }
  return town;
}

// One or two more given names for about two in three persons, after the first (which the keys
// use) and of its sex, from a draw of their own (seeded by the BSN's number): the rest of the
// data stay as they were.
void AddGivenNames(uint64_t seed, Town* town) {
  for (Person& p : town->persons) {
    Random rng(seed * 0x9E3779B97F4A7C15ULL + std::stoull(p.bsn));
    const int more = rng.Chance(0.35) ? 0 : rng.Chance(0.7) ? 1 : 2;
    for (int i = 0; i < more; ++i) {
      const std::string name = DrawFirstName(rng, SexOf(p));
      if (!absl::StrContains(" " + p.first_names + " ", " " + name + " ")) {
        p.first_names += " " + name;
      }
    }
  }
}

// The municipality's population register with youth care, Wmo and social assistance (the
// register of every gemeente, in one file).
class RegisterExport {
 public:
  RegisterExport(const std::filesystem::path& input, const std::filesystem::path& truth,
                 SynthSummary* summary)
      : summary_(summary),
        reg_(input / "municipality.csv"),
        reg_truth_(truth / "municipality_rows.csv") {
    reg_ << "bsn;voornamen;achternaam;geboortedatum;straat;huisnummer;postcode;buurtcode;"
            "jeugdzorg;wmo;bijstand;minderjarig;geslacht\n";
    reg_truth_ << "line,person,valid\n";
  }

  // The rows of the town's residents, the first of them person number `first_person`.
  void Write(Random& rng, Town* town, long first_person) {
    for (size_t i = 0; i < town->persons.size(); ++i) {
      Person& p = town->persons[i];
      const int copies = rng.Chance(0.01) ? 2 : 1;
      summary_->duplicate_rows += copies - 1;
      for (int c = 0; c < copies; ++c) {
        std::string bsn = p.bsn, date = DateVariant(rng, p),
                    buurt = town->gemeente->buurten[p.buurt].code, youth = Flag(p.youth_care);
        bool valid = true;  // the agent sends the row
        Carried carried;
        if (rng.Chance(0.015)) {  // a few per cent invalid values, of four kinds
          switch (rng.Below(4)) {
            case 0:  // the register's identifying key: the agent rejects the row
              valid = false;
              bsn = Mistype(rng, bsn);
              break;
            case 1:  // left out by the agent; the row is sent without it
              carried.birth_date = false;
              ++summary_->incomplete_rows;
              date = fmt::format("31-02-{}", p.year);
              break;
            case 2:  // the row's data (here and below): the agent rejects the row
              valid = false;
              buurt = buurt.substr(0, 9);
              break;
            default:
              valid = false;
              youth = "?";
              break;
          }
        }
        p.in_register = p.in_register || valid;
        ++line_;
        if (valid) {
          if (p.register_line == 0) p.register_line = line_;
          p.registered.birth_date = p.registered.birth_date || carried.birth_date;
          p.registered.postcode = p.registered.postcode || carried.postcode;
        }
        reg_ << Csv({bsn, NameVariant(rng, p.first_names), p.surname, date, p.street,
                     std::to_string(p.house_number), PostcodeVariant(rng, p.postcode), buurt,
                     youth, Flag(p.wmo), Flag(p.social_assistance), Flag(p.minor), SexOf(p)},
                    ';');
        reg_truth_ << fmt::format("{},{},{}\n", line_, first_person + static_cast<long>(i),
                                  valid ? 1 : 0);
        summary_->invalid_rows += !valid;
        ++summary_->register_rows;
      }
    }
  }

 private:
  SynthSummary* summary_;
  std::ofstream reg_, reg_truth_;
  int line_ = 1;
};

// The housing corporation's export and its truth files, one row at a time.
class HousingExport {
 public:
  HousingExport(Random& rng, const SynthOptions& o, const std::filesystem::path& input,
                const std::filesystem::path& truth, SynthSummary* summary)
      : rng_(rng),
        o_(o),
        summary_(summary),
        housing_(input / "housing.csv"),
        housing_truth_(truth / "housing_rows.csv"),
        housing_pairs_(truth / "housing_pairs.csv") {
    housing_pairs_ << "source_line,register_line\n";
    housing_ << "voornaam,achternaam,geboortedatum,postcode,huisnummer,straat,geslacht,"
                "huurachterstand\n";
    housing_truth_ << "line,person,valid\n";
  }

  // Writes a row for `p` (`person` is its index, -1 for someone living elsewhere) with its
  // dirt: a few rows with an invalid postcode or birth date (which the agent leaves out), and
  // typed errors in the rows of residents. True if the row is a true pair: a row of a resident
  // in the register, unless what the agent leaves out leaves it no key to link on.
  bool Row(const Person& p, long person, bool arrears) {
    TypedRow typed{NameVariant(rng_, CallName(p)),
                   NameVariant(rng_, p.surname),
                   DateVariant(rng_, p),
                   PostcodeVariant(rng_, p.postcode),
                   std::to_string(p.house_number),
                   p.street,
                   p.first_names,
                   SexOf(p)};
    Carried carried;
    if (rng_.Chance(0.01)) {
      ++summary_->incomplete_rows;
      if (rng_.Chance(0.5)) {
        carried.postcode = false;
        typed.postcode = "12345";
      } else {
        carried.birth_date = false;
        typed.date = fmt::format("{}-13-{}", p.day, p.year);
      }
    } else if (person >= 0 && rng_.Chance(o_.error_rate)) {
      TypeError(rng_, o_.error_mix, p.year, p.month, p.day, &typed);
      if (rng_.Chance(o_.second_error_rate)) {
        TypeError(rng_, o_.error_mix, p.year, p.month, p.day, &typed);
        if (o_.third_error_rate > 0 && rng_.Chance(o_.third_error_rate)) {
          TypeError(rng_, o_.error_mix, p.year, p.month, p.day, &typed);
        }
      }
      ++summary_->rows_with_errors;
    }
    ++line_;
    housing_ << Csv({typed.first_names, typed.surname, typed.date, typed.postcode, typed.house,
                     typed.street, typed.sex, arrears ? "ja" : "nee"},
                    ',');
    // Valid: no row is made to be rejected (typed errors are not judged: some leave nothing).
    housing_truth_ << fmt::format("{},{},1\n", line_, person);
    const bool pair = LinksToRegister(p, carried);
    if (pair) housing_pairs_ << fmt::format("{},{}\n", line_, p.register_line);
    ++summary_->housing_rows;
    return pair;
  }

 private:
  Random& rng_;
  const SynthOptions& o_;
  SynthSummary* summary_;
  std::ofstream housing_, housing_truth_, housing_pairs_;
  int line_ = 1;
};

// A former tenant who moved away: not a resident, with keys of its own.
Person DrawFormerTenant(Random& rng, std::set<std::string>* key_tuples) {
  Person away;
  do {
    away.first_names = DrawFirstName(rng);
    away.surname = DrawSurname(rng);
    away.year = 1950 + static_cast<int>(rng.Below(50));
    away.month = 1 + static_cast<int>(rng.Below(12));
    away.day = 1 + static_cast<int>(rng.Below(28));
    away.postcode = fmt::format("{}ZZ", 6000 + rng.Below(3000));
    away.house_number = 1 + static_cast<int>(rng.Below(100));
  } while (!ClaimKeys(away, key_tuples));
  away.street = synth::StreetOf(away.postcode);
  return away;
}

// The housing corporation: its tenants, no BSN, with rent arrears.
void WriteHousing(Random& rng, HousingExport* housing, Town* town, long first_person,
                  SynthSummary* summary) {
  const int rows_before = summary->housing_rows;
  for (size_t i = 0; i < town->persons.size(); ++i) {
    Person& p = town->persons[i];
    if (!p.tenant) continue;
    p.linked_tenant_row = housing->Row(p, first_person + static_cast<long>(i), p.rent_arrears);
  }
  // Tenants who moved away.
  for (int extra = 0; extra < (summary->housing_rows - rows_before) / 50; ++extra) {
    const Person away = DrawFormerTenant(rng, &town->key_tuples);
    housing->Row(away, -1, rng.Chance(0.3));
  }
}

// The credit registry's export and its truth file, one row at a time.
class CreditExport {
 public:
  CreditExport(Random& rng, const std::filesystem::path& input, const std::filesystem::path& truth,
               SynthSummary* summary)
      : rng_(rng),
        summary_(summary),
        credit_(input / "credit.csv"),
        credit_truth_(truth / "credit_rows.csv") {
    credit_ << "bsn,registratiedatum,schuld\n";
    credit_truth_ << "line,person,valid\n";
  }

  // Writes a registration of `bsn` (`person` is its index, -1 for someone living elsewhere)
  // with its dirt: a few mistyped BSNs, and formatting variants. False if invalid.
  bool Row(const std::string& bsn, long person) {
    std::string shown = bsn;
    bool valid = true;
    if (rng_.Chance(0.01)) {
      valid = false;
      shown = Mistype(rng_, bsn);
    } else if (rng_.Chance(0.2)) {
      shown = bsn.substr(0, 4) + "." + bsn.substr(4, 2) + "." + bsn.substr(6);
    } else if (bsn[0] == '0' && rng_.Chance(0.5)) {
      shown = bsn.substr(1);  // a spreadsheet dropped the leading zero
    }
    ++line_;
    credit_ << Csv(
        {shown, fmt::format("20{:02d}-{:02d}-01", 15 + rng_.Below(11), 1 + rng_.Below(12)), "1"},
        ',');
    credit_truth_ << fmt::format("{},{},{}\n", line_, person, valid ? 1 : 0);
    summary_->invalid_rows += !valid;
    ++summary_->credit_rows;
    return valid;
  }

 private:
  Random& rng_;
  SynthSummary* summary_;
  std::ofstream credit_, credit_truth_;
  int line_ = 1;
};

// The credit registry: one row per debt registration, by BSN.
void WriteCredit(Random& rng, CreditExport* credit, Town* town, long first_person, BsnsUsed& bsns,
                 SynthSummary* summary) {
  const int rows_before = summary->credit_rows;
  for (size_t i = 0; i < town->persons.size(); ++i) {
    Person& p = town->persons[i];
    if (!p.debts) continue;
    const int registrations = 1 + static_cast<int>(rng.Below(3));
    summary->duplicate_rows += registrations - 1;
    for (int r = 0; r < registrations; ++r) {
      p.valid_credit_row =
          credit->Row(p.bsn, first_person + static_cast<long>(i)) || p.valid_credit_row;
    }
  }
  // Debtors living elsewhere.
  for (int extra = 0; extra < (summary->credit_rows - rows_before) / 30; ++extra) {
    credit->Row(MakeBsn(rng, bsns), -1);
  }
}

// truth/persons.csv (every resident), and the residents in the register as the hub links
// them: the indicators of their valid rows, grouped in households by address.
class PersonsTruth {
 public:
  explicit PersonsTruth(const std::filesystem::path& truth) : persons_out_(truth / "persons.csv") {
    persons_out_
        << "person,bsn,buurt,in_register,youth_care,wmo,social_assistance,rent_arrears,debts\n";
  }

  // The town's residents, after its exports are written; they are numbered on from the last.
  void Add(const Town& town) {
    const uint32_t first_buurt = static_cast<uint32_t>(buurt_codes_.size());
    for (const SynthBuurt& b : town.gemeente->buurten) buurt_codes_.push_back(b.code);
    std::map<std::string, uint32_t> household_of_address;  // as the hub groups them
    for (const Person& p : town.persons) {
      persons_out_ << fmt::format("{},{},{},{},{},{},{},{},{}\n", persons_++, p.bsn,
                                  town.gemeente->buurten[p.buurt].code, int(p.in_register),
                                  int(p.youth_care), int(p.wmo), int(p.social_assistance),
                                  int(p.rent_arrears), int(p.debts));
      if (!p.in_register) continue;
      const bool arrears = p.rent_arrears && p.linked_tenant_row;
      const bool debts = p.debts && p.valid_credit_row;
      const uint32_t household =
          households_ + household_of_address
                            .try_emplace(fmt::format("{}|{}", p.postcode, p.house_number),
                                         static_cast<uint32_t>(household_of_address.size()))
                            .first->second;
      const uint64_t indicators = uint64_t(p.youth_care) | uint64_t(p.wmo) << 1 |
                                  uint64_t(p.social_assistance) << 2 | uint64_t(arrears) << 3 |
                                  uint64_t(debts) << 4 | uint64_t(p.minor) << 5;
      linked_.push_back({first_buurt + static_cast<uint32_t>(p.buurt), indicators, household});
    }
    households_ += static_cast<uint32_t>(household_of_address.size());
  }

  // The table a correct system computes from the valid rows, and its counts per buurt.
  absl::Status WriteTrueTable(const std::filesystem::path& input,
                              const std::filesystem::path& truth) const {
    auto geography = Geography::LoadCsv(input / "areas.csv");
    if (!geography.ok()) return geography.status();
    Manifest manifest;  // the demo's attributes, in the demo manifest's order
    manifest.parties.push_back(
        {.id = "municipality",
         .attributes = {"youth_care", "wmo", "social_assistance", "rent_arrears", "debts"},
         .characteristics = {"minor"}});
    const BuurtCounts counts = CountByBuurt(linked_, buurt_codes_, *geography);
    const AreaTable table = BuildTable(StackingTableSpec(manifest, true), counts, *geography);
    std::ofstream(truth / "true_table.json") << table.ToJson().dump(1) << "\n";
    std::ofstream(truth / "true_table.csv") << table.ToCsv();
    std::ofstream(truth / "true_counts.json") << BuurtCountsToJson(counts).dump() << "\n";
    return absl::OkStatus();
  }

  long persons() const { return persons_; }

 private:
  std::ofstream persons_out_;
  long persons_ = 0;
  uint32_t households_ = 0;
  std::vector<std::string> buurt_codes_;
  std::vector<LinkedPerson> linked_;
};

}  // namespace

absl::StatusOr<SynthSummary> GenerateMunicipality(const SynthOptions& o) {
  const int most = o.nation ? 20'000'000 : 5'000'000;
  if (o.residents < 1000 || o.residents > most) {
    return absl::InvalidArgumentError(fmt::format(
        "residents must be from 1000 to {}{}", most,
        o.nation ? "" : " (use --nation for more, spread over a fictional nation)"));
  }
  Random rng(o.seed);
  const std::filesystem::path input = o.out / "input", truth = o.out / "truth";
  std::filesystem::create_directories(input);
  std::filesystem::create_directories(truth);
  const std::vector<SynthGemeente> areas = o.nation
                                               ? synth::DrawNation(rng, o.residents)
                                               : std::vector{synth::DemoMunicipality(o.residents)};
  SynthSummary summary;
  summary.gemeenten = static_cast<int>(areas.size());
  for (const SynthGemeente& g : areas) {
    summary.wijken += g.wijken;
    summary.buurten += static_cast<int>(g.buurten.size());
  }
  WriteGeography(input, areas);

  // Gemeente by gemeente: only one gemeente's residents are held at a time.
  BsnsUsed bsns = NoBsnsUsed();
  RegisterExport reg(input, truth, &summary);
  HousingExport housing(rng, o, input, truth, &summary);
  CreditExport credit(rng, input, truth, &summary);
  PersonsTruth persons(truth);
  for (const SynthGemeente& g : areas) {
    Town town = DrawResidents(rng, g, bsns);
    if (o.several_given_names) AddGivenNames(o.seed, &town);
    const long first = persons.persons();
    reg.Write(rng, &town, first);
    WriteHousing(rng, &housing, &town, first, &summary);
    WriteCredit(rng, &credit, &town, first, bsns, &summary);
    persons.Add(town);
    if (o.progress) o.progress(summary.gemeenten, &g - areas.data() + 1, persons.persons());
  }
  summary.residents = static_cast<int>(persons.persons());
  // Ground truth: the table a correct system computes from the valid rows.
  if (absl::Status s = persons.WriteTrueTable(input, truth); !s.ok()) return s;
  return summary;
}

}  // namespace stapel
