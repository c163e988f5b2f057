#include "linker/fuzzy_linkage.h"

#include <algorithm>
#include <random>

namespace stapel {

FuzzyMatcher::FuzzyMatcher(const BloomSettings& settings)
    : words_(static_cast<size_t>(settings.bits) / 64),
      precision_(settings.precision),
      comparator_(settings),
      blocker_(settings) {}

void FuzzyMatcher::AddPerson(uint32_t person, std::span<const uint64_t> filter,
                             std::span<const MatchKey* const> block_keys) {
  const auto slot = static_cast<uint32_t>(person_.size());
  person_.push_back(person);
  slot_of_[person] = slot;
  households_.reset();  // counted again at the next Assign
  filters_.insert(filters_.end(), filter.begin(), filter.end());
  for (const MatchKey* key : block_keys) blocks_[*key].push_back(slot);
}

void FuzzyMatcher::AddQuery(uint64_t query, std::span<const uint64_t> filter,
                            std::span<const MatchKey* const> block_keys) {
  const auto index = static_cast<uint32_t>(queries_.size());
  queries_.push_back(query);
  query_filters_.insert(query_filters_.end(), filter.begin(), filter.end());
  const size_t first = pairs_.size();
  for (const MatchKey* key : block_keys) {
    auto it = blocks_.find(*key);
    if (it == blocks_.end()) continue;
    if (it->second.size() > kLargestBlock) {
      ++oversized_blocks_;
      continue;
    }
    for (uint32_t slot : it->second) pairs_.push_back({index, slot, 0});
  }
  // Each person once per record (it may share several of the record's blocks).
  std::sort(pairs_.begin() + static_cast<ptrdiff_t>(first), pairs_.end(),
            [](const Pair& a, const Pair& b) { return a.slot < b.slot; });
  pairs_.erase(std::unique(pairs_.begin() + static_cast<ptrdiff_t>(first), pairs_.end(),
                           [](const Pair& a, const Pair& b) { return a.slot == b.slot; }),
               pairs_.end());
  // The filter's own blocks meet the register's in FindFilterBlockPairs.
  keys_.clear();
  blocker_.BlocksOf(filter.data(), &keys_);
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  for (uint64_t key : keys_) query_blocks_[key].push_back(index);
}

void FuzzyMatcher::FindFilterBlockPairs() {
  if (query_blocks_.empty()) return;
  // One scan of the register: its persons in each block some record is in, up to the limit.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> hits;
  for (uint32_t slot = 0; slot < person_.size(); ++slot) {
    keys_.clear();
    blocker_.BlocksOf(filters_.data() + slot * words_, &keys_);
    for (uint64_t key : keys_) {
      if (!query_blocks_.contains(key)) continue;
      std::vector<uint32_t>& persons = hits[key];
      if (persons.size() <= kLargestBlock) persons.push_back(slot);
    }
  }
  for (const auto& [key, slots] : hits) {
    if (slots.size() > kLargestBlock) {
      ++oversized_blocks_;
      continue;
    }
    for (uint32_t query : query_blocks_.at(key)) {
      for (uint32_t slot : slots) pairs_.push_back({query, slot, 0});
    }
  }
  query_blocks_.clear();
}

void FuzzyMatcher::AddKnownMatch(uint32_t person, std::span<const uint64_t> filter) {
  auto it = slot_of_.find(person);
  if (it == slot_of_.end()) return;  // the person has no filter
  known_[comparator_.Compare(filter.data(), filters_.data() + it->second * words_)] += 1;
}

void FuzzyMatcher::EstimateHousehold(FellegiSunterModel* model) {
  const int postcode = comparator_.postcode(), house = comparator_.house_number();
  if (postcode < 0 || house < 0) return;
  if (!households_) households_ = CountHouseholds();
  if (households_->pairs.empty() || person_.size() < 2) return;
  model->EstimateHousehold(households_->pairs, households_->share, static_cast<size_t>(postcode),
                           static_cast<size_t>(house));
}

FuzzyMatcher::Households FuzzyMatcher::CountHouseholds() const {
  const int postcode = comparator_.postcode(), house = comparator_.house_number();
  const size_t segment = comparator_.segment_words();
  const auto words_of = [&](uint32_t slot, int field) {
    const uint64_t* f = filters_.data() + slot * words_ + static_cast<size_t>(field) * segment;
    return std::span<const uint64_t>(f, segment);
  };
  const auto missing = [](std::span<const uint64_t> w) {
    return std::all_of(w.begin(), w.end(), [](uint64_t x) { return x == 0; });
  };
  // The register's persons with both address fields, sorted by address (then slot, so the
  // same every time): each run of one address is a household or a building.
  std::vector<uint32_t> slots;
  for (uint32_t slot = 0; slot < person_.size(); ++slot) {
    if (!missing(words_of(slot, postcode)) && !missing(words_of(slot, house))) {
      slots.push_back(slot);
    }
  }
  const auto address_less = [&](uint32_t a, uint32_t b) {
    const auto pa = words_of(a, postcode), pb = words_of(b, postcode);
    if (!std::equal(pa.begin(), pa.end(), pb.begin())) {
      return std::lexicographical_compare(pa.begin(), pa.end(), pb.begin(), pb.end());
    }
    const auto ha = words_of(a, house), hb = words_of(b, house);
    return std::lexicographical_compare(ha.begin(), ha.end(), hb.begin(), hb.end());
  };
  std::sort(slots.begin(), slots.end(), [&](uint32_t a, uint32_t b) {
    if (address_less(a, b)) return true;
    if (address_less(b, a)) return false;
    return a < b;
  });
  PatternCounts same_address;
  double pairs = 0;
  for (size_t begin = 0, end = 0; begin < slots.size(); begin = end) {
    end = begin + 1;
    while (end < slots.size() && !address_less(slots[begin], slots[end])) ++end;
    const size_t size = end - begin;
    pairs += static_cast<double>(size) * static_cast<double>(size - 1);
    // A large building's pairs are many; those of its first kLargestAddress persons tell enough.
    const size_t n = std::min(size, kLargestAddress);
    for (size_t a = begin; a < begin + n; ++a) {
      for (size_t b = begin; b < begin + n; ++b) {
        if (a == b) continue;
        same_address[comparator_.Compare(filters_.data() + slots[a] * words_,
                                         filters_.data() + slots[b] * words_)] += 1;
      }
    }
  }
  const auto persons = static_cast<double>(person_.size());
  return {.pairs = std::move(same_address),
          .share = persons < 2 ? 0 : pairs / (persons * (persons - 1))};
}

std::vector<FuzzyMatch> FuzzyMatcher::Assign(const absl::flat_hash_set<uint32_t>& taken,
                                             FuzzyEstimate* estimate) {
  FindFilterBlockPairs();
  // Each pair once (a record and a person may share several blocks), in a fixed order; then
  // its pattern. By person first: the register's filters are then read in order.
  std::sort(pairs_.begin(), pairs_.end(), [](const Pair& a, const Pair& b) {
    return std::pair(a.slot, a.query) < std::pair(b.slot, b.query);
  });
  pairs_.erase(std::unique(pairs_.begin(), pairs_.end(),
                           [](const Pair& a, const Pair& b) {
                             return a.query == b.query && a.slot == b.slot;
                           }),
               pairs_.end());
  comparisons_ += pairs_.size();
  for (Pair& p : pairs_) {
    p.pattern = comparator_.Compare(query_filters_.data() + p.query * words_,
                                    filters_.data() + p.slot * words_);
  }
  FellegiSunterModel model(comparator_.fields());
  std::vector<FuzzyMatch> out;
  if (!pairs_.empty() && !person_.empty()) {
    // u from random pairs, drawn the same way every time.
    std::mt19937_64 rng(0x5ee7);
    PatternCounts random;
    const size_t draws = std::min<size_t>(kRandomPairs, queries_.size() * person_.size());
    for (size_t i = 0; i < draws; ++i) {
      const size_t q = rng() % queries_.size(), slot = rng() % person_.size();
      random[comparator_.Compare(query_filters_.data() + q * words_,
                                 filters_.data() + slot * words_)] += 1;
    }
    model.EstimateU(random);
    EstimateHousehold(&model);
    PatternCounts candidates;
    for (const Pair& p : pairs_) candidates[p.pattern] += 1;
    model.Train(candidates, known_,
                static_cast<double>(queries_.size()) * static_cast<double>(person_.size()));
    // Each pattern's weight and probability, once.
    absl::flat_hash_map<uint32_t, std::pair<double, double>> scored;
    for (const auto& [pattern, n] : candidates) {
      scored[pattern] = {model.Weight(pattern), model.Probability(pattern)};
    }
    // The pairs that may link (never one less likely a match than not), best weight first;
    // ties in a fixed order.
    std::vector<std::pair<double, size_t>> order;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      const auto& [weight, probability] = scored.at(pairs_[i].pattern);
      if (probability >= 0.5) order.emplace_back(weight, i);
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      const Pair &pa = pairs_[a.second], &pb = pairs_[b.second];
      return std::pair(pa.query, person_[pa.slot]) < std::pair(pb.query, person_[pb.slot]);
    });
    absl::flat_hash_set<uint32_t> used_queries, used_persons;
    double right = 0;
    for (const auto& [weight, i] : order) {
      const Pair& p = pairs_[i];
      const uint32_t person = person_[p.slot];
      const double probability = scored.at(p.pattern).second;
      if (taken.contains(person) || used_persons.contains(person) ||
          used_queries.contains(p.query)) {
        continue;
      }
      // Probabilities only fall from here on, so the mean only falls too.
      if (right + probability < precision_ * static_cast<double>(out.size() + 1)) break;
      used_queries.insert(p.query);
      used_persons.insert(person);
      right += probability;
      out.push_back({queries_[p.query], person, static_cast<float>(probability)});
    }
    if (estimate != nullptr) {
      // Each record has at most one match: its expected matches are capped at 1.
      std::vector<double> expected(queries_.size(), 0.0);
      for (const Pair& p : pairs_) {
        if (!taken.contains(person_[p.slot])) expected[p.query] += scored.at(p.pattern).second;
      }
      double matches = 0;
      for (double e : expected) matches += std::min(1.0, e);
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
