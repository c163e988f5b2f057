// stapel-audit: for privacy officers. Checks a release log offline with only the log, its
// tree heads ("<log>.heads") and the hub's public release-signing key.
#include <sodium.h>

#include "CLI/CLI.hpp"
#include "audit/commands.h"

using stapel::audit_cli::Options;

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-audit: check a Stapel release log offline, with only the log, its tree "
      "heads (<log>.heads) and the hub's public release-signing key"};
  app.require_subcommand(1);
  Options o;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--log", o.log, "The release log (release.log in the hub's data folder)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--hub-key", o.hub_key,
                    "The hub's public release-signing key (hub-signing.pub)")
        ->required()
        ->check(CLI::ExistingFile);
  };
  auto* verify = app.add_subcommand(
      "verify",
      "Check the hash chain, every signature, every signed tree head, and that every released "
      "table keeps the disclosure rules recorded with it. Exits 0 when all is valid, 1 naming "
      "the first bad entry otherwise.");
  add_common(verify);
  verify->add_option("--save-head", o.save_head,
                     "Write the latest signed tree head to this file, to check later that "
                     "history was not rewritten");
  auto* inclusion = app.add_subcommand(
      "prove-inclusion", "Prove that one release is in the log under a signed tree head");
  add_common(inclusion);
  inclusion->add_option("--seq", o.seq, "The release's entry number")->required();
  inclusion->add_option("--head", o.head_file, "A saved tree head (default: the latest)");
  auto* consistency = app.add_subcommand(
      "prove-consistency",
      "Prove that the log now is an append-only extension of a tree head saved earlier; fails "
      "if any entry before it was altered or removed");
  add_common(consistency);
  consistency
      ->add_option("--old-head", o.head_file, "The saved tree head (from verify --save-head)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* show = app.add_subcommand(
      "show",
      "List every entry: releases (when, to whom, why, how much suppressed, which rules), "
      "submissions received, refusals, manifest changes and the linkage secret's epochs");
  add_common(show);
  std::string manifest_path, officer_key;
  auto* sign = app.add_subcommand(
      "sign-manifest",
      "As the privacy officer: sign the project manifest you approved, writing "
      "<manifest>.sig beside it. The hub starts only with a manifest that carries your "
      "signature; sign again after every change you approve");
  sign->add_option("--manifest", manifest_path, "The manifest (TOML) you approved")
      ->required()
      ->check(CLI::ExistingFile);
  sign->add_option("--key", officer_key, "Your signing key (<officer>-signing.key, mode 0600)")
      ->required()
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;
  if (*sign) return stapel::audit_cli::SignManifestCommand(manifest_path, officer_key);
  if (*verify) return stapel::audit_cli::Verify(o);
  if (*inclusion) return stapel::audit_cli::ProveInclusion(o);
  if (*consistency) return stapel::audit_cli::ProveConsistency(o);
  return stapel::audit_cli::Show(o);
}
