#include "keys/certificate_authority.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/str_join.h"
#include "encoding/sha256.h"

namespace stapel {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

absl::Status OpenSslError(std::string_view what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  return absl::InternalError(fmt::format("{}{}{}", what, ": ", buf));
}

absl::StatusOr<PkeyPtr> NewP256Key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generating an EC P-256 key");
  return key;
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return OpenSslError(fmt::format("{}{}", "certificate extension ", value));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? absl::OkStatus() : OpenSslError("adding certificate extension");
}

// A certificate for `key` named `cn`, not yet signed.
absl::StatusOr<X509Ptr> NewCertificate(std::string_view cn, EVP_PKEY* key, int days) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Stapel"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(std::string(cn).c_str()), -1,
                             -1, 0);
  X509_set_pubkey(cert.get(), key);
  return cert;
}

std::string ToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

SecretBytes ToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  SecretBytes out(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(len));
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return out;
}

X509Ptr ReadCertificate(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

using RequestPtr = std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)>;

// A certificate request whose signature verifies with its own key.
absl::StatusOr<RequestPtr> ReadRequest(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  RequestPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr), X509_REQ_free);
  if (!request) return absl::InvalidArgumentError("not a certificate request (PEM, PKCS#10)");
  PkeyPtr key(X509_REQ_get_pubkey(request.get()));
  if (!key || !EVP_PKEY_is_a(key.get(), "EC")) {
    return absl::InvalidArgumentError(
        "the certificate request's key is not an ECDSA P-256 key: make it with stapel-keys request");
  }
  char curve[64] = {};
  if (EVP_PKEY_get_group_name(key.get(), curve, sizeof(curve), nullptr) != 1 ||
      std::string_view(curve) != "prime256v1") {
    return absl::InvalidArgumentError(
        "the certificate request's key is not an ECDSA P-256 key: make it with stapel-keys request");
  }
  if (X509_REQ_verify(request.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        "the certificate request's signature does not verify: it was changed, or not made by "
        "the holder of its key");
  }
  return request;
}

// The single common name of a request.
absl::StatusOr<std::string> CommonName(X509_REQ* request) {
  X509_NAME* name = X509_REQ_get_subject_name(request);
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, at) >= 0) {
    return absl::InvalidArgumentError("the certificate request must name exactly one identity (CN)");
  }
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<size_t>(ASN1_STRING_length(value)));
}

}  // namespace

struct CertificateAuthority::Impl {
  PkeyPtr key;
  X509Ptr cert;
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  certificate_pem_ = ToPem(impl_->cert.get());
  private_key_pem_ = ToPem(impl_->key.get());
}

CertificateAuthority::~CertificateAuthority() = default;

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Create(
    std::string_view project_id, int days) {
  auto impl = std::make_unique<Impl>();
  auto key = NewP256Key();
  if (!key.ok()) return key.status();
  impl->key = std::move(*key);
  auto cert =
      NewCertificate(fmt::format("{}{}", project_id, " Stapel project CA"), impl->key.get(), days);
  if (!cert.ok()) return cert.status();
  impl->cert = std::move(*cert);
  X509* c = impl->cert.get();
  X509_set_issuer_name(c, X509_get_subject_name(c));
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"}}) {
    if (auto s = AddExtension(c, c, nid, value); !s.ok()) return s;
  }
  if (!X509_sign(c, impl->key.get(), EVP_sha256())) return OpenSslError("signing the CA");
  return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Load(
    std::string_view cert_pem, const SecretBytes& key_pem) {
  auto impl = std::make_unique<Impl>();
  BioPtr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  impl->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  impl->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!impl->cert || !impl->key || X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    return absl::InvalidArgumentError("ca.crt and ca.key are not a CA certificate and its key");
  }
  return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(std::move(impl)));
}

