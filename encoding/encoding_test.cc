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
#include "encoding/sha256_compress.h"
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

Sha256Digest OpenSslSha256(std::string_view data) {
  Sha256Digest out;
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

// Every length around the blocks' and the padding's boundaries, given in two pieces split
// anywhere; and two streams updated together, each at another place in its block.
TEST(Sha256Test, EqualsOpenSslsForEveryLengthAndSplitAndTwoStreamsAtOnce) {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 29 + 3));
  for (size_t length = 0; length <= 300; ++length) {
    const std::string_view message = std::string_view(data).substr(0, length);
    const Sha256Digest want = OpenSslSha256(message);
    ASSERT_EQ(Sha256(message), want) << length;
    for (size_t split = 0; split <= length; split += 13) {
      Sha256Stream stream;
      stream.Update(message.substr(0, split));
      stream.Update(message.substr(split));
      ASSERT_EQ(stream.Final(), want) << length << " split at " << split;
      // `a` starts with the first `split` bytes, `b` with the first 7 or as `a` does: both then
      // take the rest of the message from `split` on, together. An empty view (null data)
      // changes nothing.
      for (size_t b_start : {size_t{7}, split}) {
        Sha256Stream a, b;
        a.Update(message.substr(0, split));
        a.Update(std::string_view());
        b.Update(std::string_view(data).substr(0, b_start));
        Sha256Stream::UpdateBoth(&a, &b, message.substr(split));
        Sha256Stream::UpdateBoth(&a, &b, std::string_view());
        ASSERT_EQ(a.Final(), want) << length << " split at " << split;
        const std::string b_message = data.substr(0, b_start) + std::string(message.substr(split));
        ASSERT_EQ(b.Final(), OpenSslSha256(b_message)) << length << " split at " << split;
      }
    }
  }
}

// The SHA instructions' path (on a CPU that has them) against OpenSSL's compression, one
// message and two at once, from states that are not the initial one.
TEST(Sha256Test, CompressionAgreesWithOpenSslsOneAndTwoAtOnce) {
  if (!Sha256UsesShaInstructions()) {
    GTEST_SKIP() << "this CPU has no SHA instructions: its compression is OpenSSL's";
  }
  std::vector<uint8_t> data(64 * 5);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 17);
  for (size_t blocks = 0; blocks <= 3; ++blocks) {
    Sha256State want_a = kSha256Initial, want_b = kSha256Initial;
    want_b[3] ^= 0x12345678;
    Sha256State a = want_a, b = want_b, alone = want_a;
    Sha256CompressWithOpenSsl(&want_a, data.data(), blocks);
    Sha256CompressWithOpenSsl(&want_b, data.data() + 64 * 2, blocks);
    Sha256Compress(&alone, data.data(), blocks);
    Sha256Compress2(&a, data.data(), &b, data.data() + 64 * 2, blocks);
    EXPECT_EQ(alone, want_a) << blocks;
    EXPECT_EQ(a, want_a) << blocks;
    EXPECT_EQ(b, want_b) << blocks;
  }
}

TEST(HmacSha256Test, PrefixedEqualsOneShotOverTheWholeMessage) {
  const std::array<uint8_t, 32> key = {1, 2, 3};
  auto mac = PrefixedHmacSha256::Create(key, "prefix|");
  const std::string whole = "prefix|kind|value";
  EXPECT_EQ(mac->Compute({"kind|", "value"}),
            HmacSha256(key, {reinterpret_cast<const uint8_t*>(whole.data()), whole.size()}));
}

// Against OpenSSL's own HMAC, for every split of the message between prefix and parts around
// the block boundaries: within one padded block, two, and longer than four (padded on the heap).
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

// Messages computed together, two at a time (the SHA instructions' interleaved path), each of
// another length than its partner: shorter, longer, a block apart, past the four blocks that
// are padded on the stack (the first of each pair grows to the heap and on: 250, 300, 400),
// and an odd one out at the end; after prefixes shorter than a block, of one block and longer.
TEST(HmacSha256Test, ComputeManyEqualsOpenSslsHmacForMessagesOfMixedLengths) {
  std::string message;
  for (int i = 0; i < 600; ++i) message.push_back(static_cast<char>(i * 53 + 7));
  const std::array<uint8_t, 32> key = {9, 8, 7};
  for (size_t prefix_size : {19, 64, 130}) {
    const std::string_view prefix = std::string_view(message).substr(400, prefix_size);
    auto mac = PrefixedHmacSha256::Create(key, prefix);
    std::vector<std::string_view> rests;
    for (size_t length : {0, 250, 300, 36, 37, 100, 44, 55, 56, 119, 120, 183, 400, 1, 64}) {
      rests.push_back(std::string_view(message).substr(0, length));
    }
    std::vector<std::array<std::string_view, 1>> parts;
    for (std::string_view rest : rests) parts.push_back({rest});
    std::vector<std::span<const std::string_view>> messages(parts.begin(), parts.end());
    std::vector<Sha256Digest> got(messages.size());
    mac->ComputeMany(messages, got);
    for (size_t i = 0; i < rests.size(); ++i) {
      const std::string whole = std::string(prefix) + std::string(rests[i]);
      unsigned int size = 0;
      Sha256Digest want;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const uint8_t*>(whole.data()), whole.size(), want.data(), &size);
      EXPECT_EQ(got[i], want) << "prefix " << prefix_size << ", message " << i << " of "
                              << rests[i].size() << " bytes";
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
