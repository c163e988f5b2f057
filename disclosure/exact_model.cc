// The exact 0/1 model (exact_model.h): a master 0/1 program over the new table's cells and the
// Benders cuts the attacker's LP gives for every target the master's choice leaves unprotected.
#include "disclosure/exact_model.h"

#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "disclosure/disclosure.h"
#include "disclosure/release_model.h"
#include "disclosure/secondary_suppression.h"

namespace stapel {
namespace internal {

// A constraint on which of the new table's published cells to suppress that every protection of
// a target meets and the present choice breaks (CutFinder::CutFor): the weights of the cells
// chosen must add up to at least `missing`.
struct Cut {
  std::vector<std::pair<CellKey, double>> terms;
  double missing = 0;
};

// What the exact model asks of a ReleaseModel (its friend): the cuts, and the cells to choose
// from.
class CutFinder {
 public:
  // `model` is not owned; it must outlive the CutFinder.
  explicit CutFinder(ReleaseModel* model) : model_(*model) {}

  // For the exact model (FindFewestSuppressions): a constraint on which of the new table's
  // published cells to suppress that every protection of `t` meets and the present choice
  // breaks, or nullopt when the present choice leaves the attacker's LP range of `t` at least
  // `width` wide. From the dual values of both ends: suppressing a published cell c frees its
  // relation, which moves an end by at most its dual times the cell's count (down to 0) or
  // without limit (upwards, unbounded above). So the range can reach `width` only if the
  // published cells now binding it and later suppressed give the width still missing; a
  // term's weight is capped at what is missing, which keeps the constraint valid for 0/1
  // choices and makes it tighter.
  absl::StatusOr<std::optional<Cut>> CutFor(const Target& t, int width);

  // The new table's cells a protection may still choose to suppress: published so far and not
  // already known from an earlier release.
  std::vector<CellKey> Choosable() const;

 private:
  ReleaseModel& model_;
};

absl::StatusOr<std::optional<Cut>> CutFinder::CutFor(const Target& t, int width) {
  ++model_.solved_;
  // As in HubCheck: the solutions found earlier, and the truth, may already span the width.
  if (const std::optional<CountRange> low = SeenRange(*model_.lp_, t.terms, t.truth),
      high = SeenRange(*model_.lp_, t.Upper(), t.truth);
      low.has_value() && high->hi - low->lo >= width) {
    return std::nullopt;
  }
  std::map<CellKey, double> weight;
  double ends[2];
  for (int maximize = 1; maximize >= 0; --maximize) {
    auto end = model_.lp_->Optimum(maximize != 0 ? t.Upper() : t.terms, maximize != 0);
    if (!end.ok()) return end.status();
    if (!end->has_value()) return std::nullopt;  // unbounded above: protected
    ends[maximize] = **end;
    for (const auto& [row, dual] : model_.lp_->BindingRelations()) {
      auto it = model_.row_cell_.find(row);
      if (it == model_.row_cell_.end()) continue;
      const double gain = maximize != 0 ? dual : -dual;  // > 0: moves the end outwards as
      weight[it->second] += gain > 0 ? width             //  the count grows, without limit
                                     : std::abs(dual) * model_.cells_.at(it->second).lo;
    }
  }
  Cut cut;
  cut.missing = width - (ends[1] - ends[0]);
  if (cut.missing <= 1e-6) return std::nullopt;
  for (const auto& [key, w] : weight) {
    if (w > 1e-9) cut.terms.push_back({key, std::min(w, cut.missing)});
  }
  return cut;
}

std::vector<CellKey> CutFinder::Choosable() const {
  std::vector<CellKey> out;
  for (const auto& [key, info] : model_.cells_) {
    if (info.new_cell != nullptr && !info.new_cell->suppressed && !info.published_earlier) {
      out.push_back(key);
    }
  }
  return out;
}

namespace {

// Longest a master program of FindFewestSuppressions may take before its best choice is used.
constexpr double kMasterSeconds = 60;

// The master program of FindFewestSuppressions: 0/1 per choosable cell, fewest suppressions,
// subject to the cuts found so far. Returns the chosen cells and a lower bound on its optimum
// (the optimum itself unless the time ran out).
struct MasterChoice {
  std::vector<CellKey> chosen;
  double lower_bound = 0;
  bool solved = false;
};

class MasterProgram {
 public:
  explicit MasterProgram(std::vector<CellKey> choosable)
      : choosable_(std::move(choosable)), lp_(glp_create_prob()) {
    glp_set_obj_dir(lp_, GLP_MIN);
    if (!choosable_.empty()) glp_add_cols(lp_, static_cast<int>(choosable_.size()));
    for (size_t i = 0; i < choosable_.size(); ++i) {
      column_[choosable_[i]] = static_cast<int>(i) + 1;
      glp_set_col_kind(lp_, static_cast<int>(i) + 1, GLP_BV);
      glp_set_obj_coef(lp_, static_cast<int>(i) + 1, 1.0);
    }
  }
  ~MasterProgram() { glp_delete_prob(lp_); }
  MasterProgram(const MasterProgram&) = delete;
  MasterProgram& operator=(const MasterProgram&) = delete;

