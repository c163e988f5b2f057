#include "trusted-hub/sealed_store.h"

#include <fmt/format.h>
#include <sodium.h>

namespace stapel {
namespace {

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::unique_ptr<SealedStore>> SealedStore::Create(Store* inner, SecretBytes key) {
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return absl::InvalidArgumentError(
        fmt::format("the storage key has {} bytes; it must have 32 (one base64 line, as "
                    "stapel-keys writes hub-storage.key)",
                    key.size()));
  }
  return std::unique_ptr<SealedStore>(new SealedStore(inner, std::move(key)));
}

std::string SealedStore::Seal(std::string_view key, std::string_view value) const {
  std::string sealed(kNonce + value.size() + kTag, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kNonce, &written, Bytes(value), value.size(),
                                             Bytes(key), key.size(), nullptr, out, key_.data());
  return sealed;
}

absl::StatusOr<std::string> SealedStore::Open(std::string_view key, std::string_view sealed) const {
  if (sealed.size() < kNonce + kTag) {
    return absl::DataLossError(fmt::format("stored value of {} is too short to be sealed", key));
  }
  std::string value(sealed.size() - kNonce - kTag, '\0');
  unsigned long long read = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(value.data()), &read, nullptr, Bytes(sealed) + kNonce,
          sealed.size() - kNonce, Bytes(key), key.size(), Bytes(sealed), key_.data()) != 0) {
    return absl::DataLossError(fmt::format(
        "stored value of {} does not open with the storage key: altered on disk, or sealed "
        "under another key",
        key));
  }
  return value;
}

absl::Status SealedStore::Apply(const std::vector<Write>& writes, bool sync) {
  std::vector<Write> sealed;
  sealed.reserve(writes.size());
  for (const Write& w : writes) {
    sealed.push_back({w.key, w.erase ? std::string() : Seal(w.key, w.value), w.erase});
  }
  return inner_->Apply(sealed, sync);
}

absl::StatusOr<std::optional<std::string>> SealedStore::Get(std::string_view key) {
  auto stored = inner_->Get(key);
  if (!stored.ok() || !stored->has_value()) return stored;
  auto value = Open(key, **stored);
  if (!value.ok()) return value.status();
  return std::optional<std::string>(*std::move(value));
}

absl::Status SealedStore::Scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& fn) {
  absl::Status opened;
  absl::Status scanned = inner_->Scan(prefix, [&](std::string_view key, std::string_view sealed) {
    auto value = Open(key, sealed);
    if (!value.ok()) {
      opened = value.status();
      return false;
    }
    return fn(key, *value);
  });
  return scanned.ok() ? opened : scanned;
}

}  // namespace stapel
