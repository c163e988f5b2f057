#ifndef STAPEL_PARTY_AGENT_PSEUDONYM_CSV_H_
#define STAPEL_PARTY_AGENT_PSEUDONYM_CSV_H_

// The records an agent would send, written as CSV instead of sent (stapel-agent --preview): a
// privacy officer reads exactly what leaves the machine, and a benchmark joins the same
// pseudonymized keys in another engine. One line per record:
//   <one column per match key kind>, buurt, <one column per attribute>, household, bloom
// Keys, the household and the Bloom filter in hex; a kind with several keys
// (the parts of a double surname) lists them separated by spaces; absent values are empty.

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "party-agent/batch_sink.h"

namespace stapel {

class PseudonymCsvWriter : public BatchSink {
 public:
  // Creates (or replaces) `path`, readable and writable by this user only, and writes through
  // the descriptor it opened (never a symbolic link, never reopened by name).
  static absl::StatusOr<std::unique_ptr<PseudonymCsvWriter>> Create(const std::string& path);

  // Writes the batch's records; the first batch also writes the header line.
  absl::StatusOr<v1::BatchAck> SubmitBatch(const v1::SignedBatch& batch) override;
  // Flushes the file: an error when it could not be written whole.
  absl::Status Close();
  // A preview completes nothing: UNIMPLEMENTED.
  absl::StatusOr<v1::SubmissionReceipt> CompleteSubmission(
      const v1::SignedSubmissionSummary& summary) override;

 private:
  struct Closer {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  PseudonymCsvWriter(FILE* out, std::string path) : out_(out), path_(std::move(path)) {}
  std::mutex mu_;
  std::unique_ptr<FILE, Closer> out_;  // null once closed
  const std::string path_;
  bool header_written_ = false;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_PSEUDONYM_CSV_H_
