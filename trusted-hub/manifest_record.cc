#include "trusted-hub/manifest_record.h"

#include "disclosure/disclosure.h"
#include "encoding/sha256.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"

namespace stapel {

absl::StatusOr<bool> RecordManifestIfChanged(const Manifest& manifest,
                                             std::string_view manifest_text,
                                             std::string_view officer_signature,
                                             ReleaseLogWriter* log) {
  nlohmann::json parties = nlohmann::json::array();
  for (const auto& p : manifest.parties) {
    parties.push_back({{"id", p.id},
                       {"role", p.role == PartyRole::kRegister ? "register" : "source"},
                       {"signing_key", p.signing_public_key},
                       {"box_key", p.box_public_key},
                       {"match_keys", p.match_keys},
                       {"attributes", p.attributes},
                       {"fuzzy", p.fuzzy}});
  }
  nlohmann::json described = {{"manifest_sha256", Sha256Hex(manifest_text)},
                              {"parties", parties},
                              {"requesters", manifest.requesters},
                              {"privacy_officers", manifest.privacy_officers},
                              {"retention_until", manifest.retention_until},
                              {"linkage_secret_creator", manifest.linkage_secret_creator},
                              {"officer_signature", officer_signature},
                              {"k", manifest.disclosure.k}};
  if (!manifest.gemeenten.empty()) described["gemeenten"] = manifest.gemeenten;
  if (!manifest.periods.empty()) described["periods"] = manifest.periods;
  // The cell key method's parameters, which the audit holds every cell-key release to.
  if (manifest.disclosure.method == DisclosureMethod::kCellKey) {
    described["disclosure"] = RulesToJson(manifest.disclosure);
  }
  const std::string digest = Sha256Hex(described.dump());
  if (auto last = log->LastEntryOfType(kEntryManifest); last && (*last)["digest"] == digest) {
    return false;
  }
  auto appended = log->Append(
      ManifestEntry{.project_id = manifest.project_id, .described = described, .digest = digest}
          .ToEntry());
  if (!appended.ok()) return appended.status();
  return true;
}

}  // namespace stapel
