// libFuzzer: a requester's table request (TOML or JSON by the first byte), resolved against
// the test manifest, and the indicator expression parser on the raw text.
#include "project/indicator_expression.h"
#include "project/manifest.h"
#include "tables/table_spec.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const stapel::Manifest manifest =
      *stapel::Manifest::Load(stapel::fuzz::ProjectDir() / "manifest.toml");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = stapel::IndicatorExpression::Parse(text, manifest.Attributes());
  if (expression.ok()) (void)expression->Matches(size);
  const char* name = size > 0 && data[0] == '{' ? "request.json" : "request.toml";
  auto request = stapel::TableRequest::Load(stapel::fuzz::WriteInput(name, data, size));
  if (request.ok()) {
    for (bool households : {false, true}) {
      (void)stapel::ResolveRequest(*request, manifest, households);
    }
  }
  return 0;
}
