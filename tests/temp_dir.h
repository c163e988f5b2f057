#ifndef STAPEL_TESTS_TEMP_DIR_H_
#define STAPEL_TESTS_TEMP_DIR_H_

// A fresh, empty folder per test, named after the test; files are written with WriteFile.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace stapel::testing_util {

// A new empty folder named after the running test (or "fuzz" outside a test).
inline std::filesystem::path FreshTempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      info == nullptr ? "fuzz" : std::string(info->test_suite_name()) + "-" + info->name();
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("stapel-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void WriteFile(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << contents;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace stapel::testing_util

#endif  // STAPEL_TESTS_TEMP_DIR_H_
