// ReleaseModel (release_model.h) over several data states: the links between states that
// followed each other (what the attacker is assumed to know changed, per class and, where few
// changed, per atom) and the targets they add, the changes of conjunctions.
#include <algorithm>
#include <cstdlib>

#include "disclosure/release_model.h"

namespace stapel::internal {

void AddChangeBudget(AttackerLp* lp, const std::vector<std::pair<LinearTerms, double>>& changes,
                     int64_t changed) {
  const int n = static_cast<int>(changes.size());
  const int first = changed == 0 ? -1 : lp->AddUnknowns(2 * n);
  LinearTerms budget;
  for (int i = 0; i < n; ++i) {
    LinearTerms terms = changes[i].first;
    if (first >= 0) {
      terms.push_back({first + 2 * i, -1.0});
      terms.push_back({first + 2 * i + 1, 1.0});
      budget.push_back({first + 2 * i, 1.0});
      budget.push_back({first + 2 * i + 1, 1.0});
    }
    lp->AddRelation(terms, changes[i].second, changes[i].second);
  }
  if (first >= 0) lp->AddRelation(budget, 0, static_cast<double>(changed));
}

void ReleaseModel::AddLinks(int k, const LoggedChanges* logged) {
  // States that followed each other in time (the last: into 0, the one released now).
  for (const auto& [earlier, later] : transitions_.empty() ? InOrder(states_) : transitions_) {
    if (earlier >= states_ || later >= states_) continue;  // a state no release is from
    for (size_t a = 0; a < parent_.size(); ++a) {
      if (area_state_[a] != later) continue;
      const std::string code = PlainCode(static_cast<int>(a));
      auto it = area_index_.find(StateCode(code, earlier));
      if (it == area_index_.end()) continue;
      const int b = it->second;
      if (!children_[a].empty() && !children_[b].empty()) continue;  // the leaves link them
      Link link{b, static_cast<int>(a), {0, 0}, {0, 0}, {-1, -1}};
      for (int u = 0; u < kUnits; ++u) {
        if (logged != nullptr) {
          const auto found = logged->find({earlier, later, code, u});
          if (found != logged->end()) {
            link.changed[u] = found->second.first;
            link.atom_changed[u] = found->second.second;
          }
        } else {
          for (int c = 0; c < classes_[u]; ++c) {
            link.changed[u] += std::abs(truth_[Unknown(link.later, u, c)] -
                                        truth_[Unknown(link.earlier, u, c)]);
          }
          const size_t atoms = atom_class_[u].size();
          for (size_t x = 0; x < atoms; ++x) {
            if (atom_class_[u][x] < 0) continue;
            link.atom_changed[u] += std::abs(atom_truth_[u][link.later * atoms + x] -
                                             atom_truth_[u][link.earlier * atoms + x]);
          }
        }
        std::vector<std::pair<LinearTerms, double>> changes;
        for (int c = 0; c < classes_[u]; ++c) {
          changes.push_back(
              {{{Unknown(link.later, u, c), 1.0}, {Unknown(link.earlier, u, c), -1.0}}, 0.0});
        }
        // The attacker is assumed to know how many persons changed (over atoms), not how the
        // model's classes changed (at most as much): that is the classes' budget too.
        AddChangeBudget(lp_.get(), changes, link.atom_changed[u]);
        AddAtomLink(&link, u, k);
      }
      links_.push_back(link);
    }
  }
  if (logged != nullptr) return;  // the auditor's model has no truth
  truth_.resize(lp_->unknowns(), 0);
  for (const Link& link : links_) {
    for (int u = 0; u < kUnits; ++u) {
      if (link.atom_first[u] < 0) continue;
      const size_t atoms = atom_class_[u].size();
      for (size_t x = 0; x < atoms; ++x) {
        truth_[link.atom_first[u] + x] = atom_truth_[u][link.later * atoms + x];
        truth_[link.atom_first[u] + atoms + x] = atom_truth_[u][link.earlier * atoms + x];
      }
    }
  }
}

// Where 1..k-1 persons changed (summed over atoms, as the attacker is assumed to know it), what
// they have must stay hidden for every conjunction, also one that takes only some atoms of a
// class: each atom of the two areas is an unknown of its own, adding up to its class, with the
// same budget per atom (AddChangeBudget). Unknowns from link->atom_first[u]: the later area's
// atoms, then the earlier's.
void ReleaseModel::AddAtomLink(Link* link, int u, int k) {
  const size_t atoms = atom_class_[u].size();
  if (link->atom_changed[u] < 1 || link->atom_changed[u] >= k) return;
  const int first = lp_->AddUnknowns(2 * static_cast<int>(atoms));
  link->atom_first[u] = first;
  const int n = static_cast<int>(atoms);
  for (const auto& [area, offset] : {std::pair(link->later, 0), {link->earlier, n}}) {
    std::vector<LinearTerms> sums(classes_[u]);
    for (int x = 0; x < n; ++x) {
      if (const int c = atom_class_[u][x]; c >= 0) sums[c].push_back({first + offset + x, 1.0});
    }
    for (int c = 0; c < classes_[u]; ++c) {
      sums[c].push_back({Unknown(area, u, c), -1.0});
      lp_->AddRelation(sums[c], 0, 0);
    }
  }
  std::vector<std::pair<LinearTerms, double>> changes;
  for (int x = 0; x < n; ++x) {
    if (atom_class_[u][x] >= 0) changes.push_back({{{first + x, 1.0}, {first + n + x, -1.0}}, 0.0});
  }
  AddChangeBudget(lp_.get(), changes, link->atom_changed[u]);
}

// Per link where 1..k-1 changed: every conjunction (but "everyone", whose change the attacker
// is assumed to know) of the later state minus the earlier, over atoms where 1..k-1 changed per
// atom (AddAtomLink), else, where 1..k-1 changed per class, over whole classes (a conjunction
// that takes part of a class is left out there).
void ReleaseModel::AddChangeTargets(int k, std::vector<Target>* targets) const {
  for (const Link& link : links_) {
    for (int u = 0; u < kUnits; ++u) {
      const bool per_atom = link.atom_first[u] >= 0;
      if (!per_atom && (link.changed[u] < 1 || link.changed[u] >= k)) continue;
      const int n = std::popcount(mask_[u]);
      for (uint64_t care = 1; care < (uint64_t{1} << n); ++care) {
        for (uint64_t values = care;; values = (values - 1) & care) {
          std::optional<Target> t = per_atom ? AtomChangeTarget(link, u, care, values)
                                             : ClassChangeTarget(link, u, care, values);
          if (t.has_value()) targets->push_back(*std::move(t));
          if (values == 0) break;
        }
      }
    }
  }
}

std::optional<Target> ReleaseModel::AtomChangeTarget(const Link& link, int u, uint64_t care,
                                                     uint64_t values) const {
  const size_t atoms = atom_class_[u].size();
  Target t{{link.later, -1}, -1, {}, {}, 0, -1, u, care, values};
  for (size_t x = 0; x < atoms; ++x) {
    if ((x & care) != values || atom_class_[u][x] < 0) continue;
    t.terms.push_back({link.atom_first[u] + static_cast<int>(x), 1.0});
    t.terms.push_back({link.atom_first[u] + static_cast<int>(atoms + x), -1.0});
    if (!truth_.empty()) {
      t.truth += atom_truth_[u][link.later * atoms + x] - atom_truth_[u][link.earlier * atoms + x];
    }
  }
  t.change_width = static_cast<int>(link.atom_changed[u]);
  if (t.terms.empty()) return std::nullopt;
  return t;
}

std::optional<Target> ReleaseModel::ClassChangeTarget(const Link& link, int u, uint64_t care,
                                                      uint64_t values) const {
  std::optional<Target> later = ConjunctionTarget(link.later, u, care, values);
  std::optional<Target> earlier = ConjunctionTarget(link.earlier, u, care, values);
  if (!later.has_value() || !earlier.has_value() || !later->upper.empty() ||
      !earlier->upper.empty() || later->terms.empty()) {
    return std::nullopt;
  }
  Target t = *later;
  t.truth = truth_.empty() ? -1 : TrueValue(later->terms) - TrueValue(earlier->terms);
  for (const auto& [unknown, coefficient] : earlier->terms) t.terms.push_back({unknown, -coefficient});
  t.change_width = static_cast<int>(link.changed[u]);
  return t;
}

void ReleaseModel::SetChanges(const StateTransitions& transitions,
                              const std::vector<StateChange>& changes, int k) {
  if (states_ < 2) return;
  transitions_ = transitions;
  LoggedChanges logged;
  for (const StateChange& c : changes) {
    logged[{c.earlier, c.later, c.area, c.unit}] = {c.per_class, c.per_atom};
  }
  AddLinks(k, &logged);
}

std::vector<StateChange> ReleaseModel::Changes() const {
  std::vector<StateChange> out;
  for (const Link& link : links_) {
    for (int u = 0; u < kUnits; ++u) {
      if (link.changed[u] == 0 && link.atom_changed[u] == 0) continue;
      out.push_back({.earlier = area_state_[link.earlier],
                     .later = area_state_[link.later],
                     .area = PlainCode(link.later),
                     .unit = u,
                     .per_class = link.changed[u],
                     .per_atom = link.atom_changed[u]});
    }
  }
  return out;
}

}  // namespace stapel::internal
