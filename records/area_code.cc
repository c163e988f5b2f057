#include "records/area_code.h"

#include <fmt/format.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "records/text_normalize.h"

namespace stapel {

absl::StatusOr<std::string> NormalizeBuurtCode(std::string_view text) {
  std::string code = absl::AsciiStrToUpper(std::string(Trim(text)));
  bool ok = code.size() == 10 && code.starts_with("BU");
  for (size_t i = 2; ok && i < code.size(); ++i) {
    ok = absl::ascii_isdigit(static_cast<unsigned char>(code[i]));
  }
  if (!ok) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not a CBS buurt code (expected BU and 8 digits, like BU19910101)", text));
  }
  return code;
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
  const auto digits = [&](size_t n) {
    return code.size() == 2 + n && std::all_of(code.begin() + 2, code.end(), [](char c) {
             return c >= '0' && c <= '9';
           });
  };
  if ((code.starts_with("GM") && digits(4)) || (code.starts_with("WK") && digits(6)) ||
      (code.starts_with("BU") && digits(8))) {
    return fmt::format("GM{}", code.substr(2, 4));
  }
  return "";
}

}  // namespace stapel
