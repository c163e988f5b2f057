#include "synth/typed_errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
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

}  // namespace

void TypeError(Random& rng, const ErrorMix& mix, int year, int month, int day, TypedRow* row) {
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
    default:  // moved: a new address
      row->postcode = fmt::format("{}{}{}", 5400 + rng.Below(240), char('A' + rng.Below(18)),
                                  char('A' + rng.Below(26)));
      row->house = std::to_string(1 + rng.Below(180));
      break;
  }
}

}  // namespace synth

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

}  // namespace stapel
