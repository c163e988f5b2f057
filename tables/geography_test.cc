#include "tables/geography.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::WriteFile;

TEST(GeographyTest, LoadsRealCbsBuurtenOfMaashorst) {
  const std::filesystem::path path =
      STAPEL_SHARED_DIR "/data/cbs/maashorst_GM1991_buurten_2022.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared CBS data not present: " << path;
  auto geo = Geography::LoadCsv(path);
  ASSERT_TRUE(geo.ok()) << geo.status();
  int buurten = 0, wijken = 0;
  for (const auto& [code, name] : geo->names()) {
    buurten += code.starts_with("BU");
    wijken += code.starts_with("WK");
  }
  EXPECT_EQ(buurten, 39);
  EXPECT_EQ(wijken, 6);
  EXPECT_EQ(geo->Name("BU19910102"), "Bogerd-Vijfhuis");
  EXPECT_EQ(geo->Name("GM1991"), "Maashorst");
}

TEST(GeographyTest, RejectsABuurtInTheWrongWijkWithFileAndLine) {
  auto path = FreshTempDir() / "areas.csv";
  WriteFile(path,
            "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
            "BU99990101,Noord,WK999901,Oost,GM9999,Demo\n"
            "BU99990201,Zuid,WK999901,Oost,GM9999,Demo\n");
  auto geo = Geography::LoadCsv(path);
  ASSERT_FALSE(geo.ok());
  EXPECT_NE(geo.status().message().find("areas.csv:3"), std::string::npos) << geo.status();
}

TEST(GeographyTest, RejectsAMissingColumn) {
  auto path = FreshTempDir() / "areas.csv";
  WriteFile(path, "buurtcode,buurtnaam\nBU99990101,Noord\n");
  auto geo = Geography::LoadCsv(path);
  ASSERT_FALSE(geo.ok());
  EXPECT_NE(geo.status().message().find("wijkcode"), std::string::npos);
}

}  // namespace
}  // namespace stapel
