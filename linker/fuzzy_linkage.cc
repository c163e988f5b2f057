#include "linker/fuzzy_linkage.h"

#include <algorithm>
#include <cmath>

namespace stapel {

FuzzyMatcher::FuzzyMatcher(const BloomSettings& settings)
    : words_(static_cast<size_t>(settings.bits) / 64),
      precision_(settings.precision),
      comparator_(settings),
      sex_(settings.FieldIndex("sex")),
      first_names_(settings.FieldIndex("first_names")),
      birth_date_(settings.FieldIndex("birth_date")),
      birth_year_(settings.FieldIndex("birth_year")),
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
            [](const CandidatePair& a, const CandidatePair& b) { return a.person < b.person; });
  pairs_.erase(std::unique(pairs_.begin() + static_cast<ptrdiff_t>(first), pairs_.end(),
                           [](const CandidatePair& a, const CandidatePair& b) {
                             return a.person == b.person;
                           }),
               pairs_.end());
}

bool FuzzyMatcher::AddKnownMatch(uint32_t person, std::span<const uint64_t> filter) {
  auto it = slot_of_.find(person);
  if (it == slot_of_.end() || filter.size() != words_) return true;  // the person has no filter
  const uint32_t pattern =
      comparator_.Compare(filter.data(), filters_.data() + it->second * words_);
  if (FieldComparator::LevelOf(pattern, sex_) == Level::kDifferent) return false;
  const Level date = FieldComparator::LevelOf(pattern, birth_date_),
              year = FieldComparator::LevelOf(pattern, birth_year_);
  const bool other_date = date == Level::kFair || date == Level::kDifferent;
  const bool other_year = year == Level::kDifferent;
  const bool nothing_of_the_date_agrees = (other_date || other_year) &&
                                          (other_date || date == Level::kMissing) &&
                                          (other_year || year == Level::kMissing);
  const Level first = FieldComparator::LevelOf(pattern, first_names_);
  if ((first == Level::kDifferent || first == Level::kLaterName) && nothing_of_the_date_agrees) {
    return false;
  }
  if ((other_year || (other_date && year == Level::kMissing)) &&
      AnotherAtItsAddressBornThen(filter, it->second)) {
    return false;
  }
  known_[pattern] += 1;
  // The sample: the records of least hash (a multiply-xorshift mix of the filter's words, which
  // are keyed and so look random), whatever the order they come in.
  uint64_t hash = 0;
  for (uint64_t w : filter) {
    hash = (hash ^ w) * 0xbf58476d1ce4e5b9ULL;
    hash ^= hash >> 31;
  }
  if (sample_.size() == kKnownSampled && hash >= sample_.front().hash) return true;
  if (sample_.size() == kKnownSampled) {
    std::pop_heap(sample_.begin(), sample_.end());
    sample_.pop_back();
  }
  sample_.push_back({hash, it->second, std::vector<uint64_t>(filter.begin(), filter.end())});
  std::push_heap(sample_.begin(), sample_.end());
  return true;
}

bool FuzzyMatcher::AnotherAtItsAddressBornThen(std::span<const uint64_t> filter, uint32_t slot) {
  const uint64_t tag = TagOf(filter.data(), Salt::kAddress);
  if (tag == 0) return false;
  SortTags();
  const std::span<const Tagged> at_the_address = WithTag(Salt::kAddress, tag);
  if (at_the_address.size() > kMostPerSaltValue) return false;  // no household: no candidates
  for (const Tagged& t : at_the_address) {
    if (t.slot == slot) continue;
    const uint32_t pattern = comparator_.Compare(filter.data(), filters_.data() + t.slot * words_);
    const Level date = FieldComparator::LevelOf(pattern, birth_date_);
    // A close date holds its year (field_comparison.h).
    if (FieldComparator::LevelOf(pattern, sex_) != Level::kDifferent &&
        (date == Level::kExact || date == Level::kClose ||
         FieldComparator::LevelOf(pattern, birth_year_) == Level::kExact)) {
      return true;
    }
  }
  return false;
}

void FuzzyMatcher::EstimateWithinSalts(FellegiSunterModel* model) {
  if (person_.size() < 2) return;
  SortTags();
  for (Salt salt : kAllSalts) {
    const auto s = static_cast<size_t>(salt);
    if (salt_fields_[s].empty()) continue;
    if (sample_.size() >= kKnownForU) {
      if (SaltPairs pairs = CountAgainstKnown(salt); pairs.counted >= kPairsForU) {
        model->EstimateWithin(pairs.pairs, pairs.share, salt_fields_[s]);
        continue;
      }
    }
    if (!within_) {
      within_.emplace();
      for (Salt each : kAllSalts) within_->push_back(CountWithin(each));
    }
    model->EstimateWithin((*within_)[s].pairs, (*within_)[s].share, salt_fields_[s]);
  }
}

