// The p-table of the cell key method (ptable.h): per row a small maximum-entropy problem,
// solved through its dual.
#include "disclosure/ptable.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace stapel {
namespace {

// One row's problem: maximize the entropy of p over the perturbations `v`, subject to
// sum p = 1, sum v p = 0, sum v^2 p <= V and, left of v = 0 (when the row may stay), p rising
// toward it (ptable's mono = TRUE). Its dual: p_j ∝ exp(theta . a_j) over the constraints'
// columns a_j, minimizing F(theta) = log sum_j exp(theta . a_j) - theta . b, with theta free for
// the mean and <= 0 for each inequality. Solved by projected Newton steps (the dual has at most
// 2 + 2D variables).
std::vector<double> MaxEntropy(const std::vector<int64_t>& v, double variance) {
  const size_t n = v.size();
  // Constraint columns: [0] the mean (=), [1] the variance (<=), then the rises (<=).
  std::vector<std::vector<double>> a;  // a[k][j]
  std::vector<double> b;
  a.push_back(std::vector<double>(v.begin(), v.end()));
  b.push_back(0);
  std::vector<double> squares(n);
  for (size_t j = 0; j < n; ++j) squares[j] = static_cast<double>(v[j] * v[j]);
  a.push_back(squares);
  b.push_back(variance);
  // Where v = 0 is (n when the row may not stay): p rises up to it.
  const size_t stay = static_cast<size_t>(std::find(v.begin(), v.end(), 0) - v.begin());
  for (size_t j = 0; stay < n && j < stay; ++j) {
    std::vector<double> rise(n, 0.0);  // p_j - p_{j+1} <= 0
    rise[j] = 1;
    rise[j + 1] = -1;
    a.push_back(rise);
    b.push_back(0);
  }
  const size_t m = a.size();
  std::vector<double> theta(m, 0.0);
  auto probabilities = [&](const std::vector<double>& t, double* log_z) {
    std::vector<double> s(n, 0.0);
    for (size_t j = 0; j < n; ++j) {
      for (size_t k = 0; k < m; ++k) s[j] += t[k] * a[k][j];
    }
    const double top = *std::max_element(s.begin(), s.end());
    double z = 0;
    for (double& x : s) z += (x = std::exp(x - top));
    for (double& x : s) x /= z;
    *log_z = top + std::log(z);
    return s;
  };
  auto dual = [&](const std::vector<double>& t) {
    double log_z;
    probabilities(t, &log_z);
    double f = log_z;
    for (size_t k = 0; k < m; ++k) f -= t[k] * b[k];
    return f;
  };
  for (int iteration = 0; iteration < 500; ++iteration) {
    double log_z;
    const std::vector<double> p = probabilities(theta, &log_z);
    std::vector<double> mean(m, 0.0), gradient(m);
    for (size_t k = 0; k < m; ++k) {
      for (size_t j = 0; j < n; ++j) mean[k] += p[j] * a[k][j];
      gradient[k] = mean[k] - b[k];
    }
    // Bound-constrained: an inequality's multiplier at 0 whose gradient would push it above
    // 0 stays fixed.
    std::vector<bool> fixed(m, false);
    double projected = 0;
    for (size_t k = 0; k < m; ++k) {
      fixed[k] = k >= 1 && theta[k] >= -1e-15 && gradient[k] < 0;
      if (!fixed[k]) projected = std::max(projected, std::abs(gradient[k]));
    }
    if (projected < 1e-13) break;
    std::vector<size_t> free;
    for (size_t k = 0; k < m; ++k) {
      if (!fixed[k]) free.push_back(k);
    }
    const size_t f = free.size();
    // The Hessian over the free multipliers: the covariance of their columns under p.
    std::vector<std::vector<double>> h(f, std::vector<double>(f + 1, 0.0));
    for (size_t x = 0; x < f; ++x) {
      for (size_t y = 0; y < f; ++y) {
        double c = 0;
        for (size_t j = 0; j < n; ++j) {
          c += p[j] * (a[free[x]][j] - mean[free[x]]) * (a[free[y]][j] - mean[free[y]]);
        }
        h[x][y] = c + (x == y ? 1e-12 : 0.0);
      }
      h[x][f] = -gradient[free[x]];
    }
    for (size_t c = 0; c < f; ++c) {  // Gaussian elimination with partial pivoting
      size_t pivot = c;
      for (size_t r = c + 1; r < f; ++r) {
        if (std::abs(h[r][c]) > std::abs(h[pivot][c])) pivot = r;
      }
      std::swap(h[c], h[pivot]);
      for (size_t r = 0; r < f; ++r) {
        if (r == c || h[c][c] == 0) continue;
        const double factor = h[r][c] / h[c][c];
        for (size_t cc = c; cc <= f; ++cc) h[r][cc] -= factor * h[c][cc];
      }
    }
    std::vector<double> step(m, 0.0);
    for (size_t x = 0; x < f; ++x) step[free[x]] = h[x][x] == 0 ? 0 : h[x][f] / h[x][x];
    const double now = dual(theta);
    double t = 1;
    std::vector<double> next(m);
    for (; t > 1e-12; t /= 2) {
      for (size_t k = 0; k < m; ++k) {
        next[k] = theta[k] + t * step[k];
        if (k >= 1) next[k] = std::min(next[k], 0.0);
      }
      if (dual(next) <= now) break;
    }
    if (t <= 1e-12) break;
    theta = next;
  }
  double log_z;
  return probabilities(theta, &log_z);
}

}  // namespace

