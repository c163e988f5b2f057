#include "keys/secret_bytes.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace stapel {

void SafeZeroString(std::string* text) {
  sodium_memzero(text->data(), text->size());
  text->clear();
}

SecretBytes::SecretBytes(size_t size) : data_(new uint8_t[size]()), size_(size) {}

SecretBytes::SecretBytes(const uint8_t* data, size_t size) : SecretBytes(size) {
  if (size > 0) std::memcpy(data_.get(), data, size);
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes SecretBytes::Random(size_t size) {
  if (sodium_init() < 0) std::abort();  // idempotent and thread-safe
  SecretBytes out(size);
  randombytes_buf(out.mutable_data(), size);
  return out;
}

bool SecretBytes::Equals(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_.get(), other.data_.get(), size_) == 0;
}

void SecretBytes::Wipe() {
  if (data_ && size_ > 0) sodium_memzero(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

}  // namespace stapel
