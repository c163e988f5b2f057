#include "records/birth_date.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(ParseDateTest, AcceptsCommonDutchAndIsoFormats) {
  const Date expected{1980, 2, 12};
  for (const char* text : {"12-02-1980", "12/02/1980", "12.02.1980", "1980-02-12", "1980/02/12",
                           "1980.2.12", "19800212", "12 februari 1980", "12 feb 1980",
                           "12 Feb. 1980", "12 February 1980", " 12-2-1980 "}) {
    auto d = ParseDate(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status();
    EXPECT_EQ(*d, expected) << text;
  }
  EXPECT_EQ(ParseDate("1-3-2001")->Iso(), "2001-03-01");
  EXPECT_EQ(ParseDate("3 mrt 2001")->Iso(), "2001-03-03");
  EXPECT_EQ(ParseDate("3 March 2001")->Iso(), "2001-03-03");
  EXPECT_EQ(ParseDate("3 mei 2001")->Iso(), "2001-05-03");
  EXPECT_EQ(ParseDate("3 May 2001")->Iso(), "2001-05-03");
  EXPECT_EQ(ParseDate("3 oct. 2001")->Iso(), "2001-10-03");
}

TEST(ParseDateTest, RejectsDatesThatDoNotExist) {
  EXPECT_FALSE(ParseDate("31-02-1980").ok());
  EXPECT_FALSE(ParseDate("29-02-1900").ok());  // not a leap year
  EXPECT_TRUE(ParseDate("29-02-2000").ok());   // a leap year
  EXPECT_FALSE(ParseDate("00-01-1980").ok());
  EXPECT_FALSE(ParseDate("12-13-1980").ok());
  EXPECT_NE(ParseDate("31-04-1980").status().message().find("not a calendar date"),
            std::string::npos);
}

TEST(ParseDateTest, RejectsOtherShapesWithAReason) {
  for (const char* text : {"", "1980", "12-02-80", "1980/12/02/1", "12-02/1980", "12 foo 1980",
                           "12-02-1780", "yesterday", "1980-002-12"}) {
    auto d = ParseDate(text);
    EXPECT_FALSE(d.ok()) << text;
    EXPECT_FALSE(d.status().message().empty());
  }
}

TEST(ReadDateTest, KeepsTheNumbersOfADateWrittenWrongAsWritten) {
  EXPECT_EQ(*ReadDate("31-04-1950"), (Date{1950, 4, 31}));
  EXPECT_EQ(*ReadDate("00-27-2004"), (Date{2004, 27, 0}));
  EXPECT_EQ(*ReadDate("19671081"), (Date{1967, 10, 81}));
  EXPECT_EQ(ReadDate("12-04-1690")->Iso(), "1690-04-12");
  EXPECT_FALSE(IsBirthYear(1690));
  EXPECT_TRUE(IsBirthYear(1950));
  EXPECT_EQ(*ReadDate("12 februari 1980"), *ParseDate("12 februari 1980"));
  for (const char* text : {"", "1980", "12-02-80", "12 foo 1980", "yesterday"}) {
    EXPECT_FALSE(ReadDate(text).ok()) << text;
  }
}

}  // namespace
}  // namespace stapel
