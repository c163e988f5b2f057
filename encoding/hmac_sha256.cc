#include "encoding/hmac_sha256.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace stapel {
namespace {

constexpr size_t kBlock = 64;

// A message's bytes after the blocks already absorbed, with SHA-256's padding, to a whole
// number of blocks. On the stack up to four blocks, else on the heap; reused for several
// messages, and wiped when done (its bytes are identifiers and the key's prefix).
class PaddedMessage {
 public:
  PaddedMessage() = default;
  PaddedMessage(const PaddedMessage&) = delete;
  PaddedMessage& operator=(const PaddedMessage&) = delete;
  ~PaddedMessage() {
    OPENSSL_cleanse(inline_.data(), std::min(largest_, inline_.size()));
    OPENSSL_cleanse(heap_.data(), heap_.size());
  }

  void Pad(uint64_t absorbed, std::string_view head, std::span<const std::string_view> parts) {
    size_t length = head.size();
    for (std::string_view part : parts) length += part.size();
    const size_t whole = length / kBlock * kBlock;
    size_ = whole + Sha256PaddedSize(length - whole);
    largest_ = std::max(largest_, size_);
    if (size_ > inline_.size() && size_ > heap_.size()) {  // grows only, the old one wiped
      std::vector<uint8_t> larger(size_);
      OPENSSL_cleanse(heap_.data(), heap_.size());
      heap_.swap(larger);
    }
    uint8_t* out = data();
    std::memcpy(out, head.data(), head.size());
    size_t at = head.size();
    for (std::string_view part : parts) {
      if (!part.empty()) std::memcpy(out + at, part.data(), part.size());
      at += part.size();
    }
    Sha256WritePadding(out + whole, length - whole, absorbed + length);
  }
  const uint8_t* data() const { return size_ > inline_.size() ? heap_.data() : inline_.data(); }
  uint8_t* data() { return size_ > inline_.size() ? heap_.data() : inline_.data(); }
  size_t blocks() const { return size_ / kBlock; }

 private:
  std::array<uint8_t, 4 * kBlock> inline_;
  std::vector<uint8_t> heap_;
  size_t size_ = 0;
  size_t largest_ = 0;  // of the messages padded here, to be wiped
};

// Compresses two padded messages from their states: together as far as both go, then the
// longer one's rest alone.
void CompressPair(Sha256State* a, const PaddedMessage& ma, Sha256State* b,
                  const PaddedMessage& mb) {
  const size_t common = std::min(ma.blocks(), mb.blocks());
  Sha256Compress2(a, ma.data(), b, mb.data(), common);
  Sha256Compress(a, ma.data() + common * kBlock, ma.blocks() - common);
  Sha256Compress(b, mb.data() + common * kBlock, mb.blocks() - common);
}

}  // namespace

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  return PrefixedHmacSha256::Create(key, "")->Compute(
      {std::string_view(reinterpret_cast<const char*>(message.data()), message.size())});
}

std::unique_ptr<PrefixedHmacSha256> PrefixedHmacSha256::Create(std::span<const uint8_t> key,
                                                               std::string_view prefix) {
  Sha256Digest hashed_key;
  if (key.size() > kBlock) {
    hashed_key = Sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
    key = hashed_key;
  }
  std::unique_ptr<PrefixedHmacSha256> mac(new PrefixedHmacSha256());
  uint8_t pad[kBlock];
  auto absorb_padded_key = [&](Sha256State* state, uint8_t value) {
    std::memset(pad, value, sizeof(pad));
    for (size_t i = 0; i < key.size(); ++i) pad[i] ^= key[i];
    *state = kSha256Initial;
    Sha256Compress(state, pad, 1);
  };
  absorb_padded_key(&mac->inner_, 0x36);
  absorb_padded_key(&mac->outer_, 0x5c);
  OPENSSL_cleanse(pad, sizeof(pad));
  OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
  const size_t whole = prefix.size() / kBlock;
  Sha256Compress(&mac->inner_, reinterpret_cast<const uint8_t*>(prefix.data()), whole);
  mac->inner_absorbed_ = kBlock * (1 + whole);
  mac->prefix_tail_ = prefix.substr(whole * kBlock);
  return mac;
}

PrefixedHmacSha256::~PrefixedHmacSha256() {
  OPENSSL_cleanse(inner_.data(), sizeof(inner_));
  OPENSSL_cleanse(outer_.data(), sizeof(outer_));
}

Sha256Digest PrefixedHmacSha256::Compute(std::span<const std::string_view> parts) const {
  Sha256Digest out;
  ComputeMany({&parts, 1}, {&out, 1});
  return out;
}

void PrefixedHmacSha256::ComputeMany(std::span<const std::span<const std::string_view>> messages,
                                     std::span<Sha256Digest> out) const {
  // Two at a time: the inner hashes of both, then their outer hashes (one block each: the
  // inner digest after the key's block, padded).
  PaddedMessage message[2];
  Sha256State state[2];
  uint8_t outer_block[2][kBlock];
  for (auto& block : outer_block) Sha256WritePadding(block, 32, kBlock + 32);
  for (size_t i = 0; i < messages.size(); i += 2) {
    const int count = i + 1 < messages.size() ? 2 : 1;
    for (int m = 0; m < count; ++m) {
      message[m].Pad(inner_absorbed_, prefix_tail_, messages[i + m]);
      state[m] = inner_;
    }
    if (count == 2) {
      CompressPair(&state[0], message[0], &state[1], message[1]);
    } else {
      Sha256Compress(&state[0], message[0].data(), message[0].blocks());
    }
    for (int m = 0; m < count; ++m) {
      Sha256StoreDigest(state[m], outer_block[m]);
      state[m] = outer_;
    }
    if (count == 2) {
      Sha256Compress2(&state[0], outer_block[0], &state[1], outer_block[1], 1);
    } else {
      Sha256Compress(&state[0], outer_block[0], 1);
    }
    for (int m = 0; m < count; ++m) Sha256StoreDigest(state[m], out[i + m].data());
  }
  OPENSSL_cleanse(state, sizeof(state));
  OPENSSL_cleanse(outer_block, sizeof(outer_block));
}

}  // namespace stapel
