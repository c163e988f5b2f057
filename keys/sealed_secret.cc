#include "keys/sealed_secret.h"

#include <fmt/format.h>
#include <sodium.h>

#include "keys/key_file.h"

namespace stapel {

BoxKeyPair BoxKeyPair::Generate() {
  BoxKeyPair pair{std::string(crypto_box_PUBLICKEYBYTES, '\0'),
                  SecretBytes(crypto_box_SECRETKEYBYTES)};
  crypto_box_keypair(reinterpret_cast<uint8_t*>(pair.public_key.data()),
                     pair.secret_key.mutable_data());
  return pair;
}

absl::StatusOr<BoxKeyPair> BoxKeyPair::FromFile(const std::filesystem::path& secret_file) {
  auto text = ReadPrivateFile(secret_file);
  if (!text.ok()) return text.status();
  auto key = Base64DecodeSecret(*text);
  if (!key.ok() || key->size() != crypto_box_SECRETKEYBYTES) {
    return absl::InvalidArgumentError(fmt::format(
        "{} is not a box key (one base64 line of 32 bytes, as stapel-keys writes <party>-box.key)",
        secret_file.string()));
  }
  BoxKeyPair pair{std::string(crypto_box_PUBLICKEYBYTES, '\0'), *std::move(key)};
  crypto_scalarmult_base(reinterpret_cast<uint8_t*>(pair.public_key.data()),
                         pair.secret_key.data());
  return pair;
}

absl::Status BoxKeyPair::WriteKeyFiles(const std::filesystem::path& secret_file,
                                       const std::filesystem::path& public_file,
                                       bool overwrite) const {
  std::string secret = Base64Encode(secret_key.data(), secret_key.size()) + "\n";
  absl::Status s = WriteKeyFile(secret_file, secret, FileMode::kPrivate, overwrite);
  sodium_memzero(secret.data(), secret.size());
  if (!s.ok()) return s;
  return WriteKeyFile(public_file, Base64Encode(public_key) + "\n", FileMode::kPublic, overwrite);
}

absl::StatusOr<std::string> DecodeBoxPublicKey(std::string_view base64) {
  auto key = Base64Decode(base64);
  if (!key.ok() || key->size() != crypto_box_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError("not a box public key (base64 of 32 bytes)");
  }
  return *key;
}

std::string SealSecret(const SecretBytes& secret, std::string_view recipient_public_key) {
  std::string box(secret.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<uint8_t*>(box.data()), secret.data(), secret.size(),
                  reinterpret_cast<const uint8_t*>(recipient_public_key.data()));
  return box;
}

absl::StatusOr<SecretBytes> OpenSealedSecret(std::string_view box, const BoxKeyPair& keys) {
  if (box.size() <= crypto_box_SEALBYTES) {
    return absl::PermissionDeniedError("the sealed box is too short to hold a secret");
  }
  SecretBytes secret(box.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(secret.mutable_data(), reinterpret_cast<const uint8_t*>(box.data()),
                           box.size(), reinterpret_cast<const uint8_t*>(keys.public_key.data()),
                           keys.secret_key.data()) != 0) {
    return absl::PermissionDeniedError(
        "the sealed box does not open with this party's box key: it was sealed for another key "
        "or altered on the way");
  }
  return secret;
}

}  // namespace stapel
