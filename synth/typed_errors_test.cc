#include "synth/typed_errors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace stapel::synth {
namespace {

const TypedRow kRow{"Johannes",   "van Dijk-Schouten",       "12-03-1980", "5401AB", "128",
                    "Kerkstraat", "Johannes Hendrikus Ömer", "M"};

// The rows `kind` alone makes of kRow over many draws.
std::vector<TypedRow> Typed(double ErrorMix::*kind) {
  ErrorMix mix{0, 0, 0, 0, 0, 0, 0};
  mix.*kind = 1;
  Random rng(7);
  std::vector<TypedRow> out;
  for (int i = 0; i < 200; ++i) {
    TypedRow row = kRow;
    TypeError(rng, mix, 1980, 3, 12, &row);
    out.push_back(row);
  }
  return out;
}

bool Changed(const TypedRow& r) {
  return r.first_names != kRow.first_names || r.surname != kRow.surname || r.date != kRow.date ||
         r.postcode != kRow.postcode || r.house != kRow.house;
}

TEST(TypedErrorsTest, EachHarshKindCorruptsTheRowAsNamed) {
  for (const TypedRow& r : Typed(&ErrorMix::swapped_names)) {
    EXPECT_EQ(r.first_names, kRow.surname);
    EXPECT_EQ(r.surname, kRow.first_names);
  }
  int keyboard = 0;
  for (const TypedRow& r : Typed(&ErrorMix::keyboard)) {
    const std::string& was = r.surname != kRow.surname ? kRow.surname : kRow.first_names;
    const std::string& is = r.surname != kRow.surname ? r.surname : r.first_names;
    ASSERT_EQ(was.size(), is.size());
    int differ = 0;
    for (size_t i = 0; i < was.size(); ++i) differ += was[i] != is[i];
    EXPECT_LE(differ, 1);
    keyboard += differ;
  }
  EXPECT_GT(keyboard, 150);
  const auto changed = [](double ErrorMix::*kind) {
    const auto rows = Typed(kind);
    return std::count_if(rows.begin(), rows.end(), Changed);
  };
  EXPECT_GT(changed(&ErrorMix::phonetic), 50);  // only where a sound is spelled two ways
  EXPECT_GT(changed(&ErrorMix::ocr), 50);
  for (const TypedRow& r : Typed(&ErrorMix::transposed_digits)) {
    // The same digits in each field, in another order somewhere.
    for (const auto& [is, was] : {std::pair(r.date, kRow.date), {r.postcode, kRow.postcode},
                                  {r.house, kRow.house}}) {
      std::string a = is, b = was;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b);
    }
  }
  EXPECT_GT(changed(&ErrorMix::transposed_digits), 100);
  for (const TypedRow& r : Typed(&ErrorMix::invalid_date)) {
    EXPECT_TRUE(r.date == "31-04-1980" || r.date == "30-02-1980" || r.date == "12-13-1980" ||
                r.date == "00-12-1980")
        << r.date;
  }
  for (const TypedRow& r : Typed(&ErrorMix::nickname)) EXPECT_EQ(r.first_names, "Jan");
  for (const TypedRow& r : Typed(&ErrorMix::missing_name)) {
    EXPECT_TRUE(r.first_names.empty() != r.surname.empty());
  }
  std::set<std::string> initials;  // of every given name, in each of three ways
  for (const TypedRow& r : Typed(&ErrorMix::initials)) initials.insert(r.first_names);
  EXPECT_EQ(initials, (std::set<std::string>{"J.H.Ö.", "J. H. Ö.", "J H Ö"}));
  for (const TypedRow& r : Typed(&ErrorMix::later_given_name))
    EXPECT_EQ(r.first_names, "Hendrikus");
  std::map<std::string, int> sexes;  // left empty two times in three, else the other one
  for (const TypedRow& r : Typed(&ErrorMix::sex)) ++sexes[r.sex];
  EXPECT_EQ(sexes.size(), 2u);
  EXPECT_GT(sexes[""], sexes["V"]);
  EXPECT_GT(sexes["V"], 30);
}

TEST(TypedErrorsTest, PresetsSetTheDirtAndAnUnknownOneIsNamed) {
  SynthOptions o;
  o.residents = 1234;
  ASSERT_TRUE(ApplyErrorPreset("harsh", &o).ok());
  EXPECT_EQ(o.residents, 1234);
  EXPECT_DOUBLE_EQ(o.error_rate, 0.6);
  EXPECT_DOUBLE_EQ(o.third_error_rate, 0.4);
  EXPECT_DOUBLE_EQ(o.error_mix.typo, 1);
  EXPECT_DOUBLE_EQ(o.error_mix.nickname, 1);
  EXPECT_DOUBLE_EQ(o.error_mix.initials, 1);
  EXPECT_DOUBLE_EQ(o.error_mix.later_given_name, 1);
  EXPECT_TRUE(o.several_given_names);
  ASSERT_TRUE(ApplyErrorPreset("demo", &o).ok());
  EXPECT_DOUBLE_EQ(o.error_rate, SynthOptions().error_rate);
  EXPECT_DOUBLE_EQ(o.error_mix.nickname, 0);
  EXPECT_FALSE(o.several_given_names);
  ASSERT_TRUE(ApplyErrorPreset("clean", &o).ok());
  EXPECT_DOUBLE_EQ(o.error_rate, 0);
  const absl::Status unknown = ApplyErrorPreset("dirty", &o);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("clean, demo and harsh"), std::string::npos);
  auto mix = ParseErrorMix("nickname=2,ocr=1");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_DOUBLE_EQ(mix->nickname, 2);
  EXPECT_DOUBLE_EQ(mix->typo, 0);
  // Every kind by its name; another name is refused with the list.
  EXPECT_EQ(ParseErrorMix("later_given_name=3")->later_given_name, 3);
  const auto unknown_kind = ParseErrorMix("typos=1");
  ASSERT_FALSE(unknown_kind.ok());
  EXPECT_NE(unknown_kind.status().message().find(ErrorKinds()), std::string::npos);
  EXPECT_TRUE(ErrorKinds().starts_with("typo, transposition, "));
  EXPECT_TRUE(ErrorKinds().ends_with(", initials, later_given_name, sex"));
}

}  // namespace
}  // namespace stapel::synth
