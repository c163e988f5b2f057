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
