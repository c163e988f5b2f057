#include "keys/key_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include "keys/identity.h"
#include "keys/sealed_secret.h"
#include "keys/secret_bytes.h"
#include "keys/signing.h"

namespace stapel {
namespace {

namespace fs = std::filesystem;

std::string_view View(const SecretBytes& bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string Named(std::string_view id, std::string_view suffix) {
  return std::string(id) + std::string(suffix);
}

bool Contains(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

// The hub, every party and person, then the project id: the first invalid one is the error.
absl::Status ValidateIdentities(const ProjectIdentities& ids,
                                const std::vector<std::string>& people) {
  std::vector<std::string> all = {ids.hub};
  all.insert(all.end(), ids.parties.begin(), ids.parties.end());
  all.insert(all.end(), people.begin(), people.end());
  for (const auto& id : all) {
    if (auto s = ValidateIdentity(id); !s.ok()) return s;
  }
  return ValidateIdentity(ids.project);
}

}  // namespace

KeyLayout::KeyLayout(fs::path folder, bool overwrite)
    : folder_(std::move(folder)), overwrite_(overwrite) {}

fs::path KeyLayout::CaCertificate() const { return folder_ / "ca.crt"; }
fs::path KeyLayout::CaKey() const { return folder_ / "ca.key"; }
fs::path KeyLayout::Certificate(std::string_view id) const { return folder_ / Named(id, ".crt"); }
fs::path KeyLayout::TlsKey(std::string_view id) const { return folder_ / Named(id, ".key"); }
fs::path KeyLayout::Pkcs12(std::string_view id) const { return folder_ / Named(id, ".p12"); }
fs::path KeyLayout::Request(std::string_view id) const { return folder_ / Named(id, ".csr"); }
fs::path KeyLayout::SigningKey(std::string_view id) const {
  return folder_ / Named(id, "-signing.key");
}
fs::path KeyLayout::SigningPublicKey(std::string_view id) const {
  return folder_ / Named(id, "-signing.pub");
}
fs::path KeyLayout::BoxKey(std::string_view party) const {
  return folder_ / Named(party, "-box.key");
}
fs::path KeyLayout::BoxPublicKey(std::string_view party) const {
  return folder_ / Named(party, "-box.pub");
}
fs::path KeyLayout::StorageKey(std::string_view hub) const {
  return folder_ / Named(hub, "-storage.key");
}
fs::path KeyLayout::RevocationDir() const { return folder_ / "revoked"; }
fs::path KeyLayout::RevocationList(const CertificateAuthority& ca) const {
  return RevocationDir() / ca.RevocationFileName();
}

absl::Status KeyLayout::Write(const fs::path& path, std::string_view contents,
                              FileMode mode) const {
  return WriteKeyFile(path, contents, mode, overwrite_);
}

absl::Status KeyLayout::PrepareNewProject() const {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        fmt::format("cannot create {}: {}", folder_.string(), ec.message()));
  }
  // Refuse before writing anything, so a refused run leaves a consistent folder.
  if (!overwrite_ && fs::exists(CaKey())) {
    return absl::AlreadyExistsError(fmt::format(
        "{}{}", CaKey().string(),
        " already exists: this folder holds a project's keys. "
        "Use another --out, or pass --force to replace every key (old certificates, signatures "
        "and pseudonyms stop matching)."));
  }
  return absl::OkStatus();
}

absl::Status KeyLayout::Init(const ProjectIdentities& ids, int days) const {
  std::vector<std::string> people = ids.requesters;  // TLS certificates only
  people.insert(people.end(), ids.officers.begin(), ids.officers.end());
  if (auto s = ValidateIdentities(ids, people); !s.ok()) return s;
  if (auto s = PrepareNewProject(); !s.ok()) return s;
  auto ca = CertificateAuthority::Create(ids.project, days);
  if (!ca.ok()) return ca.status();
  if (auto s = WriteCa(**ca); !s.ok()) return s;
  if (auto s = WriteCertificate(**ca, ids.hub, CertificateHolder::kServer, days); !s.ok()) {
    return s;
  }
  if (auto s = WriteSigningKeys(ids.hub); !s.ok()) return s;
  for (const auto& party : ids.parties) {
    if (auto s = WriteCertificate(**ca, party, CertificateHolder::kParty, days); !s.ok()) return s;
    if (auto s = WritePartyKeys(party); !s.ok()) return s;
  }
  for (const auto& officer : ids.officers) {  // signs the manifest
    if (auto s = WriteSigningKeys(officer); !s.ok()) return s;
  }
  for (const auto& person : people) {  // a person who is also a party gets no browser copy
    const auto holder =
        Contains(ids.parties, person) ? CertificateHolder::kParty : CertificateHolder::kPerson;
    if (auto s = WriteCertificate(**ca, person, holder, days); !s.ok()) return s;
  }
  // An empty revocation list, so a hub that checks revocations finds one for the CA.
  if (auto s = WriteRevocationList(**ca, "", {}, days); !s.ok()) return s;
  return WriteStorageKey(ids.hub);
}

absl::Status KeyLayout::InitParty(std::string_view party) const {
  std::error_code ec;
  fs::create_directories(folder_, ec);  // a failure shows in the writes below
  if (auto s = ValidateIdentity(party); !s.ok()) return s;
  return WritePartyKeys(party);
}

absl::Status KeyLayout::WritePartyKeys(std::string_view party) const {
  if (auto s = WriteSigningKeys(party); !s.ok()) return s;
  return BoxKeyPair::Generate().WriteKeyFiles(BoxKey(party), BoxPublicKey(party), overwrite_);
}

absl::Status KeyLayout::WriteSigningKeys(std::string_view id) const {
  return Ed25519Signer::Generate()->WriteKeyFiles(SigningKey(id), SigningPublicKey(id), overwrite_);
}

absl::Status KeyLayout::WriteCertificate(const CertificateAuthority& ca, std::string_view id,
                                         CertificateHolder holder, int days) const {
  const bool server = holder == CertificateHolder::kServer;
  auto issued =
      ca.Issue(id, server,
               server ? std::vector<std::string>{"localhost"} : std::vector<std::string>{}, days);
  if (!issued.ok()) return issued.status();
  if (auto s = Write(TlsKey(id), View(issued->private_key_pem), FileMode::kPrivate); !s.ok()) {
    return s;
  }
  if (holder == CertificateHolder::kPerson) {
    if (auto s = Write(Pkcs12(id), View(issued->pkcs12), FileMode::kPrivate); !s.ok()) return s;
  }
  return Write(Certificate(id), issued->certificate_pem, FileMode::kPublic);
}

absl::Status KeyLayout::WriteCa(const CertificateAuthority& ca) const {
  if (auto s = Write(CaKey(), View(ca.private_key_pem()), FileMode::kPrivate); !s.ok()) return s;
  return Write(CaCertificate(), ca.certificate_pem(), FileMode::kPublic);
}

absl::Status KeyLayout::WriteStorageKey(std::string_view hub) const {
  const SecretBytes storage = SecretBytes::Random(32);
  return Write(StorageKey(hub), Base64Encode(storage.data(), storage.size()) + "\n",
               FileMode::kPrivate);
}

absl::Status KeyLayout::WriteRevocationList(const CertificateAuthority& ca,
                                            std::string_view previous,
                                            const std::vector<std::string>& revoked,
                                            int days) const {
  auto crl = ca.RevocationList(previous, revoked, days);
  if (!crl.ok()) return crl.status();
  std::error_code ec;
  fs::create_directories(RevocationDir(), ec);  // a failure shows in the write below
  return WriteKeyFile(RevocationList(ca), *crl, FileMode::kPublic, /*overwrite=*/true);
}

absl::StatusOr<std::unique_ptr<CertificateAuthority>> KeyLayout::LoadCa() const {
  auto ca_cert = ReadTextFile(CaCertificate());
  if (!ca_cert.ok()) return ca_cert.status();
  auto ca_key = ReadPrivateFile(CaKey());
  if (!ca_key.ok()) return ca_key.status();
  return CertificateAuthority::Load(*ca_cert, *ca_key);
}

absl::Status KeyLayout::Revoke(const std::vector<std::string>& identities, int days) const {
  auto ca = LoadCa();
  if (!ca.ok()) return ca.status();
  std::vector<std::string> certs;
  for (const auto& id : identities) {
    auto cert = ReadTextFile(Certificate(id));
    if (!cert.ok()) return cert.status();
    certs.push_back(*std::move(cert));
  }
  const fs::path current = RevocationList(**ca);
  std::string previous;
  if (fs::exists(current)) {
    auto text = ReadTextFile(current);
    if (!text.ok()) return text.status();
    previous = *std::move(text);
  }
  return WriteRevocationList(**ca, previous, certs, days);
}

absl::Status KeyLayout::WriteRequest(std::string_view id) const {
  if (auto s = ValidateIdentity(id); !s.ok()) return s;
  std::error_code ec;
  fs::create_directories(folder_, ec);  // a failure shows in the writes below
  auto request = MakeCertificateRequest(id);
  if (!request.ok()) return request.status();
  if (auto s = Write(TlsKey(id), View(request->private_key_pem), FileMode::kPrivate); !s.ok()) {
    return s;
  }
  return Write(Request(id), request->csr_pem, FileMode::kPublic);
}

absl::StatusOr<std::string> KeyLayout::SignRequest(
    const fs::path& csr,
    const std::function<absl::StatusOr<CertificateHolder>(std::string_view)>& holder_of, int days,
    const fs::path& out) const {
  auto ca = LoadCa();
  if (!ca.ok()) return ca.status();
  auto pem = ReadTextFile(csr);
  if (!pem.ok()) return pem.status();
  auto identity = RequestedIdentity(*pem);
  if (!identity.ok()) return identity.status();
  if (auto s = ValidateIdentity(*identity); !s.ok()) return s;
  auto holder = holder_of(*identity);
  if (!holder.ok()) return holder.status();
  const bool server = *holder == CertificateHolder::kServer;
  auto cert = (*ca)->SignRequest(
      *pem, server, server ? std::vector<std::string>{"localhost"} : std::vector<std::string>{},
      days);
  if (!cert.ok()) return cert.status();
  if (auto s = Write(out, *cert, FileMode::kPublic); !s.ok()) return s;
  return *identity;
}

absl::Status KeyLayout::WritePkcs12(std::string_view id) const {
  auto key = ReadPrivateFile(TlsKey(id));
  if (!key.ok()) return key.status();
  auto cert = ReadTextFile(Certificate(id));
  if (!cert.ok()) return cert.status();
  auto ca = ReadTextFile(CaCertificate());
  if (!ca.ok()) return ca.status();
  auto pkcs12 = Pkcs12Bundle(id, *key, *cert, *ca);
  if (!pkcs12.ok()) return pkcs12.status();
  return Write(Pkcs12(id), View(*pkcs12), FileMode::kPrivate);
}

}  // namespace stapel
