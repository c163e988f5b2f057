#include "tables/geography.h"

#include <fmt/format.h>

#include <array>

#include "encoding/utf8.h"
#include "records/area_code.h"
#include "records/csv_reader.h"
#include "records/text_normalize.h"

namespace stapel {

std::string_view AreaLevelName(AreaLevel level) {
  switch (level) {
    case AreaLevel::kTotal:
      return "total";
    case AreaLevel::kGemeente:
      return "gemeente";
    case AreaLevel::kWijk:
      return "wijk";
    case AreaLevel::kBuurt:
      return "buurt";
  }
  return "";
}

absl::StatusOr<AreaLevel> ParseAreaLevel(std::string_view name) {
  for (AreaLevel level : {AreaLevel::kGemeente, AreaLevel::kWijk, AreaLevel::kBuurt}) {
    if (name == AreaLevelName(level)) return level;
  }
  return absl::InvalidArgumentError(fmt::format(
      "'{}' is not a geography level (use buurt, wijk or gemeente)", BoundedUtf8(name, 80)));
}

absl::StatusOr<Geography> Geography::LoadCsv(const std::filesystem::path& path) {
  auto reader = CsvReader::Open(path, ',');
  if (!reader.ok()) return reader.status();
  CsvRow row;
  if (!(*reader)->Next(&row) || !row.error.empty()) {
    return absl::InvalidArgumentError(fmt::format("{}: missing header line", path.string()));
  }
  static constexpr std::array<std::string_view, 6> kColumns = {
      "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam"};
  std::array<size_t, 6> index;
  for (size_t c = 0; c < kColumns.size(); ++c) {
    index[c] = row.size;
    for (size_t i = 0; i < row.size; ++i) {
      if (Trim(row.fields[i]) == kColumns[c]) index[c] = i;
    }
    if (index[c] == row.size) {
      return absl::InvalidArgumentError(
          fmt::format("{}: header has no column '{}'", path.string(), kColumns[c]));
    }
  }
  Geography geo;
  while ((*reader)->Next(&row)) {
    auto where = [&] { return fmt::format("{}:{}", path.string(), row.line); };
    if (!row.error.empty())
      return absl::InvalidArgumentError(fmt::format("{}: {}", where(), row.error));
    std::array<std::string_view, 6> v;
    for (size_t c = 0; c < v.size(); ++c) {
      if (index[c] >= row.size) {
        return absl::InvalidArgumentError(
            fmt::format("{}: row has only {} columns", where(), row.size));
      }
      v[c] = Trim(row.fields[index[c]]);
    }
    auto buurt = NormalizeBuurtCode(v[0]);
    if (!buurt.ok())
      return absl::InvalidArgumentError(
          fmt::format("{}: {}", where(), std::string(buurt.status().message())));
    const std::string wijk = WijkOfBuurt(*buurt);
    if (v[2] != wijk || v[4] != GemeenteOfWijk(wijk)) {
      return absl::InvalidArgumentError(
          fmt::format("{}: buurt {} must lie in wijk {} and gemeente {}, the file says {} and {}",
                      where(), *buurt, wijk, GemeenteOfWijk(wijk), v[2], v[4]));
    }
    geo.names_[*buurt] = std::string(v[1]);
    geo.names_[wijk] = std::string(v[3]);
    geo.names_[std::string(v[4])] = std::string(v[5]);
  }
  return geo;
}

std::string_view Geography::Name(std::string_view code) const {
  auto it = names_.find(code);
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace stapel
