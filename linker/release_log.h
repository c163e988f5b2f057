#ifndef STAPEL_LINKER_RELEASE_LOG_H_
#define STAPEL_LINKER_RELEASE_LOG_H_

// The release log: an append-only file with one signed JSON entry per line, of one "type":
//   "release"     a table released: time, requester, request, rules, linkage report, table
//   "submission"  a party's completed submission: party, counts and a digest of what was stored
//   "refusal"     a request the hub refused, and why
//   "manifest"    the manifest (with the parties' keys) the hub started with, when it changed
//   "purge"       the project's microdata deleted (retention ended, or on demand): no more
//                 submissions or releases
//   "key_epoch"   a linkage secret made in the key ceremony (or rotated): epoch, creator,
//                 key_check and the creator's signed envelope of sealed boxes
// Each entry holds what the caller records plus
//   "seq"          1, 2, 3, ...
//   "table_sha256" SHA-256 of the canonical encoding of "table" (releases)
//   "prev_sha256"  SHA-256 of the previous line (64 zeros for the first)
//   "signature"    the hub's Ed25519 signature over "stapel-release-log-v1\n" followed by the
//                  canonical encoding of the entry without "signature"
// Canonical encoding: JSON with object keys sorted, no white space, whole numbers only and
// strings as UTF-8 (nlohmann::json::dump()). A line must be exactly the canonical encoding
// of itself, so any edit of any byte breaks a hash, a signature or that check.
//
// The lines are also the leaves of an RFC 6962 Merkle tree. After every append the hub writes
// a signed tree head to "<log>.heads", one JSON line {"root", "size", "time", "signature"} with
// the signature over "stapel-tree-head-v1\n" and the head without "signature". A head saved by
// a privacy officer proves later, with a consistency proof, that no earlier entry was altered
// or removed since (see stapel-audit prove-consistency).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "linker/manifest.h"
#include "linker/merkle_tree.h"
#include "linker/table_protection.h"

namespace stapel {

inline constexpr std::string_view kEntryRelease = "release";
inline constexpr std::string_view kEntrySubmission = "submission";
inline constexpr std::string_view kEntryRefusal = "refusal";
inline constexpr std::string_view kEntryManifest = "manifest";
inline constexpr std::string_view kEntryPurge = "purge";
inline constexpr std::string_view kEntryKeyEpoch = "key_epoch";

std::string Sha256Hex(std::string_view data);
// The current time as the log writes it: "2026-11-22T10:00:00Z".
std::string UtcNow();

inline constexpr std::string_view kTreeHeadSignatureContext = "stapel-tree-head-v1\n";

struct TreeHead {
  uint64_t size = 0;
  Hash256 root{};
  std::string time;
  std::string line;  // the signed JSON line as written
};

// The heads file beside a log.
std::filesystem::path TreeHeadsPath(const std::filesystem::path& log);

// Parses and checks one signed tree head line (canonical form, signature). DATA_LOSS otherwise.
absl::StatusOr<TreeHead> ParseTreeHead(std::string_view line, const Ed25519Verifier& hub_key);

struct LogVerification {
  uint64_t entries = 0;
  std::string head_sha256;  // SHA-256 of the last line; 64 zeros for an empty log
  MerkleTree tree;          // over every line
  std::vector<std::string> lines;
  uint64_t tree_heads = 0;  // signed heads checked against the tree
  std::optional<TreeHead> latest_head;
};

// Checks every line: canonical form, sequence, hash chain, table hash, signature, and that
// the released table keeps the rules recorded in the entry (CheckReleasedTable); then every
// signed tree head in "<log>.heads" (when the file exists): signature, sizes that never shrink,
// and the root of the log's first `size` lines. DATA_LOSS names the first bad entry or head by
// line number; NOT_FOUND when the log is missing.
absl::StatusOr<LogVerification> VerifyReleaseLog(const std::filesystem::path& path,
                                                 const Ed25519Verifier& hub_key);

// A release entry as an auditor reads it: its table, spec and the rules it was released under.
struct LoggedRelease {
  uint64_t seq = 0;
  std::string data_version;  // digest of the records the table was computed from
  DisclosureRules rules;
  ReleasedTable released;
};
// INVALID_ARGUMENT when the entry lacks its table, spec or rules.
absl::StatusOr<LoggedRelease> ReadReleaseEntry(const nlohmann::json& entry);

// One entry on its own (a receipt a party keeps): canonical form and the hub's signature, not
// its place in the chain. DATA_LOSS saying what is wrong.
absl::StatusOr<nlohmann::json> VerifyEntrySignature(std::string_view line,
                                                    const Ed25519Verifier& hub_key);

// One readable line per entry, for a privacy officer: "#5 <time> release to 'analyst' (...)".
std::string DescribeLogEntry(const nlohmann::json& entry);

// The file a requester keeps of a release (stapel-request's .json): the table ("measures",
// "rows") and, under "release", the rest of the signed log entry (seq, time, requester, the
// request with its spec, the rules, table_sha256, signature), so a report knows what each
// column counts and of which population.
nlohmann::json ReleaseFile(const nlohmann::json& entry);

// The attacker-LP audit (AuditReleases) of every group of releases computed from the same
// data, over the log's lines; `audited` = releases covered. FAILED_PRECONDITION names the
// group and the cell that is not protected.
absl::Status AuditLoggedReleases(const std::vector<std::string>& lines, size_t* audited);

// Appends entries. Thread-safe.
class ReleaseLogWriter {
 public:
  // Verifies the existing log with the signer's own public key before accepting appends, so
  // a hub never extends a log that was tampered with. A missing file is created empty.
  static absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> Open(
      const std::filesystem::path& path, std::unique_ptr<Ed25519Signer> signer);

  // Completes `entry` (a "type" and its fields; a release holds "table" and "rules") with seq,
  // table_sha256, prev_sha256 and signature, appends it and its tree head, and fsyncs.
  // Returns the written line.
  absl::StatusOr<std::string> Append(nlohmann::json entry);

  uint64_t entries() const;
  // The newest entry of `type`, if any.
  std::optional<nlohmann::json> LastEntryOfType(std::string_view type) const;
  // Every entry of `type`, oldest first.
  std::vector<nlohmann::json> EntriesOfType(std::string_view type) const;

 private:
  ReleaseLogWriter(std::filesystem::path path, std::unique_ptr<Ed25519Signer> signer,
                   LogVerification state);
  absl::Status AppendTreeHead();  // for the tree as it is now; callers hold mu_
  const std::filesystem::path path_;
  const std::unique_ptr<Ed25519Signer> signer_;
  mutable std::mutex mu_;
  LogVerification state_;  // also holds the Merkle tree of every line
};

}  // namespace stapel

#endif  // STAPEL_LINKER_RELEASE_LOG_H_
