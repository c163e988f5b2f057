#include "linker/fuzzy_linkage.h"

#include <algorithm>
#include <cmath>

namespace stapel {

double ShareMatchedAmongCandidates(std::span<const double> rivals) {
  constexpr int kMaxIterations = 200;
  constexpr double kConverged = 1e-7;
  const auto records = static_cast<double>(rivals.size() + 1);
  double rho = 0.5;
  for (int i = 0; i < kMaxIterations; ++i) {
    double next = 0;
    for (double r : rivals) next += r / (r + 1 - rho);
    next /= records;
    const bool converged = std::abs(next - rho) < kConverged;
    rho = next;
    if (converged) break;
  }
  return rho;
}

FuzzyMatcher::FuzzyMatcher(const BloomSettings& settings)
    : words_(static_cast<size_t>(settings.bits) / 64),
      precision_(settings.precision),
      comparator_(settings),
      salt_fields_(kSalts) {
  for (size_t f = 0; f < settings.fields.size(); ++f) {
    if (ChangesInAMove(settings.fields[f].name)) moved_together_.push_back(f);
    for (Salt salt : kAllSalts) {
      if (settings.HasSalt(salt) && IsPartOf(settings.fields[f].name, salt)) {
        salt_fields_[static_cast<size_t>(salt)].push_back(f);
      }
    }
  }
}

void FuzzyMatcher::Reserve(size_t persons) {
  filters_.reserve(persons * words_);
  person_.reserve(persons);
  slot_of_.reserve(persons);
  for (size_t s = 0; s < kSalts; ++s) {
    if (!salt_fields_[s].empty()) by_tag_[s].reserve(persons);  // the salts the settings hold
  }
}

void FuzzyMatcher::AddPerson(uint32_t person, std::span<const uint64_t> filter) {
  if (filter.size() != words_) return;
  const auto slot = static_cast<uint32_t>(person_.size());
  person_.push_back(person);
  slot_of_[person] = slot;
  within_.reset();  // counted again at the next Assign
  filters_.insert(filters_.end(), filter.begin(), filter.end());
  for (Salt salt : kAllSalts) {
    if (const uint64_t tag = TagOf(filter.data(), salt); tag != 0) {
      by_tag_[static_cast<size_t>(salt)].push_back({tag, slot});
      tags_sorted_ = false;
    }
  }
}

void FuzzyMatcher::SortTags() {
  if (tags_sorted_) return;
  for (std::vector<Tagged>& tagged : by_tag_) {
    // By value: a packed field must not be bound to a reference (it may be misaligned).
    std::sort(tagged.begin(), tagged.end(), [](const Tagged& a, const Tagged& b) {
      return a.tag != b.tag ? a.tag < b.tag : a.slot < b.slot;
    });
  }
  tags_sorted_ = true;
}

std::span<const FuzzyMatcher::Tagged> FuzzyMatcher::WithTag(Salt salt, uint64_t tag) const {
  const std::vector<Tagged>& tagged = by_tag_[static_cast<size_t>(salt)];
  const auto first = std::partition_point(tagged.begin(), tagged.end(),
                                          [tag](const Tagged& t) { return t.tag < tag; });
  const auto last =
      std::partition_point(first, tagged.end(), [tag](const Tagged& t) { return t.tag == tag; });
  return {first, last};
}

void FuzzyMatcher::AddQuery(uint64_t query, std::span<const uint64_t> filter) {
  if (filter.size() != words_) return;
  const auto index = static_cast<uint32_t>(queries_.size());
  queries_.push_back(query);
  query_filters_.insert(query_filters_.end(), filter.begin(), filter.end());
  const size_t first = pairs_.size();
  SortTags();
  for (Salt salt : kAllSalts) {
    const uint64_t tag = TagOf(filter.data(), salt);
    if (tag == 0) continue;
    const std::span<const Tagged> with = WithTag(salt, tag);
    if (with.size() > kMostPerSaltValue) continue;
    for (const Tagged& t : with) pairs_.push_back({index, t.slot, 0});
  }
  // Each person once per record (it may share several salts).
  std::sort(pairs_.begin() + static_cast<ptrdiff_t>(first), pairs_.end(),
            [](const Pair& a, const Pair& b) { return a.slot < b.slot; });
  pairs_.erase(std::unique(pairs_.begin() + static_cast<ptrdiff_t>(first), pairs_.end(),
                           [](const Pair& a, const Pair& b) { return a.slot == b.slot; }),
               pairs_.end());
}

void FuzzyMatcher::AddKnownMatch(uint32_t person, std::span<const uint64_t> filter) {
  auto it = slot_of_.find(person);
  if (it == slot_of_.end() || filter.size() != words_) return;  // the person has no filter
  known_[comparator_.Compare(filter.data(), filters_.data() + it->second * words_)] += 1;
}

void FuzzyMatcher::EstimateWithinSalts(FellegiSunterModel* model) {
  if (person_.size() < 2) return;
  if (!within_) {
    SortTags();
    within_.emplace();
    for (Salt salt : kAllSalts) within_->push_back(CountWithin(salt));
  }
  for (Salt salt : kAllSalts) {
    const auto s = static_cast<size_t>(salt);
    if (salt_fields_[s].empty()) continue;
    model->EstimateWithin((*within_)[s].pairs, (*within_)[s].share, salt_fields_[s]);
  }
}

FuzzyMatcher::SaltPairs FuzzyMatcher::CountWithin(Salt salt) const {
  // The groups in a fixed order (by tag), each in the order persons were added.
  const std::vector<Tagged>& tagged = by_tag_[static_cast<size_t>(salt)];
  PatternCounts within;
  double pairs = 0;
  for (auto group = tagged.begin(); group != tagged.end();) {
    const uint64_t tag = group->tag;
    const auto end =
        std::find_if(group, tagged.end(), [tag](const Tagged& t) { return t.tag != tag; });
    const std::span<const Tagged> slots(group, end);
    group = end;
    // A large group's pairs are many; those of kPersonsPerGroupSampled persons spread over it
    // (the register's order may follow its areas) tell enough, each counting for the pairs of
    // the group it stands for. Pairs compared under another salt (born the same day and living
    // together) are that salt's.
    const size_t n = std::min(slots.size(), kPersonsPerGroupSampled);
    const auto size = static_cast<double>(slots.size());
    const double stands_for =
        n < 2 ? 0 : size * (size - 1) / (static_cast<double>(n) * static_cast<double>(n - 1));
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = 0; b < n; ++b) {
        if (a == b) continue;
        const uint64_t* fa = filters_.data() + slots[a * slots.size() / n].slot * words_;
        const uint64_t* fb = filters_.data() + slots[b * slots.size() / n].slot * words_;
        if (FieldComparator::SharedSalt(fa, fb) != salt) continue;
        within[comparator_.Compare(fa, fb)] += stands_for;
        pairs += stands_for;
      }
    }
  }
  // One pair more than seen: a register where no two persons share the salt does not make
  // sharing it certain proof.
  const auto persons = static_cast<double>(person_.size());
  return {.pairs = std::move(within),
          .share = persons < 2 ? 0 : (pairs + 1) / (persons * (persons - 1))};
}

