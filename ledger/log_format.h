#ifndef STAPEL_LEDGER_LOG_FORMAT_H_
#define STAPEL_LEDGER_LOG_FORMAT_H_

// The release log's format, shared by its writer (log_writer.h), its reader (log_reader.h) and
// the entry builders (log_entry.h).
//
// An append-only file with one signed JSON entry per line, of one "type":
//   "release"     a table released: time, requester, request, rules, linkage report, table
//   "submission"  a party's completed submission: party, counts and a digest of what was stored
//   "refusal"     a request the hub refused, and why
//   "manifest"    the manifest (with the parties' keys) the hub started with, when it changed
//   "purge"       the project's microdata deleted (retention ended, or on demand): no more
//                 submissions or releases
//   "key_epoch"   a linkage secret made in the key ceremony (or rotated): epoch, creator,
//                 key_check and the creator's signed envelope of sealed boxes
//   "repair"      the hub found the log or its heads file ending in a torn, unacknowledged
//                 line (a stop or a full disk during an append) and moved it aside
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
// The lines are also the leaves of an RFC 6962 Merkle tree (merkle_tree.h). After every append
// the hub writes a signed tree head to "<log>.heads" (tree_head.h). A head saved by a privacy
// officer proves later, with a consistency proof, that no earlier entry was altered or removed.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stapel {

inline constexpr std::string_view kEntryRelease = "release";
inline constexpr std::string_view kEntrySubmission = "submission";
inline constexpr std::string_view kEntryRefusal = "refusal";
inline constexpr std::string_view kEntryManifest = "manifest";
inline constexpr std::string_view kEntryPurge = "purge";
inline constexpr std::string_view kEntryKeyEpoch = "key_epoch";
inline constexpr std::string_view kEntryRepair = "repair";
inline constexpr std::string_view kEntryStateChanges = "state_changes";

bool IsKnownEntryType(std::string_view type);

// "prev_sha256" of the first entry.
inline constexpr std::string_view kGenesisSha256 =
    "0000000000000000000000000000000000000000000000000000000000000000";

// What the hub signs of an entry or a tree head: its canonical encoding without "signature".
std::string SigningInput(nlohmann::json signed_object);

// The heads file beside a log: "<log>.heads".
std::filesystem::path TreeHeadsPath(const std::filesystem::path& log);

}  // namespace stapel

#endif  // STAPEL_LEDGER_LOG_FORMAT_H_
