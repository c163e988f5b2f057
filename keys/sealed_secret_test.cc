#include "keys/sealed_secret.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include "keys/key_file.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

TEST(SealedSecretTest, OnlyTheRecipientOpensTheBoxAndAlterationsAreCaught) {
  ASSERT_GE(sodium_init(), 0);
  const BoxKeyPair recipient = BoxKeyPair::Generate();
  const BoxKeyPair other = BoxKeyPair::Generate();
  const SecretBytes secret = SecretBytes::Random(kLinkageSecretBytes);
  const std::string box = SealSecret(secret, recipient.public_key);
  EXPECT_EQ(box.size(), kLinkageSecretBytes + crypto_box_SEALBYTES);
  EXPECT_EQ(box.find(std::string(reinterpret_cast<const char*>(secret.data()), secret.size())),
            std::string::npos);

  auto opened = OpenSealedSecret(box, recipient);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->Equals(secret));
  // Sealed with a fresh ephemeral key each time: two boxes of one secret differ.
  EXPECT_NE(SealSecret(secret, recipient.public_key), box);

  EXPECT_EQ(OpenSealedSecret(box, other).status().code(), absl::StatusCode::kPermissionDenied);
  for (size_t bit = 0; bit < box.size() * 8; bit += 7) {
    std::string altered = box;
    altered[bit / 8] = static_cast<char>(altered[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(OpenSealedSecret(altered, recipient).ok()) << "bit " << bit;
  }
  EXPECT_FALSE(OpenSealedSecret(box.substr(0, crypto_box_SEALBYTES), recipient).ok());
}

TEST(SealedSecretTest, KeyFilesRoundTripAndTheSecretHalfIsPrivate) {
  ASSERT_GE(sodium_init(), 0);
  const auto dir = testing_util::FreshTempDir();
  const BoxKeyPair pair = BoxKeyPair::Generate();
  ASSERT_TRUE(pair.WriteKeyFiles(dir / "p-box.key", dir / "p-box.pub", false).ok());
  EXPECT_EQ(pair.WriteKeyFiles(dir / "p-box.key", dir / "p-box.pub", false).code(),
            absl::StatusCode::kAlreadyExists);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "p-box.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto loaded = BoxKeyPair::FromFile(dir / "p-box.key");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->public_key, pair.public_key);  // derived from the secret half
  auto pub = DecodeBoxPublicKey(*ReadTextFile(dir / "p-box.pub"));
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(*pub, pair.public_key);
  EXPECT_FALSE(DecodeBoxPublicKey("c2hvcnQ=").ok());  // "short"

  const SecretBytes secret = SecretBytes::Random(kLinkageSecretBytes);
  auto opened = OpenSealedSecret(SealSecret(secret, *pub), *loaded);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->Equals(secret));

  ASSERT_EQ(::chmod((dir / "p-box.key").c_str(), 0644), 0);
  EXPECT_EQ(BoxKeyPair::FromFile(dir / "p-box.key").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace stapel
