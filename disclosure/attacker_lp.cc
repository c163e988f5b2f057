#include "disclosure/attacker_lp.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <system_error>
#include <type_traits>

#include "parallel/serial_worker.h"

namespace stapel {

namespace {
// GLPK keeps an environment per thread, made by its first call there and never freed by
// itself; a gRPC worker thread that ends would leak it. So the last problem of a thread to go
// frees it (GLPK makes a new one when the thread solves again).
thread_local int live_problems = 0;

// Solutions kept for Spanned: enough to cover the targets of a wijk (every small conjunction of
// its areas), few enough to check fast.
constexpr size_t kSolutionsKept = 512;
// A program of this many relations is first solved from GLPK's advanced basis (a triangular one
// built from its relations) rather than from all slack, which takes long to become feasible: the
// whole program at 100 buurten with 50 earlier releases, 2.2 -> 0.9 s. Smaller programs solve
// fast from either start.
constexpr int kAdvancedBasisFrom = 2'000;
// Counts are whole numbers: LP bounds are rounded inwards, allowing for this much error.
constexpr double kTolerance = 1e-6;
// How far a kept solution may break a relation (GLPK's own bound tolerance is 1e-7, relative).
constexpr double kFeasibility = 1e-7;

double Value(const LinearTerms& terms, const std::vector<double>& x) {
  double sum = 0;
  for (const auto& [unknown, coefficient] : terms) sum += coefficient * x[unknown];
  return sum;
}
}  // namespace

struct AttackerLp::Problem {
  Problem() : lp(glp_create_prob()) { ++live_problems; }
  ~Problem() {
    glp_delete_prob(lp);
    if (--live_problems == 0) glp_free_env();
  }
  glp_prob* lp;
  // What a relation does to its unknowns: a fixing one (AttackerLp::Fixing::kYes, of positive
  // coefficients) holds each of them at 0 while it is known to be at most 0, and those are
  // fixed at 0 (GLPK leaves fixed non-basic columns out of its working program).
  enum class Holds : char { kNever, kNot, kNow };
  std::vector<Holds> holds = {Holds::kNever};  // per relation (from 1)
  std::vector<int> held_by;                    // per unknown (from 0): relations holding it

  // Relation `row`'s upper bound is now `hi`.
  void Hold(int row, double hi) {
    if (holds[row] == Holds::kNever || (hi <= 0) == (holds[row] == Holds::kNow)) return;
    holds[row] = hi <= 0 ? Holds::kNow : Holds::kNot;
    const int length = glp_get_mat_row(lp, row, nullptr, nullptr);
    std::vector<int> index(length + 1);  // GLPK arrays start at 1
    glp_get_mat_row(lp, row, index.data(), nullptr);
    for (int i = 1; i <= length; ++i) {
      int& n = held_by[index[i] - 1];
      const bool was = n > 0;
      n += hi <= 0 ? 1 : -1;
      if (was != (n > 0)) glp_set_col_bnds(lp, index[i], n > 0 ? GLP_FX : GLP_LO, 0.0, 0.0);
    }
  }
};

template <typename F>
auto AttackerLp::OnProgram(F&& task) const {
  if (!worker_) return task();
  // What a change run there threw (out of memory) is thrown here, to the caller.
  auto rethrow = [this] {
    if (failed_) std::rethrow_exception(failed_);
  };
  if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
    worker_->Run(std::forward<F>(task));
    rethrow();
  } else {
    auto result = worker_->Run(std::forward<F>(task));
    rethrow();
    return result;
  }
}

template <typename F>
void AttackerLp::Later(F&& task) {
  if (!worker_) return task();
  worker_->Post([this, task = std::forward<F>(task)] {
    try {
      task();
    } catch (...) {
      failed_ = std::current_exception();
    }
  });
}

