// stapel-audit: for privacy officers. Verifies a release log offline with only the log and
// the hub's public release-signing key.
#include <sodium.h>

#include <iostream>

#include "CLI/CLI.hpp"
#include "keys/signing.h"
#include "linker/release_log.h"

int main(int argc, char** argv) {
  CLI::App app{"stapel-audit: check a Stapel release log offline"};
  app.require_subcommand(1);
  std::string log_path, key_path;
  auto* verify = app.add_subcommand(
      "verify",
      "Check the hash chain, every hub signature, and that every released table keeps the "
      "disclosure rules recorded with it. Exits 0 when all entries are valid, 1 naming the "
      "first bad entry otherwise.");
  verify->add_option("--log", log_path, "The release log (release.log in the hub's data folder)")
      ->required();
  verify
      ->add_option("--hub-key", key_path, "The hub's public release-signing key (hub-signing.pub)")
      ->required();
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;

  auto key = stapel::Ed25519Verifier::FromFile(key_path);
  if (!key.ok()) {
    std::cerr << "stapel-audit: " << key.status().message() << "\n";
    return 2;
  }
  auto result = stapel::VerifyReleaseLog(log_path, *key);
  if (!result.ok()) {
    std::cerr << "stapel-audit: FAILED: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "stapel-audit: OK: " << result->entries << " release"
            << (result->entries == 1 ? "" : "s") << " verified in " << log_path
            << "\nlog head sha256: " << result->head_sha256
            << "\n(save the head: a later audit must show it as an earlier state of the log)\n";
  return 0;
}
