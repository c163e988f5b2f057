#ifndef STAPEL_LINKER_RELEASE_LOG_H_
#define STAPEL_LINKER_RELEASE_LOG_H_

// The release log: an append-only file with one signed JSON entry per line. Each entry holds
// what the caller records (time, requester, request, rules, the released table) plus
//   "seq"          1, 2, 3, ...
//   "table_sha256" SHA-256 of the canonical encoding of "table"
//   "prev_sha256"  SHA-256 of the previous line (64 zeros for the first)
//   "signature"    the hub's Ed25519 signature over "stapel-release-log-v1\n" followed by the
//                  canonical encoding of the entry without "signature"
// Canonical encoding: JSON with object keys sorted, no white space, whole numbers only and
// strings as UTF-8 (nlohmann::json::dump()). A line must be exactly the canonical encoding
// of itself, so any edit of any byte breaks a hash, a signature or that check.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/signing.h"

namespace stapel {

std::string Sha256Hex(std::string_view data);

struct LogVerification {
  uint64_t entries = 0;
  std::string head_sha256;  // SHA-256 of the last line; 64 zeros for an empty log
};

// Checks every line: canonical form, sequence, hash chain, table hash, signature, and that
// the released table keeps the rules recorded in the entry (CheckReleasedTable). DATA_LOSS
// names the first bad entry by line number; NOT_FOUND when the file is missing.
absl::StatusOr<LogVerification> VerifyReleaseLog(const std::filesystem::path& path,
                                                 const Ed25519Verifier& hub_key);

// Appends entries. Thread-safe.
class ReleaseLogWriter {
 public:
  // Verifies the existing log with the signer's own public key before accepting appends, so
  // a hub never extends a log that was tampered with. A missing file is created empty.
  static absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> Open(
      const std::filesystem::path& path, std::unique_ptr<Ed25519Signer> signer);

  // Completes `entry` (which must contain "table" and "rules") with seq, table_sha256,
  // prev_sha256 and signature, appends it and fsyncs. Returns the written line.
  absl::StatusOr<std::string> Append(nlohmann::json entry);

  uint64_t entries() const;

 private:
  ReleaseLogWriter(std::filesystem::path path, std::unique_ptr<Ed25519Signer> signer,
                   LogVerification state);
  const std::filesystem::path path_;
  const std::unique_ptr<Ed25519Signer> signer_;
  mutable std::mutex mu_;
  LogVerification state_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_RELEASE_LOG_H_
