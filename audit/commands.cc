#include "audit/commands.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "audit/entry_text.h"
#include "audit/officer_audit.h"
#include "encoding/hex.h"
#include "keys/key_file.h"
#include "keys/signing.h"
#include "ledger/tree_head.h"
#include "project/manifest.h"
#include "project/manifest_signature.h"

namespace stapel::audit_cli {
namespace {

int Fail(const std::string& what) {
  std::cerr << "stapel-audit: FAILED: " << what << "\n";
  return 1;
}

int Fail(const absl::Status& status) { return Fail(std::string(status.message())); }

// Verifies the whole log; every command starts with this.
absl::StatusOr<LogVerification> Load(const Options& o, Ed25519Verifier* key) {
  auto k = Ed25519Verifier::FromFile(o.hub_key);
  if (!k.ok()) return k.status();
  *key = *k;
  return VerifyReleaseLog(o.log, *key, CheckReleaseKeepsItsRules);
}

absl::StatusOr<TreeHead> ReadHead(const std::string& file, const Ed25519Verifier& key) {
  auto text = ReadTextFile(file);
  if (!text.ok()) return text.status();
  std::string line = *text;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return ParseTreeHead(line, key);
}

void PrintVerified(const Options& o, const OfficerAudit& audit) {
  auto types = audit.entries_by_type;
  auto count = [&](const std::string& type, const char* one, const char* many) {
    return fmt::format("{} {}", types[type], types[type] == 1 ? one : many);
  };
  const LogVerification& v = audit.log;
  std::cout << fmt::format(
      "stapel-audit: OK: {} entries verified in {}: {}, {}, {}, {}, {}{}; {} signed tree heads\n",
      v.entries, o.log, count("release", "release", "releases"),
      count("submission", "submission", "submissions"), count("refusal", "refusal", "refusals"),
      count("manifest", "manifest change", "manifest changes"),
      count("key_epoch", "key epoch", "key epochs"),
      (types["purge"] > 0 ? ", the PURGE of the microdata" : std::string()) +
          (types["repair"] > 0 ? fmt::format(", {} repairs of a torn end", types["repair"])
                               : std::string()),
      v.tree_heads);
  std::cout << fmt::format(
      "LP audit: every suppressed cell of the {} released tables is protected, also against "
      "differences with the other releases of the same data\n",
      audit.releases_audited);
  if (audit.key_epochs_checked > 0) {
    std::cout << fmt::format(
        "key epochs: each of the {} was made and signed by the manifest's "
        "linkage_secret_creator, as logged\n",
        audit.key_epochs_checked);
  }
  std::cout << "log head sha256: " << v.head_sha256 << "\n";
  if (v.latest_head) {
    std::cout << "latest tree head: " << v.latest_head->line << "\n";
    if (!o.save_head.empty()) {
      std::ofstream(o.save_head) << v.latest_head->line << "\n";
      std::cout << "saved to " << o.save_head
                << "; later, `stapel-audit prove-consistency --old-head " << o.save_head
                << "` shows that nothing before it was altered or removed\n";
    }
  }
}

}  // namespace

int Verify(const Options& o) {
  auto key = Ed25519Verifier::FromFile(o.hub_key);
  if (!key.ok()) return Fail(key.status());
  auto audit = AuditReleaseLog(o.log, *key);
  if (!audit.ok()) return Fail(audit.status());
  if (!audit->lp_audit.ok())
    return Fail(fmt::format("LP audit: {}", std::string(audit->lp_audit.message())));
  if (!audit->key_epochs.ok()) return Fail(audit->key_epochs);
  PrintVerified(o, *audit);
  return 0;
}

int ProveInclusion(const Options& o) {
  Ed25519Verifier key;  // set by Load
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  auto head = o.head_file.empty()
                  ? absl::StatusOr<TreeHead>(v->latest_head ? *v->latest_head : TreeHead())
                  : ReadHead(o.head_file, key);
  if (!head.ok()) return Fail(head.status());
  if (o.seq < 1 || o.seq > head->size) {
    return Fail(fmt::format("entry {} is not covered by the head (size {})", o.seq, head->size));
  }
  const auto proof = v->tree.InclusionProof(o.seq - 1, head->size);
  const Hash256 leaf = MerkleLeafHash(v->lines[o.seq - 1]);
  std::cout << fmt::format(
      "entry {}: leaf hash {}\ninclusion proof in the tree of size {} (root {}):\n", o.seq,
      HexEncode(leaf), head->size, HexEncode(head->root));
  for (const auto& h : proof) std::cout << "  " << HexEncode(h) << "\n";
  if (!VerifyInclusion(leaf, o.seq - 1, head->size, proof, head->root)) {
    return Fail("the proof does not lead to the head's root");
  }
  std::cout << "stapel-audit: OK: entry " << o.seq << " is in the log the hub signed\n";
  return 0;
}

int ProveConsistency(const Options& o) {
  Ed25519Verifier key;  // set by Load
  auto old_head = [&]() -> absl::StatusOr<TreeHead> {
    auto k = Ed25519Verifier::FromFile(o.hub_key);
    if (!k.ok()) return k.status();
    return ReadHead(o.head_file, *k);
  }();
  if (!old_head.ok())
    return Fail(fmt::format("the saved head: {}", std::string(old_head.status().message())));
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  if (!v->latest_head) return Fail("the log has no signed tree head");
  const TreeHead& now = *v->latest_head;
  if (old_head->size > now.size) {
    return Fail(
        fmt::format("the saved head covers {} entries, the log now {}: entries were removed",
                    old_head->size, now.size));
  }
  const auto proof = v->tree.ConsistencyProof(old_head->size, now.size);
  std::cout << fmt::format("consistency proof from size {} (root {}) to size {} (root {}):\n",
                           old_head->size, HexEncode(old_head->root), now.size,
                           HexEncode(now.root));
  for (const auto& h : proof) std::cout << "  " << HexEncode(h) << "\n";
  if (!VerifyConsistency(old_head->size, now.size, old_head->root, now.root, proof)) {
    return Fail("the log is not an extension of the saved head: its history was rewritten");
  }
  std::cout << "stapel-audit: OK: the first " << old_head->size
            << " entries are unchanged; the log only grew since the saved head\n";
  return 0;
}

int Show(const Options& o) {
  Ed25519Verifier key;  // set by Load
  auto v = Load(o, &key);
  if (!v.ok()) return Fail(v.status());
  for (const std::string& line : v->lines)
    std::cout << DescribeLogEntry(nlohmann::json::parse(line, nullptr, false)) << "\n";
  std::cout << fmt::format("{} entr{}, all verified\n", v->entries, v->entries == 1 ? "y" : "ies");
  return 0;
}

int SignManifestCommand(const std::string& manifest_path, const std::string& key_path) {
  // Check that it is a manifest the hub would accept before signing it.
  auto manifest = Manifest::Load(manifest_path);
  if (!manifest.ok()) return Fail(manifest.status());
  auto key = Ed25519Signer::FromFile(key_path);
  if (!key.ok()) return Fail(key.status());
  if (absl::Status s = SignManifest(manifest_path, **key); !s.ok()) return Fail(s);
  std::cout << fmt::format(
      "stapel-audit: signed the manifest of project '{}' ({} parties, {} requesters, retention "
      "until {}): {}\n",
      manifest->project_id, manifest->parties.size(), manifest->requesters.size(),
      manifest->retention_until.empty() ? "not stated" : manifest->retention_until,
      ManifestSignaturePath(manifest_path).string());
  return 0;
}

}  // namespace stapel::audit_cli
