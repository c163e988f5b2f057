#include "keys/protected_secret.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "keys/key_file.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

SecretBytes Text(std::string_view s) {
  return SecretBytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(ProtectedSecretTest, OnlyTheRightPassphraseOpensItAndAlterationsAreCaught) {
  ASSERT_GE(sodium_init(), 0);
  const SecretBytes secret = SecretBytes::Random(32);
  auto line = ProtectSecret(secret, Text("correct horse battery\n"));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_TRUE(line->starts_with("stapel-protected-v1 "));
  const SecretBytes file = Text(*line);
  EXPECT_TRUE(IsProtectedSecret(file));
  auto opened = UnprotectSecret(file, Text("correct horse battery"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->Equals(secret));
  EXPECT_EQ(UnprotectSecret(file, Text("correct horse batterz")).status().code(),
            absl::StatusCode::kPermissionDenied);
  std::string altered = *line;
  altered[altered.size() - 5] = altered[altered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(UnprotectSecret(Text(altered), Text("correct horse battery")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(ProtectSecret(secret, Text("short")).ok());
  EXPECT_EQ(
      UnprotectSecret(Text("stapel-protected-v1 x"), Text("correct horse battery")).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ProtectedSecretTest, ReadSecretFileTakesBothFormsAndSaysWhatIsMissing) {
  const auto dir = testing_util::FreshTempDir();
  const SecretBytes secret = SecretBytes::Random(32);
  ASSERT_TRUE(WriteKeyFile(dir / "plain.secret", Base64Encode(secret.data(), secret.size()) + "\n",
                           FileMode::kPrivate, true)
                  .ok());
  auto plain = ReadSecretFile(dir / "plain.secret", "");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->Equals(secret));

  ASSERT_TRUE(WriteKeyFile(dir / "protected.secret",
                           *ProtectSecret(secret, Text("a long enough passphrase")),
                           FileMode::kPrivate, true)
                  .ok());
  auto missing = ReadSecretFile(dir / "protected.secret", "");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("[keys] passphrase_file"), std::string::npos);
  ASSERT_TRUE(
      WriteKeyFile(dir / "pass", "a long enough passphrase\n", FileMode::kPrivate, true).ok());
  auto opened = ReadSecretFile(dir / "protected.secret", dir / "pass");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->Equals(secret));
}

TEST(ProtectedSecretTest, WriteSecretFileIsReadBackWithTheSamePassphraseFile) {
  ASSERT_GE(sodium_init(), 0);
  const auto dir = testing_util::FreshTempDir();
  const SecretBytes secret = SecretBytes::Random(32);
  ASSERT_TRUE(
      WriteKeyFile(dir / "pass", "a long enough passphrase\n", FileMode::kPrivate, true).ok());
  ASSERT_TRUE(WriteSecretFile(dir / "plain.secret", secret, "").ok());
  ASSERT_TRUE(WriteSecretFile(dir / "protected.secret", secret, dir / "pass").ok());
  EXPECT_FALSE(IsProtectedSecret(*ReadPrivateFile(dir / "plain.secret")));
  EXPECT_TRUE(IsProtectedSecret(*ReadPrivateFile(dir / "protected.secret")));
  for (const auto& [file, passphrase] : {std::pair{"plain.secret", std::string()},
                                         std::pair{"protected.secret", (dir / "pass").string()}}) {
    auto read = ReadSecretFile(dir / file, passphrase);
    ASSERT_TRUE(read.ok()) << file << ": " << read.status();
    EXPECT_TRUE(read->Equals(secret)) << file;
  }
}

}  // namespace
}  // namespace stapel
