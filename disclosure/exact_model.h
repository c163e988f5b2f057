#ifndef STAPEL_DISCLOSURE_EXACT_MODEL_H_
#define STAPEL_DISCLOSURE_EXACT_MODEL_H_

// The exact 0/1 model of table protection, to measure ProtectTable's choice against (in
// bench/protection_bench.cc). It is its own library, stapel_disclosure_exact: the hub does not
// use it.

#include <vector>

#include "absl/status/statusor.h"
#include "disclosure/table_protection.h"
#include "project/manifest.h"
#include "tables/area_table.h"
#include "tables/table_spec.h"

namespace stapel {

// How few suppressions protecting a table needs, found with an exact model (as tau-ARGUS's
// "optimal" method, after Fischetti and Salazar): a master 0/1 program (GLPK) chooses the
// cells to suppress, fewest first; for every target that choice leaves unprotected, the
// attacker's LP and its dual values give a constraint every protection meets (a Benders cut);
// repeat until the choice protects every target. Slow (minutes for 1,400 cells): it measures
// ProtectTable's choice in the benchmark. `table` is the new table as built; it leaves
// protected by the choice found.
struct FewestSuppressions {
  int lower_bound = 0;   // no protection suppresses fewer cells (primary ones included)
  int found = 0;         // cells suppressed by the last choice, completed by ProtectTable's
                         // method where it falls short (rounding, or time ran out)
  bool optimal = false;  // found == lower_bound
  int rounds = 0;        // master programs solved
};
absl::StatusOr<FewestSuppressions> FindFewestSuppressions(const DisclosureRules& rules,
                                                          const TableSpec& spec,
                                                          const BuurtCounts& truth,
                                                          const std::vector<ReleasedTable>& earlier,
                                                          AreaTable* table, double seconds);

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_EXACT_MODEL_H_
