#include "keys/signing.h"

#include <gtest/gtest.h>

#include "encoding/hex.h"

namespace stapel {
namespace {

TEST(SigningTest, SignatureVerifiesOnlyForSameContextAndMessage) {
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  ASSERT_TRUE(verifier.ok());
  Ed25519Signature sig = signer->Sign(kBatchSignatureContext, "hello");
  std::string_view sv(reinterpret_cast<const char*>(sig.data()), sig.size());
  EXPECT_TRUE(verifier->Verify(kBatchSignatureContext, "hello", sv));
  EXPECT_FALSE(verifier->Verify(kBatchSignatureContext, "hellO", sv));
  EXPECT_FALSE(verifier->Verify(kReleaseLogSignatureContext, "hello", sv));
  EXPECT_FALSE(verifier->Verify(kBatchSignatureContext, "hello", sv.substr(1)));
}

TEST(SigningTest, ALargeMessageIsSignedOverItsSha256) {
  // FIPS 180-2's first example: SHA-256("abc").
  EXPECT_EQ(HexEncode(DigestToSign("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  ASSERT_TRUE(verifier.ok());
  const std::string batch(3 << 20, 'x');
  const Ed25519Signature sig = signer->Sign(kBatchSignatureContext, DigestToSign(batch));
  const std::string_view sv(reinterpret_cast<const char*>(sig.data()), sig.size());
  EXPECT_TRUE(verifier->Verify(kBatchSignatureContext, DigestToSign(batch), sv));
  EXPECT_FALSE(verifier->Verify(kBatchSignatureContext, batch, sv));
  EXPECT_FALSE(verifier->Verify(kBatchSignatureContext, DigestToSign(batch + "y"), sv));
}

TEST(SigningTest, OtherKeyDoesNotVerify) {
  auto a = Ed25519Signer::Generate();
  auto b = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(b->PublicKeyBase64());
  Ed25519Signature sig = a->Sign(kBatchSignatureContext, "m");
  EXPECT_FALSE(verifier->Verify(kBatchSignatureContext, "m",
                                std::string_view(reinterpret_cast<const char*>(sig.data()), 64)));
}

TEST(SigningTest, MalformedPublicKeyIsRejected) {
  EXPECT_FALSE(Ed25519Verifier::FromBase64("AAAA").ok());
}

}  // namespace
}  // namespace stapel
