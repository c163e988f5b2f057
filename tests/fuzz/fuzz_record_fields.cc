// libFuzzer: the agent's normalization of one identifying field on any bytes (invalid UTF-8,
// decomposed letters, initials, prefixes, dates written wrong), with the promises the callers
// rely on: a given name's initial is one letter of its folded names, a date that parses is a
// calendar date of a birth year, a postcode is four digits and two letters.
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
    Check(stapel::Initials(text).ok());
  }
  if (auto surname = stapel::ParseSurname(text, text.substr(0, size / 2)); surname.ok()) {
    Check(!surname->empty());
  }
  if (auto date = stapel::ParseDate(text); date.ok()) {
    Check(stapel::IsBirthYear(date->year) && date->Iso().size() == 10);
    Check(stapel::ReadDate(text).ok() && *stapel::ReadDate(text) == *date);
  }
  if (auto postcode = stapel::NormalizePostcode(text); postcode.ok()) Check(postcode->size() == 6);
  if (auto house = stapel::ParseHouseNumber(text); house.ok()) Check(house->number > 0);
  (void)stapel::NormalizeSex(text);
  return 0;
}
