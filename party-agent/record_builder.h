#ifndef STAPEL_PARTY_AGENT_RECORD_BUILDER_H_
#define STAPEL_PARTY_AGENT_RECORD_BUILDER_H_

// Turns one CSV row of a party's export into the pseudonymized record that leaves the
// building: it validates and normalizes the identifying fields, computes the match keys the
// manifest allows this party, and copies the buurt code (register only) and the allowed
// indicator flags. Nothing else of the row is kept. Thread-compatible.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "linker/csv_reader.h"
#include "linker/manifest.h"
#include "linker/match_key.h"
#include "party-agent/agent_config.h"
#include "proto/stapel.pb.h"

namespace stapel {

class RecordBuilder {
 public:
  // Resolves the configured header names against the export's header row. INVALID_ARGUMENT
  // when a needed column is not mapped or not in the header, or when the config maps an
  // attribute the manifest does not allow this party to send.
  static absl::StatusOr<std::unique_ptr<RecordBuilder>> Create(const AgentConfig& config,
                                                               const Manifest& manifest,
                                                               const MatchKeyer* keyer,
                                                               const CsvRow& header);

  // Fills `out`, or returns INVALID_ARGUMENT with the reason the row is rejected (it names
  // the column; the offending value appears only in this local message). A key whose fields
  // are empty is sent as absent; a row is rejected when a filled field is invalid, when no
  // key can be formed, or (register) when the first, person-identifying key is absent.
  absl::Status Build(const CsvRow& row, v1::PseudonymRecord* out) const;

  const std::vector<std::string>& match_key_kinds() const { return kinds_; }
  const std::vector<std::string>& attribute_names() const { return attribute_names_; }

 private:
  struct Column {
    std::string header;
    size_t index;
  };
  RecordBuilder() = default;
  // The normalized value a key of `kind` is computed over; nullopt when the row leaves a
  // field of it empty (the key is then not sent), an error when a field is filled but invalid.
  absl::StatusOr<std::optional<std::string>> KeyValue(std::string_view kind,
                                                      const CsvRow& row) const;

  const MatchKeyer* keyer_ = nullptr;
  bool is_register_ = false;
  std::vector<std::string> kinds_;
  std::vector<std::string> attribute_names_;
  std::vector<Column> attribute_columns_;
  std::map<std::string, Column, std::less<>> fields_;  // identifying field -> column
  size_t header_size_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_RECORD_BUILDER_H_
