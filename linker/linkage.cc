#include "linker/linkage.h"

namespace stapel {

Linker::Linker(size_t kind_count) : index_(kind_count) {}

void Linker::Reserve(size_t register_records) {
  for (auto& index : index_) index.reserve(register_records);
  persons_.reserve(register_records);
}

void Linker::AddRegisterRecord(std::span<const MatchKey* const> keys, uint32_t buurt,
                               uint64_t indicators, LinkStats* stats) {
  ++stats->records;
  if (keys.empty() || keys[0] == nullptr) {
    ++stats->unlinked;
    return;
  }
  auto [it, inserted] = index_[0].try_emplace(*keys[0], static_cast<uint32_t>(persons_.size()));
  if (!inserted) {  // the same person twice in the register: one person, flags combined
    ++stats->duplicates;
    persons_[it->second].indicators |= indicators;
    return;
  }
  const uint32_t person = it->second;
  persons_.push_back({buurt, indicators});
  ++stats->linked;
  for (size_t kind = 1; kind < keys.size() && kind < index_.size(); ++kind) {
    if (keys[kind] == nullptr) continue;
    auto [other, fresh] = index_[kind].try_emplace(*keys[kind], person);
    if (!fresh && other->second != person) other->second = kAmbiguous;
  }
}

void Linker::AddSourceRecord(std::span<const MatchKey* const> keys, uint64_t indicators,
                             LinkStats* stats) {
  ++stats->records;
  bool ambiguous = false;
  for (size_t kind = 0; kind < keys.size() && kind < index_.size(); ++kind) {
    if (keys[kind] == nullptr) continue;
    auto it = index_[kind].find(*keys[kind]);
    if (it == index_[kind].end()) continue;
    if (it->second == kAmbiguous) {
      ambiguous = true;
      continue;
    }
    persons_[it->second].indicators |= indicators;
    ++stats->linked;
    return;
  }
  ++(ambiguous ? stats->ambiguous : stats->unlinked);
}

}  // namespace stapel
