#include "encoding/sha256.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

#include "encoding/hex.h"

namespace stapel {

Sha256Digest Sha256(std::string_view data) {
  Sha256Stream stream;
  stream.Update(data);
  return stream.Final();
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

size_t Sha256Stream::FillBuffer(const uint8_t* data, size_t size) {
  if (buffered_ == 0) return 0;
  const size_t take = std::min(buffer_.size() - buffered_, size);
  if (take == 0) return 0;  // `data` may be null then
  std::memcpy(buffer_.data() + buffered_, data, take);
  buffered_ += take;
  if (buffered_ == buffer_.size()) {
    Sha256Compress(&state_, buffer_.data(), 1);
    buffered_ = 0;
  }
  return take;
}

void Sha256Stream::Absorb(const uint8_t* data, size_t size) {
  const size_t taken = FillBuffer(data, size);
  data += taken;
  size -= taken;
  if (size == 0) return;
  const size_t whole = size / buffer_.size();
  Sha256Compress(&state_, data, whole);
  buffered_ = size - whole * buffer_.size();
  std::memcpy(buffer_.data(), data + whole * buffer_.size(), buffered_);
}

void Sha256Stream::Update(std::span<const uint8_t> data) {
  length_ += data.size();
  Absorb(data.data(), data.size());
}

void Sha256Stream::Update(std::string_view data) {
  Update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

void Sha256Stream::UpdateBoth(Sha256Stream* a, Sha256Stream* b, std::string_view data) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  a->length_ += data.size();
  b->length_ += data.size();
  // Each stream is brought to a block boundary (its buffer may hold a part of one); then the
  // whole blocks both still have go through together, and each absorbs its rest alone.
  const size_t a_at = a->FillBuffer(bytes, data.size());
  const size_t b_at = b->FillBuffer(bytes, data.size());
  const bool at_boundaries = a->buffered_ == 0 && b->buffered_ == 0;  // else the data ran out
  const size_t together = at_boundaries ? std::min(data.size() - a_at, data.size() - b_at) / 64 : 0;
  Sha256Compress2(&a->state_, bytes + a_at, &b->state_, bytes + b_at, together);
  const size_t done = together * 64;
  a->Absorb(bytes + a_at + done, data.size() - a_at - done);
  b->Absorb(bytes + b_at + done, data.size() - b_at - done);
}

Sha256Digest Sha256Stream::Final() {
  uint8_t last[2 * 64];  // the buffered bytes and the padding: one block or two
  std::memcpy(last, buffer_.data(), buffered_);
  Sha256WritePadding(last, buffered_, length_);
  Sha256Compress(&state_, last, Sha256PaddedSize(buffered_) / 64);
  Sha256Digest out;
  Sha256StoreDigest(state_, out.data());
  // What was hashed may be a secret (a long HMAC key) or identifiers.
  OPENSSL_cleanse(last, sizeof(last));
  OPENSSL_cleanse(buffer_.data(), buffer_.size());
  return out;
}

std::string Sha256Stream::FinalHex() { return HexEncode(Final()); }

}  // namespace stapel
