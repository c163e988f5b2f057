#include "trusted-hub/manifest_record.h"

#include <gtest/gtest.h>

#include "trusted-hub/hub_test_project.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

TEST(ManifestRecordTest, LogsTheManifestOnceAndAgainWhenItChanges) {
  HubTestProject p;
  const std::string text = testing_util::ReadFile(p.dir / "manifest.toml");
  EXPECT_TRUE(*RecordManifestIfChanged(p.manifest, text, "c2lnbmF0dXJl", p.log.get()));
  EXPECT_FALSE(
      *RecordManifestIfChanged(p.manifest, text, "c2lnbmF0dXJl", p.log.get()));  // a restart
  Manifest changed = p.manifest;
  changed.parties[1].attributes.push_back("income");
  EXPECT_TRUE(*RecordManifestIfChanged(changed, text, "c2lnbmF0dXJl", p.log.get()));
  Manifest new_key = p.manifest;
  new_key.parties[0].signing_public_key = Ed25519Signer::Generate()->PublicKeyBase64();
  EXPECT_TRUE(*RecordManifestIfChanged(new_key, text, "c2lnbmF0dXJl", p.log.get()));
  auto log = VerifyReleaseLog(p.dir / "release.log", *p.hub_key);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->entries, 4u);  // the test project's key_epoch entry and three manifests
}

}  // namespace
}  // namespace stapel
