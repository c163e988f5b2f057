#include "linker/linkage.h"

namespace stapel {

Linker::Linker(size_t kind_count) : index_(kind_count) {}

void Linker::EnableFuzzy(const BloomSettings& settings) { fuzzy_.emplace(settings); }

void Linker::Reserve(size_t register_records, bool filters) {
  for (auto& index : index_) index.reserve(register_records);
  persons_.reserve(register_records);
  if (fuzzy_ && filters) fuzzy_->Reserve(register_records);
}

int64_t Linker::AddRegisterRecord(std::span<const KeyRef> keys, uint32_t buurt,
                                  uint64_t indicators, LinkStats* stats,
                                  std::span<const uint64_t> filter, const MatchKey* household) {
  ++stats->records;
  const KeyRef* identity = nullptr;
  for (const KeyRef& k : keys) {
    if (k.kind == 0) identity = &k;
  }
  if (identity == nullptr) {
    ++stats->unlinked;
    return kNotLinked;
  }
  auto [it, inserted] = index_[0].try_emplace(PrefixOf(*identity->key), static_cast<uint32_t>(persons_.size()));
  const uint32_t person = it->second;
  if (!inserted) {  // the same person twice in the register: one person, flags combined
    ++stats->duplicates;
    persons_[person].indicators |= indicators;
  } else {
    uint32_t h = LinkedPerson::kNoHousehold;
    if (household != nullptr) {
      h = households_.try_emplace(PrefixOf(*household), static_cast<uint32_t>(households_.size())).first->second;
    }
    persons_.push_back({buurt, indicators, h});
    ++stats->linked;
    if (fuzzy_ && !filter.empty()) fuzzy_->AddPerson(person, filter);
  }
  for (const KeyRef& k : keys) {
    if (k.kind == 0 || k.kind >= index_.size()) continue;
    auto [other, fresh] = index_[k.kind].try_emplace(PrefixOf(*k.key), person);
    if (!fresh && other->second != person) other->second = kAmbiguous;
  }
  return person;
}

int64_t Linker::AddSourceRecord(std::span<const KeyRef> keys, uint64_t indicators,
                                LinkStats* stats, std::span<const uint64_t> filter,
                                uint64_t record_id) {
  ++stats->records;
  if (stats->linked_by_kind.size() < index_.size()) stats->linked_by_kind.resize(index_.size());
  bool ambiguous = false;
  for (uint32_t kind = 0; kind < index_.size(); ++kind) {
    uint32_t candidate = kAmbiguous;
    bool conflict = false, any = false;
    for (const KeyRef& k : keys) {
      if (k.kind != kind) continue;
      auto it = index_[kind].find(PrefixOf(*k.key));
      if (it == index_[kind].end()) continue;
      any = true;
      if (it->second == kAmbiguous || (candidate != kAmbiguous && candidate != it->second)) {
        conflict = true;
      } else {
        candidate = it->second;
      }
    }
    if (!any) continue;
    if (conflict) {
      ambiguous = true;
      continue;
    }
    if (fuzzy_ && !filter.empty() && !fuzzy_->AddKnownMatch(candidate, filter)) continue;
    persons_[candidate].indicators |= indicators;
    ++stats->linked;
    ++stats->linked_by_kind[kind];
    if (fuzzy_) taken_.insert(candidate);
    return candidate;
  }
  ++(ambiguous ? stats->ambiguous : stats->unlinked);
  if (fuzzy_ && !filter.empty() && !ambiguous) {
    fuzzy_->AddQuery(waiting_.size(), filter);
    waiting_.emplace_back(record_id, indicators);
  }
  return kNotLinked;
}

std::vector<FuzzyMatch> Linker::FinishSource(LinkStats* stats) {
  std::vector<FuzzyMatch> links;
  if (fuzzy_) {
    for (const FuzzyMatch& m : fuzzy_->Assign(taken_, &stats->fuzzy)) {
      const auto& [record_id, indicators] = waiting_[m.query];
      persons_[m.person].indicators |= indicators;
      ++stats->linked;
      ++stats->linked_fuzzy;
      --stats->unlinked;
      links.push_back({record_id, m.person, m.probability});
    }
  }
  taken_.clear();
  waiting_.clear();
  return links;
}

LinkEstimate EstimateQuality(const LinkStats& s) {
  const double deterministic = static_cast<double>(s.linked - s.linked_fuzzy);
  const double right = deterministic + s.fuzzy.expected_right;
  LinkEstimate e;
  if (s.linked > 0) e.precision = right / static_cast<double>(s.linked);
  if (right + s.fuzzy.expected_missed > 0) e.recall = right / (right + s.fuzzy.expected_missed);
  return e;
}

}  // namespace stapel
