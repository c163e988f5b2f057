#include "ledger/log_entry.h"

#include "encoding/utc_time.h"
#include "encoding/utf8.h"
#include "ledger/log_format.h"

namespace stapel {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReleaseEntry, project_id, requester, request, data_version,
                                   period, rules, protection, linkage, table)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SubmissionEntry, party, period, submission_id, batches, records,
                                   replaced_records, stored_sha256)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PurgeEntry, project_id, retention_until, reason, parties,
                                   stored_entries_deleted)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KeyEpochEntry, project_id, epoch, creator, key_check, sealed_for,
                                   envelope, envelope_signature)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RepairEntry, file, bytes_cut, saved_to)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StateChangesEntry, states, transitions, changes)

namespace {

// The fields of `entry`, stamped with its type and the time.
nlohmann::json Stamped(std::string_view type, nlohmann::json entry) {
  entry["type"] = type;
  entry["time"] = UtcNow();
  return entry;
}

// The fields of `entry` without an empty "period" (a project of one unnamed period).
nlohmann::json WithoutEmptyPeriod(nlohmann::json entry) {
  if (entry.value("period", "").empty()) entry.erase("period");
  return entry;
}

}  // namespace

nlohmann::json ReleaseEntry::ToEntry() const {
  return Stamped(kEntryRelease, WithoutEmptyPeriod(*this));
}
nlohmann::json SubmissionEntry::ToEntry() const {
  return Stamped(kEntrySubmission, WithoutEmptyPeriod(*this));
}
nlohmann::json PurgeEntry::ToEntry() const { return Stamped(kEntryPurge, *this); }
nlohmann::json KeyEpochEntry::ToEntry() const { return Stamped(kEntryKeyEpoch, *this); }
nlohmann::json RepairEntry::ToEntry() const { return Stamped(kEntryRepair, *this); }
nlohmann::json StateChangesEntry::ToEntry() const { return Stamped(kEntryStateChanges, *this); }

nlohmann::json RefusalEntry::ToEntry() const {
  return Stamped(kEntryRefusal, {{"requester", requester},
                                 {"purpose", BoundedUtf8(purpose, kMaxPurposeBytes)},
                                 {"reason", BoundedUtf8(reason, kMaxReasonBytes)}});
}

nlohmann::json ManifestEntry::ToEntry() const {
  nlohmann::json e = described;
  e["project_id"] = project_id;
  e["digest"] = digest;
  return Stamped(kEntryManifest, std::move(e));
}

nlohmann::json ReleaseFile(const nlohmann::json& entry) {
  nlohmann::json file = entry.value("table", nlohmann::json::object());
  file["release"] = entry;
  file["release"].erase("table");
  return file;
}

}  // namespace stapel
