#ifndef STAPEL_TABLES_TREND_TABLE_H_
#define STAPEL_TABLES_TREND_TABLE_H_

// A trend table: the released tables of one request over several periods, side by side. Per
// area and measure, each period's published value ("<measure> <period>") and the change from
// the first period to the last ("<measure> change <first>-<last>"). Only released values are
// used: the change is the difference of two published (rounded) values, suppressed where
// either is, so the trend tells nothing the periods' releases do not.

#include <string>
#include <vector>

#include "tables/area_table.h"

namespace stapel {

// `released[i]` is the table of `periods[i]` (oldest first); all of one request. Rows and
// measures follow the first table's, matched by area code and measure name; an area or measure
// missing from a period counts as suppressed there.
// Requires at least two periods, with as many tables.
AreaTable BuildTrendTable(const std::vector<std::string>& periods,
                          const std::vector<AreaTable>& released);

}  // namespace stapel

#endif  // STAPEL_TABLES_TREND_TABLE_H_
