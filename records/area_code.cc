#include "records/area_code.h"

#include <fmt/format.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "records/text_normalize.h"

namespace stapel {

namespace {

// Whether `code` is `prefix` and `digits` digits.
bool HasShape(std::string_view code, std::string_view prefix, size_t digits) {
  return code.size() == prefix.size() + digits && code.starts_with(prefix) &&
         std::all_of(code.begin() + static_cast<std::ptrdiff_t>(prefix.size()), code.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

// `text` trimmed and in capitals when it is a code of `prefix` and `digits` digits (a CBS
// `what` code, like `example`); INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> NormalizeCode(std::string_view text, std::string_view prefix,
                                          size_t digits, std::string_view what,
                                          std::string_view example) {
  std::string code = absl::AsciiStrToUpper(std::string(Trim(text)));
  if (!HasShape(code, prefix, digits)) {
    return absl::InvalidArgumentError(
        fmt::format("'{}' is not a CBS {} code (expected {} and {} digits, like {})", text, what,
                    prefix, digits, example));
  }
  return code;
}

}  // namespace

absl::StatusOr<std::string> NormalizeBuurtCode(std::string_view text) {
  return NormalizeCode(text, "BU", 8, "buurt", "BU19910101");
}

absl::StatusOr<std::string> NormalizeGemeenteCode(std::string_view text) {
  return NormalizeCode(text, "GM", 4, "gemeente", "GM1991");
}

bool AreaHoldsBuurt(std::string_view area, std::string_view buurt_code) {
  const size_t digits = area.starts_with("GM") ? 4 : area.starts_with("WK") ? 6 : 0;
  return digits > 0 && area.size() == 2 + digits && buurt_code.size() == 10 &&
         buurt_code.substr(2, digits) == area.substr(2);
}

std::string WijkOfBuurt(std::string_view buurt_code) {
  return fmt::format("WK{}", buurt_code.substr(2, 6));
}

std::string GemeenteOfWijk(std::string_view wijk_code) {
  return fmt::format("GM{}", wijk_code.substr(2, 4));
}

std::array<std::string, 3> AreasHoldingBuurt(std::string_view buurt_code) {
  std::string wijk = WijkOfBuurt(buurt_code);
  std::string gemeente = GemeenteOfWijk(wijk);
  return {std::string(buurt_code), std::move(wijk), std::move(gemeente)};
}

std::string GemeenteOfArea(std::string_view code) {
  if (HasShape(code, "GM", 4) || HasShape(code, "WK", 6) || HasShape(code, "BU", 8)) {
    return fmt::format("GM{}", code.substr(2, 4));
  }
  return "";
}

}  // namespace stapel
