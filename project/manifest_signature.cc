#include "project/manifest_signature.h"

#include <fmt/format.h>

#include <fstream>

#include "keys/key_file.h"

namespace stapel {

std::filesystem::path ManifestSignaturePath(const std::filesystem::path& manifest) {
  return manifest.string() + ".sig";
}

absl::Status SignManifest(const std::filesystem::path& manifest, const Ed25519Signer& officer) {
  auto text = ReadTextFile(manifest);
  if (!text.ok()) return text.status();
  const Ed25519Signature signature = officer.Sign(kManifestSignatureContext, *text);
  return WriteKeyFile(ManifestSignaturePath(manifest),
                      Base64Encode(signature.data(), signature.size()) + "\n", FileMode::kPublic,
                      /*overwrite=*/true);
}

absl::StatusOr<std::string> VerifyManifestSignature(const std::filesystem::path& manifest,
                                                    const Ed25519Verifier& officer,
                                                    const std::filesystem::path& officer_key_file) {
  auto text = ReadTextFile(manifest);
  if (!text.ok()) return text.status();
  const std::filesystem::path sig_file = ManifestSignaturePath(manifest);
  auto sig_text = ReadTextFile(sig_file);
  if (!sig_text.ok()) {
    return absl::PermissionDeniedError(fmt::format(
        "{} is not signed ({} is missing): the privacy officer signs it with stapel-audit "
        "sign-manifest",
        manifest.string(), sig_file.string()));
  }
  auto signature = Base64Decode(*sig_text);
  if (!signature.ok() || !officer.Verify(kManifestSignatureContext, *text, *signature)) {
    return absl::PermissionDeniedError(fmt::format(
        "{} does not match its signature {}: it was changed after the privacy officer signed "
        "it, or signed with another key than {}. Ask the officer to review and sign it again",
        manifest.string(), sig_file.string(), officer_key_file.string()));
  }
  std::string trimmed = *sig_text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  return trimmed;
}

}  // namespace stapel
