#ifndef STAPEL_AUDIT_OFFICER_AUDIT_H_
#define STAPEL_AUDIT_OFFICER_AUDIT_H_

// What a privacy officer checks of a release log, with only the log, its tree heads and the
// hub's public key: one function that stapel-audit and the portal's log page both call.

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "disclosure/table_protection.h"
#include "keys/signing.h"
#include "ledger/log_reader.h"
#include "project/manifest.h"

namespace stapel {

// A release entry as an auditor reads it: its table, spec and the rules it was released under.
struct LoggedRelease {
  uint64_t seq = 0;
  std::string data_version;  // digest of the records the table was computed from
  std::string period;        // Manifest::periods; "" in a project of one unnamed period
  DisclosureRules rules;
  ReleasedTable released;
};
// INVALID_ARGUMENT when the entry lacks its table, spec or rules, or its total row tells more
// than its gemeenten (TakeOutTotalRow, which leaves it out of `released`).
absl::StatusOr<LoggedRelease> ReadReleaseEntry(const nlohmann::json& entry);

// An EntryCheck (ledger/log_reader.h): a release entry's table keeps the rules recorded with
// it (CheckReleasedTable); other entries pass. The hub opens its log with it too.
absl::Status CheckReleaseKeepsItsRules(const nlohmann::json& entry);

// The attacker-LP audit (AuditReleases) of every group of releases computed from the same
// data, over the log's lines; `audited` = releases covered. FAILED_PRECONDITION names the
// group and the cell that is not protected.
absl::Status AuditLoggedReleases(const std::vector<std::string>& lines, size_t* audited);

struct OfficerAudit {
  LogVerification log;  // chain, signatures, tree heads, rules of every release
  std::map<std::string, int> entries_by_type;
  absl::Status lp_audit;  // AuditLoggedReleases
  size_t releases_audited = 0;
  absl::Status key_epochs;  // every key epoch made and signed by the manifest's creator
  size_t key_epochs_checked = 0;
  bool ok() const { return lp_audit.ok() && key_epochs.ok(); }
};

// Verifies the log with CheckReleaseKeepsItsRules (an error here is the log's: DATA_LOSS or
// NOT_FOUND), then runs the LP audit and the key-epoch check, whose results it reports.
absl::StatusOr<OfficerAudit> AuditReleaseLog(const std::filesystem::path& log,
                                             const Ed25519Verifier& hub_key);

}  // namespace stapel

#endif  // STAPEL_AUDIT_OFFICER_AUDIT_H_
