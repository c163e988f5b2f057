#include "keys/certificate_authority.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace stapel {
namespace {

X509* ParseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

bool VerifiesAgainst(const std::string& leaf_pem, const std::string& ca_pem) {
  X509* leaf = ParseCert(leaf_pem);
  X509* ca = ParseCert(ca_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  const bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(ca);
  X509_free(leaf);
  return ok;
}

TEST(CertificateAuthorityTest, IssuedCertificateCarriesIdentityAndChainsToCa) {
  auto ca = CertificateAuthority::Create("proj", 30);
  ASSERT_TRUE(ca.ok()) << ca.status();
  auto issued = (*ca)->Issue("municipality", false, {}, 30);
  ASSERT_TRUE(issued.ok()) << issued.status();
  X509* cert = ParseCert(issued->certificate_pem);
  ASSERT_NE(cert, nullptr);
  char cn[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "municipality");
  X509_free(cert);
  EXPECT_TRUE(VerifiesAgainst(issued->certificate_pem, (*ca)->certificate_pem()));
}

TEST(CertificateAuthorityTest, CertificateFromAnotherCaDoesNotVerify) {
  auto ca1 = CertificateAuthority::Create("proj", 30);
  auto ca2 = CertificateAuthority::Create("proj", 30);
  auto issued = (*ca2)->Issue("intruder", false, {}, 30);
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(VerifiesAgainst(issued->certificate_pem, (*ca1)->certificate_pem()));
}

TEST(CertificateAuthorityTest, ARequestMadeOnPremisesIsSignedForItsKeyAndATamperedOneIsRefused) {
  auto ca = CertificateAuthority::Create("proj", 30);
  ASSERT_TRUE(ca.ok());
  auto request = MakeCertificateRequest("credit");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(*RequestedIdentity(request->csr_pem), "credit");
  auto cert = (*ca)->SignRequest(request->csr_pem, false, {}, 30);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_TRUE(VerifiesAgainst(*cert, (*ca)->certificate_pem()));
  // The certificate is for the key made on premises: the two make a browser bundle.
  EXPECT_TRUE(Pkcs12Bundle("credit", request->private_key_pem, *cert, (*ca)->certificate_pem()).ok());
  auto other = MakeCertificateRequest("credit");
  EXPECT_EQ(Pkcs12Bundle("credit", other->private_key_pem, *cert, (*ca)->certificate_pem())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // A request whose name was changed after it was signed (one base64 character of its body).
  std::string tampered = request->csr_pem;
  const size_t at = tampered.find('\n') + 40;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE((*ca)->SignRequest(tampered, false, {}, 30).ok());
  EXPECT_FALSE(RequestedIdentity("not a request").ok());
}

}  // namespace
}  // namespace stapel
