// libFuzzer: the streaming CSV reader on any bytes (quoting, line ends, huge lines, NULs).
#include "records/csv_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char delimiter = size > 0 && data[0] % 2 ? ';' : ',';
  auto reader =
      stapel::CsvReader::Open(stapel::fuzz::WriteInput("input.csv", data, size), delimiter);
  if (!reader.ok()) return 0;
  stapel::CsvRow row;
  for (int rows = 0; rows < 100000 && (*reader)->Next(&row); ++rows) {
  }
  return 0;
}
