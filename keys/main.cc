// stapel-keys: creates every key and certificate of a Stapel project in one folder.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "keys/certificate_authority.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/protected_secret.h"
#include "keys/sealed_secret.h"
#include "keys/signing.h"

namespace fs = std::filesystem;
using stapel::FileMode;

namespace {

struct Options {
  fs::path out;
  std::string project;
  std::string hub = "hub";
  std::vector<std::string> parties;
  std::vector<std::string> requesters;
  std::vector<std::string> officers;  // privacy officers: the portal shows them the log
  int days = 825;
  bool force = false;
};

absl::Status Write(const Options& o, const std::string& name, std::string_view contents,
                   FileMode mode) {
  return stapel::WriteKeyFile(o.out / name, contents, mode, o.force);
}

absl::Status WriteSigningPair(const Options& o, const std::string& id) {
  return stapel::Ed25519Signer::Generate()->WriteKeyFiles(o.out / (id + "-signing.key"),
                                                          o.out / (id + "-signing.pub"), o.force);
}

// A party's own key pairs: Ed25519 to sign its batches, X25519 to receive the linkage secret.
absl::Status WritePartyKeys(const Options& o, const std::string& party) {
  if (auto s = WriteSigningPair(o, party); !s.ok()) return s;
  return stapel::BoxKeyPair::Generate().WriteKeyFiles(o.out / (party + "-box.key"),
                                                      o.out / (party + "-box.pub"), o.force);
}

absl::Status WriteCertificate(const Options& o, const stapel::CertificateAuthority& ca,
                              const std::string& id, bool server) {
  auto issued =
      ca.Issue(id, server,
               server ? std::vector<std::string>{"localhost"} : std::vector<std::string>{}, o.days);
  if (!issued.ok()) return issued.status();
  auto secret = [](const stapel::SecretBytes& bytes) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  if (auto s = Write(o, id + ".key", secret(issued->private_key_pem), FileMode::kPrivate);
      !s.ok()) {
    return s;
  }
  // People (requesters, privacy officers) use the portal from a browser.
  const bool person =
      !server && std::find(o.parties.begin(), o.parties.end(), id) == o.parties.end();
  if (auto s = person ? Write(o, id + ".p12", secret(issued->pkcs12), FileMode::kPrivate)
                      : absl::OkStatus();
      !s.ok()) {
    return s;
  }
  return Write(o, id + ".crt", issued->certificate_pem, FileMode::kPublic);
}

// The CA's revocation list in <keys>/revoked/, named as OpenSSL and gRPC look it up.
absl::Status WriteRevocationList(const fs::path& keys, const stapel::CertificateAuthority& ca,
                                 std::string_view previous, const std::vector<std::string>& revoked,
                                 int days) {
  auto crl = ca.RevocationList(previous, revoked, days);
  if (!crl.ok()) return crl.status();
  std::error_code ec;
  fs::create_directories(keys / "revoked", ec);
  return stapel::WriteKeyFile(keys / "revoked" / ca.RevocationFileName(), *crl, FileMode::kPublic,
                              /*overwrite=*/true);
}

// Rewrites a plain secret file as a passphrase-protected one (mode 0600).
absl::Status Protect(const fs::path& secret_file, const fs::path& passphrase_file) {
  auto secret = stapel::ReadSecretFile(secret_file, "");
  if (!secret.ok()) return secret.status();
  return stapel::WriteSecretFile(secret_file, *secret, passphrase_file);
}

struct RevokeOptions {
  fs::path keys;
  std::vector<std::string> identities;
  int days = 825;
};

// Adds the certificates of `identities` to the CA's revocation list.
absl::Status Revoke(const RevokeOptions& o) {
  auto ca_cert = stapel::ReadTextFile(o.keys / "ca.crt");
  if (!ca_cert.ok()) return ca_cert.status();
  auto ca_key = stapel::ReadPrivateFile(o.keys / "ca.key");
  if (!ca_key.ok()) return ca_key.status();
  auto ca = stapel::CertificateAuthority::Load(*ca_cert, *ca_key);
  if (!ca.ok()) return ca.status();
  std::vector<std::string> certs;
  for (const auto& id : o.identities) {
    auto cert = stapel::ReadTextFile(o.keys / (id + ".crt"));
    if (!cert.ok()) return cert.status();
    certs.push_back(*std::move(cert));
  }
  const fs::path current = o.keys / "revoked" / (*ca)->RevocationFileName();
  std::string previous;
  if (fs::exists(current)) {
    auto text = stapel::ReadTextFile(current);
    if (!text.ok()) return text.status();
    previous = *std::move(text);
  }
  return WriteRevocationList(o.keys, **ca, previous, certs, o.days);
}

absl::Status Init(const Options& o) {
  std::vector<std::string> clients = o.requesters;  // TLS certificates only
  clients.insert(clients.end(), o.officers.begin(), o.officers.end());
  std::vector<std::string> all = {o.hub};
  all.insert(all.end(), o.parties.begin(), o.parties.end());
  all.insert(all.end(), clients.begin(), clients.end());
  for (const auto& id : all) {
    if (auto s = stapel::ValidateIdentity(id); !s.ok()) return s;
  }
  if (auto s = stapel::ValidateIdentity(o.project); !s.ok()) return s;
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec)
    return absl::PermissionDeniedError(
        fmt::format("cannot create {}: {}", o.out.string(), ec.message()));
  // Refuse before writing anything, so a refused run leaves a consistent folder.
  if (!o.force && fs::exists(o.out / "ca.key")) {
    return absl::AlreadyExistsError(fmt::format(
        "{}{}", (o.out / "ca.key").string(),
        " already exists: this folder holds a project's keys. "
        "Use another --out, or pass --force to replace every key (old certificates, signatures "
        "and pseudonyms stop matching)."));
  }

