// The secondary-suppression heuristic of ProtectTable (secondary_suppression.h).
#include "disclosure/secondary_suppression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

namespace stapel::internal {
namespace {

// The clean-up stops when the programs it solves reach this much work (ReleaseModel::work):
// about 1.6 s at 100 buurten with 50 earlier releases on the benchmark machine, and the same
// table from the same data on any machine.
constexpr int64_t kCleanUpWork = 400'000;
// What one protection check costs against that budget when kept solutions settle it without
// solving (about as long as solving a program of this many relations): with every small
// conjunction a target, a complement can have thousands of targets to check again.
constexpr int64_t kCheckWork = 10;
// Complements tried per unprotected cell before taking the one that widens it most.
constexpr int kCandidatesTried = 8;

}  // namespace

namespace {

// What became of a target: protected, narrowed by the earlier releases alone, or left for later
// (only the whole program can tell, and it is deferred: ReleaseModel::DeferWholeProgram).
enum class Settled { kProtected, kInherited, kDeferred };

// Suppresses more cells of the new table until `target` is protected; see ProtectTargets.
absl::StatusOr<Settled> Settle(const DisclosureRules& rules, ReleaseModel& model,
                               const Target& target) {
  CountRange range;
  std::vector<CellKey> limiting;
  auto ok = model.Protected(target, rules, &range, &limiting);
  if (!ok.ok()) return ok.status();
  while (!*ok) {
    if (model.WholeNeeded()) return Settled::kDeferred;
    std::optional<CellKey> best;
    if (!limiting.empty()) {
      // A published cell that limits the attacker's upper bound: the cheapest of them.
      best = *std::min_element(limiting.begin(), limiting.end(), [&](CellKey a, CellKey b) {
        const int64_t va = model.Value(a), vb = model.Value(b);
        return std::pair(va == 0, va) < std::pair(vb == 0, vb);
      });
    }
    // Otherwise: the first candidate that protects the target; else, of the first few, the
    // one that widens its range most; else the first that widens it at all; else (it takes
    // two suppressions, as a cell and its complement in a total) the cheapest, and go on.
    const int64_t width_now = range.hi - range.lo;
    std::vector<CellKey> candidates = best ? std::vector<CellKey>() : model.Candidates(target);
    if (!best && candidates.empty()) {
      // No published cell of the new table counts anyone the target counts; others may
      // still limit it through the relations, unless the earlier releases alone do.
      auto inherited = model.NarrowedByEarlierAlone(target, rules);
      if (!inherited.ok()) return inherited.status();
      if (model.WholeNeeded()) return Settled::kDeferred;
      if (*inherited) return Settled::kInherited;
      candidates = model.Complements({}, /*published=*/true);
    }
    int64_t best_width = width_now;
    int tried = 0;
    for (const CellKey& candidate : candidates) {
      if (best && tried >= kCandidatesTried) break;
      ++tried;
      model.Suppress(candidate, true);
      CountRange widened;
      auto protects = model.Protected(target, rules, &widened);
      model.Suppress(candidate, false);
      if (!protects.ok()) return protects.status();
      if (model.WholeNeeded()) return Settled::kDeferred;
      const int64_t width = *protects ? INT64_MAX : widened.hi - widened.lo;
      if (width > best_width) {
        best = candidate;
        best_width = width;
      }
      if (*protects) break;
    }
    if (!best && !candidates.empty()) best = candidates.front();
    if (!best) {
      return absl::InternalError(
          fmt::format("{} is protected with every cell of this table suppressed, but no single "
                      "suppression was found to widen it",
                      model.Describe(target)));
    }
    model.Suppress(*best, true);
    model.MarkSuppressed(*best);
    ok = model.Protected(target, rules, &range, &limiting);
    if (!ok.ok()) return ok.status();
  }
  if (model.LastProof().empty()) {
    if (auto ok = model.ProtectedWithAnyPartner(target, rules); !ok.ok()) return ok.status();
  }
  return Settled::kProtected;
}

}  // namespace

absl::StatusOr<std::vector<Proof>> ProtectTargets(const DisclosureRules& rules, ReleaseModel& model,
                                                  const std::vector<Target>& targets) {
  // Suppressing more only widens ranges, so a target found protected stays protected, in the
  // same program. Targets the wijk and pair programs settle go first; those only the whole
  // program can tell about go last, so that its first (and slowest) solution can be found
  // meanwhile (AttackerLp::WarmUp, on a thread of its own where a core is free).
  std::vector<Proof> proofs(targets.size());
  // Settles target `i`; returns whether it was left for the whole program.
  auto settle = [&](size_t i) -> absl::StatusOr<bool> {
    auto settled = Settle(rules, model, targets[i]);
    if (!settled.ok()) return settled.status();
    if (*settled == Settled::kProtected) proofs[i] = model.LastProof();
    // kInherited: what the earlier releases already tell; no suppression here changes it.
    return *settled == Settled::kDeferred;
  };
  std::vector<size_t> later;
  model.DeferWholeProgram(true);
  for (size_t i = 0; i < targets.size(); ++i) {
    auto deferred = settle(i);
    if (!deferred.ok()) {
      model.DeferWholeProgram(false);
      return deferred.status();
    }
    if (*deferred) later.push_back(i);
  }
  model.DeferWholeProgram(false);
  for (size_t i : later) {
    auto deferred = settle(i);
    if (!deferred.ok()) return deferred.status();
    if (*deferred) {
      return absl::InternalError(fmt::format(
          "{} was left for the whole program while it was not deferred", model.Describe(targets[i])));
    }
  }
  return proofs;
}

absl::Status RepublishUnneeded(const DisclosureRules& rules, ReleaseModel& model,
                               const std::vector<Target>& targets, const std::vector<Proof>& proofs,
                               const std::set<const Cell*>& primary) {
  std::set<const Target*> whole;
  std::vector<std::set<const Target*>> by_wijk(model.Wijken());  // targets proven there
  std::map<const Target*, int> proven_in;  // how many wijk programs the last proof took
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!proofs[i].has_value()) continue;  // the earlier releases narrow it; nothing to keep
    if (proofs[i]->empty()) whole.insert(&targets[i]);
    for (int w : *proofs[i]) by_wijk[w].insert(&targets[i]);
    proven_in[&targets[i]] = static_cast<int>(proofs[i]->size());
  }
  const int64_t budget = model.work() + kCleanUpWork;
  int64_t checks = 0;
  auto spent = [&] { return model.work() + kCheckWork * checks >= budget; };
  // The top area's complements last: each is in every wijk's program, so its check asks every
  // target again, and the budget goes further on the others.
  std::vector<CellKey> complements = model.Complements(primary);
  std::stable_partition(complements.begin(), complements.end(),
                        [&](CellKey c) { return model.WijkOf(c) >= 0; });
  for (const CellKey& complement : complements) {
    if (spent()) break;
    const int wijk = model.WijkOf(complement);
    std::set<const Target*> recheck = whole;
    for (int w = 0; w < model.Wijken(); ++w) {
      if (wijk < 0 || w == wijk) recheck.insert(by_wijk[w].begin(), by_wijk[w].end());
    }
    // The targets of the complement's own area first: they are the likeliest to need it; then
    // the cheaper checks (a wijk's program, a pair's, the whole program).
    std::vector<const Target*> order(recheck.begin(), recheck.end());
    auto rank = [&](const Target* t) {
      return std::pair(t->cell.area != complement.area, whole.contains(t) ? 3 : proven_in[t]);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const Target* a, const Target* b) { return rank(a) < rank(b); });
    model.Republish(complement);
    bool needed = false;
    for (const Target* t : order) {
      if (spent()) {  // not shown unneeded within the budget: it stays suppressed
        needed = true;
        break;
      }
      ++checks;
      CountRange range;
      auto ok = model.Protected(*t, rules, &range, nullptr, !whole.contains(t));
      if (!ok.ok()) return ok.status();
      if (!*ok) {
        needed = true;
        break;
      }
      for (int w : model.LastProof()) by_wijk[w].insert(t);
      proven_in[t] = static_cast<int>(model.LastProof().size());
    }
    if (needed) {
      model.Suppress(complement, true);
      model.MarkSuppressed(complement);
    }
  }
  return absl::OkStatus();
}

int Inherited(const std::vector<Proof>& proofs) {
  return static_cast<int>(std::count(proofs.begin(), proofs.end(), std::nullopt));
}

int SuppressedCells(const AreaTable& table) {
  int n = 0;
  for (const auto& row : table.rows) {
    for (const auto& c : row.cells) n += c.suppressed;
  }
  return n;
}

}  // namespace stapel::internal
