#include "records/dutch_name.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "records/text_normalize.h"

namespace stapel {
namespace {

// Lowercase words that open a Dutch surname (the BRP's voorvoegsel table, common entries).
bool IsPrefixWord(std::string_view w) {
  static constexpr std::array<std::string_view, 40> kPrefixes = {
      "van", "de",  "der",   "den",  "het",   "'t",  "t",   "ter", "ten", "te",
      "in",  "op",  "onder", "over", "uit",   "aan", "bij", "d'",  "l'",  "la",
      "le",  "les", "von",   "vom",  "zu",    "zum", "zur", "du",  "des", "da",
      "di",  "dos", "do",    "del",  "della", "el",  "al",  "'s",  "s",   "v."};
  return std::find(kPrefixes.begin(), kPrefixes.end(), w) != kPrefixes.end();
}

// Splits on ASCII white space.
absl::InlinedVector<std::string_view, 8> Words(std::string_view text) {
  absl::InlinedVector<std::string_view, 8> words;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || absl::ascii_isspace(static_cast<unsigned char>(text[i]))) {
      if (i > start) words.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return words;
}

// The surname in lower case with the separators of double and married names made '-', the own
// name last where the writing tells: "jansen e/v de vries" (Jansen, wife of de Vries) becomes
// "de vries-jansen", as "de vries-jansen" and "de vries geb. jansen" already have it.
std::string WithPartsApart(std::string_view surname) {
  std::string s = absl::AsciiStrToLower(std::string(surname));
  // The first two ("echtgenote van") write the own name first.
  constexpr std::string_view kSeparators[] = {" e/v ", " ev ", " geb. ", " geb ", " x "};
  for (std::string_view sep : std::span(kSeparators).first(2)) {
    if (const size_t at = s.find(sep); at != std::string::npos) {
      s = absl::StrCat(s.substr(at + sep.size()), "-", s.substr(0, at));
      break;
    }
  }
  for (std::string_view sep : kSeparators) {
    // From where the last one was: no separator holds a '-', so none starts before it.
    for (size_t at = 0; (at = s.find(sep, at)) != std::string::npos;)
      s.replace(at, sep.size(), "-");
  }
  return s;
}

// The first letter (a whole UTF-8 sequence) of folded, non-empty text.
std::string FirstLetter(const std::string& folded) {
  size_t len = 1;
  while (len < folded.size() && (static_cast<unsigned char>(folded[len]) & 0xC0) == 0x80) ++len;
  return folded.substr(0, len);
}

// Whether `first_names` are initials only ("J.H.", "J. H.", "j h", "É.", "IJ."): each part
// between white space, dots and hyphens one letter. A given name of one letter is rare; initials
// in the given names' column are common. Initials run together ("JH") are read as a name.
bool IsInitials(std::string_view first_names) {
  const auto one_letter = [](std::string_view part) {
    const auto lower = [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); };
    if (part.size() == 1 || (part.size() == 2 && lower(part[0]) == 'i' && lower(part[1]) == 'j')) {
      return true;  // "IJ." (IJsbrand) is one letter in Dutch
    }
    if (std::all_of(part.begin(), part.end(),
                    [](char c) { return absl::ascii_isascii(static_cast<unsigned char>(c)); })) {
      return false;  // two ASCII letters or more
    }
    const absl::StatusOr<std::string> folded = FoldName(part);  // "É", maybe decomposed; "Ĳ"
    return folded.ok() && !folded->empty() &&
           (FirstLetter(*folded).size() == folded->size() || *folded == "ij");
  };
  bool any = false;
  for (size_t at = 0; at < first_names.size();) {
    const size_t end = std::min(first_names.find_first_of(" \t.-", at), first_names.size());
    if (end > at) {
      if (!one_letter(first_names.substr(at, end - at))) return false;
      any = true;
    }
    at = end + 1;
  }
  return any;
}

}  // namespace

