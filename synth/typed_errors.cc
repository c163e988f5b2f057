#include "synth/typed_errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "synth/names.h"

namespace stapel {
namespace synth {
namespace {

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


// Keys next to each letter on a QWERTY keyboard (lower case).
std::string_view Neighbours(char c) {
  static constexpr std::string_view kNear[26] = {
      "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
      "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji",
      "cfgb", "qase", "zsdc", "tghu", "asx"};
  return c >= 'a' && c <= 'z' ? kNear[c - 'a'] : std::string_view();
}

// Replaces the first of `pairs` (from, to) found in `s` from a random pair on; false if none.
bool ReplaceOne(Random& rng, std::span<const std::pair<std::string_view, std::string_view>> pairs,
                std::string* s) {
  const size_t start = rng.Below(pairs.size());
  for (size_t k = 0; k < pairs.size(); ++k) {
    const auto& [from, to] = pairs[(start + k) % pairs.size()];
    const size_t at = s->find(from);
    if (at != std::string::npos) {
      s->replace(at, from.size(), to);
      return true;
    }
  }
  return false;
}

// Positions of digits in `s`.
std::vector<size_t> Digits(const std::string& s) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size(); ++i) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) at.push_back(i);
  }
  return at;
}

// The first letters of `names` (space-separated), upper case: "J.H.", "J. H." or "J H".
std::string WrittenInitials(Random& rng, std::string_view names) {
  static constexpr std::string_view kBetween[] = {".", ". ", " "};
  const std::string_view between = kBetween[rng.Below(std::size(kBetween))];
  std::string out;
  for (size_t at = names.find_first_not_of(' '); at < names.size();
       at = names.find_first_not_of(' ', names.find(' ', at))) {
    if (!out.empty()) out += between;
    const auto lead = static_cast<unsigned char>(names[at]);
    if (lead < 0x80) {
      out += absl::ascii_toupper(lead);
    } else {  // the whole letter: in UTF-8 ("Ö") more than one byte
      out += names.substr(at, lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4);
    }
  }
  if (!out.empty() && between.starts_with('.')) out += '.';
  return out;
}

// Short and formal forms of Dutch first names, both ways.
constexpr std::pair<std::string_view, std::string_view> kNicknames[] = {
    {"Jan", "Johannes"},      {"Piet", "Petrus"},       {"Kees", "Cornelis"},
    {"Henk", "Hendrikus"},    {"Gerrit", "Gerardus"},   {"Maria", "Mieke"},
    {"Johanna", "Annie"},     {"Cornelia", "Corrie"},   {"Wilhelmina", "Wilma"},
    {"Anna", "Anneke"},       {"Sophie", "Fie"},        {"Lucas", "Luuk"},
    {"Julia", "Juul"},        {"Thijs", "Matthijs"},    {"Bram", "Abraham"},
    {"Sanne", "Susanna"},     {"Tess", "Theresia"},     {"Mohamed", "Mo"},
    {"Daan", "Daniël"},       {"Finn", "Finnegan"}};

}  // namespace

// The kinds in the order TypeError's cases take them, by the name --error-mix gives them.
constexpr std::pair<std::string_view, double ErrorMix::*> kKinds[] = {
    {"typo", &ErrorMix::typo},
    {"transposition", &ErrorMix::transposition},
    {"dropped_prefix", &ErrorMix::dropped_prefix},
    {"swapped_day_month", &ErrorMix::swapped_day_month},
    {"missing_field", &ErrorMix::missing_field},
    {"married_name", &ErrorMix::married_name},
    {"moved", &ErrorMix::moved},
    {"swapped_names", &ErrorMix::swapped_names},
    {"keyboard", &ErrorMix::keyboard},
    {"phonetic", &ErrorMix::phonetic},
    {"ocr", &ErrorMix::ocr},
    {"transposed_digits", &ErrorMix::transposed_digits},
    {"invalid_date", &ErrorMix::invalid_date},
    {"nickname", &ErrorMix::nickname},
    {"missing_name", &ErrorMix::missing_name},
    {"initials", &ErrorMix::initials},
    {"later_given_name", &ErrorMix::later_given_name},
    {"sex", &ErrorMix::sex}};

