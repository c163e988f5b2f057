#include "records/dutch_name.h"

#include <gtest/gtest.h>

#include <utility>

namespace stapel {
namespace {

std::vector<std::string> Names(std::string_view surname, std::string_view prefix = "") {
  auto parts = ParseSurname(surname, prefix);
  EXPECT_TRUE(parts.ok()) << surname << ": " << parts.status();
  std::vector<std::string> names;
  for (const auto& p : *parts) names.push_back(p.prefix + "|" + p.name);
  return names;
}

TEST(ParseSurnameTest, KeepsPrefixesApartFromTheSurname) {
  EXPECT_EQ(Names("de Vries"), (std::vector<std::string>{"de|vries"}));
  EXPECT_EQ(Names("van der Berg"), (std::vector<std::string>{"vander|berg"}));
  EXPECT_EQ(Names("Van Der BERG"), (std::vector<std::string>{"vander|berg"}));
  EXPECT_EQ(Names("van 't Hof"), (std::vector<std::string>{"vant|hof"}));
  EXPECT_EQ(Names("ter Horst"), (std::vector<std::string>{"ter|horst"}));
  EXPECT_EQ(Names("Vries, de"), (std::vector<std::string>{"de|vries"}));
  EXPECT_EQ(Names("Berg", "van den"), (std::vector<std::string>{"vanden|berg"}));
  EXPECT_EQ(Names("Vries"), (std::vector<std::string>{"|vries"}));
}

TEST(ParseSurnameTest, AWordThatIsOnlyAPrefixIsTheSurname) {
  EXPECT_EQ(Names("Van"), (std::vector<std::string>{"|van"}));
  EXPECT_EQ(Names("de la Rie"), (std::vector<std::string>{"dela|rie"}));
}

TEST(ParseSurnameTest, SplitsDoubleAndMarriedNames) {
  EXPECT_EQ(Names("Jansen-de Vries"), (std::vector<std::string>{"|jansen", "de|vries"}));
  EXPECT_EQ(Names("JANSEN - DE VRIES"), (std::vector<std::string>{"|jansen", "de|vries"}));
  // The own name last: "e/v" (echtgenote van) writes it first.
  EXPECT_EQ(Names("de Vries e/v Jansen"), (std::vector<std::string>{"|jansen", "de|vries"}));
  EXPECT_EQ(Names("Jansen geb. de Vries"), (std::vector<std::string>{"|jansen", "de|vries"}));
  EXPECT_EQ(Names("Müller-Lüdenscheidt"), (std::vector<std::string>{"|muller", "|ludenscheidt"}));
}

TEST(ParseSurnameTest, RejectsSurnamesWithoutLetters) {
  EXPECT_FALSE(ParseSurname(" - ").ok());
  EXPECT_FALSE(ParseSurname("").ok());
  EXPECT_FALSE(ParseSurname("M\xfcller").ok());  // Latin-1, not UTF-8
}

TEST(FirstInitialTest, TakesTheFirstLetter) {
  EXPECT_EQ(*FirstInitial("Jan Pieter"), "j");
  EXPECT_EQ(*FirstInitial("J.P."), "j");
  EXPECT_EQ(*FirstInitial("Émile"), "e");
  EXPECT_EQ(*FirstInitial("Юлия"), "ю");
  EXPECT_FALSE(FirstInitial("..").ok());
  // The names folded one by one, one space between them.
  std::string folded;
  EXPECT_EQ(*FirstInitial("  Jan \t Piëter ", &folded), "j");
  EXPECT_EQ(folded, "jan pieter");
  ASSERT_TRUE(FirstInitial("Anne-Marie . J.", &folded).ok());
  EXPECT_EQ(folded, "annemarie j");
}

TEST(FirstInitialTest, InitialsAloneAreNoGivenName) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"J.H.", "j"}, {"J. H.", "j"},    {"j h", "j"}, {"J", "j"},      {"J.-P.", "j"},
      {"É.", "e"},   {"E\u0301.", "e"}, {"IJ.", "i"}, {"IJ. H.", "i"}, {"\u0132.", "i"}};
  for (const auto& [initials, first_letter] : cases) {
    std::string folded = "x";
    auto initial = FirstInitial(initials, &folded);
    ASSERT_TRUE(initial.ok()) << initials;
    EXPECT_EQ(folded, "") << initials;
    EXPECT_EQ(*initial, first_letter) << initials;
  }
  // A name, and initials run together (read as a name: "JH" may be one).
  for (std::string_view names : {"Jo", "Bo H.", "Ömer", "J. Hendrik", "JH"}) {
    std::string folded;
    ASSERT_TRUE(FirstInitial(names, &folded).ok());
    EXPECT_NE(folded, "") << names;
  }
}

TEST(FirstInitialTest, ASurnameInTheGivenNamesColumnLosesItsPrefix) {
  std::string folded;
  ASSERT_TRUE(FirstInitial("van der Berg", &folded).ok());
  EXPECT_EQ(folded, "berg");
  ASSERT_TRUE(FirstInitial("Van 't Hof", &folded).ok());
  EXPECT_EQ(folded, "hof");
  ASSERT_TRUE(FirstInitial("Al", &folded).ok());  // a word alone is a given name
  EXPECT_EQ(folded, "al");
  ASSERT_TRUE(FirstInitial("Jan de Wit", &folded).ok());  // a prefix after a given name stays
  EXPECT_EQ(folded, "jan de wit");
  ASSERT_TRUE(FirstInitial("'t Hart", &folded).ok());
  EXPECT_EQ(folded, "hart");
  ASSERT_TRUE(FirstInitial("T Maria", &folded).ok());  // initials, not "'t" or "v."
  EXPECT_EQ(folded, "t maria");
  ASSERT_TRUE(FirstInitial("V. Maria", &folded).ok());
  EXPECT_EQ(folded, "v maria");
  ASSERT_TRUE(FirstInitial("Van .", &folded).ok());  // prefix words alone: as they are
  EXPECT_EQ(folded, "van");
  ASSERT_TRUE(FirstInitial("Marie-José", &folded).ok());  // one given name
  EXPECT_EQ(folded, "mariejose");
}

TEST(InitialsTest, TakesEachGivenNamesFirstLetter) {
  EXPECT_EQ(*Initials("Jan Hendrik"), "jh");
  EXPECT_EQ(*Initials("J.H."), "jh");
  EXPECT_EQ(*Initials("j h"), "jh");
  EXPECT_EQ(*Initials("Anne-Marie Émilie"), "ame");
  EXPECT_FALSE(Initials(" . ").ok());
  EXPECT_FALSE(Initials("\xff").ok());
}

TEST(HouseNumberTest, SeparatesNumberAndAddition) {
  for (auto [text, key] : std::vector<std::pair<const char*, const char*>>{{"12", "12"},
                                                                           {"12a", "12-a"},
                                                                           {"12 A", "12-a"},
                                                                           {"12-a", "12-a"},
                                                                           {"12-2", "12-2"},
                                                                           {"12/2", "12-2"},
                                                                           {"12 bis", "12-bis"},
                                                                           {"12-II", "12-ii"},
                                                                           {" 7hs ", "7-hs"}}) {
    auto h = ParseHouseNumber(text);
    ASSERT_TRUE(h.ok()) << text << ": " << h.status();
    EXPECT_EQ(h->Key(), key) << text;
  }
}

TEST(HouseNumberTest, RejectsWhatIsNotAHouseNumber) {
  for (const char* text : {"", "a12", "0", "123456", "-3"}) {
    EXPECT_FALSE(ParseHouseNumber(text).ok()) << text;
  }
}

}  // namespace
}  // namespace stapel
