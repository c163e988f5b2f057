#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>
#include <vector>

#include "encoding/hex.h"
#include "encoding/hmac_sha256.h"
#include "encoding/json.h"
#include "encoding/sha256.h"
#include "encoding/utc_time.h"
#include "encoding/utf8.h"

namespace stapel {
namespace {

TEST(HexTest, EncodesAndDecodesExactlyLowercase) {
  const std::array<uint8_t, 3> bytes = {0x00, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "00abff");
  std::array<uint8_t, 3> out{};
  ASSERT_TRUE(HexDecode("00abff", out));
  EXPECT_EQ(out, bytes);
  EXPECT_FALSE(HexDecode("00ABFF", out));    // upper case is not the canonical form
  EXPECT_FALSE(HexDecode("00abf", out));     // odd length
  EXPECT_FALSE(HexDecode("00abff00", out));  // too long
  EXPECT_FALSE(HexDecode("00agff", out));
}

TEST(Sha256Test, KnownAnswersOneShotAndStreaming) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Stream stream;
  stream.Update("a");
  stream.Update("bc");
  EXPECT_EQ(stream.FinalHex(), Sha256Hex("abc"));
}

TEST(HmacSha256Test, PrefixedEqualsOneShotOverTheWholeMessage) {
  const std::array<uint8_t, 32> key = {1, 2, 3};
  auto mac = PrefixedHmacSha256::Create(key, "prefix|");
  const std::string whole = "prefix|kind|value";
  EXPECT_EQ(mac->Compute({"kind|", "value"}),
            HmacSha256(key, {reinterpret_cast<const uint8_t*>(whole.data()), whole.size()}));
}

// Against OpenSSL's own HMAC, for every split of the message between prefix and parts around
// the block boundaries: within one padded block, two, and longer (the streaming path).
TEST(HmacSha256Test, EqualsOpenSslsHmacForEveryLengthAroundTheBlocks) {
  std::string message;
  for (int i = 0; i < 300; ++i) message.push_back(static_cast<char>(i * 37 + 11));
  for (size_t key_size : {16, 32, 64, 100}) {
    std::vector<uint8_t> key(key_size);
    for (size_t i = 0; i < key_size; ++i) key[i] = static_cast<uint8_t>(i * 13 + 5);
    for (size_t prefix = 0; prefix <= 140; prefix += 7) {
      auto mac = PrefixedHmacSha256::Create(key, std::string_view(message).substr(0, prefix));
      for (size_t length = prefix; length <= 300; ++length) {
        unsigned int size = 0;
        Sha256Digest want;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const uint8_t*>(message.data()), length, want.data(), &size);
        ASSERT_EQ(size, want.size());
        const std::string_view rest = std::string_view(message).substr(prefix, length - prefix);
        const size_t half = rest.size() / 2;
        ASSERT_EQ(mac->Compute({rest.substr(0, half), rest.substr(half)}), want)
            << "key " << key_size << ", prefix " << prefix << ", message " << length;
      }
    }
  }
}

TEST(JsonTest, ParseErrorsAreStatusesNamingTheSource) {
  EXPECT_TRUE(ParseJson("{\"a\":1}", "x").ok());
  auto bad = ParseJson("{\"a\":", "the reply");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("the reply"), std::string::npos);
  EXPECT_FALSE(ParseJsonObject("[1]", "x").ok());
  // Deep nesting is no crash: nlohmann's parser keeps its own stack.
  EXPECT_TRUE(ParseJson(std::string(100000, '[') + std::string(100000, ']'), "deep").ok());
}

TEST(UtcTimeTest, HasTheLogsFormat) {
  const std::string now = UtcNow();
  ASSERT_EQ(now.size(), 20u) << now;
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
}

TEST(Utf8Test, BoundedTextIsValidUtf8AndSaysItWasCut) {
  EXPECT_EQ(BoundedUtf8("Müller", 100), "Müller");
  // "ü" is two bytes: a cut after "M" and one byte of it keeps neither half.
  EXPECT_EQ(BoundedUtf8("Müller", 2), "M… [cut: 7 bytes in all]");
  EXPECT_EQ(BoundedUtf8("a\xff\xc3(b", 100), "a\xEF\xBF\xBD\xEF\xBF\xBD(b");
  EXPECT_EQ(BoundedUtf8("\xed\xa0\x80", 100),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");                    // a surrogate
  EXPECT_EQ(BoundedUtf8("\xc0\xaf", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");  // an overlong '/'
  const std::string long_text(5000, 'x');
  const std::string bounded = BoundedUtf8(long_text, 1000);
  EXPECT_EQ(bounded.substr(0, 1000), std::string(1000, 'x'));
  EXPECT_NE(bounded.find("5000 bytes in all"), std::string::npos);
  // Whatever comes in, the log's JSON writer takes what comes out.
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_NO_THROW((void)nlohmann::json(BoundedUtf8(bytes + bytes, 300)).dump());
}

}  // namespace
}  // namespace stapel
