#ifndef STAPEL_DISCLOSURE_PTABLE_H_
#define STAPEL_DISCLOSURE_PTABLE_H_

// The perturbation table (p-table) of the cell key method for counts, built as the `ptable`
// package (sdcTools, create_cnt_ptable) documents: for each original count i from 0 to ncat
// (D when js = 0, else D + js + 1) the probabilities of publishing j, with |j - i| <= D, no j below 0 and none in
// 1..js, zero mean (unbiased) and variance V, of maximum entropy among those (the package's
// default, optim = 1). Zero stays zero. Counts above ncat use the last row, shifted. A cell
// key in [0, 1) selects j by the rows' cumulative intervals: j's interval is
// [p_int_lb, p_int_ub), its width p.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "project/manifest.h"

namespace stapel {

struct PTransition {
  int64_t to = 0;     // j
  double p = 0;       // its probability
  double lower = 0;   // p_int_lb
  double upper = 0;   // p_int_ub
};

class PTable {
 public:
  // INVALID_ARGUMENT when the parameters allow no such table (the manifest checks their
  // ranges; a row that cannot be unbiased, rising toward staying and within the variance is
  // refused here, naming the row).
  static absl::StatusOr<PTable> Create(const CellKeyParams& params);

  // The published value of a count `value` (>= 0) whose cell key is `key` / 2^32.
  int64_t Perturbed(int64_t value, uint32_t key) const;

  // rows()[i]: the transitions of original count i, in increasing j.
  const std::vector<std::vector<PTransition>>& rows() const { return rows_; }

 private:
  std::vector<std::vector<PTransition>> rows_;
};

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_PTABLE_H_
