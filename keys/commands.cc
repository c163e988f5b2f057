#include "keys/commands.h"

#include <fmt/format.h>

#include <iostream>

#include "absl/status/status.h"
#include "keys/protected_secret.h"

namespace stapel::keys_cli {
namespace {

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

int Protect(const ProtectOptions& o) {
  auto secret = ReadSecretFile(o.secret, "");
  return Finish(
      secret.ok() ? WriteSecretFile(o.secret, *secret, o.passphrase_file) : secret.status(),
      "stapel-keys: " + o.secret.string() +
          " is now protected with the passphrase; give agents [keys] passphrase_file\n");
}

}  // namespace stapel::keys_cli
