#include "records/birth_date.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <vector>

#include "absl/strings/ascii.h"
#include "records/text_normalize.h"

namespace stapel {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses 1..max_len ASCII digits exactly.
bool ParseNumber(std::string_view s, size_t max_len, int* out) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  std::from_chars(s.data(), s.data() + s.size(), *out);
  return true;
}

// Splits on `sep`; with skip_empty, runs of separators count as one.
std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      if (!skip_empty || i > start) parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// The month a name or abbreviation names (1 to 12), 0 for none.
int MonthNumber(std::string_view name) {
  std::string n = absl::AsciiStrToLower(std::string(name));
  if (!n.empty() && n.back() == '.') n.pop_back();
  // Dutch names and abbreviations, and the English ones that differ (exports of systems set up
  // in English).
  static constexpr std::array<std::array<std::string_view, 4>, 12> kNames = {
      {{"januari", "jan", "january", ""},
       {"februari", "feb", "february", ""},
       {"maart", "mrt", "mar", "march"},
       {"april", "apr", "", ""},
       {"mei", "may", "", ""},
       {"juni", "jun", "june", ""},
       {"juli", "jul", "july", ""},
       {"augustus", "aug", "august", ""},
       {"september", "sep", "sept", ""},
       {"oktober", "okt", "oct", "october"},
       {"november", "nov", "", ""},
       {"december", "dec", "", ""}}};
  for (int m = 0; m < 12; ++m) {
    for (std::string_view candidate : kNames[m]) {
      if (!candidate.empty() && n == candidate) return m + 1;
    }
  }
  return 0;
}

absl::StatusOr<Date> Checked(std::string_view text, int y, int m, int d) {
  if (!IsBirthYear(y)) {
    return absl::InvalidArgumentError(
        fmt::format("date '{}' has year {} outside 1880..2100", text, y));
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return absl::InvalidArgumentError(fmt::format("date '{}' is not a calendar date", text));
  }
  return Date{y, m, d};
}

absl::Status Unrecognized(std::string_view text) {
  return absl::InvalidArgumentError(fmt::format(
      "date '{}' is not in a recognized format (use dd-mm-yyyy, yyyy-mm-dd or yyyymmdd)", text));
}

}  // namespace

std::string Date::Iso() const {
  // Written digit by digit (the agent writes one for every row); ParseDate's years have four.
  std::string iso = "0000-00-00";
  for (int i = 3, y = year; i >= 0; --i, y /= 10)
    iso[static_cast<size_t>(i)] = static_cast<char>('0' + y % 10);
  iso[5] = static_cast<char>('0' + month / 10);
  iso[6] = static_cast<char>('0' + month % 10);
  iso[8] = static_cast<char>('0' + day / 10);
  iso[9] = static_cast<char>('0' + day % 10);
  return iso;
}

absl::StatusOr<Date> ReadDate(std::string_view raw) {
  const std::string_view text = Trim(raw);
  if (text.empty()) return absl::InvalidArgumentError("date is empty");
  int y = 0, m = 0, d = 0;
  if (text.size() == 8 && ParseNumber(text, 8, &y)) {  // yyyymmdd
    ParseNumber(text.substr(0, 4), 4, &y);
    ParseNumber(text.substr(4, 2), 2, &m);
    ParseNumber(text.substr(6, 2), 2, &d);
    return Date{y, m, d};
  }
  for (char sep : {'-', '/', '.'}) {
    std::vector<std::string_view> parts = Split(text, sep, false);
    if (parts.size() != 3) continue;
    if (parts[0].size() == 4) {  // year first: ISO's order, also with slashes or dots
      if (ParseNumber(parts[0], 4, &y) && ParseNumber(parts[1], 2, &m) &&
          ParseNumber(parts[2], 2, &d)) {
        return Date{y, m, d};
      }
      return Unrecognized(text);
    }
    if (ParseNumber(parts[0], 2, &d) && ParseNumber(parts[1], 2, &m) && parts[2].size() == 4 &&
        ParseNumber(parts[2], 4, &y)) {
      return Date{y, m, d};
    }
    return Unrecognized(text);
  }
  std::vector<std::string_view> words = Split(text, ' ', true);
  if (words.size() == 3 && ParseNumber(words[0], 2, &d) && words[2].size() == 4 &&
      ParseNumber(words[2], 4, &y)) {
    m = MonthNumber(words[1]);
    if (m == 0) {
      return absl::InvalidArgumentError(fmt::format("date '{}' has an unknown month name", text));
    }
    return Date{y, m, d};
  }
  return Unrecognized(text);
}

absl::StatusOr<Date> ParseDate(std::string_view raw) {
  const absl::StatusOr<Date> written = ReadDate(raw);
  if (!written.ok()) return written.status();
  return Checked(Trim(raw), written->year, written->month, written->day);
}

bool IsBirthYear(int year) { return year >= 1880 && year <= 2100; }

}  // namespace stapel