AttackerLp::AttackerLp(int unknowns, Thread thread) : unknowns_(unknowns) {
  if (thread == Thread::kOwn) {
    try {
      worker_ = std::make_unique<SerialWorker>();
    } catch (const std::system_error&) {
      // No thread to be had: the program lives on the caller's, with the same answers.
    }
  }
  OnProgram([&] {
    problem_ = std::make_unique<Problem>();
    glp_prob* lp = problem_->lp;
    if (unknowns > 0) glp_add_cols(lp, unknowns);
    for (int j = 1; j <= unknowns; ++j) glp_set_col_bnds(lp, j, GLP_LO, 0.0, 0.0);
    problem_->held_by.assign(unknowns, 0);
  });
}

// The program goes where it was made (GLPK's memory is per thread), then the thread ends. What
// a change there threw was thrown to the caller before, or is of no use now.
AttackerLp::~AttackerLp() {
  auto drop = [&] { problem_.reset(); };
  worker_ ? worker_->Run(drop) : drop();
}

int AttackerLp::AddUnknowns(int n) {
  const int first = unknowns_;
  unknowns_ += n;
  Later([this, first, n] {
    glp_prob* lp = problem_->lp;
    if (n > 0) glp_add_cols(lp, n);
    for (int j = first + 1; j <= first + n; ++j) glp_set_col_bnds(lp, j, GLP_LO, 0.0, 0.0);
    problem_->held_by.resize(first + n, 0);
    for (std::vector<double>& x : solved_) x.resize(first + n, 0.0);  // still solutions
  });
  return first;
}

int AttackerLp::AddRelation(const LinearTerms& terms, double lo, double hi, Fixing fixing) {
  Later([this, terms, lo, hi, fixing] {
    glp_prob* lp = problem_->lp;
    const bool positive =
        std::all_of(terms.begin(), terms.end(), [](const auto& term) { return term.second > 0; });
    // First, so that a relation GLPK holds is always one of these too, if memory runs out.
    problem_->holds.push_back(fixing == Fixing::kYes && positive ? Problem::Holds::kNot
                                                                 : Problem::Holds::kNever);
    const int row = glp_add_rows(lp, 1);
    std::vector<int> index(1, 0);  // GLPK arrays start at 1
    std::vector<double> value(1, 0.0);
    for (const auto& [unknown, coefficient] : terms) {
      index.push_back(unknown + 1);
      value.push_back(coefficient);
    }
    glp_set_mat_row(lp, row, static_cast<int>(terms.size()), index.data(), value.data());
    glp_set_row_bnds(lp, row, lo == hi ? GLP_FX : GLP_DB, lo, hi);
    problem_->Hold(row, hi);
    KeepSolutionsWithin(terms, lo, hi);
  });
  return ++relations_;
}

void AttackerLp::Forget(int id) {
  Later([this, id] {
    glp_set_row_bnds(problem_->lp, id, GLP_FR, 0.0, 0.0);
    problem_->Hold(id, INFINITY);
  });
}

void AttackerLp::Restore(int id, double lo, double hi) {
  Later([this, id, lo, hi] {
    glp_prob* lp = problem_->lp;
    glp_set_row_bnds(lp, id, lo == hi ? GLP_FX : GLP_DB, lo, hi);
    problem_->Hold(id, hi);
    if (solved_.empty()) return;
    const int length = glp_get_mat_row(lp, id, nullptr, nullptr);
    std::vector<int> index(length + 1);  // GLPK arrays start at 1
    std::vector<double> value(length + 1);
    glp_get_mat_row(lp, id, index.data(), value.data());
    LinearTerms terms;
    for (int i = 1; i <= length; ++i) terms.push_back({index[i] - 1, value[i]});
    KeepSolutionsWithin(terms, lo, hi);
  });
}

void AttackerLp::KeepSolutionsWithin(const LinearTerms& terms, double lo, double hi) {
  std::erase_if(solved_, [&](const std::vector<double>& x) {
    const double v = Value(terms, x);
    return v < lo - kFeasibility * (1 + std::abs(lo)) || v > hi + kFeasibility * (1 + std::abs(hi));
  });
}

