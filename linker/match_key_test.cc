#include "linker/match_key.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

#include "encoding/hex.h"

namespace stapel {
namespace {

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr),
            0);
  out.resize(len);
  return out;
}

TEST(HmacSha256Test, MatchesRfc4231Vectors) {
  std::ifstream in(STAPEL_TESTDATA_DIR "/rfc4231_hmac_sha256.txt");
  ASSERT_TRUE(in) << "missing known-answer file";
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    int number;
    std::string key, data, mac;
    fields >> number >> key >> data >> mac;
    const MatchKey got = HmacSha256(FromHex(key), FromHex(data));
    const std::vector<uint8_t> want = FromHex(mac);  // case 5 is truncated to 16 bytes
    EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin())) << "RFC 4231 case " << number;
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

class MatchKeyerTest : public testing::Test {
 protected:
  SecretBytes secret_ = SecretBytes::Random(32);
};

TEST_F(MatchKeyerTest, KeyCheckValueTellsSecretsApartWithoutBeingAMatchKey) {
  const std::string check = KeyCheckValue(secret_, "p");
  EXPECT_EQ(check.size(), 64u);
  EXPECT_EQ(check, KeyCheckValue(secret_, "p"));
  EXPECT_NE(check, KeyCheckValue(SecretBytes::Random(32), "p"));
  EXPECT_NE(check, KeyCheckValue(secret_, "q"));
  auto keyer = *MatchKeyer::Create(secret_, "p");
  EXPECT_NE(check, HexEncode(keyer->Compute("bsn", "stapel-key-check-v1")));
}

TEST_F(MatchKeyerTest, SameValueSameProjectGivesSameKey) {
  auto a = MatchKeyer::Create(secret_, "project-a");
  SecretBytes copy(secret_.data(), secret_.size());
  auto b = MatchKeyer::Create(copy, "project-a");  // another party holding the same secret
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->Compute(kMatchKeyBsn, "123456782"), (*b)->Compute(kMatchKeyBsn, "123456782"));
}

TEST_F(MatchKeyerTest, DifferentProjectsGiveDifferentKeys) {
  auto a = MatchKeyer::Create(secret_, "project-a");
  auto b = MatchKeyer::Create(secret_, "project-b");
  EXPECT_NE((*a)->Compute(kMatchKeyBsn, "123456782"), (*b)->Compute(kMatchKeyBsn, "123456782"));
}

TEST_F(MatchKeyerTest, DifferentKindsGiveDifferentKeys) {
  auto a = MatchKeyer::Create(secret_, "p");
  EXPECT_NE((*a)->Compute(kMatchKeyBsn, "x"), (*a)->Compute(kMatchKeyBirthPostcodeHouse, "x"));
}

TEST_F(MatchKeyerTest, DifferentSecretsGiveDifferentKeys) {
  SecretBytes other = SecretBytes::Random(32);
  auto a = MatchKeyer::Create(secret_, "p");
  auto b = MatchKeyer::Create(other, "p");
  EXPECT_NE((*a)->Compute(kMatchKeyBsn, "123456782"), (*b)->Compute(kMatchKeyBsn, "123456782"));
}

TEST_F(MatchKeyerTest, EqualsHmacOverTheDocumentedDomainString) {
  auto keyer = MatchKeyer::Create(secret_, "proj");
  std::string message = "stapel-match-key-v1";
  for (std::string_view part : {"proj", "bsn", "123456782"}) (message += '\0') += part;
  const MatchKey want = HmacSha256(
      secret_.span(), {reinterpret_cast<const uint8_t*>(message.data()), message.size()});
  EXPECT_EQ((*keyer)->Compute(kMatchKeyBsn, "123456782"), want);
}

TEST_F(MatchKeyerTest, AValueOfSeveralFieldsIsTheKeyOfTheFieldsJoinedByBars) {
  auto keyer = *MatchKeyer::Create(secret_, "proj");
  const std::string_view fields[] = {"1990-01-02", "5401AB", "12-a"};
  EXPECT_EQ(keyer->Compute(kMatchKeyBirthPostcodeHouse, fields),
            keyer->Compute(kMatchKeyBirthPostcodeHouse, "1990-01-02|5401AB|12-a"));
  EXPECT_EQ(keyer->Compute(kMatchKeyBsn, std::span(fields, 1)),
            keyer->Compute(kMatchKeyBsn, "1990-01-02"));
}

// Many keys at once (more parts than are kept on the stack), one of no fields among them: each
// the key Compute gives alone.
TEST_F(MatchKeyerTest, ComputeManyGivesEachKeyAsComputeDoes) {
  auto keyer = *MatchKeyer::Create(secret_, "proj");
  std::vector<MatchKeyInput> inputs;
  for (int i = 0; i < 30; ++i) {
    MatchKeyInput input{.kind = KnownMatchKeyKinds()[static_cast<size_t>(i) % 5],
                        .fields = {"j", "jansen", i % 2 == 0 ? "1990-01-02" : "5401AB", "12"}};
    input.fields.resize(static_cast<size_t>(i % 5));  // 0 to 4 fields
    inputs.push_back(input);
  }
  std::vector<MatchKey> got(inputs.size());
  keyer->ComputeMany(inputs, got);
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(got[i], keyer->Compute(inputs[i].kind, inputs[i].fields)) << i;
  }
}

TEST_F(MatchKeyerTest, ShortSecretIsRefused) {
  SecretBytes short_secret = SecretBytes::Random(16);
  EXPECT_EQ(MatchKeyer::Create(short_secret, "p").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stapel