std::vector<FuzzyMatch> FuzzyMatcher::Assign(const absl::flat_hash_set<uint32_t>& taken,
                                             FuzzyEstimate* estimate) {
  // The pairs in a fixed order, by person first: the register's filters are then read in
  // order.
  std::sort(pairs_.begin(), pairs_.end(), [](const Pair& a, const Pair& b) {
    return std::pair(a.slot, a.query) < std::pair(b.slot, b.query);
  });
  comparisons_ += pairs_.size();
  for (Pair& p : pairs_) {
    p.pattern = comparator_.Compare(query_filters_.data() + p.query * words_,
                                    filters_.data() + p.slot * words_);
  }
  FellegiSunterModel model(comparator_.fields(), moved_together_);
  std::vector<FuzzyMatch> out;
  if (!pairs_.empty() && !person_.empty()) {
    EstimateWithinSalts(&model);
    PatternCounts candidates;
    for (const Pair& p : pairs_) candidates[p.pattern] += 1;
    model.Train(candidates, known_,
                static_cast<double>(queries_.size()) * static_cast<double>(person_.size()));
    // Each pattern's odds of a match (the pair alone, against the prior), once; each pair's,
    // 0 for a person already taken (no longer anyone's match).
    absl::flat_hash_map<uint32_t, double> odds;
    for (const auto& [pattern, n] : candidates) odds[pattern] = model.Odds(pattern);
    std::vector<double> pair_odds(pairs_.size(), 0.0);
    // Per record, the sum of its candidates' odds.
    std::vector<double> rivals(queries_.size(), 0.0);
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (taken.contains(person_[pairs_[i].slot])) continue;
      pair_odds[i] = odds.at(pairs_[i].pattern);
      rivals[pairs_[i].query] += pair_odds[i];
    }
    const double none = 1 - ShareMatchedAmongCandidates(rivals);
    // The pairs that may link, likeliest first (ties in a fixed order). A pair's match
    // probability is taken given its record's other candidates, a record having one match at
    // most: its odds against its rivals' and the chance that the record's match is none of
    // them. Only a pair more likely a match than not links, so at most one per record (a
    // record's pairs' probabilities sum below 1; of two equal rivals, neither).
    std::vector<std::pair<double, size_t>> order;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      const double probability = pair_odds[i] / (rivals[pairs_[i].query] + none);
      if (probability > 0.5) order.emplace_back(probability, i);
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      const Pair &pa = pairs_[a.second], &pb = pairs_[b.second];
      return std::pair(pa.query, person_[pa.slot]) < std::pair(pb.query, person_[pb.slot]);
    });
    absl::flat_hash_set<uint32_t> used_persons;
    double right = 0;
    for (const auto& [probability, i] : order) {
      const Pair& p = pairs_[i];
      const uint32_t person = person_[p.slot];
      if (used_persons.contains(person)) continue;
      // Probabilities only fall from here on, so the mean only falls too.
      if (right + probability < precision_ * static_cast<double>(out.size() + 1)) break;
      used_persons.insert(person);
      right += probability;
      out.push_back({queries_[p.query], person, static_cast<float>(probability)});
    }
    if (estimate != nullptr) {
      // A record's chance that its match is among its candidates.
      double matches = 0;
      for (double r : rivals) matches += r / (r + none);
      *estimate = {.expected_right = right,
                   .expected_missed = std::max(0.0, matches - right)};
    }
  }
  pairs_.clear();
  known_.clear();
  queries_.clear();
  query_filters_.clear();
  return out;
}

}  // namespace stapel