void TypeError(Random& rng, const ErrorMix& mix, int year, int month, int day, TypedRow* row) {
  constexpr int kCount = static_cast<int>(std::size(kKinds));
  double weights[kCount];
  for (int k = 0; k < kCount; ++k) weights[k] = mix.*kKinds[k].second;
  double total = 0;
  int last = -1;  // the last kind with weight: what rounding at the end of the range picks
  for (int k = 0; k < kCount; ++k) {
    total += weights[k];
    if (weights[k] > 0) last = k;
  }
  if (total <= 0) return;
  double pick = rng.Unit() * total;
  int kind = 0;
  while (kind < last && pick >= weights[kind]) pick -= weights[kind++];
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
      if (day <= 12 && day != month) {
        row->date = fmt::format("{:02d}-{:02d}-{:04d}", month, day, year);
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
    case 6:  // moved: a new address
      row->postcode = fmt::format("{}{}{}", 5400 + rng.Below(240), char('A' + rng.Below(18)),
                                  char('A' + rng.Below(26)));
      row->house = std::to_string(1 + rng.Below(180));
      row->street = StreetOf(row->postcode);
      break;
    case 7:  // given and family names swapped
      std::swap(row->first_names, row->surname);
      break;
    case 8: {  // a neighbouring key
      std::string& s = rng.Chance(0.5) ? row->surname : row->first_names;
      const auto at = Letters(s);
      if (at.empty()) break;
      const size_t i = at[rng.Below(at.size())];
      const std::string_view near =
          Neighbours(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(s[i]))));
      if (!near.empty()) s[i] = near[rng.Below(near.size())];
      break;
    }
    case 9: {  // spelled by sound
      static constexpr std::pair<std::string_view, std::string_view> kSounds[] = {
          {"ij", "y"},   {"y", "ij"},  {"ei", "ij"}, {"ij", "ei"}, {"c", "k"},   {"k", "c"},
          {"ph", "f"},   {"dt", "t"},  {"sch", "s"}, {"ou", "au"}, {"au", "ou"}, {"z", "s"},
          {"v", "f"},    {"g", "ch"},  {"ch", "g"},  {"ie", "i"},  {"ee", "e"},  {"aa", "a"}};
      std::string& s = rng.Chance(0.5) ? row->surname : row->first_names;
      ReplaceOne(rng, kSounds, &s);
      break;
    }
    case 10: {  // a scanning error
      static constexpr std::pair<std::string_view, std::string_view> kShapes[] = {
          {"rn", "m"}, {"m", "rn"}, {"cl", "d"}, {"d", "cl"}, {"vv", "w"}, {"w", "vv"},
          {"li", "h"}, {"h", "li"}};
      static constexpr std::pair<std::string_view, std::string_view> kDigitShapes[] = {
          {"0", "8"}, {"8", "0"}, {"1", "7"}, {"7", "1"}, {"5", "6"}, {"6", "5"}, {"3", "8"}};
      if (rng.Chance(0.6)) {
        ReplaceOne(rng, kShapes, rng.Chance(0.5) ? &row->surname : &row->first_names);
      } else {
        ReplaceOne(rng, kDigitShapes, rng.Chance(0.5) ? &row->postcode : &row->house);
      }
      break;
    }
    case 11: {  // two adjacent digits swapped
      std::string* fields[] = {&row->date, &row->postcode, &row->house};
      std::string& s = *fields[rng.Below(3)];
      const auto at = Digits(s);
      if (at.size() < 2) break;
      const size_t i = rng.Below(at.size() - 1);
      std::swap(s[at[i]], s[at[i + 1]]);
      break;
    }
    case 12: {  // no date at all
      static constexpr const char* kNoDates[] = {"31-04-{}", "30-02-{}", "{1:02d}-13-{0}",
                                                 "00-{1:02d}-{0}"};
      row->date = fmt::format(fmt::runtime(kNoDates[rng.Below(4)]), year, day);
      break;
    }
    case 13: {  // the short or the formal form
      for (const auto& [a, b] : kNicknames) {
        if (row->first_names == a || row->first_names == b) {
          row->first_names = std::string(row->first_names == a ? b : a);
          break;
        }
      }
      break;
    }
    case 14:  // a name left empty
      (rng.Chance(0.7) ? row->first_names : row->surname).clear();
      break;
    case 15:  // the initials of every given name, in one of the ways forms write them
      row->first_names = WrittenInitials(rng, row->given_names);
      break;
    case 16:  // the name a person goes by: a later given name, where there is one
      if (const size_t space = row->given_names.find(' '); space != std::string::npos) {
        const size_t next = row->given_names.find(' ', space + 1);
        row->first_names = row->given_names.substr(space + 1, next - space - 1);
      }
      break;
    default:  // the sex left empty, or written as the other one
      row->sex = rng.Chance(2.0 / 3) ? "" : row->sex == "M" ? "V" : "M";
      break;
  }
  static_assert(std::size(kKinds) == 18, "a case for each kind");
}

}  // namespace synth

std::string ErrorKinds() {
  std::string out;
  for (const auto& [name, weight] : synth::kKinds)
    out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
  return out;
}

absl::StatusOr<ErrorMix> ParseErrorMix(std::string_view text) {
  ErrorMix mix{0, 0, 0, 0, 0, 0, 0};  // the harsher kinds are 0 by default
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
    auto it = std::find_if(std::begin(synth::kKinds), std::end(synth::kKinds),
                           [&](const auto& k) { return k.first == name; });
    if (it == std::end(synth::kKinds) || weight < 0) {
      return absl::InvalidArgumentError(
          fmt::format("'{}' is not kind=weight with a kind of {}", item, ErrorKinds()));
    }
    mix.*it->second = weight;
    start = end + 1;
  }
  return mix;
}

absl::Status ApplyErrorPreset(std::string_view name, SynthOptions* o) {
  if (name == "clean") {
    o->error_rate = 0;
  } else if (name == "demo") {
    const SynthOptions defaults;
    o->error_rate = defaults.error_rate;
    o->second_error_rate = defaults.second_error_rate;
    o->third_error_rate = defaults.third_error_rate;
    o->error_mix = defaults.error_mix;
    o->several_given_names = defaults.several_given_names;
  } else if (name == "harsh") {  // every kind, the first seven too
    o->error_rate = 0.6;
    o->second_error_rate = 0.6;
    o->third_error_rate = 0.4;
    o->error_mix = ErrorMix{.swapped_names = 1,
                            .keyboard = 1,
                            .phonetic = 1,
                            .ocr = 1,
                            .transposed_digits = 1,
                            .invalid_date = 1,
                            .nickname = 1,
                            .missing_name = 1,
                            .initials = 1,
                            .later_given_name = 1,
                            .sex = 0.3};
    o->several_given_names = true;
  } else {
    return absl::InvalidArgumentError(
        fmt::format("no preset '{}'; the presets are clean, demo and harsh", name));
  }
  return absl::OkStatus();
}

}  // namespace stapel
