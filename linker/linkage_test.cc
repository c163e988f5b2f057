#include "linker/linkage.h"

#include <gtest/gtest.h>

namespace stapel {
namespace {

MatchKey Key(uint8_t tag) {
  MatchKey k{};
  k.fill(tag);
  return k;
}

TEST(LinkerTest, LinksInTheMostPrecisePassAndCombinesIndicators) {
  Linker linker(2);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), name1 = Key(11), bsn2 = Key(2), name2 = Key(12);
  const KeyRef p1[] = {{0, &bsn1}, {1, &name1}};
  const KeyRef p2[] = {{0, &bsn2}, {1, &name2}};
  EXPECT_EQ(linker.AddRegisterRecord(p1, 0, 0b001, &reg), 0);
  EXPECT_EQ(linker.AddRegisterRecord(p2, 1, 0, &reg), 1);
  const KeyRef by_bsn[] = {{0, &bsn2}};
  const KeyRef by_name[] = {{1, &name1}};
  EXPECT_EQ(linker.AddSourceRecord(by_bsn, 0b010, &src), 1);
  EXPECT_EQ(linker.AddSourceRecord(by_name, 0b100, &src), 0);
  ASSERT_EQ(linker.persons().size(), 2u);
  EXPECT_EQ(linker.persons()[0].indicators, 0b101u);
  EXPECT_EQ(linker.persons()[1].indicators, 0b010u);
  EXPECT_EQ(linker.persons()[1].buurt, 1u);
  EXPECT_EQ(src.linked, 2u);
  EXPECT_EQ(src.linked_by_kind, (std::vector<uint64_t>{1, 1}));
}

TEST(LinkerTest, PersonsAtOneAddressShareAHousehold) {
  Linker linker(1);
  LinkStats reg;
  const MatchKey b1 = Key(1), b2 = Key(2), b3 = Key(3), home = Key(40), elsewhere = Key(41);
  const KeyRef p1[] = {{0, &b1}}, p2[] = {{0, &b2}}, p3[] = {{0, &b3}};
  linker.AddRegisterRecord(p1, 0, 0, &reg, nullptr, &home);
  linker.AddRegisterRecord(p2, 0, 0, &reg, nullptr, &elsewhere);
  linker.AddRegisterRecord(p3, 0, 0, &reg, nullptr, &home);
  EXPECT_EQ(linker.persons()[0].household, linker.persons()[2].household);
  EXPECT_NE(linker.persons()[0].household, linker.persons()[1].household);
}

TEST(LinkerTest, RegisterDuplicatesBecomeOnePerson) {
  Linker linker(1);
  LinkStats reg;
  const MatchKey bsn = Key(1);
  const KeyRef p[] = {{0, &bsn}};
  linker.AddRegisterRecord(p, 0, 0b01, &reg);
  EXPECT_EQ(linker.AddRegisterRecord(p, 0, 0b10, &reg), 0);
  ASSERT_EQ(linker.persons().size(), 1u);
  EXPECT_EQ(linker.persons()[0].indicators, 0b11u);
  EXPECT_EQ(reg.duplicates, 1u);
}

TEST(LinkerTest, AmbiguousPassLinksNothingButALaterPassStillCan) {
  Linker linker(3);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), bsn2 = Key(2), twin = Key(9), house1 = Key(21), house2 = Key(22);
  // Twins: same initial, surname, birth date and postcode; different house numbers.
  const KeyRef a[] = {{0, &bsn1}, {1, &twin}, {2, &house1}};
  const KeyRef b[] = {{0, &bsn2}, {1, &twin}, {2, &house2}};
  linker.AddRegisterRecord(a, 0, 0, &reg);
  linker.AddRegisterRecord(b, 0, 0, &reg);
  const KeyRef only_twin[] = {{1, &twin}};
  EXPECT_EQ(linker.AddSourceRecord(only_twin, 1, &src), Linker::kNotLinked);
  EXPECT_EQ(src.ambiguous, 1u);
  const KeyRef twin_and_house[] = {{1, &twin}, {2, &house2}};
  EXPECT_EQ(linker.AddSourceRecord(twin_and_house, 1, &src), 1);
  EXPECT_EQ(linker.persons()[0].indicators, 0u);
  EXPECT_EQ(src.linked_by_kind, (std::vector<uint64_t>{0, 0, 1}));
}

