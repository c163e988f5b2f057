#include "linker/filter_blocks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace stapel {
namespace {

const BloomSettings kBlockSettings{
    .bits = 768,
    .hashes = 8,
    .fields = {{"first_names", 1}, {"surname", 1}, {"birth_date", 1}, {"postcode", 1}}};

class FilterBlockerTest : public testing::Test {
 protected:
  std::set<uint64_t> Blocks(std::vector<std::string> values) const {
    std::vector<uint64_t> filter(encoder_->words());
    encoder_->Encode(values, filter);
    std::vector<uint64_t> out;
    blocker_.BlocksOf(filter.data(), &out);
    return {out.begin(), out.end()};
  }
  static size_t Shared(const std::set<uint64_t>& a, const std::set<uint64_t>& b) {
    return static_cast<size_t>(std::count_if(a.begin(), a.end(), [&](uint64_t k) { return b.contains(k); }));
  }

  // A fixed secret: which unrelated values share a MinHash by chance is then fixed too.
  SecretBytes secret_{32};
  std::unique_ptr<BloomEncoder> encoder_ = *BloomEncoder::Create(secret_, "p", kBlockSettings);
  FilterBlocker blocker_{kBlockSettings};
};

TEST_F(FilterBlockerTest, EveryTwoFieldsGiveBandsAndMissingFieldsNone) {
  // (Names without a bigram in common: the name fields are one class, so "jan" and "jansen"
  // could give their pairs with the birth date the same key.)
  const auto all = Blocks({"piet", "jansen", "1950-01-01", "1000AB"});
  EXPECT_EQ(all.size(), 6u * FilterBlocker::kBands);  // 4 fields: 6 pairs
  EXPECT_EQ(Blocks({"piet", "", "1950-01-01", "1000AB"}).size(), 3u * FilterBlocker::kBands);
  EXPECT_TRUE(Blocks({"piet", "", "", ""}).empty());
  EXPECT_EQ(all, Blocks({"piet", "jansen", "1950-01-01", "1000AB"}));  // deterministic
}

TEST_F(FilterBlockerTest, TwoIntactFieldsMeetWhateverTheOthersAndSwappedNamesMeetToo) {
  const auto person = Blocks({"jan", "jansen", "1950-01-01", "1000AB"});
  // Only the birth date and postcode intact: their pair's bands are shared.
  EXPECT_GE(Shared(person, Blocks({"", "pietersen", "1950-01-01", "1000AB"})),
            static_cast<size_t>(FilterBlocker::kBands));
  // Given and family name swapped, the rest unchanged: every key is shared.
  EXPECT_EQ(Shared(person, Blocks({"jansen", "jan", "1950-01-01", "1000AB"})), person.size());
  // Someone else entirely shares none.
  EXPECT_EQ(Shared(person, Blocks({"fatima", "yilmaz", "2003-12-29", "9871ZX"})), 0u);
}

TEST_F(FilterBlockerTest, ATypoInBothFieldsOfAPairOftenStillMeets) {
  // Over many values: a pair of fields each with one typo shares a band with the probability
  // 1 - (1 - (J1 J2)^rows)^bands; with the Jaccard of one typo in a word of 7 to 10 letters,
  // most pairs meet.
  int met = 0, tried = 0;
  const std::vector<std::string> surnames = {"jansenius", "bakkerman", "vissering", "smitsveld",
                                             "meijerink", "mulderije", "hendrikse", "dijkstraat"};
  for (const std::string& s : surnames) {
    for (size_t at = 2; at + 2 < s.size(); ++at) {
      std::string typo = s;
      typo[at] = 'q';
      ++tried;
      met += Shared(Blocks({"", s, "1950-01-01", ""}), Blocks({"", typo, "1950-01-02", ""})) > 0;
    }
  }
  EXPECT_GT(met * 10, tried * 3) << met << " of " << tried;
}

}  // namespace
}  // namespace stapel
