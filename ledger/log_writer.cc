#include "ledger/log_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "encoding/hex.h"
#include "encoding/sha256.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"
#include "ledger/tree_head.h"

namespace stapel {
namespace {

// Appends `line` and a newline to `path` and fsyncs. On any failure (a full disk, a write
// cut short) the file is cut back to its size before, so no fragment stays behind for the next
// append to follow. INTERNAL names the file and the reason; DATA_LOSS when even the cut-back
// failed (the writer then refuses further appends: the file must be repaired by reopening).
absl::Status AppendLine(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  const off_t before = ::lseek(fd, 0, SEEK_END);
  const std::string data = line + "\n";
  size_t written = 0;
  int error = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (error == 0) {
    ::close(fd);
    return absl::OkStatus();
  }
  const bool restored = before >= 0 && ::ftruncate(fd, before) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  const std::string why =
      fmt::format("cannot append to {}: {}", path.string(), std::strerror(error));
  if (!restored) {
    return absl::DataLossError(why + "; cutting the partial line off failed too");
  }
  return absl::InternalError(why + "; nothing was written (free disk space and ask again)");
}

// A kill or power loss during an append can leave the file ending in a line without its
// newline: an entry (or head) that was never acknowledged, since Append returns only after
// the whole line is synced. Moves such a fragment to "<file>.torn" (appended, for the
// privacy officer) and cuts it off; returns what it did, for the log. Lines that are complete
// are never touched: their damage is for VerifyReleaseLog to report.
absl::StatusOr<std::optional<RepairEntry>> RepairTornTail(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.empty() || content.back() == '\n') return std::nullopt;
  const size_t last_newline = content.rfind('\n');
  const size_t keep = last_newline == std::string::npos ? 0 : last_newline + 1;
  const std::filesystem::path torn = path.string() + ".torn";
  {
    std::ofstream out(torn, std::ios::binary | std::ios::app);
    out << content.substr(keep) << "\n";
    if (!out.flush()) {
      return absl::InternalError(
          fmt::format("cannot save the torn end of {} to {}", path.string(), torn.string()));
    }
  }
  std::filesystem::resize_file(path, keep, ec);
  if (ec) {
    return absl::InternalError(
        fmt::format("cannot cut the torn end off {}: {}", path.string(), ec.message()));
  }
  spdlog::warn(
      "{} ended in a torn, unacknowledged line of {} bytes (a stop during a write); "
      "it was moved to {}",
      path.string(), content.size() - keep, torn.string());
  return RepairEntry{.file = path.filename().string(),
                     .bytes_cut = content.size() - keep,
                     .saved_to = torn.filename().string()};
}

// How an entry of `type` says so in its canonical line: a cheap filter before parsing (inside
// a JSON string the quotes would be escaped, so only a "type" key can match).
std::string TypeMarker(std::string_view type) { return fmt::format("\"type\":\"{}\"", type); }

}  // namespace

ReleaseLogWriter::ReleaseLogWriter(std::filesystem::path path,
                                   std::unique_ptr<Ed25519Signer> signer, LogVerification state)
    : path_(std::move(path)), signer_(std::move(signer)), state_(std::move(state)) {}

absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> ReleaseLogWriter::Open(
    const std::filesystem::path& path, std::unique_ptr<Ed25519Signer> signer,
    const EntryCheck& check) {
  LogVerification state = EmptyLog();
  std::vector<RepairEntry> repairs;
  for (const auto& file : {path, TreeHeadsPath(path)}) {
    auto repaired = RepairTornTail(file);
    if (!repaired.ok()) return repaired.status();
    if (repaired->has_value()) repairs.push_back(**repaired);
  }
  if (std::filesystem::exists(path)) {
    auto own_key = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
    if (!own_key.ok()) return own_key.status();
    auto verified = VerifyReleaseLog(path, *own_key, check);
    if (!verified.ok()) {
      return absl::DataLossError(fmt::format(
          "refusing to extend {}: {}. Keep the file for the privacy officer and investigate.",
          path.string(), std::string(verified.status().message())));
    }
    state = std::move(*verified);
  }
  std::unique_ptr<ReleaseLogWriter> writer(
      new ReleaseLogWriter(path, std::move(signer), std::move(state)));
  // A stop between writing an entry and its head leaves the newest entries without one.
  const uint64_t covered = writer->state_.latest_head ? writer->state_.latest_head->size : 0;
  if (writer->state_.entries > covered) {
    if (absl::Status s = writer->AppendTreeHead(); !s.ok()) return s;
  }
  for (const RepairEntry& repair : repairs) {  // the privacy officer sees every repair
    if (auto line = writer->Append(repair.ToEntry()); !line.ok()) return line.status();
  }
  return writer;
}