TEST(LinkerTest, KeysOfOnePassPointingToTwoPersonsLinkNothingInThatPass) {
  Linker linker(2);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), bsn2 = Key(2), jansen = Key(31), devries = Key(32);
  const KeyRef a[] = {{0, &bsn1}, {1, &jansen}};
  const KeyRef b[] = {{0, &bsn2}, {1, &devries}};
  linker.AddRegisterRecord(a, 0, 0, &reg);
  linker.AddRegisterRecord(b, 0, 0, &reg);
  // "Jansen-de Vries": one part matches each of two different persons.
  const KeyRef both[] = {{1, &jansen}, {1, &devries}};
  EXPECT_EQ(linker.AddSourceRecord(both, 1, &src), Linker::kNotLinked);
  EXPECT_EQ(src.ambiguous, 1u);
}

TEST(LinkerTest, SeveralPartsOfOnePersonLink) {
  Linker linker(2);
  LinkStats reg, src;
  const MatchKey bsn = Key(1), jansen = Key(31), devries = Key(32), other = Key(33);
  const KeyRef married[] = {{0, &bsn}, {1, &jansen}, {1, &devries}};
  linker.AddRegisterRecord(married, 0, 0, &reg);
  const KeyRef own_name[] = {{1, &devries}};
  const KeyRef with_unknown[] = {{1, &other}, {1, &jansen}};
  EXPECT_EQ(linker.AddSourceRecord(own_name, 1, &src), 0);
  EXPECT_EQ(linker.AddSourceRecord(with_unknown, 1, &src), 0);
}

TEST(LinkerTest, UnknownKeysAreCountedAsUnlinked) {
  Linker linker(1);
  LinkStats reg, src;
  const MatchKey bsn = Key(1), other = Key(3);
  const KeyRef p[] = {{0, &bsn}};
  linker.AddRegisterRecord(p, 0, 0, &reg);
  const KeyRef q[] = {{0, &other}};
  EXPECT_EQ(linker.AddSourceRecord(q, 1, &src), Linker::kNotLinked);
  EXPECT_EQ(src.unlinked, 1u);
  EXPECT_EQ(linker.persons()[0].indicators, 0u);
}

TEST(LinkerTest, FuzzyPassLinksWhatNoKeyLinkedOneToOne) {
  Linker linker(1);
  linker.EnableFuzzy(1, 0.8);
  LinkStats reg, src;
  const MatchKey bsn1 = Key(1), bsn2 = Key(2), block = Key(50), unknown = Key(9);
  const MatchKey* blocks[] = {&block};
  const std::vector<uint64_t> f1 = {0xFF}, f2 = {0xFF00}, near_f1 = {0x7F}, near_f2 = {0xFE00};
  const KeyRef p1[] = {{0, &bsn1}}, p2[] = {{0, &bsn2}};
  const FuzzyInput in1{f1, blocks}, in2{f2, blocks}, q1{near_f1, blocks}, q2{near_f2, blocks};
  linker.AddRegisterRecord(p1, 0, 0, &reg, &in1);
  linker.AddRegisterRecord(p2, 0, 0, &reg, &in2);
  const KeyRef by_bsn[] = {{0, &bsn2}};
  const KeyRef none[] = {{0, &unknown}};
  EXPECT_EQ(linker.AddSourceRecord(by_bsn, 0b01, &src, &q2, 7), 1);
  EXPECT_EQ(linker.AddSourceRecord(none, 0b10, &src, &q1, 8), Linker::kNotLinked);
  EXPECT_EQ(linker.AddSourceRecord(none, 0b10, &src, &q2, 9), Linker::kNotLinked);
  const auto links = linker.FinishSource(&src);
  // Record 8 is close to person 0; record 9 is close to person 1, whom this source already
  // linked by BSN, so it links nothing.
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0], (std::pair<uint64_t, uint32_t>{8, 0}));
  EXPECT_EQ(linker.persons()[0].indicators, 0b10u);
  EXPECT_EQ(src.linked, 2u);
  EXPECT_EQ(src.linked_fuzzy, 1u);
  EXPECT_EQ(src.unlinked, 1u);
}

}  // namespace
}  // namespace stapel
