#include "records/text_normalize.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(FoldNameTest, FoldsCaseDiacriticsAndPunctuation) {
  EXPECT_EQ(*FoldName("Müller"), "muller");
  EXPECT_EQ(*FoldName("MULLER"), "muller");
  EXPECT_EQ(*FoldName("  de Vries "), "devries");
  EXPECT_EQ(*FoldName("Jansen-de Vries"), "jansendevries");
  EXPECT_EQ(*FoldName("van 't Hof"), "vanthof");
  EXPECT_EQ(*FoldName("Çelik"), "celik");
  EXPECT_EQ(*FoldName("Žoë Ångström"), "zoeangstrom");
}

TEST(FoldNameTest, FoldsLettersWithoutDecomposition) {
  EXPECT_EQ(*FoldName("Søren"), "soren");
  EXPECT_EQ(*FoldName("Strauß"), "strauss");
  EXPECT_EQ(*FoldName("Ĳsselmeer"), "ijsselmeer");  // the ij ligature
  EXPECT_EQ(*FoldName("Łukasz"), "lukasz");
  EXPECT_EQ(*FoldName("Æbelø"), "aebelo");
}

TEST(FoldNameTest, KeepsLettersOfOtherScripts) { EXPECT_EQ(*FoldName("Юлия"), "юлия"); }

TEST(FoldNameTest, RejectsInvalidUtf8) {
  auto r = FoldName("M\xfcller");  // Latin-1 ü
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
}

TEST(SexTest, ReadsWhatRegistersWrite) {
  for (const char* m : {"M", "m", "man", " Man ", "male"}) EXPECT_EQ(*NormalizeSex(m), "m") << m;
  for (const char* v : {"V", "vrouw", "F", "female"}) EXPECT_EQ(*NormalizeSex(v), "v") << v;
  EXPECT_EQ(*NormalizeSex("X"), "x");
  auto unknown = NormalizeSex("onbekend");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("is not M, V or X"), std::string::npos);
}

TEST(PostcodeTest, NormalizesSpacingAndCase) {
  EXPECT_EQ(*NormalizePostcode("1234 ab"), "1234AB");
  EXPECT_EQ(*NormalizePostcode(" 5401AB "), "5401AB");
  EXPECT_EQ(*NormalizePostcode("5401 Ab"), "5401AB");
}

TEST(PostcodeTest, RejectsNonDutchPostcodes) {
  EXPECT_FALSE(NormalizePostcode("0123AB").ok());  // first digit is never 0
  EXPECT_FALSE(NormalizePostcode("1234A").ok());
  EXPECT_FALSE(NormalizePostcode("1234 SS").ok());  // SA, SD and SS are not issued
  EXPECT_FALSE(NormalizePostcode("12345").ok());
  EXPECT_FALSE(NormalizePostcode("").ok());
}

}  // namespace
}  // namespace stapel
