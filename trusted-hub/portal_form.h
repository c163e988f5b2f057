#ifndef STAPEL_TRUSTED_HUB_PORTAL_FORM_H_
#define STAPEL_TRUSTED_HUB_PORTAL_FORM_H_

// The portal's compose form (trusted-hub/portal_pages.h) read back as a table request.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tables/table_spec.h"

namespace stapel {

// The fields of an application/x-www-form-urlencoded body, as browsers send forms: name=value
// pairs joined by '&', '+' for a space, %XX for any other byte (a '%' not followed by two hex
// digits stands for itself). A name may repeat.
std::multimap<std::string, std::string> ParseForm(std::string_view body);

// A composed table as the form sends it: "purpose", "population" ("" for the stacking table),
// "level", "period" (repeated; none: the latest), "indicator" (repeated), "combine" (each |
// and | or | atleast), "n", and "measures" (lines "name = expression"). INVALID_ARGUMENT says what to fix.
absl::StatusOr<TableRequest> ComposedRequest(const std::multimap<std::string, std::string>& form);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_PORTAL_FORM_H_
