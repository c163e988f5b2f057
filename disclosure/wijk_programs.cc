// ReleaseModel (release_model.h): the per-wijk and pair programs, in which the attacker also
// knows every count outside one or two wijken exactly, and the protection checks that ask them
// first and the whole program only where they do not settle a target (Protected, HubCheck).
#include <algorithm>

#include "disclosure/release_model.h"

namespace stapel::internal {

// Per wijk (a child of a top area): the attacker's program if he also knew every count
// outside that wijk exactly. It is tighter than the full program, so a target it finds
// protected is protected; it is small, so most targets are settled cheaply. Needs the truth.
// Over several data states a wijk's program holds the wijk in every state (the same code) and
// the links between them (AddLinks). Programs for a wijk and a partner wijk are made when
// needed (PairLocal).
void ReleaseModel::BuildLocals() {
  local_of_area_.assign(parent_.size(), -1);
  std::map<std::string, std::vector<int>> by_code;  // a wijk's areas, one per state
  std::vector<std::string> order;
  for (size_t top = 0; top < parent_.size(); ++top) {
    if (parent_[top] >= 0) continue;
    for (int wijk : children_[top]) {
      const std::string code = PlainCode(wijk);
      if (!by_code.contains(code)) order.push_back(code);
      by_code[code].push_back(wijk);
    }
  }
  for (const std::string& code : order) {
    for (int wijk : by_code[code]) {
      for (int a : Subtree(wijk)) local_of_area_[a] = static_cast<int>(locals_.size());
    }
    MakeLocal(by_code[code]);
  }
  singles_ = static_cast<int>(locals_.size());
}

std::vector<int> ReleaseModel::Subtree(int area) const {
  std::vector<int> out, stack = {area};
  while (!stack.empty()) {
    const int a = stack.back();
    stack.pop_back();
    out.push_back(a);
    stack.insert(stack.end(), children_[a].begin(), children_[a].end());
  }
  return out;
}

// Makes the program of `wijken` (children of top areas): every count outside them known.
// Returns its index.
int ReleaseModel::MakeLocal(std::vector<int> wijken) {
  const int l = static_cast<int>(locals_.size());
  Local local;
  local.top = parent_[wijken.front()];
  local.wijken = std::move(wijken);
  for (int wijk : local.wijken) {
    for (int a : Subtree(wijk)) local.owner.emplace(a, static_cast<int>(local.owner.size()));
  }
  const int owners = static_cast<int>(local.owner.size());
  local.offset1 = owners * classes_[0];
  local.lp = std::make_unique<AttackerLp>(owners * (classes_[0] + classes_[1]));
  for (const auto& [a, owner] : local.owner) {
    if (children_[a].empty()) continue;
    for (int u = 0; u < kUnits; ++u) {
      for (int c = 0; c < classes_[u]; ++c) {
        LinearTerms terms = {{LocalUnknown(local, a, u, c), 1.0}};
        for (int child : children_[a]) terms.push_back({LocalUnknown(local, child, u, c), -1.0});
        local.lp->AddRelation(terms, 0, 0);
      }
    }
  }
  for (const Published& p : published_) {
    LinearTerms terms;
    double shift = 0;  // the top area's count minus these wijken's part of it is known
    if (parent_[p.key.area] < 0) {
      shift = static_cast<double>(TrueValue(Terms(p.key)));
      for (int wijk : local.wijken) {
        if (parent_[wijk] != p.key.area) continue;
        const CellKey part{wijk, p.key.function};
        shift -= static_cast<double>(TrueValue(Terms(part)));
        const LinearTerms part_terms = LocalTerms(local, Terms(part));
        terms.insert(terms.end(), part_terms.begin(), part_terms.end());
      }
      if (terms.empty()) continue;  // a top area none of these wijken is in
    } else if (local.owner.contains(p.key.area)) {
      terms = LocalTerms(local, Terms(p.key));
    } else {
      continue;
    }
    const double lo = std::max(0.0, p.lo - shift), hi = p.hi - shift;
    const int row = local.lp->AddRelation(
        terms, lo, hi, p.is_new ? AttackerLp::Fixing::kNo : AttackerLp::Fixing::kYes);
    if (p.is_new) {
      CellInfo& info = cells_.at(p.key);
      if (info.new_cell->suppressed) local.lp->Forget(row);
      info.local_rows.push_back({l, row, lo, hi});
      local.row_cell[row] = p.key;
    }
  }
  AddLocalLinks(&local);
  locals_.push_back(std::move(local));
  return l;
}

// The links between data states (AddLinks) that touch the program's areas; an area of a link
// outside them is known.
void ReleaseModel::AddLocalLinks(Local* local) const {
  for (const Link& link : links_) {
    if (!local->owner.contains(link.later) && !local->owner.contains(link.earlier)) continue;
    for (int u = 0; u < kUnits; ++u) {
      std::vector<std::pair<LinearTerms, double>> changes;
      for (int c = 0; c < classes_[u]; ++c) {
        LinearTerms terms;
        double known = 0;
        for (const auto& [area, coefficient] : {std::pair(link.later, 1.0), {link.earlier, -1.0}}) {
          if (local->owner.contains(area)) {
            terms.push_back({LocalUnknown(*local, area, u, c), coefficient});
          } else {
            known += coefficient * static_cast<double>(truth_[Unknown(area, u, c)]);
          }
        }
        changes.push_back({terms, -known});
      }
      AddChangeBudget(local->lp.get(), changes, link.atom_changed[u]);
    }
  }
}

// The program of wijk programs `a` and `b` together, made the first time it is asked for.
int ReleaseModel::PairLocal(int a, int b) {
  const std::pair<int, int> key = std::minmax(a, b);
  if (auto it = pairs_.find(key); it != pairs_.end()) return it->second;
  std::vector<int> wijken = locals_[a].wijken;
  wijken.insert(wijken.end(), locals_[b].wijken.begin(), locals_[b].wijken.end());
  const int l = MakeLocal(std::move(wijken));
  pairs_[key] = l;
  return l;
}

int ReleaseModel::LocalUnknown(const Local& local, int area, int unit, int cls) const {
  return (unit == 0 ? 0 : local.offset1) + local.owner.at(area) * classes_[unit] + cls;
}

LinearTerms ReleaseModel::LocalTerms(const Local& local, const LinearTerms& terms) const {
  LinearTerms out;
  for (const auto& [unknown, coefficient] : terms) {
    const int u = unknown >= offset_[1] && classes_[1] > 0 ? 1 : 0;
    const int area = (unknown - offset_[u]) / classes_[u], c = (unknown - offset_[u]) % classes_[u];
    out.push_back({LocalUnknown(local, area, u, c), coefficient});
  }
  return out;
}

bool ReleaseModel::Owns(const Local& local, const LinearTerms& terms) const {
  return std::all_of(terms.begin(), terms.end(), [&](const auto& term) {
    const int u = term.first >= offset_[1] && classes_[1] > 0 ? 1 : 0;
    return local.owner.contains((term.first - offset_[u]) / classes_[u]);
  });
}

absl::StatusOr<bool> ReleaseModel::Protected(const Target& t, const DisclosureRules& rules,
                                             CountRange* out, std::vector<CellKey>* limiting,
                                             bool wijk_only) {
  ++solved_;
  last_proof_.clear();
  whole_needed_ = false;
  // The cheap, tighter checks first (a change of an area that moved wijk: the whole program).
  if (!truth_.empty() && local_of_area_[t.cell.area] >= 0 &&
      Owns(locals_[local_of_area_[t.cell.area]], t.terms)) {
    const int single = local_of_area_[t.cell.area];
    // A target a pair's program protected before is likeliest to be so there again.
    const auto hint = pair_proof_.find(t.id);
    const int hinted = hint == pair_proof_.end() ? -1 : hint->second;
    if (hinted >= 0) {
      auto ok = InPair(t, rules, hinted);
      if (!ok.ok() || *ok) return ok;
    }
    std::vector<CellKey> local_limiting;
    const Local& local = locals_[single];
    auto ok = HubCheck(*local.lp, LocalTerms(local, t.terms), LocalTerms(local, t.Upper()),
                       t.truth, 0, t.change_width,
                       rules, local.row_cell, out, &local_limiting);
    if (!ok.ok()) return ok;
    if (*ok) {
      last_proof_ = {single};
      return true;
    }
    // Where only the top area's counts pin it down, a partner wijk may leave it room.
    for (int partner :
         wijk_only ? std::vector<int>() : Partners(single, Pinning(single, t, local_limiting))) {
      const int l = PairLocal(single, partner);
      if (l == hinted) continue;
      auto ok = InPair(t, rules, l);
      if (!ok.ok() || *ok) return ok;
    }
    if (wijk_only) return false;
    // Widen it within the wijk where the wijk's own cells limit it; only otherwise ask the
    // whole program (protection may come from elsewhere, or the cells to suppress lie there).
    if (limiting != nullptr && !local_limiting.empty()) {
      *limiting = std::move(local_limiting);
      return false;
    }
  }
  if (!truth_.empty() && parent_[t.cell.area] < 0) {
    auto ok = TopInWijken(t, rules);
    // `wijk_only`: the clean-up counts on the wijk programs that proved it before.
    if (!ok.ok() || *ok || wijk_only) return ok;
  }
  if (!truth_.empty()) {
    if (defer_whole_) {
      whole_needed_ = true;
      if (limiting != nullptr) limiting->clear();
      return false;
    }
    return HubCheck(*lp_, t.terms, t.Upper(), t.truth, 0, t.change_width, rules, row_cell_, out,
                    limiting);
  }
  // The auditor, without true values: a change where 1..k-1 changed keeps that width; no count
  // may be known to be a small one (its range within 1..k-1), where one end alone often
  // settles it.
  if (t.change_width > 0) {
    auto hi = lp_->Bound(t.terms, true);
    if (!hi.ok()) return hi.status();
    auto lo = lp_->Bound(t.terms, false);
    if (!lo.ok()) return lo.status();
    if (!hi->has_value() || !lo->has_value()) return true;  // unbounded: as wide as can be
    *out = {**lo, **hi, false};
    return **hi - **lo >= t.change_width;
  }
  const std::optional<CountRange> low = lp_->Spanned(t.terms), high = lp_->Spanned(t.Upper());
  if ((high.has_value() && high->hi >= rules.k) || (low.has_value() && low->lo < 1)) return true;
  auto hi = lp_->Bound(t.Upper(), true);
  if (!hi.ok()) return hi.status();
  *out = {0, hi->value_or(0), !hi->has_value()};
  if (!hi->has_value() || **hi >= rules.k) return true;
  auto lo = lp_->Bound(t.terms, false);
  if (!lo.ok()) return lo.status();
  out->lo = lo->value_or(0);
  return out->lo < 1;
}

// Whether the hub may publish this: see table_protection.h for the two rules.
// The hub's rule in one program (the whole one, a wijk's or a pair's), knowing the true value:
// the upper end alone may show enough room; else the new table's cells binding that end go to
// `limiting` (rows found through `row_cell`) and the range is checked.
absl::StatusOr<bool> ReleaseModel::HubCheck(AttackerLp& lp, const LinearTerms& terms,
                                            const LinearTerms& upper, int64_t truth,
                                            int64_t shift, int change_width,
                                            const DisclosureRules& rules,
                                            const std::map<int, CellKey>& row_cell, CountRange* out,
                                            std::vector<CellKey>* limiting) const {
  // The solutions found for earlier questions, and the truth, span part of the attacker's
  // range: if that part is wide enough, so is the range. It often settles it without solving.
  // (The solution Bound finds is kept too.) The lower end is the minimum of `terms`, the upper
  // the maximum of `upper`, over the same solutions.
  // A change must keep its width; a count the rule's range (IsProtected).
  // The count is `shift` plus the terms' sum (a top area's count in a wijk's program).
  auto enough = [&](const CountRange& range) {
    return change_width > 0 ? range.hi - range.lo >= change_width
                            : IsProtected({range.lo + shift, range.hi + shift}, rules.k,
                                          rules.protection_width);
  };
  auto protected_by_seen = [&] {
    const std::optional<CountRange> low = SeenRange(lp, terms, truth - shift),
                                    high = SeenRange(lp, upper, truth - shift);
    return low.has_value() && enough({low->lo, high->hi});
  };
  if (protected_by_seen()) return true;
  auto hi = lp.Bound(upper, true);
  if (!hi.ok()) return hi.status();
  if (!hi->has_value() ||
      **hi + shift - truth >= (change_width > 0 ? change_width : rules.protection_width)) {
    return true;
  }
  if (limiting != nullptr) {
    limiting->clear();
    for (const auto& [row, dual] : lp.BindingRelations()) {
      auto it = row_cell.find(row);
      if (it == row_cell.end()) continue;
      // A cell an earlier release published stays known however this table shows it.
      const CellInfo& info = cells_.at(it->second);
      if (!info.new_cell->suppressed && !info.published_earlier) {
        limiting->push_back(it->second);
      }
    }
  }
  if (protected_by_seen()) return true;
  auto lo = lp.Bound(terms, false);
  if (!lo.ok()) return lo.status();
  *out = {lo->value_or(0), **hi, false};
  const bool ok = enough(*out);
  *out = {out->lo + shift, out->hi + shift, false};
  return ok;
}

// Whether pair program `l` protects target `t` (the hub's rule); remembers it if so.
absl::StatusOr<bool> ReleaseModel::InPair(const Target& t, const DisclosureRules& rules, int l) {
  const Local& pair = locals_[l];
  if (!Owns(pair, t.terms)) return false;  // a change at atom level: the whole program's
  CountRange range;
  auto ok = HubCheck(*pair.lp, LocalTerms(pair, t.terms), LocalTerms(pair, t.Upper()), t.truth,
                     0, t.change_width, rules,
                     pair.row_cell,
                     &range, nullptr);
  if (ok.ok() && *ok) {
    last_proof_.clear();
    for (int wijk : pair.wijken) last_proof_.push_back(local_of_area_[wijk]);
    pair_proof_[t.id] = l;
  }
  return ok;
}

absl::StatusOr<bool> ReleaseModel::TopInWijken(const Target& t, const DisclosureRules& rules) {
  const int top = t.cell.area;
  if (!t.upper.empty() || t.change_width > 0 || children_[top].empty()) return false;
  const int end_of_top = Unknown(top, 0, 0) + classes_[0];  // of its person classes
  for (const auto& [unknown, coefficient] : t.terms) {  // its own classes only (not atoms)
    const bool persons = unknown >= Unknown(top, 0, 0) && unknown < end_of_top;
    const bool households = classes_[1] > 0 && unknown >= Unknown(top, 1, 0) &&
                            unknown < Unknown(top, 1, 0) + classes_[1];
    if (!persons && !households) return false;
  }
  // The target's part in wijk `w`: its classes there.
  auto part = [&](int w) {
    LinearTerms moved;
    for (const auto& [unknown, coefficient] : t.terms) {
      const int u = unknown >= offset_[1] && classes_[1] > 0 ? 1 : 0;
      moved.push_back({unknown + (w - top) * classes_[u], coefficient});
    }
    return moved;
  };
  std::vector<std::pair<int64_t, int>> holding;  // (-true part, wijk)
  for (int w : children_[top]) {
    if (local_of_area_[w] < 0) return false;
    holding.push_back({-TrueValue(part(w)), w});
  }
  std::sort(holding.begin(), holding.end());
  std::vector<int> programs = {local_of_area_[holding[0].second]};
  if (holding.size() > 1) {
    programs.push_back(local_of_area_[holding[1].second]);
    programs.push_back(PairLocal(programs[0], programs[1]));
  }
  for (int l : programs) {
    const Local& local = locals_[l];
    LinearTerms terms;
    int64_t shift = t.truth;  // what the program's attacker knows: the other wijken's part
    for (int w : local.wijken) {
      if (parent_[w] != top) continue;  // the wijk in another data state
      const LinearTerms moved = part(w);
      shift -= TrueValue(moved);
      const LinearTerms in_local = LocalTerms(local, moved);
      terms.insert(terms.end(), in_local.begin(), in_local.end());
    }
    CountRange range;
    auto ok = HubCheck(*local.lp, terms, terms, t.truth, shift, 0, rules, local.row_cell, &range,
                       nullptr);
    if (!ok.ok()) return ok.status();
    if (*ok) {
      last_proof_.clear();
      for (int w : local.wijken) last_proof_.push_back(local_of_area_[w]);
      return true;
    }
  }
  return false;
}

absl::StatusOr<bool> ReleaseModel::ProtectedWithAnyPartner(const Target& t,
                                                           const DisclosureRules& rules) {
  last_proof_.clear();
  if (truth_.empty() || local_of_area_[t.cell.area] < 0) return false;
  const int single = local_of_area_[t.cell.area];
  for (int sibling : children_[locals_[single].top]) {
    if (local_of_area_[sibling] == single) continue;
    auto ok = InPair(t, rules, PairLocal(single, local_of_area_[sibling]));
    if (!ok.ok() || *ok) return ok;
  }
  return false;
}

// The top area's columns that pin target `t` down in wijk program `single`, where
// `limiting` are the new table's cells that limit it there: their columns if all are the top
// area's, none if a cell of the wijk is among them; if none of the new table's cells limits
// it (earlier releases do), the top area's published columns overlapping the target's.
std::vector<int> ReleaseModel::Pinning(int single, const Target& t,
                                       const std::vector<CellKey>& limiting) const {
  std::vector<int> out;
  for (CellKey key : limiting) {
    if (local_of_area_[key.area] >= 0) return {};
    out.push_back(key.function);
  }
  if (limiting.empty()) {
    for (size_t g = 0; g < function_unit_.size(); ++g) {
      const int f = static_cast<int>(g);
      if (Touches(f, t) && !Free({locals_[single].top, f})) out.push_back(f);
    }
  }
  return out;
}

// Whether no release fixes the cell: it is suppressed in the new table and was never
// published before (or the new table lacks it).
bool ReleaseModel::Free(CellKey key) const {
  auto it = cells_.find(key);
  return it == cells_.end() || (!it->second.published_earlier && (it->second.new_cell == nullptr ||
                                                                  it->second.new_cell->suppressed));
}

// Whether some cell of `function` in the subtree of `area` is suppressed for its own sake: by
// a primary rule of the new table, or in an earlier release.
bool ReleaseModel::Anchored(int area, int function) const {
  for (int a : Subtree(area)) {
    auto it = cells_.find({a, function});
    if (it == cells_.end()) continue;
    const CellInfo& info = it->second;
    if (info.primary ||
        (info.first_suppressed_in >= 0 && info.first_suppressed_in + 1 < std::ssize(tables_))) {
      return true;
    }
  }
  return false;
}

// Partners for a target of wijk program `single` that the top area's published counts in
// `functions` pin down: the wijk programs of sibling wijken whose own count in one of them is
// free, so that in their pair's program the top area fixes only the two wijken's sum. Only
// where that count stays free anyway (Anchored): a pair that relies on a complement keeps the
// clean-up from choosing a cheaper one (such as the top area's count). Most such counts first;
// at most kPartnersTried.
std::vector<int> ReleaseModel::Partners(int single, const std::vector<int>& functions) const {
  std::vector<std::pair<int, int>> ranked;  // (-free counts, wijk program)
  const Local& local = locals_[single];
  for (int sibling : children_[local.top]) {
    if (sibling == local.wijken[0]) continue;
    const int free = static_cast<int>(std::count_if(functions.begin(), functions.end(), [&](int f) {
      return Free({sibling, f}) && Anchored(sibling, f);
    }));
    if (free > 0) ranked.push_back({-free, local_of_area_[sibling]});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<int> out;
  for (size_t i = 0; i < ranked.size() && i < kPartnersTried; ++i) out.push_back(ranked[i].second);
  return out;
}

}  // namespace stapel::internal
