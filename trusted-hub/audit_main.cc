// stapel-audit: for privacy officers. Checks a release log offline with only the log, its
// tree heads ("<log>.heads") and the hub's public release-signing key.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <map>

#include "CLI/CLI.hpp"
#include "keys/key_file.h"
#include "keys/signing.h"
#include "linker/area_table.h"
#include "linker/manifest.h"
#include "linker/manifest_signature.h"
#include "linker/release_log.h"
#include "proto/key_envelope.h"

namespace {

struct Options {
  std::string log, hub_key, head_file, save_head;
  uint64_t seq = 0;
};

int Fail(const std::string& what) {
  std::cerr << "stapel-audit: FAILED: " << what << "\n";
  return 1;
}

int Fail(const absl::Status& status) { return Fail(std::string(status.message())); }

// Verifies the whole log; every command starts with this.
absl::StatusOr<stapel::LogVerification> Load(const Options& o, stapel::Ed25519Verifier* key) {
  auto k = stapel::Ed25519Verifier::FromFile(o.hub_key);
  if (!k.ok()) return k.status();
  *key = *k;
  return stapel::VerifyReleaseLog(o.log, *key);
}

absl::StatusOr<stapel::TreeHead> ReadHead(const std::string& file,
                                          const stapel::Ed25519Verifier& key) {
  auto text = stapel::ReadTextFile(file);
  if (!text.ok()) return text.status();
  std::string line = *text;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return stapel::ParseTreeHead(line, key);
}

int Verify(const Options& o) {
  stapel::Ed25519Verifier key;  // set by Load
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  std::map<std::string, int> types;
  for (const auto& line : v->lines) ++types[nlohmann::json::parse(line)["type"].get<std::string>()];
  auto count = [&](const std::string& type, const char* one, const char* many) {
    return fmt::format("{} {}", types[type], types[type] == 1 ? one : many);
  };
  // Re-prove every released table with the attacker's LP, together with every other release
  // of the same data (the differencing guard's check, from published values only).
  size_t audited = 0;
  if (absl::Status s = stapel::AuditLoggedReleases(v->lines, &audited); !s.ok()) {
    return Fail(fmt::format("LP audit: {}", std::string(s.message())));
  }
  // Every epoch of the linkage secret was made and signed by the manifest's creator.
  size_t epochs = 0;
  if (absl::Status s = stapel::VerifyLoggedKeyEpochs(v->lines, &epochs); !s.ok()) return Fail(s);
  std::cout << fmt::format(
      "stapel-audit: OK: {} entries verified in {}: {}, {}, {}, {}, {}{}; {} signed tree heads\n",
      v->entries, o.log, count("release", "release", "releases"),
      count("submission", "submission", "submissions"), count("refusal", "refusal", "refusals"),
      count("manifest", "manifest change", "manifest changes"),
      count("key_epoch", "key epoch", "key epochs"),
      types["purge"] > 0 ? ", the PURGE of the microdata" : "", v->tree_heads);
  std::cout << fmt::format(
      "LP audit: every suppressed cell of the {} released tables is protected, also against "
      "differences with the other releases of the same data\n",
      audited);
  if (epochs > 0) {
    std::cout << fmt::format(
        "key epochs: each of the {} was made and signed by the manifest's "
        "linkage_secret_creator, as logged\n",
        epochs);
  }
  std::cout << "log head sha256: " << v->head_sha256 << "\n";
  if (v->latest_head) {
    std::cout << "latest tree head: " << v->latest_head->line << "\n";
    if (!o.save_head.empty()) {
      std::ofstream(o.save_head) << v->latest_head->line << "\n";
      std::cout << "saved to " << o.save_head
                << "; later, `stapel-audit prove-consistency --old-head " << o.save_head
                << "` shows that nothing before it was altered or removed\n";
    }
  }
  return 0;
}

int ProveInclusion(const Options& o) {
  stapel::Ed25519Verifier key;  // set by Load
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  auto head =
      o.head_file.empty()
          ? absl::StatusOr<stapel::TreeHead>(v->latest_head ? *v->latest_head : stapel::TreeHead())
          : ReadHead(o.head_file, key);
  if (!head.ok()) return Fail(head.status());
  if (o.seq < 1 || o.seq > head->size) {
    return Fail(fmt::format("entry {} is not covered by the head (size {})", o.seq, head->size));
  }
  const auto proof = v->tree.InclusionProof(o.seq - 1, head->size);
  const stapel::Hash256 leaf = stapel::MerkleLeafHash(v->lines[o.seq - 1]);
  std::cout << fmt::format(
      "entry {}: leaf hash {}\ninclusion proof in the tree of size {} (root {}):\n", o.seq,
      stapel::HexEncode(leaf), head->size, stapel::HexEncode(head->root));
  for (const auto& h : proof) std::cout << "  " << stapel::HexEncode(h) << "\n";
  if (!stapel::VerifyInclusion(leaf, o.seq - 1, head->size, proof, head->root)) {
    return Fail("the proof does not lead to the head's root");
  }
  std::cout << "stapel-audit: OK: entry " << o.seq << " is in the log the hub signed\n";
  return 0;
}

int ProveConsistency(const Options& o) {
  stapel::Ed25519Verifier key;  // set by Load
  auto old_head = [&]() -> absl::StatusOr<stapel::TreeHead> {
    auto k = stapel::Ed25519Verifier::FromFile(o.hub_key);
    if (!k.ok()) return k.status();
    return ReadHead(o.head_file, *k);
  }();
  if (!old_head.ok())
    return Fail(fmt::format("the saved head: {}", std::string(old_head.status().message())));
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  if (!v->latest_head) return Fail("the log has no signed tree head");
  const stapel::TreeHead& now = *v->latest_head;
  if (old_head->size > now.size) {
    return Fail(
        fmt::format("the saved head covers {} entries, the log now {}: entries were removed",
                    old_head->size, now.size));
  }
  const auto proof = v->tree.ConsistencyProof(old_head->size, now.size);
  std::cout << fmt::format("consistency proof from size {} (root {}) to size {} (root {}):\n",
                           old_head->size, stapel::HexEncode(old_head->root), now.size,
                           stapel::HexEncode(now.root));
  for (const auto& h : proof) std::cout << "  " << stapel::HexEncode(h) << "\n";
  if (!stapel::VerifyConsistency(old_head->size, now.size, old_head->root, now.root, proof)) {
    return Fail("the log is not an extension of the saved head: its history was rewritten");
  }
  std::cout << "stapel-audit: OK: the first " << old_head->size
            << " entries are unchanged; the log only grew since the saved head\n";
  return 0;
}

int Show(const Options& o) {
  stapel::Ed25519Verifier key;  // set by Load
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  for (const std::string& line : v->lines)
    std::cout << stapel::DescribeLogEntry(nlohmann::json::parse(line)) << "\n";
  std::cout << fmt::format("{} entr{}, all verified\n", v->entries, v->entries == 1 ? "y" : "ies");
  return 0;
}

int SignManifestCommand(const std::string& manifest_path, const std::string& key_path) {
  // Check that it is a manifest the hub would accept before signing it.
  auto manifest = stapel::Manifest::Load(manifest_path);
  if (!manifest.ok()) return Fail(manifest.status());
  auto key = stapel::Ed25519Signer::FromFile(key_path);
  if (!key.ok()) return Fail(key.status());
  if (absl::Status s = stapel::SignManifest(manifest_path, **key); !s.ok()) return Fail(s);
  std::cout << fmt::format(
      "stapel-audit: signed the manifest of project '{}' ({} parties, {} requesters, retention "
      "until {}): {}\n",
      manifest->project_id, manifest->parties.size(), manifest->requesters.size(),
      manifest->retention_until.empty() ? "not stated" : manifest->retention_until,
      stapel::ManifestSignaturePath(manifest_path).string());
  return 0;
}

}  // namespace

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
  if (*sign) return SignManifestCommand(manifest_path, officer_key);
  if (*verify) return Verify(o);
  if (*inclusion) return ProveInclusion(o);
  if (*consistency) return ProveConsistency(o);
  return Show(o);
}
