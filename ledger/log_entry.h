#ifndef STAPEL_LEDGER_LOG_ENTRY_H_
#define STAPEL_LEDGER_LOG_ENTRY_H_

// The entries the hub writes to the release log (log_format.h), one builder per type: the only
// place entries are made. Each ToEntry() stamps "type" and "time"; the writer adds seq, the
// chain and the signature. The ledger treats the content of a release (request, rules,
// protection, linkage, table) as JSON it does not interpret.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stapel {

struct ReleaseEntry {
  std::string project_id;
  std::string requester;
  nlohmann::json request;  // purpose, population, level, measures, spec
  std::string data_version;
  std::string period;  // Manifest::periods; left out of the entry when empty
  nlohmann::json rules;
  nlohmann::json protection;
  nlohmann::json linkage;
  nlohmann::json table;
  nlohmann::json ToEntry() const;
};

// `period` is left out of the entry when empty (a project of one unnamed period), as in
// ReleaseEntry.
struct SubmissionEntry {
  std::string party;
  std::string period;
  std::string submission_id;  // hex
  uint64_t batches = 0;
  uint64_t records = 0;
  uint64_t replaced_records = 0;
  std::string stored_sha256;  // over the stored batches, in order
  nlohmann::json ToEntry() const;
};

// Free text from outside, bounded before it is logged (BoundedUtf8).
inline constexpr size_t kMaxPurposeBytes = 1000;
inline constexpr size_t kMaxReasonBytes = 2000;

struct RefusalEntry {
  std::string requester;
  std::string purpose;  // logged as at most kMaxPurposeBytes of valid UTF-8
  std::string reason;   // at most kMaxReasonBytes
  nlohmann::json ToEntry() const;
};

// `described` is the manifest as logged (parties and their keys, requesters, officers, k, ...);
// `digest` its SHA-256, by which the hub tells whether it changed.
struct ManifestEntry {
  std::string project_id;
  nlohmann::json described;
  std::string digest;
  nlohmann::json ToEntry() const;
};

struct PurgeEntry {
  std::string project_id;
  std::string retention_until;
  std::string reason;
  std::vector<std::string> parties;
  uint64_t stored_entries_deleted = 0;
  nlohmann::json ToEntry() const;
};

struct KeyEpochEntry {
  std::string project_id;
  uint64_t epoch = 0;
  std::string creator;
  std::string key_check;
  std::vector<std::string> sealed_for;
  std::string envelope;            // base64 of the signed envelope
  std::string envelope_signature;  // base64
  nlohmann::json ToEntry() const;
};

// Written before a release over data that changed since earlier releases (updates,
// corrections), which names it by its seq (protection.state_changes_seq): the data states of the
// releases the guard linked, and what changed in each area between states that followed each
// other, as the hub assumed an attacker knows it, so the audit can re-prove the releases over all
// states. For privacy officers: no requester is sent it.
struct StateChangesEntry {
  std::vector<std::string> states;  // data versions: [0] the release's, then earlier states 1, ...
  nlohmann::json transitions;       // [[earlier, later], ...] by state number, in time order
  nlohmann::json changes;           // StateChangesToJson (disclosure/table_protection.h)
  nlohmann::json ToEntry() const;
};

// A torn last line cut off `file` at start and kept in `saved_to`.
struct RepairEntry {
  std::string file;
  uint64_t bytes_cut = 0;
  std::string saved_to;
  nlohmann::json ToEntry() const;
};

// The file a requester keeps of a release (stapel-request's .json): the table ("measures",
// "rows") and, under "release", the rest of the signed log entry (seq, time, requester, the
// request with its spec, the rules, table_sha256, signature), so a report knows what each
// column counts and of which population.
nlohmann::json ReleaseFile(const nlohmann::json& entry);

}  // namespace stapel

#endif  // STAPEL_LEDGER_LOG_ENTRY_H_
