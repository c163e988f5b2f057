#include "disclosure/record_key.h"

#include <cstring>
#include <string_view>

namespace stapel {

std::unique_ptr<RecordKeyer> RecordKeyer::Create(std::span<const uint8_t> hub_secret) {
  return std::unique_ptr<RecordKeyer>(new RecordKeyer(
      PrefixedHmacSha256::Create(hub_secret, std::string_view("stapel-record-key-v1\0", 21))));
}

uint32_t RecordKeyer::KeyOf(const MatchKey& identity) const {
  const Sha256Digest mac = mac_->Compute(
      {std::string_view(reinterpret_cast<const char*>(identity.data()), identity.size())});
  uint32_t key;
  std::memcpy(&key, mac.data(), sizeof(key));
  return key;
}

}  // namespace stapel
