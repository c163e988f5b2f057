#include "records/csv_reader.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::WriteFile;

std::vector<CsvRow> ReadAll(const std::string& contents, char delimiter = ';') {
  auto path = FreshTempDir() / "in.csv";
  WriteFile(path, contents);
  auto reader = CsvReader::Open(path, delimiter);
  EXPECT_TRUE(reader.ok());
  std::vector<CsvRow> rows;
  CsvRow row;
  while ((*reader)->Next(&row)) {
    CsvRow copy = row;
    copy.fields.resize(row.size);
    rows.push_back(copy);
  }
  return rows;
}

TEST(CsvReaderTest, ReadsQuotedFieldsAndLineNumbers) {
  auto rows = ReadAll("a;b;c\n1;\"x;y\";\"say \"\"hi\"\"\"\n\n2;;z\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "x;y", "say \"hi\""}));
  EXPECT_EQ(rows[2].line, 4u);  // the blank line 3 is skipped
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "", "z"}));
}

TEST(CsvReaderTest, AcceptsBomCrlfAndAMissingFinalNewline) {
  auto rows = ReadAll("\xEF\xBB\xBFid,name\r\n1,Anna\r\n2,Bram", ',');
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields[0], "id");
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "Bram"}));
}

TEST(CsvReaderTest, MalformedRowIsReportedAndTheRestGoesOn) {
  auto rows = ReadAll("h1;h2\n1;\"open\n2;ok\n3;a\"b\n4;fine\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_NE(rows[1].error.find("not closed"), std::string::npos);
  EXPECT_TRUE(rows[2].error.empty());
  EXPECT_EQ(rows[2].fields[0], "2");
  EXPECT_EQ(rows[3].line, 4u);
  EXPECT_FALSE(rows[3].error.empty());
  EXPECT_EQ(rows[4].fields, (std::vector<std::string>{"4", "fine"}));
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  EXPECT_EQ(CsvReader::Open("/nonexistent/x.csv", ',').status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stapel
