#ifndef STAPEL_TESTS_FUZZ_FUZZ_INPUT_H_
#define STAPEL_TESTS_FUZZ_FUZZ_INPUT_H_

// Shared by the fuzz targets: the parsers under test read files, so each input is written to
// a file in a folder of this process, beside a project whose key files the parsers can find.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string_view>

#include "tests/test_project.h"

namespace stapel::fuzz {

// A folder with the test project (manifest.toml and its parties' public keys), once per process.
inline const std::filesystem::path& ProjectDir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("stapel-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    testing_util::WriteTestProject(d);
    return d;
  }();
  return dir;
}

// Writes the input to `name` in ProjectDir() and returns its path.
inline std::filesystem::path WriteInput(std::string_view name, const uint8_t* data, size_t size) {
  const auto path = ProjectDir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace stapel::fuzz

#endif  // STAPEL_TESTS_FUZZ_FUZZ_INPUT_H_
