#ifndef STAPEL_KEYS_SECRET_BYTES_H_
#define STAPEL_KEYS_SECRET_BYTES_H_

// SecretBytes holds key material. Its memory is wiped (sodium_memzero) when it is destroyed
// or moved from; it cannot be copied, printed or logged, and compares in constant time.
// Thread-safety: immutable after construction, safe to read from many threads.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace stapel {

// Wipes a std::string that held secret text and empties it: for the copies a library insists
// on (gRPC takes a TLS private key as std::string), made as late and wiped as early as
// possible. (Tink's SafeZeroString.)
void SafeZeroString(std::string* text);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);  // zero-filled
  SecretBytes(const uint8_t* data, size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // Fresh random bytes from libsodium's CSPRNG.
  static SecretBytes Random(size_t size);

  const uint8_t* data() const { return data_.get(); }
  uint8_t* mutable_data() { return data_.get(); }
  size_t size() const { return size_; }
  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  // A std::string copy for a library that takes nothing else; wipe it with SafeZeroString.
  std::string CopyForLibrary() const {
    return std::string(reinterpret_cast<const char*>(data_.get()), size_);
  }

  // Constant-time comparison (sodium_memcmp); different sizes are unequal.
  bool Equals(const SecretBytes& other) const;

 private:
  void Wipe();
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_KEYS_SECRET_BYTES_H_
