#include "linker/linkage.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

MatchKey Key(uint8_t tag) {
  MatchKey k{};
  k.fill(tag);
  return k;
}

TEST(LinkerTest, LinksOnTheMostPreciseKeyAndCombinesIndicators) {
  Linker linker(2);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), name1 = Key(11), bsn2 = Key(2), name2 = Key(12);
  const MatchKey* p1[] = {&bsn1, &name1};
  const MatchKey* p2[] = {&bsn2, &name2};
  linker.AddRegisterRecord(p1, 0, 0b001, &reg);
  linker.AddRegisterRecord(p2, 1, 0, &reg);
  const MatchKey* by_bsn[] = {&bsn2, nullptr};
  const MatchKey* by_name[] = {nullptr, &name1};
  linker.AddSourceRecord(by_bsn, 0b010, &src);
  linker.AddSourceRecord(by_name, 0b100, &src);
  ASSERT_EQ(linker.persons().size(), 2u);
  EXPECT_EQ(linker.persons()[0].indicators, 0b101u);
  EXPECT_EQ(linker.persons()[1].indicators, 0b010u);
  EXPECT_EQ(linker.persons()[1].buurt, 1u);
  EXPECT_EQ(src.linked, 2u);
}

TEST(LinkerTest, RegisterDuplicatesBecomeOnePerson) {
  Linker linker(1);
  LinkStats reg;
  const MatchKey bsn = Key(1);
  const MatchKey* p[] = {&bsn};
  linker.AddRegisterRecord(p, 0, 0b01, &reg);
  linker.AddRegisterRecord(p, 0, 0b10, &reg);
  ASSERT_EQ(linker.persons().size(), 1u);
  EXPECT_EQ(linker.persons()[0].indicators, 0b11u);
  EXPECT_EQ(reg.duplicates, 1u);
}

TEST(LinkerTest, AmbiguousKeyLinksNothingButAPreciseKeyStillDoes) {
  Linker linker(2);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), bsn2 = Key(2), twin = Key(9);
  const MatchKey* a[] = {&bsn1, &twin};
  const MatchKey* b[] = {&bsn2, &twin};  // twins: same initial, surname, birth date, postcode
  linker.AddRegisterRecord(a, 0, 0, &reg);
  linker.AddRegisterRecord(b, 0, 0, &reg);
  const MatchKey* only_name[] = {nullptr, &twin};
  linker.AddSourceRecord(only_name, 1, &src);
  EXPECT_EQ(src.ambiguous, 1u);
  EXPECT_EQ(linker.persons()[0].indicators | linker.persons()[1].indicators, 0u);
  const MatchKey* with_bsn[] = {&bsn2, &twin};
  linker.AddSourceRecord(with_bsn, 1, &src);
  EXPECT_EQ(linker.persons()[1].indicators, 1u);
  EXPECT_EQ(linker.persons()[0].indicators, 0u);
}

TEST(LinkerTest, UnknownKeysAreCountedAsUnlinked) {
  Linker linker(1);
  LinkStats reg, src;
  const MatchKey bsn = Key(1), other = Key(3);
  const MatchKey* p[] = {&bsn};
  linker.AddRegisterRecord(p, 0, 0, &reg);
  const MatchKey* q[] = {&other};
  linker.AddSourceRecord(q, 1, &src);
  EXPECT_EQ(src.unlinked, 1u);
  EXPECT_EQ(linker.persons()[0].indicators, 0u);
}

}  // namespace
}  // namespace stapel
