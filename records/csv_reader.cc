#include "records/csv_reader.h"

#include <fmt/format.h>

namespace stapel {

std::string EscapeCsvField(std::string_view field) {
  if (field.find_first_of(",;\"\n\r") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

CsvReader::CsvReader(std::filesystem::path path, char delimiter)
    : path_(std::move(path)), in_(path_, std::ios::binary), delimiter_(delimiter) {
  csv_init(&parser_, CSV_STRICT);
  csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
}

CsvReader::~CsvReader() { csv_free(&parser_); }

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::filesystem::path& path,
                                                           char delimiter) {
  std::unique_ptr<CsvReader> reader(new CsvReader(path, delimiter));
  if (!reader->in_) {
    return absl::NotFoundError(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  return reader;
}

void CsvReader::ResetParser() {
  csv_free(&parser_);
  csv_init(&parser_, CSV_STRICT);
  csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
}

void CsvReader::OnField(void* data, size_t len, void* self_ptr) {
  auto* self = static_cast<CsvReader*>(self_ptr);
  CsvRow* row = self->current_;
  if (row->size == row->fields.size()) row->fields.emplace_back();
  row->fields[row->size++].assign(static_cast<const char*>(data), len);
}

void CsvReader::OnRowEnd(int terminator, void* self_ptr) {
  static_cast<CsvReader*>(self_ptr)->row_done_ = true;
}

bool CsvReader::Next(CsvRow* row) {
  row->size = 0;
  row->error.clear();
  current_ = row;
  while (std::getline(in_, line_)) {
    ++line_number_;
    if (line_number_ == 1 && line_.starts_with("\xEF\xBB\xBF")) line_.erase(0, 3);
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    row->line = row_start_;
    row_start_ = line_number_ + 1;
    if (line_.size() > kMaxLineBytes) {
      ResetParser();
      row->size = 0;
      row->error = fmt::format("line is longer than {} bytes", kMaxLineBytes);
      return true;
    }
    line_.push_back('\n');
    row_done_ = false;
    const size_t parsed = csv_parse(&parser_, line_.data(), line_.size(), OnField, OnRowEnd, this);
    if (parsed != line_.size()) {
      ResetParser();
      row->size = 0;
      row->error = fmt::format(
          "malformed quoting near column {} (a quote inside an unquoted "
          "field, or text after a closing quote)",
          parsed + 1);
      return true;
    }
    if (row_done_) return true;
    if (parser_.pstate != 0) {  // a quoted field is still open at the end of the line
      ResetParser();
      row->size = 0;
      row->error = "quoted field is not closed on its line";
      return true;
    }
    // A blank line: nothing to return, the next row starts on the next line.
  }
  return false;
}

}  // namespace stapel
