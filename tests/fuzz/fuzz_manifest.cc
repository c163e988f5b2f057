// libFuzzer: the project manifest parser and validator (TOML), with the test project's key
// files beside it so valid inputs get past the key checks.
#include "project/manifest.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto manifest = stapel::Manifest::Load(stapel::fuzz::WriteInput("fuzzed.toml", data, size));
  if (manifest.ok()) {
    (void)manifest->Attributes();
    (void)manifest->Indicators();
  }
  return 0;
}
