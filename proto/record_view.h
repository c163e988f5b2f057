#ifndef STAPEL_PROTO_RECORD_VIEW_H_
#define STAPEL_PROTO_RECORD_VIEW_H_

// Reads a received PseudonymRecord as the Linker's input: its keys with kinds mapped to the
// project's precision order, and its Bloom filter for the fuzzy pass. The
// keys point into the record, which must outlive the view's use. Reuses its buffers.

#include <cstdint>
#include <span>
#include <vector>

#include "linker/linkage.h"
#include "proto/stapel.pb.h"

namespace stapel {

class RecordView {
 public:
  // `kind_slot[i]` is the project index of the batch's kind i. Assumes a validated record.
  void Read(const v1::PseudonymRecord& r, std::span<const int> kind_slot);

  std::span<const KeyRef> keys() const { return keys_; }
  // Empty when the record carries no filter.
  std::span<const uint64_t> filter() const { return filter_; }
  // Null when the record carries no household key.
  const MatchKey* household() const { return household_; }

 private:
  std::vector<KeyRef> keys_;
  std::vector<uint64_t> filter_;
  const MatchKey* household_ = nullptr;
};

}  // namespace stapel

#endif  // STAPEL_PROTO_RECORD_VIEW_H_
