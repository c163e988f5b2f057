#include "linker/encoding_attack.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

#include "linker/bloom_filter.h"
#include "linker/match_key.h"

namespace stapel {
namespace {

class EncodingAttackTest : public testing::Test {
 protected:
  static constexpr int kLater = 6;  // later_given_names, in AttackedSettings
  // The shares of records whose name the attacks re-identify beyond guessing the commonest
  // name: the 300 largest groups aligned with the list; the groups within each salt value.
  std::pair<double, double> Attack(const HubView& encoded, const std::vector<ListedName>& list,
                                   const std::vector<std::string>& truth) const {
    const auto beyond_guessing = [&](const std::vector<std::optional<std::string>>& labels) {
      return ReidentifiedShare(labels, truth) - GuessedShare(labels, truth, list.front().name);
    };
    return {beyond_guessing(AlignFrequencies(encoded.segments, list, 300)),
            beyond_guessing(AlignWithinSalts(encoded.segments, encoded.tags, list))};
  }

  std::array<uint8_t, 32> secret_bytes_ = [] {
    std::array<uint8_t, 32> b{};
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(7 * i + 1);
    return b;
  }();
  SecretBytes secret_{secret_bytes_.data(), secret_bytes_.size()};
  BloomSettings settings_ = AttackedSettings();
  std::unique_ptr<BloomEncoder> encoder_ = *BloomEncoder::Create(secret_, "p", settings_);
  std::vector<ListedName> given_ = PowerLawNames(1'000, 0.7, 1);
  std::vector<ListedName> family_ = PowerLawNames(5'000, 0.6, 2);
  ListedResidents residents_ = DrawResidents(20'000, given_, family_, 3);
};

TEST_F(EncodingAttackTest, UnsaltedNameFiltersGiveUpTheirNames) {
  // Every record with the same salt: what one key per field gives (the filters before salting).
  std::vector<std::vector<std::string>> unsalted = residents_.values;
  for (auto& v : unsalted) v[2] = "1980-01-01";
  const auto [surnames, surnames_within] =
      Attack(EncodeField(*encoder_, settings_, unsalted, 1, Salt::kBirthDate), family_, residents_.surnames);
  const auto [given, given_within] = Attack(EncodeField(*encoder_, settings_, unsalted, 0, Salt::kBirthDate),
                                            given_, residents_.first_names);
  const auto [later, later_within] =
      Attack(EncodeField(*encoder_, settings_, unsalted, kLater, Salt::kBirthDate), given_,
             residents_.later_names);
  fmt::print("unsalted: surnames {:.4f}, given names {:.4f}, later given names {:.4f}\n", surnames,
             given, later);
  // The attack works: the test of the salted filters below means something.
  EXPECT_GT(surnames, 0.02);
  EXPECT_GT(given, 0.1);
  EXPECT_GT(later, 0.1);
}

TEST_F(EncodingAttackTest, SaltedNameFiltersGiveUpLessThanOnePercent) {
  for (Salt salt : kAllSalts) {
    for (int field : {0, 1, kLater}) {
      if (settings_.SegmentIndex(field, salt) < 0) continue;  // the names salt has no name segment
      const auto& truth = field == 0   ? residents_.first_names
                          : field == 1 ? residents_.surnames
                                       : residents_.later_names;
      const auto [aligned, within] =
          Attack(EncodeField(*encoder_, settings_, residents_.values, field, salt),
                 field == 1 ? family_ : given_, truth);
      fmt::print("salted by {}: field {}: {:.4f} aligned, {:.4f} within a salt value\n",
                 SaltName(salt), field, aligned, within);
      EXPECT_LT(aligned, 0.01) << "field " << field;
      EXPECT_LT(within, 0.01) << "field " << field;
    }
  }
}

TEST_F(EncodingAttackTest, TheNamesTagGivesUpLessThanOnePercent) {
  // The names salt's tag groups the records of one first given name and surname: its groups
  // aligned with the commonest name pairs.
  const std::vector<ListedName> pairs = NamePairs(given_, family_, 300);
  const std::vector<std::string> truth = NamePairsOf(residents_);
  const Segments tags = NamesTags(*encoder_, settings_, residents_.values);
  // One tag per name pair, whatever the year: a name pair is one group, and no two share one.
  std::map<uint64_t, std::set<std::string>> pairs_of_tag;
  std::map<std::string, std::set<uint64_t>> tags_of_pair;
  for (size_t r = 0; r < truth.size(); ++r) {
    ASSERT_NE(tags.bits[r], 0u);
    pairs_of_tag[tags.bits[r]].insert(truth[r]);
    tags_of_pair[truth[r]].insert(tags.bits[r]);
  }
  for (const auto& [tag, of] : pairs_of_tag) EXPECT_EQ(of.size(), 1u) << *of.begin();
  for (const auto& [pair, of] : tags_of_pair) EXPECT_EQ(of.size(), 1u) << pair;
  const auto aligned = AlignFrequencies(tags, pairs, 300);
  const double share =
      ReidentifiedShare(aligned, truth) - GuessedShare(aligned, truth, pairs.front().name);
  fmt::print("names tags: {:.4f} beyond guessing\n", share);
  EXPECT_LT(share, 0.01);
}

TEST_F(EncodingAttackTest, MatchKeysWithANameGiveUpLessThanOnePercent) {
  // The deterministic keys the agents send: a name with a birth date or an address. Aligned as
  // the filters are, each key a group.
  auto keyer = *MatchKeyer::Create(secret_, "p");
  for (std::string_view kind : {kMatchKeySurnameBirthPostcode, kMatchKeyInitialSurnameBirth,
                                kMatchKeyInitialSurnamePostcodeHouse}) {
    Segments keys{.words = sizeof(MatchKey) / sizeof(uint64_t)};
    for (const auto& v : residents_.values) {
      const std::string& surname = v[1];
      const std::string initial = v[0].substr(0, 1);
      const std::string value =
          kind == kMatchKeySurnameBirthPostcode ? fmt::format("{}|{}|{}", surname, v[2], v[3])
          : kind == kMatchKeyInitialSurnameBirth
              ? fmt::format("{}|{}|{}", initial, surname, v[2])
              : fmt::format("{}|{}|{}|{}", initial, surname, v[3], v[4]);
      const MatchKey key = keyer->Compute(kind, value);
      const auto* words = reinterpret_cast<const uint64_t*>(key.data());
      keys.bits.insert(keys.bits.end(), words, words + keys.words);
    }
    const auto aligned = AlignFrequencies(keys, family_, 300);
    const double share = ReidentifiedShare(aligned, residents_.surnames) -
                         GuessedShare(aligned, residents_.surnames, family_.front().name);
    fmt::print("{} keys: {:.4f} of surnames beyond guessing\n", kind, share);
    EXPECT_LT(share, 0.01) << kind;
  }
}

}  // namespace
}  // namespace stapel
