#include "keys/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace stapel {
namespace {

namespace fs = std::filesystem;

fs::path TempDir() {
  fs::path dir = fs::path(testing::TempDir()) /
                 ("keyfile-" + std::to_string(::getpid()) + "-" +
                  testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(KeyFileTest, PrivateFilesAreWrittenWithMode0600) {
  fs::path p = TempDir() / "k";
  ASSERT_TRUE(WriteKeyFile(p, "secret", FileMode::kPrivate, false).ok());
  struct stat st;
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(KeyFileTest, ExistingFileIsNotOverwrittenWithoutForce) {
  fs::path p = TempDir() / "k";
  ASSERT_TRUE(WriteKeyFile(p, "first", FileMode::kPrivate, false).ok());
  absl::Status s = WriteKeyFile(p, "second", FileMode::kPrivate, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("--force"), std::string_view::npos);
  auto read = ReadPrivateFile(p);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(read->data()), read->size()), "first");
  EXPECT_TRUE(WriteKeyFile(p, "second", FileMode::kPrivate, true).ok());
}

TEST(KeyFileTest, WorldReadablePrivateFileIsRefused) {
  fs::path p = TempDir() / "k";
  ASSERT_TRUE(WriteKeyFile(p, "secret", FileMode::kPublic, false).ok());
  auto read = ReadPrivateFile(p);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(read.status().message().find("chmod 600"), std::string_view::npos);
}

TEST(KeyFileTest, Base64RoundTripsAndRejectsGarbage) {
  const uint8_t bytes[] = {0, 1, 2, 250, 251, 252, 253};
  std::string text = Base64Encode(bytes, sizeof(bytes));
  auto back = Base64Decode(text + "\n");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  EXPECT_FALSE(Base64Decode("not base64!").ok());
}

}  // namespace
}  // namespace stapel
