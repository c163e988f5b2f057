#include "trusted-hub/content_digest.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>
#include <string_view>

namespace stapel {

void ContentDigest::AddBatch(const v1::Batch& batch) {
  Sha256Stream with_header;  // absorbed once per batch, copied per record
  with_header.Update(fmt::format("{}|{}|", fmt::join(batch.match_key_kinds(), ","),
                                 fmt::join(batch.attribute_names(), ",")));
  for (const auto& r : batch.records()) {
    r.SerializeToString(&bytes_);
    Sha256Stream record = with_header;
    record.Update(bytes_);
    AddToSum(record.Final());
    ++records_;
  }
}

std::string ContentDigest::FinalHex() const {
  Sha256Stream final;
  for (uint64_t lane : sum_) {
    final.Update(std::string_view(reinterpret_cast<const char*>(&lane), sizeof(lane)));
  }
  final.Update(std::string_view(reinterpret_cast<const char*>(&records_), sizeof(records_)));
  return final.FinalHex();
}

void ContentDigest::AddToSum(const Sha256Digest& digest) {
  unsigned carry = 0;
  for (size_t lane = 0; lane < sum_.size(); ++lane) {
    uint64_t part;
    std::memcpy(&part, digest.data() + 8 * lane, sizeof(part));
    const uint64_t with_part = sum_[lane] + part;
    const unsigned overflow = with_part < part;
    sum_[lane] = with_part + carry;
    carry = overflow | (sum_[lane] < with_part);
  }
}

}  // namespace stapel
