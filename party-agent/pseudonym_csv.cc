#include "party-agent/pseudonym_csv.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "encoding/hex.h"
#include "records/csv_reader.h"

namespace stapel {

absl::StatusOr<std::unique_ptr<PseudonymCsvWriter>> PseudonymCsvWriter::Create(
    const std::string& path) {
  // Readable by this user only: it holds every record's pseudonyms and attributes.
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  FILE* out = fd >= 0 && ::fchmod(fd, 0600) == 0 ? ::fdopen(fd, "w") : nullptr;
  if (out == nullptr) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::PermissionDeniedError(
        fmt::format("cannot write {}: {} (a symbolic link is not followed)", path, reason));
  }
  return std::unique_ptr<PseudonymCsvWriter>(new PseudonymCsvWriter(out, path));
}

absl::StatusOr<v1::BatchAck> PseudonymCsvWriter::SubmitBatch(const v1::SignedBatch& signed_batch) {
  v1::Batch batch;
  if (!batch.ParseFromString(signed_batch.batch())) {
    return absl::InternalError("a batch the agent built does not parse");
  }
  std::string text;
  std::lock_guard lock(mu_);
  if (!header_written_) {
    for (const auto& kind : batch.match_key_kinds()) text += EscapeCsvField(kind) + ',';
    text += "buurt,";
    for (const auto& name : batch.attribute_names()) text += EscapeCsvField(name) + ',';
    text += "household,bloom\n";
    header_written_ = true;
  }
  std::vector<std::string> keys(batch.match_key_kinds_size());
  for (const v1::PseudonymRecord& r : batch.records()) {
    for (auto& k : keys) k.clear();
    for (const v1::MatchKeyEntry& e : r.keys()) {
      if (e.kind() >= keys.size()) continue;
      if (!keys[e.kind()].empty()) keys[e.kind()] += ' ';
      keys[e.kind()] += HexEncode(e.key());
    }
    for (const auto& k : keys) text += k + ',';
    text += r.buurt() + ',';
    for (uint32_t v : r.attribute_values()) text += fmt::format("{},", v);
    text += HexEncode(r.household()) + ',' + HexEncode(r.bloom()) + '\n';
  }
  if (!out_) return absl::FailedPreconditionError(fmt::format("{} is closed", path_));
  if (std::fwrite(text.data(), 1, text.size(), out_.get()) != text.size()) {
    return absl::ResourceExhaustedError(
        fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
  }
  v1::BatchAck ack;
  ack.set_sequence(batch.sequence());
  ack.set_records_stored(batch.records_size());
  return ack;
}

absl::Status PseudonymCsvWriter::Close() {
  std::lock_guard lock(mu_);
  FILE* out = out_.release();
  if (out == nullptr) return absl::FailedPreconditionError(fmt::format("{} is closed", path_));
  const bool synced = std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  if (std::fclose(out) != 0 || !synced) {
    return absl::ResourceExhaustedError(fmt::format("cannot write {} whole", path_));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SubmissionReceipt> PseudonymCsvWriter::CompleteSubmission(
    const v1::SignedSubmissionSummary&) {
  return absl::UnimplementedError("a preview completes no submission");
}

}  // namespace stapel
