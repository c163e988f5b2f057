#ifndef STAPEL_RECORDS_AREA_CODE_H_
#define STAPEL_RECORDS_AREA_CODE_H_

// CBS area codes: gemeente GMgggg, wijk WKggggww, buurt BUggggwwbb. A buurt's wijk is
// "WK" + code[2:8], its gemeente "GM" + code[2:6].

#include <array>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// "bu19910101 " -> "BU19910101"; INVALID_ARGUMENT unless BU + 8 digits.
absl::StatusOr<std::string> NormalizeBuurtCode(std::string_view text);

// "gm0363 " -> "GM0363": a gemeente's code (a table may be limited to one). INVALID_ARGUMENT
// unless GM + 4 digits; its message holds `text` whole (bound it where text is an outsider's).
absl::StatusOr<std::string> NormalizeGemeenteCode(std::string_view text);

std::string WijkOfBuurt(std::string_view buurt_code);    // requires a valid buurt code
std::string GemeenteOfWijk(std::string_view wijk_code);  // requires a valid wijk code
// The buurt, its wijk and its gemeente: the areas whose counts a buurt's persons are in.
std::array<std::string, 3> AreasHoldingBuurt(std::string_view buurt_code);  // a valid code
// Whether a buurt (a valid code) lies in `area`, a gemeente or wijk code.
bool AreaHoldsBuurt(std::string_view area, std::string_view buurt_code);
// The gemeente of any area code (GMgggg, WKggggww or BUggggwwbb), or "" for a code of another
// shape.
std::string GemeenteOfArea(std::string_view code);

}  // namespace stapel

#endif  // STAPEL_RECORDS_AREA_CODE_H_
