#ifndef STAPEL_KEYS_COMMANDS_H_
#define STAPEL_KEYS_COMMANDS_H_

// The subcommands of stapel-keys; each does its work in a KeyLayout (keys/key_layout.h),
// prints what it wrote (stdout) or "stapel-keys: <what to fix>" (stderr), and returns the exit
// code: 0 done, 1 failed. main.cc wires them to the command line. Call sodium_init() first.

#include <filesystem>
#include <string>
#include <vector>

#include "keys/key_layout.h"

namespace stapel::keys_cli {

struct InitOptions {
  std::filesystem::path out;
  ProjectIdentities ids;
  int days = 825;
  bool force = false;
};

struct PartyKeysOptions {
  std::filesystem::path out;
  std::string party;
  bool force = false;
};

struct RevokeOptions {
  std::filesystem::path keys;
  std::vector<std::string> identities;
  int days = 825;
};

struct ProtectOptions {
  std::filesystem::path secret;
  std::filesystem::path passphrase_file;
};

struct RequestOptions {
  std::filesystem::path out;
  std::string identity;
  bool force = false;
};

struct SignOptions {
  std::filesystem::path keys;      // the CA's folder
  std::filesystem::path csr;
  std::filesystem::path manifest;  // the identities that may get a certificate
  std::filesystem::path officer_key;  // the manifest must carry its signature
  std::string fingerprint;         // of the request's key, as its owner read it out
  std::string hub = "hub";         // the identity that gets a server certificate
  int days = 825;
  std::filesystem::path out;       // empty: <identity>.crt beside the request
  bool force = false;
};

struct BundleOptions {
  std::filesystem::path dir;  // holds <identity>.key, <identity>.crt and ca.crt
  std::string identity;
  bool force = false;
};

// A TLS key and the request for its certificate, made on the owner's premises.
int Request(const RequestOptions& o);
// At the project CA: a certificate for a request whose identity the manifest lists.
int Sign(const SignOptions& o);
// A person's key and certificate as .p12 for the browser.
int Bundle(const BundleOptions& o);
// Every key and certificate of a new project in `out`.
int Init(const InitOptions& o);
// One party's own key pairs in `out`.
int PartyKeys(const PartyKeysOptions& o);
// Adds the identities' certificates to the revocation list in `keys`/revoked/.
int Revoke(const RevokeOptions& o);
// Rewrites a plain secret file as one protected with the passphrase (mode 0600).
int Protect(const ProtectOptions& o);

}  // namespace stapel::keys_cli

#endif  // STAPEL_KEYS_COMMANDS_H_
