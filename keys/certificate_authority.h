#ifndef STAPEL_KEYS_CERTIFICATE_AUTHORITY_H_
#define STAPEL_KEYS_CERTIFICATE_AUTHORITY_H_

// The project CA (OpenSSL): an ECDSA P-256 root that issues one TLS certificate per identity
// (the hub, each party, each requester). The hub authorizes a client by the common name of
// its certificate, so the CN is the identity named in the project manifest.
// Thread-safety: a CertificateAuthority is not to be shared between threads.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace stapel {

struct IssuedCertificate {
  std::string certificate_pem;
  SecretBytes private_key_pem;
  // Key, certificate and the CA certificate as PKCS#12 (DER) with an empty password, for a
  // person to import into a browser for the portal; as secret as the key.
  SecretBytes pkcs12;
};

// A TLS key made where it will be used, and the request (PKCS#10, PEM) for its certificate:
// the request goes to the project CA, the key never leaves its owner.
struct CertificateRequest {
  std::string csr_pem;
  SecretBytes private_key_pem;
};
absl::StatusOr<CertificateRequest> MakeCertificateRequest(std::string_view identity);

// The identity (common name) a request asks a certificate for, once its signature is checked:
// whoever sent it holds the key. INVALID_ARGUMENT for a request that does not parse or verify,
// or whose key is not an ECDSA P-256 key (the only kind the project uses).
absl::StatusOr<std::string> RequestedIdentity(std::string_view csr_pem);

// The fingerprint of a request's key: SHA-256 of its SubjectPublicKeyInfo, lowercase hex. The
// owner reads it out to the CA by another channel (a call), so the CA knows the request it signs
// is the owner's, not one somebody else sent in the owner's name. Errors as RequestedIdentity.
absl::StatusOr<std::string> RequestFingerprint(std::string_view csr_pem);

// A key, its certificate and the CA's as PKCS#12 (DER, empty password) for a browser; as secret
// as the key. INVALID_ARGUMENT when the key is not the certificate's.
absl::StatusOr<SecretBytes> Pkcs12Bundle(std::string_view identity, const SecretBytes& key_pem,
                                         std::string_view certificate_pem,
                                         std::string_view ca_certificate_pem);

class CertificateAuthority {
 public:
  // A new self-signed CA named "<project_id> Stapel project CA", valid `days` days.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> Create(std::string_view project_id,
                                                                      int days);
  ~CertificateAuthority();

  // A leaf certificate with CN = identity and SAN DNS:identity plus `extra_dns` and, for a
  // server, IP:127.0.0.1. Usable for TLS server and client authentication.
  absl::StatusOr<IssuedCertificate> Issue(std::string_view identity, bool server,
                                          const std::vector<std::string>& extra_dns,
                                          int days) const;

  // A certificate for the key of the request `csr_pem` (checked as RequestedIdentity checks
  // it), named and usable as Issue makes them: the CA decides names and uses, whatever else the
  // request asks for. PEM.
  absl::StatusOr<std::string> SignRequest(std::string_view csr_pem, bool server,
                                          const std::vector<std::string>& extra_dns,
                                          int days) const;

  // The CA as stapel-keys wrote it (ca.crt and ca.key). INVALID_ARGUMENT when they are not a
  // certificate and its key.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> Load(std::string_view cert_pem,
                                                                    const SecretBytes& key_pem);

  // A certificate revocation list signed by the CA: every serial of `previous_crl_pem` (a CRL
  // of this CA, or empty) plus those of `revoked_cert_pems` (certificates it issued), valid
  // for `days`. PEM.
  absl::StatusOr<std::string> RevocationList(std::string_view previous_crl_pem,
                                             const std::vector<std::string>& revoked_cert_pems,
                                             int days) const;
  // The name OpenSSL (and gRPC) look this CA's revocation list up by in a folder:
  // "<issuer name hash>.r0".
  std::string RevocationFileName() const;

  const std::string& certificate_pem() const { return certificate_pem_; }
  const SecretBytes& private_key_pem() const { return private_key_pem_; }

 private:
  struct Impl;
  explicit CertificateAuthority(std::unique_ptr<Impl> impl);
  // A certificate for `key` signed by the CA, as Issue and SignRequest describe it. PEM.
  absl::StatusOr<std::string> Leaf(std::string_view identity, evp_pkey_st* key, bool server,
                                   const std::vector<std::string>& extra_dns, int days) const;
  std::unique_ptr<Impl> impl_;
  std::string certificate_pem_;
  SecretBytes private_key_pem_;
};

}  // namespace stapel

#endif  // STAPEL_KEYS_CERTIFICATE_AUTHORITY_H_