absl::StatusOr<std::string> CertificateAuthority::RevocationList(
    std::string_view previous_crl_pem, const std::vector<std::string>& revoked_cert_pems,
    int days) const {
  std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), X509_CRL_free);
  X509_CRL_set_version(crl.get(), 1);  // v2
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(impl_->cert.get()));
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> now(ASN1_TIME_new(), ASN1_TIME_free);
  X509_gmtime_adj(now.get(), 0);
  auto add = [&](const ASN1_INTEGER* serial, const ASN1_TIME* when) {
    X509_REVOKED* revoked = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(revoked, const_cast<ASN1_INTEGER*>(serial));
    X509_REVOKED_set_revocationDate(revoked, const_cast<ASN1_TIME*>(when));
    X509_CRL_add0_revoked(crl.get(), revoked);
  };
  if (!previous_crl_pem.empty()) {
    BioPtr bio(BIO_new_mem_buf(previous_crl_pem.data(), static_cast<int>(previous_crl_pem.size())));
    std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> previous(
        PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr), X509_CRL_free);
    if (!previous || X509_CRL_verify(previous.get(), impl_->key.get()) != 1) {
      return absl::InvalidArgumentError("the existing revocation list is not one of this CA");
    }
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(previous.get());
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      const X509_REVOKED* r = sk_X509_REVOKED_value(entries, i);
      add(X509_REVOKED_get0_serialNumber(r), X509_REVOKED_get0_revocationDate(r));
    }
  }
  for (const auto& pem : revoked_cert_pems) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert || X509_verify(cert.get(), impl_->key.get()) != 1) {
      return absl::InvalidArgumentError("a certificate to revoke was not issued by this CA");
    }
    add(X509_get0_serialNumber(cert.get()), now.get());
  }
  X509_CRL_set1_lastUpdate(crl.get(), now.get());
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> next(ASN1_TIME_new(), ASN1_TIME_free);
  X509_gmtime_adj(next.get(), static_cast<long>(days) * 86400);
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  X509_CRL_sort(crl.get());
  if (!X509_CRL_sign(crl.get(), impl_->key.get(), EVP_sha256())) {
    return OpenSslError("signing the revocation list");
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(out.get(), crl.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string CertificateAuthority::RevocationFileName() const {
  return fmt::format("{:08x}.r0", X509_NAME_hash_ex(X509_get_subject_name(impl_->cert.get()),
                                                    nullptr, nullptr, nullptr));
}

absl::StatusOr<std::string> CertificateAuthority::Leaf(std::string_view identity, EVP_PKEY* key,
                                                       bool server,
                                                       const std::vector<std::string>& extra_dns,
                                                       int days) const {
  auto cert = NewCertificate(identity, key, days);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  X509_set_issuer_name(c, X509_get_subject_name(impl_->cert.get()));
  std::vector<std::string> san = {fmt::format("{}{}", "DNS:", identity)};
  for (const auto& dns : extra_dns) san.push_back(fmt::format("{}{}", "DNS:", dns));
  if (server) san.push_back("IP:127.0.0.1");
  const std::pair<int, std::string> extensions[] = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature,keyAgreement"},
      {NID_ext_key_usage, "serverAuth,clientAuth"},
      {NID_authority_key_identifier, "keyid"},
      {NID_subject_alt_name, absl::StrJoin(san, ",")}};
  for (const auto& [nid, value] : extensions) {
    if (auto s = AddExtension(c, impl_->cert.get(), nid, value); !s.ok()) return s;
  }
  if (!X509_sign(c, impl_->key.get(), EVP_sha256())) {
    return OpenSslError(fmt::format("{}{}", "signing the certificate of ", identity));
  }
  return ToPem(c);
}

absl::StatusOr<IssuedCertificate> CertificateAuthority::Issue(
    std::string_view identity, bool server, const std::vector<std::string>& extra_dns,
    int days) const {
  auto key = NewP256Key();
  if (!key.ok()) return key.status();
  auto cert = Leaf(identity, key->get(), server, extra_dns, days);
  if (!cert.ok()) return cert.status();
  SecretBytes key_pem = ToPem(key->get());
  auto pkcs12 = Pkcs12Bundle(identity, key_pem, *cert, certificate_pem_);
  if (!pkcs12.ok()) return pkcs12.status();
  return IssuedCertificate{*std::move(cert), std::move(key_pem), *std::move(pkcs12)};
}

absl::StatusOr<std::string> CertificateAuthority::SignRequest(
    std::string_view csr_pem, bool server, const std::vector<std::string>& extra_dns,
    int days) const {
  auto request = ReadRequest(csr_pem);
  if (!request.ok()) return request.status();
  auto identity = CommonName(request->get());
  if (!identity.ok()) return identity.status();
  PkeyPtr key(X509_REQ_get_pubkey(request->get()));
  if (!key) return absl::InvalidArgumentError("the certificate request holds no public key");
  return Leaf(*identity, key.get(), server, extra_dns, days);
}

absl::StatusOr<CertificateRequest> MakeCertificateRequest(std::string_view identity) {
  auto key = NewP256Key();
  if (!key.ok()) return key.status();
  RequestPtr request(X509_REQ_new(), X509_REQ_free);
  if (!request) return OpenSslError("X509_REQ_new");
  X509_NAME* name = X509_REQ_get_subject_name(request.get());
  const std::string cn(identity);
  if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>("Stapel"), -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) ||
      !X509_REQ_set_pubkey(request.get(), key->get()) ||
      !X509_REQ_sign(request.get(), key->get(), EVP_sha256())) {
    return OpenSslError("making the certificate request");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_X509_REQ(bio.get(), request.get())) {
    return OpenSslError("writing the certificate request");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return CertificateRequest{std::string(data, static_cast<size_t>(len)), ToPem(key->get())};
}

absl::StatusOr<std::string> RequestedIdentity(std::string_view csr_pem) {
  auto request = ReadRequest(csr_pem);
  if (!request.ok()) return request.status();
  return CommonName(request->get());
}

absl::StatusOr<std::string> RequestFingerprint(std::string_view csr_pem) {
  auto request = ReadRequest(csr_pem);
  if (!request.ok()) return request.status();
  PkeyPtr key(X509_REQ_get_pubkey(request->get()));
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key.get(), &der);
  if (size <= 0) return OpenSslError("encoding the request's public key");
  std::string fingerprint = Sha256Hex(std::string_view(reinterpret_cast<char*>(der), size));
  OPENSSL_free(der);
  return fingerprint;
}

absl::StatusOr<SecretBytes> Pkcs12Bundle(std::string_view identity, const SecretBytes& key_pem,
                                         std::string_view certificate_pem,
                                         std::string_view ca_certificate_pem) {
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  X509Ptr cert = ReadCertificate(certificate_pem), ca = ReadCertificate(ca_certificate_pem);
  if (!key || !cert || !ca || X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(fmt::format(
        "the key and certificate of {} are not a key and its certificate", identity));
  }
  STACK_OF(X509)* chain = sk_X509_new_null();
  sk_X509_push(chain, ca.get());
  const std::string name(identity);
  PKCS12* p12 = PKCS12_create("", name.c_str(), key.get(), cert.get(), chain, 0, 0, 0, 0, 0);
  sk_X509_free(chain);
  if (p12 == nullptr) return OpenSslError("creating the PKCS#12 file");
  unsigned char* der = nullptr;
  const int der_size = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  if (der_size <= 0) return OpenSslError("encoding the PKCS#12 file");
  SecretBytes pkcs12(der, static_cast<size_t>(der_size));
  OPENSSL_clear_free(der, der_size);
  return pkcs12;
}

}  // namespace stapel