  auto ca = stapel::CertificateAuthority::Create(o.project, o.days);
  if (!ca.ok()) return ca.status();
  const auto& ca_key = (*ca)->private_key_pem();
  if (auto s = Write(o, "ca.key",
                     std::string_view(reinterpret_cast<const char*>(ca_key.data()), ca_key.size()),
                     FileMode::kPrivate);
      !s.ok()) {
    return s;
  }
  if (auto s = Write(o, "ca.crt", (*ca)->certificate_pem(), FileMode::kPublic); !s.ok()) return s;

  if (auto s = WriteCertificate(o, **ca, o.hub, /*server=*/true); !s.ok()) return s;
  if (auto s = WriteSigningPair(o, o.hub); !s.ok()) return s;
  for (const auto& party : o.parties) {
    if (auto s = WriteCertificate(o, **ca, party, /*server=*/false); !s.ok()) return s;
    if (auto s = WritePartyKeys(o, party); !s.ok()) return s;
  }
  for (const auto& officer : o.officers) {  // signs the manifest
    if (auto s = WriteSigningPair(o, officer); !s.ok()) return s;
  }
  for (const auto& client : clients) {
    if (auto s = WriteCertificate(o, **ca, client, /*server=*/false); !s.ok()) return s;
  }
  // An empty revocation list, so a hub that checks revocations finds one for the CA.
  if (auto s = WriteRevocationList(o.out, **ca, "", {}, o.days); !s.ok()) return s;
  const stapel::SecretBytes storage = stapel::SecretBytes::Random(32);
  if (auto s =
          Write(o, o.hub + "-storage.key",
                stapel::Base64Encode(storage.data(), storage.size()) + "\n", FileMode::kPrivate);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "stapel-keys: libsodium failed to initialize\n";
    return 1;
  }
  CLI::App app{"stapel-keys: create the keys and certificates of a Stapel project"};
  app.require_subcommand(1);
  Options o;
  auto* init = app.add_subcommand(
      "init",
      "Create a project CA, TLS certificates for the hub, parties and requesters, Ed25519 "
      "signing keys for the parties and the hub, and the parties' X25519 box keys for the "
      "linkage-secret ceremony (stapel-ceremony makes the secret itself)");
  init->add_option("--out", o.out, "Folder to write the keys to")->required();
  init->add_option("--project", o.project, "Project id, as in the manifest")->required();
  init->add_option("--hub", o.hub, "The hub's identity (certificate common name)")
      ->capture_default_str();
  init->add_option("--party", o.parties, "A party identity (repeat for each party)")->required();
  init->add_option("--requester", o.requesters, "A requester identity (repeat)");
  init->add_option("--officer", o.officers,
                   "A privacy officer identity (repeat): a TLS certificate for the portal");
  init->add_option("--days", o.days, "Certificate validity in days")->capture_default_str();
  init->add_flag("--force", o.force, "Replace existing keys in --out");
  fs::path protect_secret, protect_passphrase;
  auto* protect = app.add_subcommand(
      "protect",
      "Encrypt a secret file (a linkage secret) with a passphrase (Argon2id + XSalsa20-Poly1305), "
      "in place: a copy of the disk or a backup no longer gives it away. Agents then need "
      "[keys] passphrase_file. Without this, the file is protected by its mode 0600 alone");
  protect
      ->add_option("--secret", protect_secret, "The secret file, e.g. keys/housing-linkage.secret")
      ->required()
      ->check(CLI::ExistingFile);
  protect
      ->add_option("--passphrase-file", protect_passphrase,
                   "File with the passphrase on its first line (12 characters or more)")
      ->required()
      ->check(CLI::ExistingFile);
  Options own;  // --out and --force
  std::string own_party;
  auto* party_keys = app.add_subcommand(
      "party-keys",
      "Create one party's own key pairs on its premises: <party>-signing.key/.pub (Ed25519, signs "
      "its batches) and <party>-box.key/.pub (X25519, receives the linkage secret). The private "
      "halves never leave; the .pub files go to the privacy officer for the manifest. In "
      "production use this instead of the keys `init` makes, which whoever ran init also holds");
  party_keys->add_option("--out", own.out, "Folder to write the keys to")->required();
  party_keys->add_option("--party", own_party, "The party's identity")->required();
  party_keys->add_flag("--force", own.force, "Replace existing keys in --out");
  RevokeOptions r;
  auto* revoke = app.add_subcommand(
      "revoke",
      "Revoke the certificates of identities (a stolen laptop, a party that left): adds them "
      "to the CA's revocation list in <keys>/revoked/, which the hub checks at every TLS "
      "handshake ([tls] revocation_dir). Restart the hub to load the new list");
  revoke->add_option("--keys", r.keys, "The project's keys folder (with ca.crt and ca.key)")
      ->required()
      ->check(CLI::ExistingDirectory);
  revoke->add_option("--identity", r.identities, "Identity to revoke (repeat)")->required();
  revoke->add_option("--days", r.days, "Days until the list must be renewed")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (protect->parsed()) {
    if (absl::Status s = Protect(protect_secret, protect_passphrase); !s.ok()) {
      std::cerr << "stapel-keys: " << s.message() << "\n";
      return 1;
    }
    std::cout << "stapel-keys: " << protect_secret.string()
              << " is now protected with the passphrase; give agents [keys] passphrase_file\n";
    return 0;
  }
  if (party_keys->parsed()) {
    absl::Status s = stapel::ValidateIdentity(own_party);
    std::error_code ec;
    std::filesystem::create_directories(own.out, ec);
    if (s.ok()) s = WritePartyKeys(own, own_party);
    if (!s.ok()) {
      std::cerr << "stapel-keys: " << s.message() << "\n";
      return 1;
    }
    std::cout << "stapel-keys: " << own_party << "-signing.key and " << own_party
              << "-box.key (keep here, mode 0600) and their .pub files (give to the privacy "
                 "officer for the manifest's signing_key and box_key) written to "
              << own.out.string() << "\n";
    return 0;
  }
  if (revoke->parsed()) {
    if (absl::Status s = Revoke(r); !s.ok()) {
      std::cerr << "stapel-keys: " << s.message() << "\n";
      return 1;
    }
    std::cout << "stapel-keys: revoked " << r.identities.size()
              << " certificate(s); restart the hub to refuse them at the handshake\n";
    return 0;
  }

  if (absl::Status s = Init(o); !s.ok()) {
    std::cerr << "stapel-keys: " << s.message() << "\n";
    return 1;
  }
  std::cout << "Keys for project '" << o.project << "' written to " << o.out.string() << ":\n"
            << "  ca.crt                      project CA (give to every participant)\n"
            << "  ca.key                      CA private key (keep offline)\n"
            << "  <id>.crt / <id>.key         TLS certificate and key of " << o.hub
            << ", each party, requester and privacy officer\n"
            << "  <person>.p12                requester's or officer's key and certificate for "
               "a browser (the portal; empty password)\n"
            << "  <party>-signing.key / .pub  Ed25519 batch-signing key of each party, and the "
               "manifest-signing key of each privacy officer\n"
            << "  " << o.hub
            << "-signing.key / .pub     Ed25519 release-log signing key of the hub\n"
            << "  " << o.hub
            << "-storage.key            the hub's key for record values at rest (keep it off "
               "the data volume)\n"
            << "  <party>-box.key / .pub      X25519 key of each party: the linkage secret is "
               "sealed to its public half (manifest box_key) in stapel-ceremony\n";
  return 0;
}
