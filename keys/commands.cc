#include "keys/commands.h"

#include <fmt/format.h>

#include <iostream>

#include "absl/status/status.h"
#include "keys/protected_secret.h"
#include "keys/certificate_authority.h"
#include "keys/key_file.h"
#include "keys/signing.h"
#include "project/manifest.h"
#include "project/manifest_signature.h"

namespace stapel::keys_cli {
namespace {

namespace fs = std::filesystem;

// 0 after printing `done` when `status` is OK; 1 after printing its message otherwise.
int Finish(const absl::Status& status, const std::string& done) {
  if (!status.ok()) {
    std::cerr << "stapel-keys: " << status.message() << "\n";
    return 1;
  }
  std::cout << done;
  return 0;
}

// What `init` wrote, for the person who ran it.
std::string InitSummary(const InitOptions& o) {
  return fmt::format(
      "Keys for project '{project}' written to {out}:\n"
      "  ca.crt                      project CA (give to every participant)\n"
      "  ca.key                      CA private key (keep offline)\n"
      "  <id>.crt / <id>.key         TLS certificate and key of {hub}, each party, requester "
      "and privacy officer\n"
      "  <person>.p12                requester's or officer's key and certificate for a browser "
      "(the portal; empty password)\n"
      "  <party>-signing.key / .pub  Ed25519 batch-signing key of each party, and the "
      "manifest-signing key of each privacy officer\n"
      "  {hub}-signing.key / .pub     Ed25519 release-log signing key of the hub\n"
      "  {hub}-storage.key            the hub's key for record values at rest (keep it off the "
      "data volume)\n"
      "  <party>-box.key / .pub      X25519 key of each party: the linkage secret is sealed to "
      "its public half (manifest box_key) in stapel-ceremony\n",
      fmt::arg("project", o.ids.project), fmt::arg("out", o.out.string()),
      fmt::arg("hub", o.ids.hub));
}

}  // namespace

int Init(const InitOptions& o) {
  return Finish(KeyLayout(o.out, o.force).Init(o.ids, o.days), InitSummary(o));
}

int PartyKeys(const PartyKeysOptions& o) {
  return Finish(KeyLayout(o.out, o.force).InitParty(o.party),
                "stapel-keys: " + o.party + "-signing.key and " + o.party +
                    "-box.key (keep here, mode 0600) and their .pub files (give to the privacy "
                    "officer for the manifest's signing_key and box_key) written to " +
                    o.out.string() + "\n");
}

int Revoke(const RevokeOptions& o) {
  return Finish(KeyLayout(o.keys).Revoke(o.identities, o.days),
                "stapel-keys: revoked " + std::to_string(o.identities.size()) +
                    " certificate(s); restart the hub to refuse them at the handshake\n");
}

int Request(const RequestOptions& o) {
  const KeyLayout layout(o.out, o.force);
  if (absl::Status s = layout.WriteRequest(o.identity); !s.ok()) return Finish(s, "");
  auto csr = ReadTextFile(layout.Request(o.identity));
  auto fingerprint = csr.ok() ? RequestFingerprint(*csr) : csr.status();
  if (!fingerprint.ok()) return Finish(fingerprint.status(), "");
  return Finish(absl::OkStatus(),
                fmt::format("stapel-keys: {key} (keep here, mode 0600: it never leaves) and "
                            "{csr} written. Send {csr} to the project CA and read out this "
                            "fingerprint to it by another channel (a call): the CA signs only "
                            "with it (stapel-keys sign --fingerprint).\n{fingerprint}\nPut the "
                            "{crt} it returns beside the key.\n",
                            fmt::arg("key", layout.TlsKey(o.identity).string()),
                            fmt::arg("csr", layout.Request(o.identity).string()),
                            fmt::arg("fingerprint", *fingerprint),
                            fmt::arg("crt", layout.Certificate(o.identity).filename().string())));
}

int Sign(const SignOptions& o) {
  // Only the manifest the privacy officer signed says who takes part.
  auto officer = Ed25519Verifier::FromFile(o.officer_key);
  if (!officer.ok()) return Finish(officer.status(), "");
  if (auto signature = VerifyManifestSignature(o.manifest, *officer, o.officer_key);
      !signature.ok()) {
    return Finish(signature.status(), "");
  }
  auto manifest = Manifest::Load(o.manifest);
  if (!manifest.ok()) return Finish(manifest.status(), "");
  auto csr = ReadTextFile(o.csr);
  auto fingerprint = csr.ok() ? RequestFingerprint(*csr) : csr.status();
  if (!fingerprint.ok()) return Finish(fingerprint.status(), "");
  if (*fingerprint != o.fingerprint) {
    return Finish(absl::PermissionDeniedError(fmt::format(
                      "the request's key has fingerprint {}, not the {} its owner read out: "
                      "this request is not the one they made; sign nothing and ask them",
                      *fingerprint, o.fingerprint)),
                  "");
  }
  auto holder_of = [&](std::string_view id) -> absl::StatusOr<CertificateHolder> {
    if (id == o.hub) return CertificateHolder::kServer;
    for (const PartyManifest& party : manifest->parties) {
      if (party.id == id) return CertificateHolder::kParty;
    }
    if (manifest->IsRequester(id) || manifest->IsPrivacyOfficer(id)) {
      return CertificateHolder::kPerson;
    }
    return absl::PermissionDeniedError(fmt::format(
        "'{}' is neither the hub ('{}') nor a party, requester or privacy officer of project "
        "'{}' in {}: add it to the manifest (signed by the officer) first",
        id, o.hub, manifest->project_id, o.manifest.string()));
  };
  auto named = RequestedIdentity(*csr);
  if (!named.ok()) return Finish(named.status(), "");
  const fs::path out = o.out.empty() ? o.csr.parent_path() / (*named + ".crt") : o.out;
  auto identity = KeyLayout(o.keys, o.force).SignRequest(o.csr, holder_of, o.days, out);
  if (!identity.ok()) return Finish(identity.status(), "");
  return Finish(absl::OkStatus(),
                fmt::format("stapel-keys: certificate of '{}' for {} days written to {}; send it "
                            "back with ca.crt\n",
                            *identity, o.days, out.string()));
}

int Bundle(const BundleOptions& o) {
  const KeyLayout layout(o.dir, o.force);
  return Finish(layout.WritePkcs12(o.identity),
                "stapel-keys: " + layout.Pkcs12(o.identity).string() +
                    " written (mode 0600, empty password): import it into the browser for the "
                    "portal\n");
}

int Protect(const ProtectOptions& o) {
  auto secret = ReadSecretFile(o.secret, "");
  return Finish(
      secret.ok() ? WriteSecretFile(o.secret, *secret, o.passphrase_file) : secret.status(),
      "stapel-keys: " + o.secret.string() +
          " is now protected with the passphrase; give agents [keys] passphrase_file\n");
}

}  // namespace stapel::keys_cli