  // False when the cut cannot be met by any choice (the target cannot be protected).
  bool Add(const Cut& cut) {
    std::vector<int> index = {0};
    std::vector<double> value = {0.0};
    for (const auto& [key, weight] : cut.terms) {
      auto it = column_.find(key);
      if (it == column_.end()) continue;
      index.push_back(it->second);
      value.push_back(weight);
    }
    if (index.size() == 1) return false;
    const int row = glp_add_rows(lp_, 1);
    glp_set_mat_row(lp_, row, static_cast<int>(index.size()) - 1, index.data(), value.data());
    glp_set_row_bnds(lp_, row, GLP_LO, cut.missing, 0.0);
    return true;
  }

  MasterChoice Solve(double seconds) {
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_OFF;
    parm.mir_cuts = GLP_ON;
    parm.tm_lim = static_cast<int>(std::max(1.0, seconds * 1000));
    parm.cb_func = [](glp_tree* tree, void* info) {
      const int node = glp_ios_best_node(tree);
      if (node != 0) *static_cast<double*>(info) = glp_ios_node_bound(tree, node);
    };
    double best_bound = 0;
    parm.cb_info = &best_bound;
    const int rc = glp_intopt(lp_, &parm);
    MasterChoice out;
    const int status = glp_mip_status(lp_);
    out.solved = rc == 0 && status == GLP_OPT;
    if (status == GLP_OPT || status == GLP_FEAS) {
      for (size_t i = 0; i < choosable_.size(); ++i) {
        if (glp_mip_col_val(lp_, static_cast<int>(i) + 1) > 0.5)
          out.chosen.push_back(choosable_[i]);
      }
    }
    out.lower_bound = out.solved ? glp_mip_obj_val(lp_) : best_bound;
    return out;
  }

 private:
  std::vector<CellKey> choosable_;
  std::map<CellKey, int> column_;
  glp_prob* lp_;
};

}  // namespace
}  // namespace internal

using internal::CellKey;
using internal::CutFinder;
using internal::kMasterSeconds;
using internal::MasterChoice;
using internal::MasterProgram;
using internal::ProtectTargets;
using internal::ReleaseModel;
using internal::SuppressedCells;
using internal::Target;

absl::StatusOr<FewestSuppressions> FindFewestSuppressions(const DisclosureRules& rules,
                                                          const TableSpec& spec,
                                                          const BuurtCounts& truth,
                                                          const std::vector<ReleasedTable>& earlier,
                                                          AreaTable* table, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto left = [&] {
    return std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
  };
  FewestSuppressions result;
  const int primary = ApplyPrimaryRules(rules, spec, table);
  ReleaseModel model;
  if (auto s = model.BuildForNewTable(spec, rules, earlier, table, {}, truth); !s.ok()) return s;
  CutFinder cut_finder(&model);
  model.WholeProgramOnly();  // the wijk programs are tighter: they would ask for more
  const std::vector<Target> targets = model.Targets(rules);
  // A target protected while only the primary cells are suppressed stays protected (suppressing
  // more only widens ranges): after the first round, only the others are asked again.
  std::vector<const Target*> open;
  for (const Target& t : targets) open.push_back(&t);
  // The LP range must be at least this wide: both ways of protecting a cell imply it.
  const int width = std::min(rules.k, rules.protection_width);
  // After the model: GLPK's environment goes with the model's last program, so the master's
  // must go first.
  MasterProgram master(cut_finder.Choosable());
  std::vector<CellKey> chosen;
  bool last_solved = true;  // the choice is the master's optimum (no cuts at first)
  while (left() > 0) {
    ++result.rounds;
    int cuts = 0;
    std::vector<const Target*> unprotected;
    for (const Target* t : open) {
      auto cut = cut_finder.CutFor(*t, width);
      if (!cut.ok()) return cut.status();
      if (!cut->has_value()) continue;
      if (!master.Add(**cut)) {
        return absl::FailedPreconditionError(fmt::format(
            "{} cannot be protected by suppressing more of this table", model.Describe(*t)));
      }
      unprotected.push_back(t);
      ++cuts;
    }
    if (result.rounds == 1) open = std::move(unprotected);
    if (cuts == 0) break;  // the choice protects every target (in the LP sense)
    last_solved = false;
    // A master that takes too long is cut short: its best choice so far still yields cuts.
    const MasterChoice choice = master.Solve(std::min(left(), kMasterSeconds));
    result.lower_bound = std::max(result.lower_bound,
                                  primary + static_cast<int>(std::ceil(choice.lower_bound - 1e-6)));
    if (choice.chosen.empty() && !choice.solved) break;
    last_solved = choice.solved;
    for (const CellKey& key : chosen) model.Suppress(key, false);
    chosen = choice.chosen;
    for (const CellKey& key : chosen) model.Suppress(key, true);
  }
  // Complete the last choice with ProtectTable's method where it falls short (rounding, or
  // the time ran out), which makes it a protection.
  for (const CellKey& key : chosen) model.MarkSuppressed(key);
  if (auto s = ProtectTargets(rules, model, targets); !s.ok()) return s.status();
  result.found = SuppressedCells(*table);
  result.lower_bound = std::max(result.lower_bound, primary);
  if (last_solved && result.found == primary + static_cast<int>(chosen.size())) {
    result.lower_bound = result.found;  // the master's optimum protects: nothing fewer does
  }
  result.optimal = result.found == result.lower_bound;
  return result;
}

}  // namespace stapel
