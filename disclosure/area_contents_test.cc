#include "disclosure/area_contents.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

TEST(AreaContentsTest, ABuurtChangesWhenItsPersonsDoEvenWithTheSameCounts) {
  // Two buurten; in the first, one person with indicator 1 (key 5) is replaced by another with
  // the same indicator (key 9): every count stays, but the cells over it change contributors.
  BuurtCounts before;
  before.buurten["BU99990101"] = {.persons = {{0, 20}, {1, 3}},
                                  .households = {},
                                  .person_keys = {{0, 100}, {1, 5 + 6 + 7}},
                                  .household_keys = {}};
  before.buurten["BU99990201"] = {.persons = {{0, 30}, {1, 4}},
                                  .households = {},
                                  .person_keys = {{0, 200}, {1, 40}},
                                  .household_keys = {}};
  BuurtCounts after = before;
  after.buurten["BU99990101"].person_keys[1] = 9 + 6 + 7;
  std::set<std::string> changed;
  AddChangedBuurten(AreaContentsOf(after), AreaContentsOf(before), &changed);
  EXPECT_EQ(changed, std::set<std::string>{"BU99990101"});
  changed.clear();
  AddChangedBuurten(AreaContentsOf(before), AreaContentsOf(before), &changed);
  EXPECT_TRUE(changed.empty());
  // A household that changes while its members' classes stay is a change too.
  after = before;
  after.buurten["BU99990201"].households[1] = 2;
  AddChangedBuurten(AreaContentsOf(after), AreaContentsOf(before), &changed);
  EXPECT_EQ(changed, std::set<std::string>{"BU99990201"});
  // A buurt only one state has counts as changed; the contents survive their JSON.
  changed.clear();
  BuurtCounts fewer = before;
  fewer.buurten.erase("BU99990201");
  auto read = AreaContentsFromJson(AreaContentsToJson(AreaContentsOf(fewer)));
  ASSERT_TRUE(read.ok());
  AddChangedBuurten(*read, AreaContentsOf(before), &changed);
  EXPECT_EQ(changed, std::set<std::string>{"BU99990201"});
  EXPECT_FALSE(AreaContentsFromJson(nlohmann::json::array()).ok());
  EXPECT_FALSE(AreaContentsFromJson(nlohmann::json{{"BU99990101", 3}}).ok());
}

}  // namespace
}  // namespace stapel
