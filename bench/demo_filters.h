#ifndef STAPEL_BENCH_DEMO_FILTERS_H_
#define STAPEL_BENCH_DEMO_FILTERS_H_

// The benchmarks' fuzzy pass: the example manifest's (deploy/examples/manifest.toml), less the
// street and sex fields, so a register record's filter is as large as the demo's.

#include "linker/bloom_filter.h"

namespace stapel {

inline BloomSettings DemoFilters() {
  return BloomSettings{.bits = 2624,
                       .hashes = 8,
                       .fields = {{"first_names", 1.0},
                                  {"surname", 1.0},
                                  {"birth_date", 1.0},
                                  {"birth_year", 1.0},
                                  {"postcode", 1.0},
                                  {"house_number", 2.0},
                                  {"later_given_names", 1.0}}};
}

}  // namespace stapel

#endif  // STAPEL_BENCH_DEMO_FILTERS_H_
