#ifndef STAPEL_TABLES_GEOGRAPHY_H_
#define STAPEL_TABLES_GEOGRAPHY_H_

// Names of CBS areas, read from a CSV in CBS's layout with the header
//   buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam[,...]
// (the layout of CBS's "wijk- en buurtkaart" tables). The hierarchy itself follows from the
// codes; this adds the names and the list of buurten that exist, also those with no residents.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// From coarse to fine; a table at one level also holds every coarser level's totals. kTotal is
// the row over all gemeenten of a table of several (AddTotalRow), not a level to ask for.
enum class AreaLevel { kTotal, kGemeente, kWijk, kBuurt };
std::string_view AreaLevelName(AreaLevel level);
// INVALID_ARGUMENT unless `name` is gemeente, wijk or buurt (the levels a table is asked at).
absl::StatusOr<AreaLevel> ParseAreaLevel(std::string_view name);

class Geography {
 public:
  // INVALID_ARGUMENT names the file, line and problem (missing column, bad code, a wijk
  // code that does not belong to its buurt).
  static absl::StatusOr<Geography> LoadCsv(const std::filesystem::path& path);

  // The name of a buurt, wijk or gemeente code, or "" when unknown.
  std::string_view Name(std::string_view code) const;
  // Every known code (buurten, wijken, gemeenten) with its name, sorted by code.
  const std::map<std::string, std::string, std::less<>>& names() const { return names_; }

 private:
  std::map<std::string, std::string, std::less<>> names_;
};

}  // namespace stapel

#endif  // STAPEL_TABLES_GEOGRAPHY_H_
