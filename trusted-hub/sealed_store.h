#ifndef STAPEL_TRUSTED_HUB_SEALED_STORE_H_
#define STAPEL_TRUSTED_HUB_SEALED_STORE_H_

// Record values sealed at rest. Every value written through a SealedStore is encrypted and
// authenticated with XChaCha20-Poly1305 (libsodium's IETF construction) under the hub's
// 32-byte storage key, with a fresh random 24-byte nonce per write and the entry's key as
// associated data, so a value copied to another key does not open. Stored as
// nonce || ciphertext || tag. Keys stay readable: they are the layout's names (party,
// submission id, sequence) and hold no record data. Someone with the disk but not the storage
// key learns neither pseudonyms nor attributes; keep the key file on another volume (or
// mounted from a secret store) than the hub's data_dir.
// Thread-safe as the inner store.

#include <memory>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"
#include "trusted-hub/store.h"

namespace stapel {

class SealedStore : public Store {
 public:
  // `inner` must outlive the SealedStore. INVALID_ARGUMENT unless `key` has 32 bytes.
  static absl::StatusOr<std::unique_ptr<SealedStore>> Create(Store* inner, SecretBytes key);

  absl::Status Apply(const std::vector<Write>& writes, bool sync) override;
  // DATA_LOSS, naming the entry's key, when a value does not open: altered on disk, moved to
  // another key, or sealed under another storage key.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) override;
  absl::Status Compact() override { return inner_->Compact(); }

 private:
  // `inner` is not owned and must outlive the SealedStore.
  SealedStore(Store* inner, SecretBytes key) : inner_(inner), key_(std::move(key)) {}
  std::string Seal(std::string_view key, std::string_view value) const;
  absl::StatusOr<std::string> Open(std::string_view key, std::string_view sealed) const;

  Store* inner_;
  const SecretBytes key_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_SEALED_STORE_H_