absl::StatusOr<PTable> PTable::Create(const CellKeyParams& params) {
  const int d = params.max_deviation;
  const int js = params.threshold;
  if (d < 1 || js < 0 || js >= d || !(params.variance > 0)) {
    return absl::InvalidArgumentError(fmt::format(
        "a p-table needs max_deviation >= 1, 0 <= threshold < max_deviation and variance > 0 "
        "(got {}, {}, {})",
        d, js, params.variance));
  }
  // The rows: 0 to ncat; the last stands for every larger count.
  const int ncat = js == 0 ? d : d + js + 1;
  PTable table;
  table.rows_.push_back({PTransition{.to = 0, .p = 1, .lower = 0, .upper = 1}});
  for (int i = 1; i <= ncat; ++i) {
    std::vector<int64_t> v;
    for (int j = std::max(i - d, 0); j <= i + d; ++j) {
      if (j >= 1 && j <= js) continue;
      v.push_back(j - i);
    }
    const std::vector<double> p = MaxEntropy(v, params.variance);
    double sum = 0, mean = 0, second = 0;
    bool rises = true;
    const bool may_stay = std::find(v.begin(), v.end(), 0) != v.end();
    for (size_t k = 0; k < v.size(); ++k) {
      sum += p[k];
      mean += p[k] * static_cast<double>(v[k]);
      second += p[k] * static_cast<double>(v[k] * v[k]);
      if (may_stay && v[k] < 0 && k + 1 < v.size() && p[k] > p[k + 1] + 1e-9) rises = false;
    }
    if (!(std::abs(sum - 1) < 1e-9) || !(std::abs(mean) < 1e-7) || !rises) {
      return absl::InvalidArgumentError(fmt::format(
          "no unbiased p-table with max_deviation {}, threshold {} and variance {}: for a count "
          "of {} the solver found no distribution of mean 0 within the bounds (mean {:.2g}); "
          "raise the variance or max_deviation, or lower the threshold",
          d, js, params.variance, i, mean));
    }
    if (second > params.variance + 1e-6) {
      return absl::InvalidArgumentError(fmt::format(
          "no p-table has variance {} with max_deviation {} and threshold {}: a count of {} "
          "cannot stay and needs a variance of at least {:.3f}; raise the variance or lower "
          "the threshold",
          params.variance, d, js, i, second));
    }
    std::vector<PTransition> row;
    double cumulative = 0;
    for (size_t k = 0; k < v.size(); ++k) {
      // As the package: the cumulative bounds rounded to 8 digits, p their difference.
      const double lower = std::round(cumulative * 1e8) / 1e8;
      cumulative += p[k];
      const double upper = k + 1 == v.size() ? 1.0 : std::round(cumulative * 1e8) / 1e8;
      row.push_back({.to = i + v[k], .p = upper - lower, .lower = lower, .upper = upper});
    }
    table.rows_.push_back(std::move(row));
  }
  return table;
}

int64_t PTable::Perturbed(int64_t value, uint32_t key) const {
  const int64_t last = static_cast<int64_t>(rows_.size()) - 1;
  const int64_t i = std::min(value, last);
  const double cell_key = static_cast<double>(key) / 4294967296.0;  // in [0, 1)
  const std::vector<PTransition>& row = rows_[static_cast<size_t>(i)];
  for (const PTransition& t : row) {
    if (cell_key < t.upper) return value + (t.to - i);
  }
  return value + (row.back().to - i);
}

}  // namespace stapel
