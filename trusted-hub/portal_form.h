#ifndef STAPEL_TRUSTED_HUB_PORTAL_FORM_H_
#define STAPEL_TRUSTED_HUB_PORTAL_FORM_H_

// The portal's compose form (trusted-hub/portal_pages.h) read back as a table request.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "tables/table_spec.h"

namespace stapel {

// A composed table as the form sends it: "purpose", "population" ("" for the stacking table),
// "level", "indicator" (repeated), "combine" (each | and | or | atleast), "n", and "measures"
// (lines "name = expression"). INVALID_ARGUMENT says what to fix.
absl::StatusOr<TableRequest> ComposedRequest(const std::multimap<std::string, std::string>& form);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_PORTAL_FORM_H_
