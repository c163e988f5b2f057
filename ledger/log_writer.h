#ifndef STAPEL_LEDGER_LOG_WRITER_H_
#define STAPEL_LEDGER_LOG_WRITER_H_

// Appends signed entries to a release log (format in log_format.h) and a signed tree head
// after each. The only writer of a log; entries come from the builders in log_entry.h.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "ledger/log_reader.h"

namespace stapel {

// Thread-safe.
class ReleaseLogWriter {
 public:
  // Verifies the existing log (with `check` on every entry, and the signer's own public key)
  // before accepting appends, so a hub never extends a log that was tampered with. A missing
  // file is created empty. An unterminated last line of the log or the heads file (a stop
  // during an append, never acknowledged) is moved to "<file>.torn" first.
  static absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> Open(
      const std::filesystem::path& path, std::unique_ptr<Ed25519Signer> signer,
      const EntryCheck& check = {});

  // Completes `entry` (a "type" and its fields; a release holds "table" and "rules") with seq,
  // table_sha256, prev_sha256 and signature, appends it and its tree head, and fsyncs.
  // Returns the written line once it is synced. On failure (a full disk) nothing of the entry
  // stays in the file and the error says so.
  absl::StatusOr<std::string> Append(nlohmann::json entry);

  uint64_t entries() const;
  // Runs `fn` while no entry is appended, and returns what it returns: a backup copies the log
  // and what its entries refer to at one moment.
  absl::Status WhileNoAppend(const std::function<absl::Status()>& fn);
  // The newest entry of `type`, if any.
  std::optional<nlohmann::json> LastEntryOfType(std::string_view type) const;
  // Every entry of `type`, oldest first.
  std::vector<nlohmann::json> EntriesOfType(std::string_view type) const;
  // The same from line `*from` on (0: the first), and sets `*from` to the lines read: the next
  // call with it reads only what was appended since.
  std::vector<nlohmann::json> EntriesOfType(std::string_view type, size_t* from) const;

 private:
  ReleaseLogWriter(std::filesystem::path path, std::unique_ptr<Ed25519Signer> signer,
                   LogVerification state);
  absl::Status AppendTreeHead();  // for the tree as it is now; callers hold mu_
  const std::filesystem::path path_;
  const std::unique_ptr<Ed25519Signer> signer_;
  mutable std::mutex mu_;
  LogVerification state_;  // also holds the Merkle tree of every line
  absl::Status broken_;    // set when a failed append could not be undone
};

}  // namespace stapel

#endif  // STAPEL_LEDGER_LOG_WRITER_H_
