#include "records/area_code.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(AreaCodeTest, NormalizesBuurtCodes) {
  EXPECT_EQ(*NormalizeBuurtCode(" bu19910101 "), "BU19910101");
  EXPECT_FALSE(NormalizeBuurtCode("BU1991010").ok());
  EXPECT_FALSE(NormalizeBuurtCode("WK19910101").ok());
  EXPECT_FALSE(NormalizeBuurtCode("BU1991O101").ok());
}

TEST(AreaCodeTest, DerivesWijkAndGemeenteFromTheCode) {
  EXPECT_EQ(WijkOfBuurt("BU19910203"), "WK199102");
  EXPECT_EQ(GemeenteOfWijk("WK199102"), "GM1991");
  for (const char* code : {"GM1991", "WK199102", "BU19910203"}) {
    EXPECT_EQ(GemeenteOfArea(code), "GM1991") << code;
  }
  for (const char* code : {"", "GM199", "WK1991020", "BU1991020X", "XX199102", "Stapeldorp"}) {
    EXPECT_EQ(GemeenteOfArea(code), "") << code;
  }
}

TEST(AreaCodeTest, NormalizesTheAreaATableIsLimitedTo) {
  EXPECT_EQ(*NormalizeGemeenteCode(" gm1991 "), "GM1991");
  for (const char* code : {"BU19910203", "WK199102", "GM199", "GM19910", "", "Stapeldorp"}) {
    auto normalized = NormalizeGemeenteCode(code);
    ASSERT_FALSE(normalized.ok()) << code;
    EXPECT_NE(normalized.status().message().find("GM and 4 digits"), std::string::npos);
  }
}

TEST(AreaCodeTest, TellsWhetherAnAreaHoldsABuurt) {
  EXPECT_TRUE(AreaHoldsBuurt("GM1991", "BU19910203"));
  EXPECT_TRUE(AreaHoldsBuurt("WK199102", "BU19910203"));
  EXPECT_FALSE(AreaHoldsBuurt("WK199101", "BU19910203"));
  EXPECT_FALSE(AreaHoldsBuurt("GM0199", "BU19910203"));
  EXPECT_FALSE(AreaHoldsBuurt("GM1992", "BU19910203"));
  EXPECT_FALSE(AreaHoldsBuurt("XX1991", "BU19910203"));
  EXPECT_FALSE(AreaHoldsBuurt("GM19", "BU19910203"));
}

}  // namespace
}  // namespace stapel
