#include "keys/key_layout.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

namespace fs = std::filesystem;
using testing_util::FreshTempDir;
using testing_util::ReadFile;

ProjectIdentities Project() {
  ProjectIdentities ids;
  ids.project = "housing";
  ids.parties = {"gemeente", "corporatie"};
  ids.requesters = {"analyst"};
  ids.officers = {"officer"};
  return ids;
}

unsigned Mode(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

// The file names in a space-separated list.
std::set<std::string> Names(const std::string& list) {
  return absl::StrSplit(list, ' ', absl::SkipEmpty());
}

// Every file below `dir`, relative to it.
std::set<std::string> FilesIn(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), dir).string());
  }
  return files;
}

TEST(KeyLayoutTest, NamesEveryFileOfTheFolder) {
  const KeyLayout keys("/k");
  EXPECT_EQ(keys.CaCertificate(), "/k/ca.crt");
  EXPECT_EQ(keys.CaKey(), "/k/ca.key");
  EXPECT_EQ(keys.Certificate("hub"), "/k/hub.crt");
  EXPECT_EQ(keys.TlsKey("hub"), "/k/hub.key");
  EXPECT_EQ(keys.Pkcs12("analyst"), "/k/analyst.p12");
  EXPECT_EQ(keys.SigningKey("gemeente"), "/k/gemeente-signing.key");
  EXPECT_EQ(keys.SigningPublicKey("gemeente"), "/k/gemeente-signing.pub");
  EXPECT_EQ(keys.BoxKey("gemeente"), "/k/gemeente-box.key");
  EXPECT_EQ(keys.BoxPublicKey("gemeente"), "/k/gemeente-box.pub");
  EXPECT_EQ(keys.StorageKey("hub"), "/k/hub-storage.key");
  EXPECT_EQ(keys.RevocationDir(), "/k/revoked");
}

TEST(KeyLayoutTest, InitWritesEveryFileWithItsMode) {
  ASSERT_GE(sodium_init(), 0);
  const fs::path dir = FreshTempDir() / "keys";  // made by Init
  const KeyLayout keys(dir);
  ASSERT_TRUE(keys.Init(Project(), 30).ok());

  auto ca = keys.LoadCa();
  ASSERT_TRUE(ca.ok()) << ca.status();
  const std::set<std::string> expected_private = Names(
      "ca.key hub.key hub-signing.key hub-storage.key "
      "gemeente.key gemeente-box.key gemeente-signing.key "
      "corporatie.key corporatie-box.key corporatie-signing.key "
      "analyst.key analyst.p12 officer.key officer.p12 officer-signing.key");
  const std::set<std::string> expected_public = Names(
      "ca.crt hub.crt hub-signing.pub gemeente.crt gemeente-box.pub gemeente-signing.pub "
      "corporatie.crt corporatie-box.pub corporatie-signing.pub analyst.crt officer.crt "
      "officer-signing.pub revoked/" +
      (*ca)->RevocationFileName());
  std::set<std::string> expected = expected_private;
  expected.insert(expected_public.begin(), expected_public.end());
  EXPECT_EQ(FilesIn(dir), expected);
  for (const auto& file : expected_private) EXPECT_EQ(Mode(dir / file), 0600u) << file;
  for (const auto& file : expected_public) EXPECT_EQ(Mode(dir / file), 0644u) << file;
  EXPECT_NE(ReadFile(keys.CaCertificate()).find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(ReadFile(keys.RevocationList(**ca)).find("BEGIN X509 CRL"), std::string::npos);
}

TEST(KeyLayoutTest, InitRefusesAnExistingProjectWithoutForce) {
  ASSERT_GE(sodium_init(), 0);
  const fs::path dir = FreshTempDir();
  ASSERT_TRUE(KeyLayout(dir).Init(Project(), 30).ok());
  const std::string ca = ReadFile(dir / "ca.crt");

  ProjectIdentities other = Project();
  other.parties.push_back("zorg");
  const absl::Status refused = KeyLayout(dir).Init(other, 30);
  EXPECT_TRUE(absl::IsAlreadyExists(refused)) << refused;
  EXPECT_NE(refused.message().find("--force"), std::string_view::npos) << refused;
  EXPECT_EQ(ReadFile(dir / "ca.crt"), ca);     // nothing was replaced ...
  EXPECT_FALSE(fs::exists(dir / "zorg.crt"));  // ... or added

  ASSERT_TRUE(KeyLayout(dir, /*overwrite=*/true).Init(other, 30).ok());
  EXPECT_NE(ReadFile(dir / "ca.crt"), ca);
  EXPECT_TRUE(fs::exists(dir / "zorg.crt"));
}

TEST(KeyLayoutTest, InitRefusesAnInvalidIdentityBeforeWritingAnything) {
  ProjectIdentities ids = Project();
  ids.requesters.push_back("Not Valid");
  const fs::path dir = FreshTempDir() / "keys";
  EXPECT_TRUE(absl::IsInvalidArgument(KeyLayout(dir).Init(ids, 30)));
  EXPECT_FALSE(fs::exists(dir));
}

TEST(KeyLayoutTest, PartyKeysAreNotOverwrittenWithoutForce) {
  ASSERT_GE(sodium_init(), 0);
  const fs::path dir = FreshTempDir() / "party";
  ASSERT_TRUE(KeyLayout(dir).InitParty("gemeente").ok());
  EXPECT_EQ(FilesIn(dir), (std::set<std::string>{"gemeente-box.key", "gemeente-box.pub",
                                                 "gemeente-signing.key", "gemeente-signing.pub"}));
  EXPECT_EQ(Mode(dir / "gemeente-box.key"), 0600u);
  EXPECT_EQ(Mode(dir / "gemeente-signing.pub"), 0644u);
  const std::string key = ReadFile(dir / "gemeente-signing.key");
  EXPECT_TRUE(absl::IsAlreadyExists(KeyLayout(dir).InitParty("gemeente")));
  EXPECT_EQ(ReadFile(dir / "gemeente-signing.key"), key);
  EXPECT_TRUE(KeyLayout(dir, /*overwrite=*/true).InitParty("gemeente").ok());
  EXPECT_NE(ReadFile(dir / "gemeente-signing.key"), key);
}

TEST(KeyLayoutTest, RevokeAddsToTheRevocationList) {
  ASSERT_GE(sodium_init(), 0);
  const fs::path dir = FreshTempDir();
  const KeyLayout keys(dir);
  ASSERT_TRUE(keys.Init(Project(), 30).ok());
  auto ca = keys.LoadCa();
  ASSERT_TRUE(ca.ok()) << ca.status();
  const fs::path list = keys.RevocationList(**ca);
  const std::string empty = ReadFile(list);
  ASSERT_TRUE(keys.Revoke({"analyst"}, 30).ok());
  const std::string one = ReadFile(list);
  EXPECT_NE(one, empty);
  EXPECT_EQ(Mode(list), 0644u);
  EXPECT_TRUE(absl::IsNotFound(keys.Revoke({"nobody"}, 30)));
  EXPECT_EQ(ReadFile(list), one);
}

}  // namespace
}  // namespace stapel
