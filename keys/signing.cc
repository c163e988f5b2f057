#include "keys/signing.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "encoding/sha256.h"
#include "keys/key_file.h"

namespace stapel {
namespace {

// The signed message is context || message: plain Ed25519 over those bytes, so any Ed25519
// library can check a signature without Stapel's code.
std::string Framed(std::string_view context, std::string_view message) {
  std::string framed;
  framed.reserve(context.size() + message.size());
  framed.append(context).append(message);
  return framed;
}

}  // namespace

std::string DigestToSign(std::string_view message) { return DigestToSign(Sha256(message)); }

std::string DigestToSign(const Sha256Digest& message_sha256) {
  return std::string(reinterpret_cast<const char*>(message_sha256.data()), message_sha256.size());
}

std::unique_ptr<Ed25519Signer> Ed25519Signer::Generate() {
  if (sodium_init() < 0) std::abort();
  SecretBytes sk(crypto_sign_SECRETKEYBYTES);
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk;
  crypto_sign_keypair(pk.data(), sk.mutable_data());
  return std::unique_ptr<Ed25519Signer>(new Ed25519Signer(std::move(sk)));
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::FromFile(
    const std::filesystem::path& path) {
  auto text = ReadPrivateFile(path);
  if (!text.ok()) return text.status();
  auto sk = Base64DecodeSecret(*text);
  if (!sk.ok() || sk->size() != crypto_sign_SECRETKEYBYTES) {
    return absl::InvalidArgumentError(fmt::format(
        "{}{}{}{}", path.string(), " is not an Ed25519 secret key (expected one base64 line of ",
        crypto_sign_SECRETKEYBYTES, " bytes, as written by stapel-keys)"));
  }
  return std::unique_ptr<Ed25519Signer>(new Ed25519Signer(std::move(*sk)));
}

Ed25519Signature Ed25519Signer::Sign(std::string_view context, std::string_view message) const {
  Ed25519Signature sig;
  const std::string framed = Framed(context, message);
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(framed.data()),
                       framed.size(), secret_key_.data());
  return sig;
}

std::string Ed25519Signer::PublicKeyBase64() const {
  // libsodium's secret key is seed || public key.
  return Base64Encode(secret_key_.data() + crypto_sign_SEEDBYTES, crypto_sign_PUBLICKEYBYTES);
}

absl::Status Ed25519Signer::WriteKeyFiles(const std::filesystem::path& secret_file,
                                          const std::filesystem::path& public_file,
                                          bool overwrite) const {
  const size_t len = sodium_base64_encoded_len(secret_key_.size(), sodium_base64_VARIANT_ORIGINAL);
  SecretBytes text(len);
  sodium_bin2base64(reinterpret_cast<char*>(text.mutable_data()), len, secret_key_.data(),
                    secret_key_.size(), sodium_base64_VARIANT_ORIGINAL);
  const std::string_view line(reinterpret_cast<const char*>(text.data()), len - 1);  // no NUL
  if (absl::Status s = WriteKeyFile(secret_file, line, FileMode::kPrivate, overwrite); !s.ok()) {
    return s;
  }
  return WriteKeyFile(public_file, PublicKeyBase64() + "\n", FileMode::kPublic, overwrite);
}

absl::StatusOr<Ed25519Verifier> Ed25519Verifier::FromBase64(std::string_view text) {
  auto raw = Base64Decode(text);
  if (!raw.ok() || raw->size() != crypto_sign_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError(
        fmt::format("{}{}{}", "not an Ed25519 public key (expected one base64 line of ",
                    crypto_sign_PUBLICKEYBYTES, " bytes)"));
  }
  Ed25519Verifier v;
  std::memcpy(v.public_key_.data(), raw->data(), raw->size());
  return v;
}

absl::StatusOr<Ed25519Verifier> Ed25519Verifier::FromFile(const std::filesystem::path& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  auto v = FromBase64(*text);
  if (!v.ok())
    return absl::InvalidArgumentError(
        fmt::format("{}{}{}", path.string(), ": ", std::string(v.status().message())));
  return v;
}

bool Ed25519Verifier::Verify(std::string_view context, std::string_view message,
                             std::string_view signature) const {
  if (signature.size() != crypto_sign_BYTES) return false;
  const std::string framed = Framed(context, message);
  return crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature.data()),
                                     reinterpret_cast<const uint8_t*>(framed.data()), framed.size(),
                                     public_key_.data()) == 0;
}

}  // namespace stapel
