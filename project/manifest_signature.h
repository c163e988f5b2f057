#ifndef STAPEL_PROJECT_MANIFEST_SIGNATURE_H_
#define STAPEL_PROJECT_MANIFEST_SIGNATURE_H_

// The privacy officer's signature on the project manifest. The officer signs the manifest
// file's exact bytes with an Ed25519 key (stapel-audit sign-manifest); the signature is one
// base64 line in "<manifest>.sig" beside it. The hub is configured with the officer's public
// key and refuses to start a project whose manifest is unsigned, altered after signing, or
// signed with another key — so nobody at the hub can widen what parties may send or who may
// request tables without the officer.

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/signing.h"

namespace stapel {

inline constexpr std::string_view kManifestSignatureContext = "stapel-manifest-v1\n";

std::filesystem::path ManifestSignaturePath(const std::filesystem::path& manifest);

// Signs the manifest file and writes "<manifest>.sig" (replacing an older signature).
absl::Status SignManifest(const std::filesystem::path& manifest, const Ed25519Signer& officer);

// OK when "<manifest>.sig" is the signature of `officer` (its file named in messages as
// `officer_key_file`) over the manifest's current bytes. Returns the signature (base64).
// PERMISSION_DENIED saying what is wrong and how to fix it otherwise.
absl::StatusOr<std::string> VerifyManifestSignature(const std::filesystem::path& manifest,
                                                    const Ed25519Verifier& officer,
                                                    const std::filesystem::path& officer_key_file);

}  // namespace stapel

#endif  // STAPEL_PROJECT_MANIFEST_SIGNATURE_H_
