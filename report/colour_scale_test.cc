#include "report/colour_scale.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(ColourScaleTest, RoundStepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(RoundStep(0.037), 0.05);
  EXPECT_DOUBLE_EQ(RoundStep(0.02), 0.02);
  EXPECT_DOUBLE_EQ(RoundStep(0.021), 0.025);
  EXPECT_DOUBLE_EQ(RoundStep(0.0031), 0.005);
  EXPECT_DOUBLE_EQ(RoundStep(0.6), 1.0);
  EXPECT_DOUBLE_EQ(RoundStep(0), 0);
}

TEST(ColourScaleTest, SequentialHasFiveRoundClassesCoveringTheLargestShare) {
  const ColourScale scale = ColourScale::Sequential(0.23);
  ASSERT_EQ(scale.classes().size(), 5u);
  EXPECT_EQ(scale.classes()[0].label, "0 – 5 %");
  EXPECT_EQ(scale.classes()[4].label, "20 – 25 %");
  EXPECT_EQ(scale.ClassOf(0.0), 0u);
  EXPECT_EQ(scale.ClassOf(0.0499), 0u);
  EXPECT_EQ(scale.ClassOf(0.05), 1u);  // a limit belongs to the class above it
  EXPECT_EQ(scale.ClassOf(0.23), 4u);
  EXPECT_EQ(scale.ClassOf(1.0), 4u);  // beyond the range: the end class
  // Light to dark, every class its own colour.
  EXPECT_EQ(scale.classes()[0].colour, "#ffffb2");
  EXPECT_EQ(scale.classes()[4].colour, "#bd0026");
}

TEST(ColourScaleTest, SmallSharesGetFractionalLimits) {
  const ColourScale scale = ColourScale::Sequential(0.011);
  EXPECT_EQ(scale.classes()[1].label, "0.25 – 0.5 %");
}

TEST(ColourScaleTest, NothingToShowStillGivesAUsableScale) {
  const ColourScale scale = ColourScale::Sequential(0);
  EXPECT_GT(scale.classes()[0].upper, 0);
  EXPECT_EQ(scale.ClassOf(0), 0u);
}

TEST(ColourScaleTest, DivergingIsSymmetricWithFallsBlueAndRisesRed) {
  const ColourScale scale = ColourScale::Diverging(0.03);
  ASSERT_EQ(scale.classes().size(), 6u);
  EXPECT_EQ(scale.classes()[0].label, "−3 – −2 %-pt");
  EXPECT_EQ(scale.classes()[3].label, "0 – +1 %-pt");
  EXPECT_EQ(scale.ClassOf(-0.025), 0u);
  EXPECT_EQ(scale.ClassOf(-0.001), 2u);
  EXPECT_EQ(scale.ClassOf(0.0), 3u);
  EXPECT_EQ(scale.ClassOf(0.03), 5u);
  EXPECT_EQ(scale.classes()[0].colour, "#2166ac");
  EXPECT_EQ(scale.classes()[5].colour, "#b2182b");
}

TEST(ColourScaleTest, PercentagesReadAsPeopleWriteThem) {
  EXPECT_EQ(FormatPercent(0.0274), "2.7 %");
  EXPECT_EQ(FormatChange(-0.015), "−1.5 %-pt");
  EXPECT_EQ(FormatChange(0.0201), "+2.0 %-pt");
  EXPECT_EQ(FormatChange(0.0001), "±0.0 %-pt");
}

}  // namespace
}  // namespace stapel