absl::StatusOr<std::vector<SurnamePart>> ParseSurname(std::string_view surname,
                                                      std::string_view prefix_column) {
  std::vector<SurnamePart> out;
  const std::string all = WithPartsApart(surname);
  for (size_t start = 0, p = 0; start <= all.size(); ++p) {
    const size_t end = std::min(all.find('-', start), all.size());
    std::string_view text = std::string_view(all).substr(start, end - start);
    start = end + 1;
    std::string_view trailing_prefix;
    if (const size_t comma = text.find(','); comma != std::string_view::npos) {  // "Vries, de"
      trailing_prefix = text.substr(comma + 1);
      text = text.substr(0, comma);
    }
    const absl::InlinedVector<std::string_view, 8> words = Words(text);
    size_t first_name_word = 0;
    while (first_name_word + 1 < words.size() && IsPrefixWord(words[first_name_word])) {
      ++first_name_word;
    }
    // Folding drops the white space between the words.
    auto name = FoldName(words.empty() ? std::string_view()
                                       : text.substr(static_cast<size_t>(
                                             words[first_name_word].data() - text.data())));
    if (!name.ok()) return name.status();
    if (name->empty()) continue;  // "Jansen-" or a stray separator
    std::string prefix_text = p == 0 ? std::string(prefix_column) : std::string();
    (prefix_text += ' ') += trailing_prefix;
    for (size_t w = 0; w < first_name_word; ++w) (prefix_text += ' ') += words[w];
    auto prefix = FoldName(prefix_text);
    if (!prefix.ok()) return prefix.status();
    out.push_back({std::move(*prefix), std::move(*name)});
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(fmt::format("surname '{}' has no letters", surname));
  }
  return out;
}

absl::StatusOr<std::string> FirstInitial(std::string_view first_names, std::string* folded_out) {
  // The names one by one, between white space, each folded ("Anne-Marie" is one name). A
  // surname's prefix at the start (the names swapped: "van der Berg") is no given name: a prefix
  // word as written, of two characters at least and not an initial with its dot (a lone "T" or
  // "V." is one), before another word.
  std::string folded, given;
  const auto space = [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); };
  const auto last = first_names.end();
  for (auto begin = std::find_if_not(first_names.begin(), last, space); begin != last;) {
    const auto end = std::find_if(begin, last, space);
    const std::string_view word(begin, end);
    auto one = FoldName(word);
    if (!one.ok()) return one.status();
    begin = std::find_if_not(end, last, space);
    if (one->empty()) continue;
    if (!folded.empty()) folded += ' ';
    folded += *one;
    if (given.empty() && begin != last && word.size() >= 2 && !word.ends_with('.') &&
        IsPrefixWord(absl::AsciiStrToLower(std::string(word)))) {
      continue;
    }
    if (!given.empty()) given += ' ';
    given += *one;
  }
  if (folded.empty()) {
    return absl::InvalidArgumentError(fmt::format("first names '{}' have no letters", first_names));
  }
  if (folded_out != nullptr) {
    // Only prefix words ("van ."): as they are.
    *folded_out = IsInitials(first_names) ? "" : given.empty() ? folded : std::move(given);
  }
  return FirstLetter(folded);
}

absl::StatusOr<std::string> Initials(std::string_view first_names) {
  std::string out;
  for (size_t begin = 0; begin <= first_names.size();) {
    size_t end = first_names.find_first_of(" .-", begin);
    if (end == std::string_view::npos) end = first_names.size();
    auto folded = FoldName(first_names.substr(begin, end - begin));
    if (!folded.ok()) return folded.status();
    if (!folded->empty()) out += FirstLetter(*folded);
    begin = end + 1;
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(fmt::format("first names '{}' have no letters", first_names));
  }
  return out;
}

std::string HouseNumber::Key() const {
  return addition.empty() ? std::to_string(number) : fmt::format("{}-{}", number, addition);
}

absl::StatusOr<HouseNumber> ParseHouseNumber(std::string_view raw) {
  const std::string_view text = Trim(raw);
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  HouseNumber h;
  if (digits == 0 || digits > 5 ||
      std::from_chars(text.data(), text.data() + digits, h.number).ec != std::errc() ||
      h.number < 1) {
    return absl::InvalidArgumentError(
        fmt::format("house number '{}' does not start with a number from 1 to 99999", raw));
  }
  auto addition = FoldName(text.substr(digits));
  if (!addition.ok()) return addition.status();
  h.addition = std::move(*addition);
  return h;
}

}  // namespace stapel
