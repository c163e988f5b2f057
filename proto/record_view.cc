#include "proto/record_view.h"

#include <cstring>

namespace stapel {

void RecordView::Read(const v1::PseudonymRecord& r, std::span<const int> kind_slot) {
  keys_.clear();
  for (const auto& entry : r.keys()) {
    keys_.push_back({static_cast<uint32_t>(kind_slot[entry.kind()]),
                     reinterpret_cast<const MatchKey*>(entry.key().data())});
  }
  household_ = r.household().size() == sizeof(MatchKey)
                   ? reinterpret_cast<const MatchKey*>(r.household().data())
                   : nullptr;
  filter_.resize(r.bloom().size() / sizeof(uint64_t));
  if (!filter_.empty()) {  // memcpy from or to null is undefined even for no bytes
    std::memcpy(filter_.data(), r.bloom().data(), filter_.size() * sizeof(uint64_t));
  }
}

}  // namespace stapel
