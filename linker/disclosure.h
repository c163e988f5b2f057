#ifndef STAPEL_LINKER_DISCLOSURE_H_
#define STAPEL_LINKER_DISCLOSURE_H_

// Disclosure control of an AreaTable, first version.
//
// Primary: an area with 1 to min_area_population - 1 residents publishes no cell at all; every
// count from 1 to k-1 is suppressed (zero is published: it discloses nothing about a person);
// with group disclosure, a count equal to or within k-1 of its population (the residents, or
// the households for the household measures) is suppressed too, since it would tell the
// attribute of (nearly) everyone in the area.
// Secondary: the table's additive relations are, per measure, "the buurten of a wijk add up
// to the wijk" and "the wijken of a gemeente add up to the gemeente". A relation with exactly
// one suppressed cell would give that cell away by subtraction, so another cell of the
// relation is suppressed: the smallest non-zero child (least information lost), else any
// child, else the parent total; repeated until no relation has exactly one suppressed cell.

#include "absl/status/status.h"
#include "linker/area_table.h"
#include "linker/manifest.h"

namespace stapel {

void ApplySuppression(const DisclosureRules& rules, AreaTable* table);

// Re-checks a released table using only what it publishes: no published count in 1..k-1, no
// published area population below the minimum, no published count within k-1 of its published
// population, no relation with exactly one suppressed cell, and every fully published relation
// adds up. FAILED_PRECONDITION names the first area and measure that break a rule.
absl::Status CheckReleasedTable(const DisclosureRules& rules, const AreaTable& table);

}  // namespace stapel

#endif  // STAPEL_LINKER_DISCLOSURE_H_
