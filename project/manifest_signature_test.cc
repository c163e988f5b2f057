#include "project/manifest_signature.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::ReadFile;
using testing_util::WriteFile;

TEST(ManifestSignatureTest, OnlyTheOfficersSignatureOverTheExactBytesIsAccepted) {
  const auto dir = FreshTempDir();
  const auto manifest = dir / "manifest.toml";
  WriteFile(manifest, "project_id = \"p\"\n[disclosure]\nk = 10\n");
  const auto officer = Ed25519Signer::Generate();
  const auto verifier = *Ed25519Verifier::FromBase64(officer->PublicKeyBase64());

  auto unsigned_manifest = VerifyManifestSignature(manifest, verifier, "officer-signing.pub");
  EXPECT_EQ(unsigned_manifest.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(unsigned_manifest.status().message().find("is not signed"), std::string::npos);

  ASSERT_TRUE(SignManifest(manifest, *officer).ok());
  auto verified = VerifyManifestSignature(manifest, verifier, "officer-signing.pub");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified + "\n", ReadFile(dir / "manifest.toml.sig"));

  // One character changed (k = 10 -> k = 1): refused.
  WriteFile(manifest, "project_id = \"p\"\n[disclosure]\nk = 1\n");
  auto altered = VerifyManifestSignature(manifest, verifier, "officer-signing.pub");
  EXPECT_EQ(altered.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(altered.status().message().find("changed after the privacy officer signed it"),
            std::string::npos);

  // Signed by someone else (the hub operator, say): refused.
  ASSERT_TRUE(SignManifest(manifest, *Ed25519Signer::Generate()).ok());
  EXPECT_EQ(VerifyManifestSignature(manifest, verifier, "officer-signing.pub").status().code(),
            absl::StatusCode::kPermissionDenied);
  WriteFile(dir / "manifest.toml.sig", "not base64 !!\n");
  EXPECT_EQ(VerifyManifestSignature(manifest, verifier, "officer-signing.pub").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace stapel
