#ifndef STAPEL_RECORDS_CSV_READER_H_
#define STAPEL_RECORDS_CSV_READER_H_

// Streams a CSV file row by row (libcsv, strict RFC 4180 quoting), never holding more than
// one line in memory. Each row carries the line number it starts on. A malformed row (bad
// quoting, a quoted field left open at the end of its line, an over-long line) comes back
// with `error` set and reading goes on with the next line, so one bad row never stops an
// export. Quoted fields may not span lines: exports of registers never need that, and it
// keeps one stray quote from swallowing the rest of a file. A UTF-8 byte-order mark and
// CRLF line ends are accepted. Thread-compatible: one reader per thread.

#include <csv.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stapel {

struct CsvRow {
  size_t line = 0;                  // 1-based line number in the file
  std::vector<std::string> fields;  // only the first `size` are this row's
  size_t size = 0;
  std::string error;  // non-empty for a malformed row
};

// Quotes a field for writing CSV when it holds a comma, semicolon, quote or line break.
std::string EscapeCsvField(std::string_view field);

class CsvReader {
 public:
  static constexpr size_t kMaxLineBytes = 1 << 20;

  // NOT_FOUND when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(const std::filesystem::path& path,
                                                         char delimiter);
  ~CsvReader();

  // Fills `row` with the next non-blank row; false at end of file. Reuses the row's buffers.
  bool Next(CsvRow* row);

  const std::filesystem::path& path() const { return path_; }

 private:
  CsvReader(std::filesystem::path path, char delimiter);
  void ResetParser();
  static void OnField(void* data, size_t len, void* self);
  static void OnRowEnd(int terminator, void* self);

  std::filesystem::path path_;
  std::ifstream in_;
  char delimiter_;
  csv_parser parser_;
  std::string line_;
  size_t line_number_ = 0;
  size_t row_start_ = 1;
  CsvRow* current_ = nullptr;
  bool row_done_ = false;
};

}  // namespace stapel

#endif  // STAPEL_RECORDS_CSV_READER_H_
