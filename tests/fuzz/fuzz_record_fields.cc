// libFuzzer: the agent's normalization of one identifying field on any bytes (invalid UTF-8,
// decomposed letters, initials, prefixes, dates written wrong), with the promises the callers
// rely on: given names that fold have initials, the first of them their initial, one space
// between names; a date that parses is a day of a birth year and reads back from its ISO form; a
// postcode is four digits and two capitals; a house number reads back from its key.
#include <cstdlib>
#include <string>
#include <string_view>

#include "records/birth_date.h"
#include "records/dutch_name.h"
#include "records/text_normalize.h"

namespace {

void Check(bool holds) {
  if (!holds) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string folded = "x";
  if (auto initial = stapel::FirstInitial(text, &folded); initial.ok()) {
    Check(!initial->empty());
    Check(folded.empty() || (folded.front() != ' ' && folded.back() != ' '));
    Check(folded.find("  ") == std::string::npos);  // one space between names
    const auto initials = stapel::Initials(text);   // the agent takes them for granted
    Check(initials.ok() && initials->starts_with(*initial));
  }
  if (auto surname = stapel::ParseSurname(text, text.substr(0, size / 2)); surname.ok()) {
    Check(!surname->empty());
    // The agent writes the parts one space apart and the names salt takes the last.
    for (const stapel::SurnamePart& part : *surname) {
      Check(!part.name.empty() && part.name.find(' ') == std::string::npos);
    }
  }
  if (auto date = stapel::ParseDate(text); date.ok()) {
    Check(stapel::IsBirthYear(date->year) && date->month >= 1 && date->month <= 12 &&
          date->day >= 1 && date->day <= 31);
    const auto again = stapel::ParseDate(date->Iso());
    Check(again.ok() && *again == *date);
  }
  if (auto postcode = stapel::NormalizePostcode(text); postcode.ok()) {
    Check(postcode->size() == 6);
    for (int i = 0; i < 6; ++i) {
      const char c = (*postcode)[static_cast<size_t>(i)];
      Check(i < 4 ? c >= '0' && c <= '9' : c >= 'A' && c <= 'Z');
    }
  }
  if (auto house = stapel::ParseHouseNumber(text); house.ok()) {
    const auto again = stapel::ParseHouseNumber(house->Key());
    Check(house->number > 0 && again.ok() && again->Key() == house->Key());
  }
  (void)stapel::NormalizeSex(text);
  return 0;
}
