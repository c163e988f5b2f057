#ifndef STAPEL_KEYS_SEALED_SECRET_H_
#define STAPEL_KEYS_SEALED_SECRET_H_

// Sealed boxes (libsodium crypto_box_seal: X25519 + XSalsa20-Poly1305 with an ephemeral
// sender key) carry the linkage secret from the party that creates it to every other party,
// relayed by the hub, which holds none of the parties' box keys and so cannot open them.
// Key files as key_file.h: one base64 line, the 32-byte X25519 secret key (mode 0600) or its
// 32-byte public key.

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"

namespace stapel {

inline constexpr size_t kBoxKeyBytes = 32;
inline constexpr size_t kLinkageSecretBytes = 32;

struct BoxKeyPair {
  std::string public_key;  // 32 bytes
  SecretBytes secret_key;  // 32 bytes

  static BoxKeyPair Generate();
  // Reads the secret key file; the public key is derived from it. NOT_FOUND,
  // PERMISSION_DENIED (readable by others), INVALID_ARGUMENT (not a 32-byte key).
  static absl::StatusOr<BoxKeyPair> FromFile(const std::filesystem::path& secret_file);
  // Writes <secret_file> (0600) and <public_file>; ALREADY_EXISTS unless `overwrite`.
  absl::Status WriteKeyFiles(const std::filesystem::path& secret_file,
                             const std::filesystem::path& public_file, bool overwrite) const;
};

// A public box key from its base64 text; INVALID_ARGUMENT unless it is 32 bytes.
absl::StatusOr<std::string> DecodeBoxPublicKey(std::string_view base64);

// The sealed box of `secret` for the holder of `recipient_public_key`.
std::string SealSecret(const SecretBytes& secret, std::string_view recipient_public_key);

// PERMISSION_DENIED when the box was not sealed for `keys` or was altered.
absl::StatusOr<SecretBytes> OpenSealedSecret(std::string_view box, const BoxKeyPair& keys);

}  // namespace stapel

#endif  // STAPEL_KEYS_SEALED_SECRET_H_
