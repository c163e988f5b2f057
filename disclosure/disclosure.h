#ifndef STAPEL_DISCLOSURE_DISCLOSURE_H_
#define STAPEL_DISCLOSURE_DISCLOSURE_H_

// The primary rules and rounding of a table, and their re-check on a released table.
//
// Primary: an area with 1 to min_area_population - 1 residents publishes no cell at all; every
// count from 1 to k-1 is suppressed (zero is published: it discloses nothing about a person);
// with group disclosure, a count equal to or within k-1 of its population count (the column
// counting the population it is measured in) is suppressed too, since it would tell the
// attribute of (nearly) everyone in the area.
// A first, cheap secondary step: an additive relation (buurten to wijk, wijken to gemeente)
// with exactly one suppressed cell would give it away by subtraction, so the smallest non-zero
// other cell of the relation is suppressed too, until no relation has exactly one. The full
// secondary suppression, over every relation of the table and earlier releases, is
// ProtectTable (table_protection.h).
// Rounding, after all suppression: each published count to the nearest multiple of the base
// (halves up). Parts and totals are rounded on their own and need not add up.

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {

// Primary suppression; returns the number of primary cells. With the cell key method the
// threshold rule is the p-table's (counts 1..threshold are never published), not k's.
int ApplyPrimaryRules(const DisclosureRules& rules, const TableSpec& spec, AreaTable* table);
// Suppresses a complement in every relation with exactly one suppressed cell, to a fixpoint.
void CoverLoneSuppressions(AreaTable* table);
// A count as published: rounded to a multiple of `base` (halves up); `value` when base <= 1.
int64_t Rounded(int base, int64_t value);
void ApplyRounding(int base, AreaTable* table);

// How far a published count may lie from the true one: the true value is within
// [published - below, published + above].
struct RoundingSlack {
  int below = 0;
  int above = 0;
};
RoundingSlack SlackOf(int base);

// The rules as a release entry records them (with a sentence per rule for the reader), and
// back. A rule an entry does not record was not applied. INVALID_ARGUMENT without "k".
nlohmann::json RulesToJson(const DisclosureRules& rules);
absl::StatusOr<DisclosureRules> RulesFromJson(const nlohmann::json& json);

// Re-checks a released table using only what it publishes: no published count that can be
// 1..k-1 (with the cell key method: none in 1..threshold), no published area population below
// the minimum, no published count that must be within k-1 of its published population, and
// (without rounding or perturbation) every fully published relation adds up. FAILED_PRECONDITION names the first area and measure that break a rule.
// Whether a suppressed cell can be worked out is the LP audit's question (AuditReleases).
absl::Status CheckReleasedTable(const DisclosureRules& rules, const TableSpec& spec,
                                const AreaTable& table);

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_DISCLOSURE_H_
