// stapel-keys: creates every key and certificate of a Stapel project in one folder.
#include <sodium.h>

#include <iostream>

#include "CLI/CLI.hpp"
#include "keys/commands.h"

namespace cli = stapel::keys_cli;

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "stapel-keys: libsodium failed to initialize\n";
    return 1;
  }
  CLI::App app{"stapel-keys: create the keys and certificates of a Stapel project"};
  app.require_subcommand(1);
  cli::InitOptions o;
  auto* init = app.add_subcommand(
      "init",
      "Create a project CA, TLS certificates for the hub, parties and requesters, Ed25519 "
      "signing keys for the parties and the hub, and the parties' X25519 box keys for the "
      "linkage-secret ceremony (stapel-ceremony makes the secret itself)");
  init->add_option("--out", o.out, "Folder to write the keys to")->required();
  init->add_option("--project", o.ids.project, "Project id, as in the manifest")->required();
  init->add_option("--hub", o.ids.hub, "The hub's identity (certificate common name)")
      ->capture_default_str();
  init->add_option("--party", o.ids.parties, "A party identity (repeat for each party)")
      ->required();
  init->add_option("--requester", o.ids.requesters, "A requester identity (repeat)");
  init->add_option("--officer", o.ids.officers,
                   "A privacy officer identity (repeat): a TLS certificate for the portal");
  init->add_option("--days", o.days, "Certificate validity in days")->capture_default_str();
  init->add_flag("--force", o.force, "Replace existing keys in --out");
  cli::ProtectOptions p;
  auto* protect = app.add_subcommand(
      "protect",
      "Encrypt a secret file (a linkage secret) with a passphrase (Argon2id + XSalsa20-Poly1305), "
      "in place: a copy of the disk or a backup no longer gives it away. Agents then need "
      "[keys] passphrase_file. Without this, the file is protected by its mode 0600 alone");
  protect->add_option("--secret", p.secret, "The secret file, e.g. keys/housing-linkage.secret")
      ->required()
      ->check(CLI::ExistingFile);
  protect
      ->add_option("--passphrase-file", p.passphrase_file,
                   "File with the passphrase on its first line (12 characters or more)")
      ->required()
      ->check(CLI::ExistingFile);
  cli::PartyKeysOptions own;
  auto* party_keys = app.add_subcommand(
      "party-keys",
      "Create one party's own key pairs on its premises: <party>-signing.key/.pub (Ed25519, signs "
      "its batches) and <party>-box.key/.pub (X25519, receives the linkage secret). The private "
      "halves never leave; the .pub files go to the privacy officer for the manifest. In "
      "production use this instead of the keys `init` makes, which whoever ran init also holds");
  party_keys->add_option("--out", own.out, "Folder to write the keys to")->required();
  party_keys->add_option("--party", own.party, "The party's identity")->required();
  party_keys->add_flag("--force", own.force, "Replace existing keys in --out");
  cli::RevokeOptions r;
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
  cli::RequestOptions q;
  auto* request = app.add_subcommand(
      "request",
      "Make a TLS key and a certificate request on the premises of whoever will use it (a "
      "party's agent, the hub, a requester, an officer): <identity>.key stays here, "
      "<identity>.csr goes to the project CA (stapel-keys sign). In production use this instead "
      "of the TLS keys `init` makes at the CA");
  request->add_option("--out", q.out, "Folder to write the key and request to")->required();
  request->add_option("--identity", q.identity, "The identity, as in the manifest")->required();
  request->add_flag("--force", q.force, "Replace an existing key and request");
  cli::SignOptions g;
  auto* sign = app.add_subcommand(
      "sign",
      "At the project CA: issue the certificate for a request (stapel-keys request) after "
      "checking its signature, its key's fingerprint against the one its owner read out, the "
      "officer's signature on the manifest and that the manifest lists its identity (or it is "
      "the hub's). "
      "Signing the same request again renews the certificate with the same key");
  sign->add_option("--keys", g.keys, "The CA's folder (ca.crt and ca.key)")
      ->required()
      ->check(CLI::ExistingDirectory);
  sign->add_option("--csr", g.csr, "The request, <identity>.csr")
      ->required()
      ->check(CLI::ExistingFile);
  sign->add_option("--manifest", g.manifest, "The project manifest (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  sign->add_option("--officer-key", g.officer_key,
                   "The privacy officer's public key: the manifest must carry its signature")
      ->required()
      ->check(CLI::ExistingFile);
  sign->add_option("--fingerprint", g.fingerprint,
                   "The request's fingerprint as its owner read it out to you by another channel "
                   "(stapel-keys request prints it)")
      ->required();
  sign->add_option("--hub", g.hub, "The hub's identity: it gets a server certificate")
      ->capture_default_str();
  sign->add_option("--days", g.days, "Certificate validity in days")->capture_default_str();
  sign->add_option("--out", g.out,
                   "Where to write the certificate (default: <identity>.crt beside the request)");
  sign->add_flag("--force", g.force, "Replace an existing certificate (renewal)");
  cli::BundleOptions b;
  auto* bundle = app.add_subcommand(
      "bundle",
      "For a requester or officer, once the certificate came back: <identity>.p12 (key, "
      "certificate and ca.crt, empty password) to import into the browser for the portal");
  bundle->add_option("--dir", b.dir, "Folder with <identity>.key, <identity>.crt and ca.crt")
      ->required()
      ->check(CLI::ExistingDirectory);
  bundle->add_option("--identity", b.identity, "The identity")->required();
  bundle->add_flag("--force", b.force, "Replace an existing .p12");
  CLI11_PARSE(app, argc, argv);
  if (request->parsed()) return cli::Request(q);
  if (sign->parsed()) return cli::Sign(g);
  if (bundle->parsed()) return cli::Bundle(b);
  if (protect->parsed()) return cli::Protect(p);
  if (party_keys->parsed()) return cli::PartyKeys(own);
  if (revoke->parsed()) return cli::Revoke(r);
  return cli::Init(o);
}
