#ifndef STAPEL_KEYS_KEY_LAYOUT_H_
#define STAPEL_KEYS_KEY_LAYOUT_H_

// One folder of a project's keys, as stapel-keys writes it and the hub, the agents and the
// tools read it. KeyLayout names every file of the folder and writes them:
//   ca.crt / ca.key                    the project CA
//   <id>.crt / <id>.key                TLS certificate and key of the hub, a party or a person
//   <id>.p12                           a person's key and certificate for a browser
//   <id>.csr                           a request for <id>.crt, made with <id>.key on premises
//   <id>-signing.key / .pub            Ed25519 key pair (parties, officers, the hub)
//   <party>-box.key / .pub             X25519 key pair of a party (the linkage secret)
//   <hub>-storage.key                  the hub's key for record values at rest
//   revoked/<issuer hash>.r0           the CA's revocation list
// Private files (keys, .p12) get mode 0600, public ones (certificates, .pub, the revocation
// list) 0644. Without `overwrite`, a write refuses with ALREADY_EXISTS naming the file and
// --force; every error says what to fix. Thread-safety: immutable; the folder is not locked.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "keys/certificate_authority.h"
#include "keys/key_file.h"

namespace stapel {

// Who gets keys in a new project (stapel-keys init).
struct ProjectIdentities {
  std::string project;  // the project id, as in the manifest; names the CA
  std::string hub = "hub";
  std::vector<std::string> parties;
  std::vector<std::string> requesters;
  std::vector<std::string> officers;  // privacy officers: the portal shows them the log
};

// Who holds a TLS certificate: decides its names and whether a browser copy (.p12) is made.
enum class CertificateHolder {
  kServer,  // the hub: also DNS:localhost and IP:127.0.0.1
  kParty,   // a party's agent
  kPerson,  // a requester or privacy officer, using the portal from a browser: also <id>.p12
};

class KeyLayout {
 public:
  // `overwrite`: replace existing files (the --force flag) instead of refusing.
  explicit KeyLayout(std::filesystem::path folder, bool overwrite = false);

  const std::filesystem::path& folder() const { return folder_; }

  std::filesystem::path CaCertificate() const;                        // ca.crt
  std::filesystem::path CaKey() const;                                // ca.key
  std::filesystem::path Certificate(std::string_view id) const;       // <id>.crt
  std::filesystem::path TlsKey(std::string_view id) const;            // <id>.key
  std::filesystem::path Pkcs12(std::string_view id) const;            // <id>.p12
  std::filesystem::path Request(std::string_view id) const;           // <id>.csr
  std::filesystem::path SigningKey(std::string_view id) const;        // <id>-signing.key
  std::filesystem::path SigningPublicKey(std::string_view id) const;  // <id>-signing.pub
  std::filesystem::path BoxKey(std::string_view party) const;         // <party>-box.key
  std::filesystem::path BoxPublicKey(std::string_view party) const;   // <party>-box.pub
  std::filesystem::path StorageKey(std::string_view hub) const;       // <hub>-storage.key
  std::filesystem::path RevocationDir() const;                        // revoked/
  // revoked/<issuer hash>.r0, where OpenSSL and gRPC look the CA's list up.
  std::filesystem::path RevocationList(const CertificateAuthority& ca) const;

  // Every file of a new project: a CA named after `ids.project`, certificates valid `days`
  // days, signing keys (hub, parties, officers), the parties' box keys, an empty revocation
  // list and the hub's storage key. INVALID_ARGUMENT for an identity that is not valid (see
  // keys/identity.h); ALREADY_EXISTS, before anything is written, when the folder already
  // holds a CA key and `overwrite` is false; PERMISSION_DENIED when the folder cannot be made.
  absl::Status Init(const ProjectIdentities& ids, int days) const;

  // A party's own key pairs on its premises (stapel-keys party-keys): WritePartyKeys in the
  // folder, made if needed. INVALID_ARGUMENT for an identity that is not valid.
  absl::Status InitParty(std::string_view party) const;

  // A party's own key pairs: <party>-signing.key/.pub and <party>-box.key/.pub.
  absl::Status WritePartyKeys(std::string_view party) const;
  // <id>-signing.key and <id>-signing.pub, a new Ed25519 pair.
  absl::Status WriteSigningKeys(std::string_view id) const;
  // <id>.key, <id>.crt and, for a person, <id>.p12, issued by `ca` for `days` days.
  absl::Status WriteCertificate(const CertificateAuthority& ca, std::string_view id,
                                CertificateHolder holder, int days) const;
  // ca.key and ca.crt.
  absl::Status WriteCa(const CertificateAuthority& ca) const;
  // <hub>-storage.key: 32 random bytes, base64.
  absl::Status WriteStorageKey(std::string_view hub) const;
  // The CA's revocation list: the serials of `previous` (a list of this CA, or empty) and of
  // the certificates `revoked`, valid `days` days. Always replaces the file.
  absl::Status WriteRevocationList(const CertificateAuthority& ca, std::string_view previous,
                                   const std::vector<std::string>& revoked, int days) const;

  // The CA from ca.crt and ca.key. NOT_FOUND, PERMISSION_DENIED (ca.key readable by others),
  // INVALID_ARGUMENT (not a certificate and its key).
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> LoadCa() const;
  // Adds the certificates <id>.crt of `identities` to the CA's revocation list, renewed for
  // `days` days. Errors of LoadCa, NOT_FOUND for a missing certificate, INVALID_ARGUMENT for
  // one this CA did not issue.
  absl::Status Revoke(const std::vector<std::string>& identities, int days) const;

  // Certificates made where they are used. On the owner's premises: a new <id>.key and the
  // request <id>.csr for its certificate (the folder is made if needed). INVALID_ARGUMENT for an
  // identity that is not valid.
  absl::Status WriteRequest(std::string_view id) const;
  // At the project CA (this folder holds ca.crt and ca.key): a certificate for the request in
  // `csr`, valid `days` days, written to `out` (public), for the holder `holder_of` says the
  // requested identity is (its error, e.g. an identity the manifest does not list, refuses).
  // Signing a request again renews its certificate with the same key. Returns the identity.
  absl::StatusOr<std::string> SignRequest(
      const std::filesystem::path& csr,
      const std::function<absl::StatusOr<CertificateHolder>(std::string_view)>& holder_of,
      int days, const std::filesystem::path& out) const;
  // On a person's premises, once <id>.crt came back: <id>.p12 from <id>.key, <id>.crt and
  // ca.crt, for the browser.
  absl::Status WritePkcs12(std::string_view id) const;

 private:
  absl::Status Write(const std::filesystem::path& path, std::string_view contents,
                     FileMode mode) const;
  // The folder exists (made if needed) and holds no CA key unless `overwrite_`.
  absl::Status PrepareNewProject() const;

  std::filesystem::path folder_;
  bool overwrite_;
};

}  // namespace stapel

#endif  // STAPEL_KEYS_KEY_LAYOUT_H_
