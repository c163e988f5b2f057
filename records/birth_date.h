#ifndef STAPEL_RECORDS_BIRTH_DATE_H_
#define STAPEL_RECORDS_BIRTH_DATE_H_

// Dates as Dutch exports write them.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  std::string Iso() const;  // YYYY-MM-DD
  bool operator==(const Date&) const = default;
};

// Accepts, with surrounding spaces ignored:
//   12-02-1980, 12/02/1980, 12.02.1980, 2-2-1980   (day first, the Dutch order)
//   1980-02-12, 1980/02/12, 1980.02.12              (year first: ISO 8601's order)
//   19800212                                        (yyyymmdd, as in the BRP)
//   12 februari 1980, 12 feb 1980, 12 mrt. 1980     (Dutch month names; English ones too)
// Years 1880..2100. INVALID_ARGUMENT naming the problem for anything else, including dates
// that do not exist (31-02-1980).
absl::StatusOr<Date> ParseDate(std::string_view text);

// The numbers of a date in one of ParseDate's layouts as written, whether or not they make a
// date ("31-04-1950", "00-27-2004", "15-13-1939"): a mistyped date may still hold its year.
// INVALID_ARGUMENT when the text is in none of the layouts.
absl::StatusOr<Date> ReadDate(std::string_view text);

// Whether `year` is one ParseDate accepts (1880..2100).
bool IsBirthYear(int year);

}  // namespace stapel

#endif  // STAPEL_RECORDS_BIRTH_DATE_H_
