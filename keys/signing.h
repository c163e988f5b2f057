#ifndef STAPEL_KEYS_SIGNING_H_
#define STAPEL_KEYS_SIGNING_H_

// Ed25519 signatures (libsodium). Parties sign their batches, the hub signs release-log
// entries. Every signature covers a context label and the message, so a signature made for
// one purpose never verifies for another.
// Key files: one line of base64, the 64-byte libsodium secret key (mode 0600) or the
// 32-byte public key. Thread-safety: both classes are immutable and safe to share.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "encoding/sha256.h"
#include "keys/secret_bytes.h"

namespace stapel {

// A batch's signature covers its digest, DigestToSign(batch bytes), not the bytes (v1 did).
inline constexpr std::string_view kBatchSignatureContext = "stapel-batch-v2\n";
inline constexpr std::string_view kSubmissionSignatureContext = "stapel-submission-v1\n";
inline constexpr std::string_view kReleaseLogSignatureContext = "stapel-release-log-v1\n";
inline constexpr std::string_view kKeyEnvelopeSignatureContext = "stapel-key-envelope-v1\n";

using Ed25519Signature = std::array<uint8_t, 64>;

// What a signature over a message of megabytes (a batch) covers: the message's SHA-256 digest
// (32 bytes). Ed25519 hashes what it signs twice with SHA-512; one SHA-256 pass, with the CPU's
// SHA instructions where it has them, is about six times faster (`openssl speed sha256 sha512`
// on the benchmark machine: 1.46 and 0.51 GB/s).
std::string DigestToSign(std::string_view message);
// The same from the message's SHA-256, for a caller that computes it anyway (the agent, beside
// its running digest of what it sent).
std::string DigestToSign(const Sha256Digest& message_sha256);

class Ed25519Signer {
 public:
  static std::unique_ptr<Ed25519Signer> Generate();
  // Errors: NOT_FOUND, PERMISSION_DENIED (file readable by others), INVALID_ARGUMENT.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> FromFile(const std::filesystem::path& path);

  Ed25519Signature Sign(std::string_view context, std::string_view message) const;
  std::string PublicKeyBase64() const;
  // Writes the secret key (mode 0600) and the public key as stapel-keys does. Errors as
  // WriteKeyFile: ALREADY_EXISTS unless `overwrite`.
  absl::Status WriteKeyFiles(const std::filesystem::path& secret_file,
                             const std::filesystem::path& public_file, bool overwrite) const;

 private:
  explicit Ed25519Signer(SecretBytes secret_key) : secret_key_(std::move(secret_key)) {}
  SecretBytes secret_key_;  // 64 bytes
};

class Ed25519Verifier {
 public:
  // Errors: INVALID_ARGUMENT when the text is not a base64 32-byte key.
  static absl::StatusOr<Ed25519Verifier> FromBase64(std::string_view text);
  static absl::StatusOr<Ed25519Verifier> FromFile(const std::filesystem::path& path);

  bool Verify(std::string_view context, std::string_view message, std::string_view signature) const;

 private:
  std::array<uint8_t, 32> public_key_{};
};

}  // namespace stapel

#endif  // STAPEL_KEYS_SIGNING_H_
