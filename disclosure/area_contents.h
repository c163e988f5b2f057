#ifndef STAPEL_DISCLOSURE_AREA_CONTENTS_H_
#define STAPEL_DISCLOSURE_AREA_CONTENTS_H_

// What a buurt's cells are made of, as a digest per buurt, so that the cell key method
// (disclosure/cell_key.h) can tell which areas a change of the data touched: the counts and
// record-key sums of each class of persons and of households. A buurt keeps its digest exactly
// when every cell over it keeps its contributors, so its value (up to a 2^-32 chance that two
// persons' keys sum alike). Kept with each released data state, sealed like the counts.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "tables/area_table.h"

namespace stapel {

using AreaContents = std::map<std::string, std::string, std::less<>>;  // buurt -> digest

AreaContents AreaContentsOf(const BuurtCounts& counts);

// {buurt: digest}; FromJson: INVALID_ARGUMENT for another shape.
nlohmann::json AreaContentsToJson(const AreaContents& contents);
absl::StatusOr<AreaContents> AreaContentsFromJson(const nlohmann::json& json);

// Adds to `changed` every buurt whose digest differs between `now` and `earlier`, or that only
// one of them has.
void AddChangedBuurten(const AreaContents& now, const AreaContents& earlier,
                       std::set<std::string>* changed);

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_AREA_CONTENTS_H_
