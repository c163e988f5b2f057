#ifndef STAPEL_LEDGER_LOG_READER_H_
#define STAPEL_LEDGER_LOG_READER_H_

// Reading and verifying a release log (format in log_format.h). Knows nothing of what an entry
// means beyond its format: a caller that does (the officer's audit, the hub) passes an
// EntryCheck that is run on every entry after its signature verified.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "ledger/merkle_tree.h"
#include "ledger/tree_head.h"

namespace stapel {

// A check of one verified entry's content; its error is reported with the entry's line.
using EntryCheck = std::function<absl::Status(const nlohmann::json& entry)>;

struct LogVerification {
  uint64_t entries = 0;
  std::string head_sha256;  // SHA-256 of the last line; 64 zeros for an empty log
  MerkleTree tree;          // over every line
  std::vector<std::string> lines;
  uint64_t tree_heads = 0;  // signed heads checked against the tree
  std::optional<TreeHead> latest_head;
};

// The state of an empty log.
LogVerification EmptyLog();

// Checks every line: canonical form, known type, sequence, hash chain, table hash, signature,
// then `check` (when given); then every signed tree head in "<log>.heads" (when the file
// exists): signature, sizes that never shrink, and the root of the log's first `size` lines.
// DATA_LOSS names the first bad entry or head by line number; NOT_FOUND when the log is
// missing.
absl::StatusOr<LogVerification> VerifyReleaseLog(const std::filesystem::path& path,
                                                 const Ed25519Verifier& hub_key,
                                                 const EntryCheck& check = {});

// One entry on its own (a receipt a party keeps): canonical form and the hub's signature, not
// its place in the chain. DATA_LOSS saying what is wrong.
absl::StatusOr<nlohmann::json> VerifyEntrySignature(std::string_view line,
                                                    const Ed25519Verifier& hub_key);

}  // namespace stapel

#endif  // STAPEL_LEDGER_LOG_READER_H_