uint64_t ReleaseLogWriter::entries() const {
  std::lock_guard lock(mu_);
  return state_.entries;
}

absl::Status ReleaseLogWriter::WhileNoAppend(const std::function<absl::Status()>& fn) {
  std::lock_guard lock(mu_);
  return fn();
}

absl::StatusOr<std::string> ReleaseLogWriter::Append(nlohmann::json entry) {
  std::lock_guard lock(mu_);
  if (!broken_.ok()) return broken_;
  entry["seq"] = state_.entries + 1;
  entry["prev_sha256"] = state_.head_sha256;
  if (entry.contains("table")) entry["table_sha256"] = Sha256Hex(entry["table"].dump());
  entry["signature"] = HexEncode(signer_->Sign(kReleaseLogSignatureContext, SigningInput(entry)));
  const std::string line = entry.dump();

  if (absl::Status s = AppendLine(path_, line); !s.ok()) {
    if (s.code() == absl::StatusCode::kDataLoss) {
      broken_ = absl::DataLossError(fmt::format(
          "{}; the hub appends nothing more until it is restarted (which repairs the end)",
          std::string(s.message())));
    }
    return s;
  }
  ++state_.entries;
  state_.head_sha256 = Sha256Hex(line);
  state_.tree.Append(line);
  state_.lines.push_back(line);
  // The entry is written and synced: it stands. A head that failed is written on the next
  // append or at the next start (Open adds one for entries without).
  if (absl::Status s = AppendTreeHead(); !s.ok()) {
    if (s.code() == absl::StatusCode::kDataLoss) {  // a fragment stays in the heads file
      broken_ = absl::DataLossError(fmt::format(
          "{}; the hub appends nothing more until it is restarted (which repairs the end)",
          std::string(s.message())));
    }
    spdlog::warn("release log entry {} written, its tree head not yet: {}", state_.entries,
                 std::string(s.message()));
  }
  return line;
}

std::optional<nlohmann::json> ReleaseLogWriter::LastEntryOfType(std::string_view type) const {
  std::lock_guard lock(mu_);
  const std::string marker = TypeMarker(type);
  for (auto it = state_.lines.rbegin(); it != state_.lines.rend(); ++it) {
    if (it->find(marker) == std::string::npos) continue;
    nlohmann::json entry = nlohmann::json::parse(*it, nullptr, /*allow_exceptions=*/false);
    if (entry.is_object() && entry["type"] == type) return entry;
  }
  return std::nullopt;
}

std::vector<nlohmann::json> ReleaseLogWriter::EntriesOfType(std::string_view type) const {
  size_t from = 0;
  return EntriesOfType(type, &from);
}

std::vector<nlohmann::json> ReleaseLogWriter::EntriesOfType(std::string_view type,
                                                            size_t* from) const {
  std::lock_guard lock(mu_);
  std::vector<nlohmann::json> out;
  const std::string marker = TypeMarker(type);
  for (size_t i = *from; i < state_.lines.size(); ++i) {
    const std::string& line = state_.lines[i];
    if (line.find(marker) == std::string::npos) continue;
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (entry.is_object() && entry["type"] == type) out.push_back(std::move(entry));
  }
  *from = std::max(*from, state_.lines.size());
  return out;
}

absl::Status ReleaseLogWriter::AppendTreeHead() {
  return AppendLine(TreeHeadsPath(path_), SignTreeHead(state_.tree, *signer_));
}

}  // namespace stapel