FuzzyMatcher::SaltPairs FuzzyMatcher::CountWithin(Salt salt) const {
  // The groups in a fixed order (by tag), each in the order persons were added.
  const std::vector<Tagged>& tagged = by_tag_[static_cast<size_t>(salt)];
  PatternCounts within;
  double pairs = 0;
  size_t counted = 0;
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
        ++counted;
      }
    }
  }
  // One pair more than seen: a register where no two persons share the salt does not make
  // sharing it certain proof.
  const auto persons = static_cast<double>(person_.size());
  return {.pairs = std::move(within),
          .share = persons < 2 ? 0 : (pairs + 1) / (persons * (persons - 1)),
          .counted = counted};
}

FuzzyMatcher::SaltPairs FuzzyMatcher::CountAgainstKnown(Salt salt) const {
  PatternCounts against;
  double pairs = 0;
  for (const KnownRecord& known : sample_) {
    const uint64_t tag = TagOf(known.filter.data(), salt);
    if (tag == 0) continue;
    const std::span<const Tagged> with = WithTag(salt, tag);
    if (with.size() > kMostPerSaltValue) continue;  // no candidates there either
    for (const Tagged& t : with) {
      const uint64_t* person = filters_.data() + t.slot * words_;
      if (t.slot == known.match ||
          FieldComparator::SharedSalt(known.filter.data(), person) != salt) {
        continue;
      }
      against[comparator_.Compare(known.filter.data(), person)] += 1;
      pairs += 1;
    }
  }
  const double all = static_cast<double>(sample_.size()) * static_cast<double>(person_.size() - 1);
  return {.pairs = std::move(against),
          .share = (pairs + 1) / all,
          .counted = static_cast<size_t>(pairs)};
}

std::vector<FuzzyMatch> FuzzyMatcher::Assign(const absl::flat_hash_set<uint32_t>& taken,
                                             FuzzyEstimate* estimate) {
  // The pairs in a fixed order, by person first: the register's filters are then read in
  // order. Each pair's pattern as its index among the distinct patterns.
  std::sort(pairs_.begin(), pairs_.end(), [](const CandidatePair& a, const CandidatePair& b) {
    return std::pair(a.person, a.record) < std::pair(b.person, b.record);
  });
  comparisons_ += pairs_.size();
  std::vector<uint32_t> patterns;
  absl::flat_hash_map<uint32_t, uint32_t> index;
  for (CandidatePair& p : pairs_) {
    const uint32_t pattern = comparator_.Compare(query_filters_.data() + p.record * words_,
                                                 filters_.data() + p.person * words_);
    const auto [it, added] = index.try_emplace(pattern, static_cast<uint32_t>(patterns.size()));
    if (added) patterns.push_back(pattern);
    p.pattern = it->second;
  }
  FellegiSunterModel model(comparator_.fields(), moved_together_);
  std::vector<FuzzyMatch> out;
  // A person already taken is no longer anyone's match: not a candidate.
  std::erase_if(pairs_, [&](const CandidatePair& p) { return taken.contains(person_[p.person]); });
  if (!pairs_.empty() && !person_.empty()) {
    EstimateWithinSalts(&model);
    model.Train(patterns, pairs_, queries_.size(), known_,
                static_cast<double>(queries_.size()) * static_cast<double>(person_.size()));
    // Each pattern's odds of a match (the pair alone, against the prior), once.
    std::vector<double> odds(patterns.size());
    for (size_t k = 0; k < patterns.size(); ++k) odds[k] = model.Odds(patterns[k]);
    // Per record, the sum of its candidates' odds.
    std::vector<double> rivals(queries_.size(), 0.0);
    for (const CandidatePair& p : pairs_) rivals[p.record] += odds[p.pattern];
    const double none = 1 - model.matched_share();
    // The pairs that may link, likeliest first (ties in a fixed order). A pair's match
    // probability is taken given its record's other candidates, a record having one match at
    // most: its odds against its rivals' and the chance that the record's match is none of
    // them. Only a pair more likely a match than not links, so at most one per record (a
    // record's pairs' probabilities sum below 1; of two equal rivals, neither).
    std::vector<std::pair<double, size_t>> order;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      const double probability = odds[pairs_[i].pattern] / (rivals[pairs_[i].record] + none);
      if (probability > 0.5) order.emplace_back(probability, i);
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      const CandidatePair &pa = pairs_[a.second], &pb = pairs_[b.second];
      return std::pair(pa.record, person_[pa.person]) < std::pair(pb.record, person_[pb.person]);
    });
    absl::flat_hash_set<uint32_t> used_persons;
    double right = 0;
    for (const auto& [probability, i] : order) {
      const CandidatePair& p = pairs_[i];
      const uint32_t person = person_[p.person];
      if (used_persons.contains(person)) continue;
      // Probabilities only fall from here on, so the mean only falls too.
      if (right + probability < precision_ * static_cast<double>(out.size() + 1)) break;
      used_persons.insert(person);
      right += probability;
      out.push_back({queries_[p.record], person, static_cast<float>(probability)});
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
  sample_.clear();
  queries_.clear();
  query_filters_.clear();
  return out;
}

}  // namespace stapel
