#include "linker/linkage.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace stapel {
namespace {

MatchKey Key(uint8_t tag) {
  MatchKey k{};
  k.fill(tag);
  return k;
}

// Filters under `settings` and a fixed secret: values in the settings' field order. Settings the
// encoder refuses fail the test, and every filter is then empty.
std::function<std::vector<uint64_t>(std::vector<std::string>)> FixedSecretFilters(
    const BloomSettings& settings) {
  std::array<uint8_t, 32> secret{};
  secret.fill(7);
  auto encoder = BloomEncoder::Create(SecretBytes(secret.data(), secret.size()), "p", settings);
  if (!encoder.ok()) {
    ADD_FAILURE() << encoder.status();
    return [](std::vector<std::string>) { return std::vector<uint64_t>(); };
  }
  return [encoder =
              std::shared_ptr<BloomEncoder>(std::move(*encoder))](std::vector<std::string> values) {
    std::vector<uint64_t> f(encoder->words());
    encoder->Encode(values, f);
    return f;
  };
}

// Names, birth date and year, address and sex: what the household checks read.
BloomSettings WithYear() {
  return {.bits = 1600,
          .hashes = 8,
          .fields = {{"first_names", 1},
                     {"surname", 1},
                     {"birth_date", 1},
                     {"postcode", 1},
                     {"house_number", 1},
                     {"sex", 1},
                     {"birth_year", 1}}};
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
  linker.AddRegisterRecord(p1, 0, 0, &reg, {}, &home);
  linker.AddRegisterRecord(p2, 0, 0, &reg, {}, &elsewhere);
  linker.AddRegisterRecord(p3, 0, 0, &reg, {}, &home);
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
  // Three fields of 256 bits; 100 persons with random filters, so the model has data to learn
  // from. Person p's key is Key(p + 1).
  Linker linker(1);
  linker.EnableFuzzy(BloomSettings{
      .bits = 768, .hashes = 1, .fields = {{"birth_date", 1}, {"postcode", 1}, {"surname", 1}}});
  std::mt19937_64 rng(5);
  std::vector<std::vector<uint64_t>> filters;
  LinkStats reg, src;
  std::vector<MatchKey> keys;
  for (int p = 0; p < 100; ++p) keys.push_back(Key(static_cast<uint8_t>(p + 1)));
  for (int p = 0; p < 100; ++p) {
    filters.emplace_back();
    // The birth date's tag (each person's own), no other salt, two segments of four words.
    filters.back().push_back(rng() | 1);
    for (size_t t = 1; t < kSalts; ++t) filters.back().push_back(0);
    for (size_t w = kSalts; w < 12; ++w) filters.back().push_back(rng() & rng());
    const KeyRef ref[] = {{0, &keys[static_cast<size_t>(p)]}};
    linker.AddRegisterRecord(ref, 0, 0, &reg, filters.back());
  }
  // A near copy of person p's filter (one word of the surname's bits halved).
  auto near = [&](int p) {
    std::vector<uint64_t> f = filters[static_cast<size_t>(p)];
    f[7] &= 0x5555'5555'5555'5555;
    return f;
  };
  const MatchKey unknown = Key(250);
  const KeyRef none[] = {{0, &unknown}};
  const KeyRef by_key[] = {{0, &keys[1]}};
  const auto n0 = near(0), n1 = near(1);
  EXPECT_EQ(linker.AddSourceRecord(by_key, 0b01, &src, n1, 7), 1);
  EXPECT_EQ(linker.AddSourceRecord(none, 0b10, &src, n0, 8), Linker::kNotLinked);
  EXPECT_EQ(linker.AddSourceRecord(none, 0b10, &src, n1, 9), Linker::kNotLinked);
  std::vector<std::vector<uint64_t>> others;  // records of persons 10..59, near copies
  for (int p = 10; p < 60; ++p) others.push_back(near(p));
  for (size_t i = 0; i < others.size(); ++i) {
    linker.AddSourceRecord(none, 0, &src, others[i], 100 + i);
  }
  const auto links = linker.FinishSource(&src);
  // Record 8 is close to person 0; record 9 to person 1, whom this source already linked by
  // key, so it links nothing; the fifty others link to their persons.
  std::map<uint64_t, uint32_t> by_record;
  for (const FuzzyMatch& link : links) {
    by_record[link.query] = link.person;
    EXPECT_GT(link.probability, 0.5);
  }
  EXPECT_EQ(by_record.count(8), 1u);
  EXPECT_EQ(by_record[8], 0u);
  EXPECT_EQ(by_record.count(9), 0u);
  for (size_t i = 0; i < others.size(); ++i) EXPECT_EQ(by_record[100 + i], 10 + i);
  EXPECT_EQ(linker.persons()[0].indicators, 0b10u);
  EXPECT_EQ(src.linked, 52u);
  EXPECT_EQ(src.linked_fuzzy, 51u);
  EXPECT_EQ(src.unlinked, 1u);
  EXPECT_NEAR(src.fuzzy.expected_right, 51, 1);
}

TEST(LinkerTest, AKeyLinksNoRecordOfTheOtherSex) {
  // A key of initial, surname and address finds a household's other member as readily as the
  // person: a record that gives the second given name ("Johanna" of Anna Johanna Jansen) meets
  // Jan Jansen. Where the record's sex is the person's other one, the key links nothing and the
  // record waits for the fuzzy pass.
  const BloomSettings settings{.bits = 1344,
                               .fields = {{"first_names", 1},
                                          {"surname", 1},
                                          {"birth_date", 1},
                                          {"postcode", 1},
                                          {"house_number", 1},
                                          {"sex", 1}}};
  const auto encode = FixedSecretFilters(settings);
  Linker linker(2);
  linker.EnableFuzzy(settings);
  LinkStats reg, src;
  const MatchKey jan = Key(1), household_j = Key(11), other = Key(2);
  const KeyRef person[] = {{0, &jan}, {1, &household_j}};
  const KeyRef neighbour[] = {{0, &other}};
  ASSERT_EQ(linker.AddRegisterRecord(person, 0, 0, &reg,
                                     encode({"jan", "jansen", "1950-03-01", "1234AB", "5", "M"})),
            0);
  ASSERT_EQ(linker.AddRegisterRecord(neighbour, 0, 0, &reg,
                                     encode({"piet", "bakker", "1961-07-12", "1234AB", "7", "M"})),
            1);
  const KeyRef by_household[] = {{1, &household_j}};
  EXPECT_EQ(linker.AddSourceRecord(by_household, 0, &src,
                                   encode({"johanna", "jansen", "", "1234AB", "5", "V"}), 1),
            Linker::kNotLinked);
  EXPECT_EQ(src.unlinked, 1u);
  // Without the sex, or with his, the key links.
  EXPECT_EQ(linker.AddSourceRecord(by_household, 0, &src,
                                   encode({"j", "jansen", "", "1234AB", "5", ""}), 2),
            0);
  EXPECT_EQ(linker.AddSourceRecord(by_household, 0, &src,
                                   encode({"jan", "jansen", "", "1234AB", "5", "M"}), 3),
            0);
}

TEST(LinkerTest, AKeyLinksNoRecordThatAgreesOnNeitherFirstNameNorBirthDate) {
  // A key of initial, surname and address finds a household's other member as readily as the
  // person: Soeren Schroeder's record meets his son Sem. Where neither the first given name nor
  // any of the birth date agrees, the key links nothing and the record waits for the fuzzy pass.
  const auto encode = FixedSecretFilters(WithYear());
  Linker linker(2);
  linker.EnableFuzzy(WithYear());
  LinkStats reg, src;
  const MatchKey sem = Key(1), household_s = Key(11);
  const KeyRef son[] = {{0, &sem}, {1, &household_s}};
  ASSERT_EQ(
      linker.AddRegisterRecord(
          son, 0, 0, &reg, encode({"sem", "schroder", "2022-08-05", "1234AB", "5", "M", "2022"})),
      0);
  const KeyRef by_household[] = {{1, &household_s}};
  const auto add = [&](std::vector<std::string> values, uint64_t line) {
    return linker.AddSourceRecord(by_household, 0, &src, encode(std::move(values)), line);
  };
  EXPECT_EQ(add({"soren", "schroder", "1957-06-14", "1234AB", "5", "M", "1957"}, 1),
            Linker::kNotLinked);
  EXPECT_EQ(add({"soren", "schroder", "", "1234AB", "5", "M", "1957"}, 2), Linker::kNotLinked);
  EXPECT_EQ(src.unlinked, 2u);
  // Where the name agrees, or any of the date does, or nothing of the date is given, it links.
  EXPECT_EQ(add({"sem", "schroder", "1957-06-14", "1234AB", "5", "M", "1957"}, 3), 0);
  EXPECT_EQ(add({"soren", "schroder", "2022-11-23", "1234AB", "5", "M", "2022"}, 4), 0);
  EXPECT_EQ(add({"soren", "schroder", "", "1234AB", "5", "M", ""}, 5), 0);
}

TEST(LinkerTest, AFathersNameAmongHisSonsLaterOnesDoesNotLinkTheFathersRecordToTheSon) {
  // Sem Soren Schroeder carries his father's name as a later given name: the father's record
  // meets its name there (a later name), which is no more agreement for the key than a
  // different name.
  BloomSettings settings = WithYear();
  settings.fields.push_back({"later_given_names", 1});
  const auto encode = FixedSecretFilters(settings);
  Linker linker(2);
  linker.EnableFuzzy(settings);
  LinkStats reg, src;
  const MatchKey sem = Key(1), household_s = Key(11);
  const KeyRef son[] = {{0, &sem}, {1, &household_s}};
  ASSERT_EQ(linker.AddRegisterRecord(son, 0, 0, &reg,
                                     encode({"sem soren", "schroder", "2022-08-05", "1234AB", "5",
                                             "M", "2022", "sem soren"})),
            0);
  const KeyRef by_household[] = {{1, &household_s}};
  EXPECT_EQ(
      linker.AddSourceRecord(
          by_household, 0, &src,
          encode({"soren", "schroder", "1957-06-14", "1234AB", "5", "M", "1957", "soren"}), 1),
      Linker::kNotLinked);
  // The son's own record, by the name he goes by and his birth date, links.
  EXPECT_EQ(
      linker.AddSourceRecord(
          by_household, 0, &src,
          encode({"soren", "schroder", "2022-08-05", "1234AB", "5", "M", "2022", "soren"}), 2),
      0);
}

TEST(LinkerTest, AKeyLinksNoRecordBornWhenAnotherAtItsAddressWasAndItsPersonWasNot) {
  // Ines Elif ter Rooen's record gives her second given name and a date that does not exist
  // (its year holds): the key of initial, surname and address finds her daughter Elif Emma.
  // Where the record's year is not its person's and another at the address was born then, the
  // key links nothing and the record waits for the fuzzy pass.
  const auto encode = FixedSecretFilters(WithYear());
  const auto link = [&](bool with_mother, std::vector<std::string> record) {
    Linker linker(2);
    linker.EnableFuzzy(WithYear());
    LinkStats reg, src;
    const MatchKey elif = Key(1), household_e = Key(11), ines = Key(2), household_i = Key(12);
    const KeyRef daughter[] = {{0, &elif}, {1, &household_e}};
    const KeyRef mother[] = {{0, &ines}, {1, &household_i}};
    EXPECT_EQ(linker.AddRegisterRecord(
                  daughter, 0, 0, &reg,
                  encode({"elif emma", "rooen", "2020-07-28", "5544MA", "61", "V", "2020"})),
              0);
    if (with_mother) {
      linker.AddRegisterRecord(
          mother, 0, 0, &reg,
          encode({"ines elif", "rooen", "1960-04-27", "5544MA", "61", "V", "1960"}));
    }
    const KeyRef by_household[] = {{1, &household_e}};
    return linker.AddSourceRecord(by_household, 0, &src, encode(std::move(record)), 1);
  };
  const std::vector<std::string> elif_1960 = {"elif", "rooen", "", "5544MA", "61", "V", "1960"};
  EXPECT_EQ(link(true, elif_1960), Linker::kNotLinked);
  // Her date one character off: a close date holds its year.
  EXPECT_EQ(link(true, {"elif", "rooen", "1960-04-28", "5544MA", "61", "V", "1960"}),
            Linker::kNotLinked);
  // Without anyone else born then at the address, or with the daughter's year, it links.
  EXPECT_EQ(link(false, elif_1960), 0);
  EXPECT_EQ(link(true, {"elif", "rooen", "", "5544MA", "61", "V", "2020"}), 0);
  EXPECT_EQ(link(true, {"elif", "rooen", "", "5544MA", "61", "V", ""}), 0);
}

}  // namespace
}  // namespace stapel
