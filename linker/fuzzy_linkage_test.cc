#include "linker/fuzzy_linkage.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

// Filters of 1 word: similarity is controlled bit by bit.
std::vector<uint64_t> F(uint64_t bits) { return {bits}; }

TEST(FuzzyMatcherTest, AssignsOneToOneByBestScore) {
  FuzzyMatcher m(1, 0.7);
  MatchKey block{};
  const MatchKey* blocks[] = {&block};
  m.AddPerson(10, F(0xFF), blocks);  // 8 bits
  m.AddPerson(11, F(0xFE), blocks);  // 7 bits
  m.AddQuery(1, F(0xFF), blocks);    // 1.0 with 10, 0.93 with 11
  m.AddQuery(2, F(0xFE), blocks);    // 0.93 with 10, 1.0 with 11
  m.AddQuery(3, F(0xFF00), blocks);  // 0 with both
  auto matches = m.Assign({});
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].person + matches[1].person, 21u);
  for (const auto& x : matches) EXPECT_EQ(x.query == 1 ? 10u : 11u, x.person);
  EXPECT_EQ(m.comparisons(), 6u);
}

TEST(FuzzyMatcherTest, OnlyPersonsSharingABlockingKeyAreCompared) {
  FuzzyMatcher m(1, 0.5);
  MatchKey a{}, b{};
  b.fill(1);
  const MatchKey* in_a[] = {&a};
  const MatchKey* in_b[] = {&b};
  m.AddPerson(10, F(0xFF), in_a);
  m.AddQuery(1, F(0xFF), in_b);
  EXPECT_TRUE(m.Assign({}).empty());
  EXPECT_EQ(m.comparisons(), 0u);
}

TEST(FuzzyMatcherTest, PersonsAlreadyLinkedAreNotTakenAgain) {
  FuzzyMatcher m(1, 0.5);
  MatchKey block{};
  const MatchKey* blocks[] = {&block};
  m.AddPerson(10, F(0xFF), blocks);
  m.AddPerson(11, F(0x0F), blocks);
  m.AddQuery(1, F(0xFF), blocks);
  auto matches = m.Assign({10});
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].person, 11u);  // 0.67: the best person not taken
}

}  // namespace
}  // namespace stapel