std::optional<CountRange> AttackerLp::Spanned(const LinearTerms& terms) const {
  return OnProgram([&]() -> std::optional<CountRange> {
    if (solved_.empty()) return std::nullopt;
    double lo = INFINITY, hi = -INFINITY;
    for (const std::vector<double>& x : solved_) {
      const double v = Value(terms, x);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    return CountRange{static_cast<int64_t>(std::ceil(lo - kTolerance)),
                      static_cast<int64_t>(std::floor(hi + kTolerance)), false};
  });
}

absl::StatusOr<std::optional<int64_t>> AttackerLp::Bound(const LinearTerms& terms, bool maximize) {
  auto value = Optimum(terms, maximize);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  return static_cast<int64_t>(maximize ? std::floor(**value + kTolerance)
                                       : std::ceil(**value - kTolerance));
}

int AttackerLp::Simplex(bool counted) {
  glp_prob* lp = problem_->lp;
  if (!solved_once_ && glp_get_num_rows(lp) >= kAdvancedBasisFrom) glp_adv_basis(lp, 0);
  solved_once_ = true;
  if (counted) work_ += glp_get_num_rows(lp);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  int rc = glp_simplex(lp, &parm);
  if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND) {  // a stale basis: start afresh
    glp_std_basis(lp);
    rc = glp_simplex(lp, &parm);
  }
  if (rc == 0 && glp_get_status(lp) == GLP_OPT) {
    std::vector<double> x(glp_get_num_cols(lp));
    for (size_t j = 0; j < x.size(); ++j) x[j] = glp_get_col_prim(lp, static_cast<int>(j) + 1);
    solved_.push_front(std::move(x));
    if (solved_.size() > kSolutionsKept) solved_.pop_back();
  }
  return rc;
}

void AttackerLp::WarmUp() {
  if (relations_ < kAdvancedBasisFrom) return;  // fast from any start, when it is asked
  Later([this] {
    glp_prob* lp = problem_->lp;
    for (const auto& [unknown, coefficient] : objective_) glp_set_obj_coef(lp, unknown + 1, 0.0);
    objective_.clear();
    Simplex(/*counted=*/false);  // a program found contradictory says so at the next question
  });
}

absl::StatusOr<std::optional<double>> AttackerLp::Optimum(const LinearTerms& terms, bool maximize) {
  return OnProgram([&]() -> absl::StatusOr<std::optional<double>> {
    glp_prob* lp = problem_->lp;
    for (const auto& [unknown, coefficient] : objective_) glp_set_obj_coef(lp, unknown + 1, 0.0);
    for (const auto& [unknown, coefficient] : terms) {
      glp_set_obj_coef(lp, unknown + 1, coefficient);
    }
    objective_ = terms;
    glp_set_obj_dir(lp, maximize ? GLP_MAX : GLP_MIN);
    if (Simplex(/*counted=*/true) != 0) {
      return absl::InternalError("the LP solver failed on the attacker's program");
    }
    switch (glp_get_status(lp)) {
      case GLP_OPT:
        return glp_get_obj_val(lp);
      case GLP_UNBND:
        return std::nullopt;
      case GLP_NOFEAS:
      case GLP_INFEAS:
        return absl::FailedPreconditionError(
            "the published values contradict each other: no non-negative counts fit them");
      default:
        return absl::InternalError("the LP solver did not reach an optimum");
    }
  });
}

std::vector<std::pair<int, double>> AttackerLp::BindingRelations() const {
  return OnProgram([&] {
    std::vector<std::pair<int, double>> out;
    glp_prob* lp = problem_->lp;
    const int rows = glp_get_num_rows(lp);
    for (int i = 1; i <= rows; ++i) {
      const double dual = glp_get_row_dual(lp, i);
      if (std::abs(dual) > 1e-9) out.push_back({i, dual});
    }
    return out;
  });
}

absl::StatusOr<CountRange> AttackerLp::Range(const LinearTerms& terms) {
  auto lo = Bound(terms, /*maximize=*/false);
  if (!lo.ok()) return lo.status();
  auto hi = Bound(terms, /*maximize=*/true);
  if (!hi.ok()) return hi.status();
  return CountRange{lo->value_or(0), hi->value_or(0), !hi->has_value()};
}

bool IsProtected(const CountRange& range, int k, int min_width) {
  if (range.unbounded) return true;
  return (range.lo <= 0 && range.hi >= k) || range.hi - range.lo >= min_width;
}

}  // namespace stapel
