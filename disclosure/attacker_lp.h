#ifndef STAPEL_DISCLOSURE_ATTACKER_LP_H_
#define STAPEL_DISCLOSURE_ATTACKER_LP_H_

// The attacker's linear program (the "audit" of table protection, as in tau-ARGUS): unknown
// non-negative counts, the linear relations a reader of the released tables knows about them
// (every published value, every additive relation), and for any linear expression of the
// unknowns the narrowest interval those relations allow. Solved with GLPK's simplex; the
// basis is kept between questions, so asking many ranges of one program is cheap.
// A program may live on a thread of its own (GLPK keeps its memory per thread), so that its
// first, slowest solution (WarmUp) is found while the caller goes on: every call is then
// carried out there, in the order made, and gives the same answers as without.

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace stapel {

// sum of coefficient * unknown
using LinearTerms = std::vector<std::pair<int, double>>;

struct CountRange {
  int64_t lo = 0;
  int64_t hi = 0;
  bool unbounded = false;  // hi is then meaningless: the relations do not bound it above
};

class SerialWorker;

class AttackerLp {
 public:
  enum class Thread { kCallers, kOwn };
  explicit AttackerLp(int unknowns, Thread thread = Thread::kCallers);
  ~AttackerLp();
  AttackerLp(const AttackerLp&) = delete;
  AttackerLp& operator=(const AttackerLp&) = delete;

  int unknowns() const { return unknowns_; }
  // Adds `n` unknowns (non-negative, in no relation yet); returns the first one's index.
  int AddUnknowns(int n);
  int relations() const { return relations_; }
  // The relations of the program at each solve, summed over every solve: a measure of the work
  // done that does not depend on the machine (WarmUp's solve is not counted).
  int64_t work() const { return work_; }

  // Finds a first solution of the relations as they are (for no objective), on the program's
  // own thread while the caller goes on (with Thread::kCallers: now); the questions asked later
  // start from it. Kept like every solution found. Nothing for a small program (under 2,000
  // relations), which any question solves fast from scratch.
  void WarmUp();

  // Whether a relation may fix unknowns (kYes): while it is known to be at most 0 and all its
  // coefficients are positive, each of its unknowns is fixed at 0, which leaves them out of the
  // simplex's work: the same ranges, found faster where earlier releases published many zeros.
  // Its dual then no longer tells what it limits (it is mostly 0: the fixed unknowns' reduced
  // costs tell it), so a relation whose dual is asked for (BindingRelations: the new table's
  // cells) is added with kNo.
  enum class Fixing { kNo, kYes };

  // The attacker knows lo <= terms <= hi (lo == hi: the value). Returns the relation's id.
  int AddRelation(const LinearTerms& terms, double lo, double hi, Fixing fixing = Fixing::kNo);
  // The attacker no longer knows relation `id` (a cell that is now suppressed) ...
  void Forget(int id);
  // ... or knows it again (a suppression that was only tried).
  void Restore(int id, double lo, double hi);

  // The smallest and largest whole value of `terms` consistent with every relation (LP bounds,
  // rounded inwards to whole numbers). FAILED_PRECONDITION when the relations contradict each
  // other, which a table computed from real counts never does.
  absl::StatusOr<CountRange> Range(const LinearTerms& terms);
  // One end of the range: the largest (or smallest) whole value; nullopt when unbounded above.
  absl::StatusOr<std::optional<int64_t>> Bound(const LinearTerms& terms, bool maximize);
  // The same end as the LP gives it, not rounded.
  absl::StatusOr<std::optional<double>> Optimum(const LinearTerms& terms, bool maximize);
  // The relations that limit the last bound found, with their non-zero dual values (how much
  // that bound moves per unit the relation's known value moves): forgetting one of them is
  // what can move it.
  std::vector<std::pair<int, double>> BindingRelations() const;

  // The whole-number range of `terms` over the solutions found earlier that satisfy every
  // relation known now: part of the range Range would find, so what it shows needs no solving.
  // nullopt when no such solution is kept.
  std::optional<CountRange> Spanned(const LinearTerms& terms) const;

 private:
  // Runs `task` where the program lives, after the calls before it, and returns its result.
  template <typename F>
  auto OnProgram(F&& task) const;
  // The same for a change whose end the caller need not wait for (at once without a thread).
  template <typename F>
  void Later(F&& task);
  // Solves for the objective set (on the program's thread); `counted`: adds to work().
  int Simplex(bool counted);
  // Drops the kept solutions that break lo <= terms <= hi.
  void KeepSolutionsWithin(const LinearTerms& terms, double lo, double hi);

  int unknowns_;
  int relations_ = 0;
  std::unique_ptr<SerialWorker> worker_;  // Thread::kOwn's
  // Used on the program's thread only: the GLPK program and what is found with it.
  struct Problem;
  std::unique_ptr<Problem> problem_;
  bool solved_once_ = false;
  LinearTerms objective_;                   // the last objective set, to clear it cheaply
  std::deque<std::vector<double>> solved_;  // the last solutions found, newest first
  std::atomic<int64_t> work_ = 0;           // changed only while the caller waits for it
  std::exception_ptr failed_;               // what a change made Later threw
};

// Whether a suppressed cell is protected when the attacker can narrow it
// to `range`: the interval must hold both 0 and k, or be at least `min_width` wide.
bool IsProtected(const CountRange& range, int k, int min_width);

}  // namespace stapel

#endif  // STAPEL_DISCLOSURE_ATTACKER_LP_H_
