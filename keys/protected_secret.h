#ifndef STAPEL_KEYS_PROTECTED_SECRET_H_
#define STAPEL_KEYS_PROTECTED_SECRET_H_

// A secret file protected with a passphrase, the operator's choice over mode 0600 alone (a
// copy of the disk or a backup then does not give the secret away). One line:
//   stapel-protected-v1 <salt> <nonce> <ciphertext>      (base64 each)
// The key is crypto_pwhash (Argon2id, libsodium's "moderate" limits: 256 MiB, about a second)
// of the passphrase and the salt; the secret is sealed with crypto_secretbox
// (XSalsa20-Poly1305), so a wrong passphrase or an altered file is detected.

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"

namespace stapel {

// The protected line (with its newline) for `secret`. A passphrase's trailing line end is not
// part of it. INVALID_ARGUMENT when it is shorter than 12 characters.
absl::StatusOr<std::string> ProtectSecret(const SecretBytes& secret, const SecretBytes& passphrase);

bool IsProtectedSecret(const SecretBytes& file_text);

// PERMISSION_DENIED when the passphrase is wrong or the file was altered; INVALID_ARGUMENT
// when it is not a protected secret.
absl::StatusOr<SecretBytes> UnprotectSecret(const SecretBytes& file_text,
                                            const SecretBytes& passphrase);

// Reads a secret file as stapel-keys writes it: one base64 line (mode 0600), or protected
// with a passphrase, which is then read from `passphrase_file` (its first line). Errors name
// the file and say what to do.
absl::StatusOr<SecretBytes> ReadSecretFile(const std::filesystem::path& path,
                                           const std::filesystem::path& passphrase_file);

// Writes a secret file that ReadSecretFile reads back with the same `passphrase_file`: protected
// with the passphrase from that file when it is given, one base64 line otherwise; mode 0600,
// replacing the file.
absl::Status WriteSecretFile(const std::filesystem::path& path, const SecretBytes& secret,
                             const std::filesystem::path& passphrase_file);

}  // namespace stapel

#endif  // STAPEL_KEYS_PROTECTED_SECRET_H_
