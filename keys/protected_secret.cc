#include "keys/protected_secret.h"

#include <fmt/format.h>
#include <sodium.h>

#include <string_view>
#include <vector>

#include "keys/key_file.h"

namespace stapel {
namespace {

constexpr std::string_view kMagic = "stapel-protected-v1 ";

absl::StatusOr<SecretBytes> DeriveKey(const SecretBytes& passphrase, const uint8_t* salt) {
  SecretBytes key(crypto_secretbox_KEYBYTES);
  if (crypto_pwhash(key.mutable_data(), key.size(),
                    reinterpret_cast<const char*>(passphrase.data()), passphrase.size(), salt,
                    crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to derive the key (256 MiB)");
  }
  return key;
}

// A passphrase without the line end its file may have.
SecretBytes Trimmed(const SecretBytes& text) {
  size_t n = text.size();
  while (n > 0 && (text.data()[n - 1] == '\n' || text.data()[n - 1] == '\r')) --n;
  return SecretBytes(text.data(), n);
}

}  // namespace

absl::StatusOr<std::string> ProtectSecret(const SecretBytes& secret,
                                          const SecretBytes& passphrase_text) {
  const SecretBytes passphrase = Trimmed(passphrase_text);
  if (passphrase.size() < 12) {
    return absl::InvalidArgumentError("the passphrase needs at least 12 characters");
  }
  uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(salt, sizeof(salt));
  randombytes_buf(nonce, sizeof(nonce));
  auto key = DeriveKey(passphrase, salt);
  if (!key.ok()) return key.status();
  std::vector<uint8_t> sealed(secret.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(sealed.data(), secret.data(), secret.size(), nonce, key->data());
  return fmt::format("{}{} {} {}\n", kMagic, Base64Encode(salt, sizeof(salt)),
                     Base64Encode(nonce, sizeof(nonce)),
                     Base64Encode(sealed.data(), sealed.size()));
}

bool IsProtectedSecret(const SecretBytes& file_text) {
  return std::string_view(reinterpret_cast<const char*>(file_text.data()), file_text.size())
      .starts_with(kMagic);
}

absl::StatusOr<SecretBytes> UnprotectSecret(const SecretBytes& file_text,
                                            const SecretBytes& passphrase) {
  std::string_view text(reinterpret_cast<const char*>(file_text.data()), file_text.size());
  if (!text.starts_with(kMagic)) return absl::InvalidArgumentError("not a protected secret");
  text.remove_prefix(kMagic.size());
  std::vector<std::string> parts;
  for (size_t at = 0; at <= text.size() && parts.size() < 3;) {
    const size_t space = text.find(' ', at);
    const size_t end = space == std::string_view::npos ? text.size() : space;
    auto decoded = Base64Decode(text.substr(at, end - at));
    if (!decoded.ok()) return absl::InvalidArgumentError("a protected secret has a bad field");
    parts.push_back(*std::move(decoded));
    at = end + 1;
  }
  if (parts.size() != 3 || parts[0].size() != crypto_pwhash_SALTBYTES ||
      parts[1].size() != crypto_secretbox_NONCEBYTES ||
      parts[2].size() < crypto_secretbox_MACBYTES) {
    return absl::InvalidArgumentError("a protected secret needs salt, nonce and ciphertext");
  }
  auto key = DeriveKey(Trimmed(passphrase), reinterpret_cast<const uint8_t*>(parts[0].data()));
  if (!key.ok()) return key.status();
  SecretBytes secret(parts[2].size() - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(
          secret.mutable_data(), reinterpret_cast<const uint8_t*>(parts[2].data()), parts[2].size(),
          reinterpret_cast<const uint8_t*>(parts[1].data()), key->data()) != 0) {
    return absl::PermissionDeniedError("the passphrase is wrong, or the file was altered");
  }
  sodium_memzero(parts[2].data(), parts[2].size());
  return secret;
}

absl::StatusOr<SecretBytes> ReadSecretFile(const std::filesystem::path& path,
                                           const std::filesystem::path& passphrase_file) {
  auto text = ReadPrivateFile(path);
  if (!text.ok()) return text.status();
  if (!IsProtectedSecret(*text)) {
    auto secret = Base64DecodeSecret(*text);
    if (!secret.ok()) {
      return absl::InvalidArgumentError(fmt::format(
          "{} is not a secret (one base64 line, as written by stapel-keys)", path.string()));
    }
    return secret;
  }
  if (passphrase_file.empty()) {
    return absl::FailedPreconditionError(
        fmt::format("{} is protected with a passphrase: name the file that holds it as [keys] "
                    "passphrase_file (mode 0600)",
                    path.string()));
  }
  auto passphrase = ReadPrivateFile(passphrase_file);
  if (!passphrase.ok()) return passphrase.status();
  auto secret = UnprotectSecret(*text, *passphrase);
  if (!secret.ok()) {
    return absl::Status(secret.status().code(), fmt::format("{}: {} ({})", path.string(),
                                                            std::string(secret.status().message()),
                                                            passphrase_file.string()));
  }
  return secret;
}

absl::Status WriteSecretFile(const std::filesystem::path& path, const SecretBytes& secret,
                             const std::filesystem::path& passphrase_file) {
  std::string line;
  if (!passphrase_file.empty()) {
    auto passphrase = ReadPrivateFile(passphrase_file);
    if (!passphrase.ok()) return passphrase.status();
    auto protected_line = ProtectSecret(secret, *passphrase);
    if (!protected_line.ok()) return protected_line.status();
    line = *std::move(protected_line);
  } else {
    line = Base64Encode(secret.data(), secret.size()) + "\n";
  }
  absl::Status s = WriteKeyFile(path, line, FileMode::kPrivate, /*overwrite=*/true);
  sodium_memzero(line.data(), line.size());
  return s;
}

}  // namespace stapel
