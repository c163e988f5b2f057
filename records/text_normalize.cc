#include "records/text_normalize.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/ascii.h"

namespace stapel {
namespace {

// Letters that do not decompose into a base letter plus a mark.
std::string_view LatinReplacement(utf8proc_int32_t c) {
  switch (c) {
    case 0x00F8:
      return "o";  // ø
    case 0x00E6:
      return "ae";  // æ
    case 0x0153:
      return "oe";  // œ
    case 0x0142:
      return "l";  // ł
    case 0x0111:
      return "d";  // đ
    case 0x0131:
      return "i";  // dotless ı
    case 0x00FE:
      return "th";  // þ
    case 0x00F0:
      return "d";  // ð
    default:
      return {};
  }
}

}  // namespace

std::string_view Trim(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

absl::StatusOr<std::string> FoldName(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c < 0x80;
  if (ascii) {  // The common case needs no Unicode tables and no allocation beyond `out`.
    for (unsigned char c : text) {
      if (absl::ascii_isalnum(c)) out.push_back(absl::ascii_tolower(c));
    }
    return out;
  }
  utf8proc_uint8_t* folded = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &folded,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                     UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  if (n < 0) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not valid UTF-8 ({}); save the export as UTF-8", text, utf8proc_errmsg(n)));
  }
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(folded, &std::free);
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t c;
    const utf8proc_ssize_t len = utf8proc_iterate(folded + i, n - i, &c);
    if (c < 0x80) {
      if (absl::ascii_isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(c));
    } else if (std::string_view r = LatinReplacement(c); !r.empty()) {
      out.append(r);
    } else {
      const utf8proc_category_t cat = utf8proc_category(c);
      const bool letter_or_digit = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                                   cat == UTF8PROC_CATEGORY_ND;
      if (letter_or_digit) out.append(reinterpret_cast<const char*>(folded + i), len);
    }
    i += len;
  }
  return out;
}

absl::StatusOr<std::string> NormalizePostcode(std::string_view text) {
  std::string pc;
  pc.reserve(6);
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    pc.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  bool ok = pc.size() == 6 && pc[0] >= '1' && pc[0] <= '9';
  for (int i = 1; ok && i < 4; ++i) ok = absl::ascii_isdigit(static_cast<unsigned char>(pc[i]));
  for (int i = 4; ok && i < 6; ++i) ok = pc[i] >= 'A' && pc[i] <= 'Z';
  if (ok) {
    const std::string_view letters = std::string_view(pc).substr(4);
    ok = letters != "SA" && letters != "SD" && letters != "SS";
  }
  if (!ok) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not a Dutch postcode (expected 4 digits and 2 letters, like 1234 AB)", text));
  }
  return pc;
}

absl::StatusOr<std::string> NormalizeSex(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(std::string(Trim(text)));
  if (lower == "m" || lower == "man" || lower == "male") return std::string("m");
  if (lower == "v" || lower == "vrouw" || lower == "f" || lower == "female") return std::string("v");
  if (lower == "x") return std::string("x");
  return absl::InvalidArgumentError(fmt::format(
      "sex '{}' is not M, V or X (man, vrouw; an unknown sex is left empty)", Trim(text)));
}

}  // namespace stapel
