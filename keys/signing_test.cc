#include "keys/signing.h"

#include <gtest/gtest.h>

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
