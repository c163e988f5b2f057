#ifndef STAPEL_RECORDS_DUTCH_NAME_H_
#define STAPEL_RECORDS_DUTCH_NAME_H_

// Dutch-aware parsing of names and house numbers, on top of FoldName.
//
// Surnames: prefixes (tussenvoegsels: van, de, van der, ter, 't, ...) are kept apart from the
// surname itself, and double or married surnames are split into their parts, so that
// "Jansen-de Vries", "de Vries", "Vries, de" and "JANSEN - DE VRIES" share the part "vries".
// Recognized separators of parts: '-', " e/v " (echtgenote van), " geb. " (geboren).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stapel {

struct SurnamePart {
  std::string prefix;  // folded, words joined without spaces: "vander", "" when none
  std::string name;    // folded surname without its prefix: "berg"
};

// The parts in the order written, but that a married name written with "e/v" (the own name, then
// the partner's) has the own name last, as a hyphenated married name mostly has it ("de
// Vries-Jansen", the partner's name first) and "geb." has it ("de Vries geb. Jansen"). A
// hyphenated name written the other way round (own name first, as some choose) cannot be told
// apart and keeps its order.
// INVALID_ARGUMENT for invalid UTF-8 or a surname with no letters. `prefix_column` is the
// separate voorvoegsel field some exports have ("" when absent); it belongs to the first part.
absl::StatusOr<std::vector<SurnamePart>> ParseSurname(std::string_view surname,
                                                      std::string_view prefix_column = "");

// The first letter of the folded first names or initials ("J.P." -> "j", "Émile" -> "e").
// `folded`, when given, receives the names folded one by one (FoldName of each word between
// white space), one space between them ("Jan  Pieter" -> "jan pieter", "Anne-Marie" ->
// "annemarie"), so callers need not fold twice; without the prefix of a surname written there
// ("van der Berg" -> "berg"; a prefix word as written, not "V." or "T", which are initials), and
// "" for initials only ("J.P.", "J. P.", "J P", "J", "IJ."), which are no given name to compare.
absl::StatusOr<std::string> FirstInitial(std::string_view first_names,
                                         std::string* folded = nullptr);

// The initials of the given names, folded: "Jan Hendrik", "J.H." and "j h" -> "jh",
// "Anne-Marie" -> "am". INVALID_ARGUMENT for invalid UTF-8 or no letters.
absl::StatusOr<std::string> Initials(std::string_view first_names);

struct HouseNumber {
  int number = 0;
  std::string addition;     // folded: "12a", "12 A", "12-a" all give "a"; "12-II" gives "ii"
  std::string Key() const;  // "12" or "12-a"
};

// "12", "12a", "12 A", "12-2", "12/2", "12 bis", "12-II", "12hs". INVALID_ARGUMENT when it does
// not start with a number from 1 to 99999.
absl::StatusOr<HouseNumber> ParseHouseNumber(std::string_view text);

}  // namespace stapel

#endif  // STAPEL_RECORDS_DUTCH_NAME_H_
