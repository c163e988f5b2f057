#ifndef STAPEL_TRUSTED_HUB_MANIFEST_RECORD_H_
#define STAPEL_TRUSTED_HUB_MANIFEST_RECORD_H_

// Records in the log which manifest (and which parties' keys) the hub works under, so a
// privacy officer sees every change of rules, parties, attributes or keys.

#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"

namespace stapel {

// Appends a "manifest" entry unless the newest one in `log` describes the same manifest text,
// keys and privacy officer's signature (base64). Returns whether it appended. `log` is used
// during the call only.
absl::StatusOr<bool> RecordManifestIfChanged(const Manifest& manifest,
                                             std::string_view manifest_text,
                                             std::string_view officer_signature,
                                             ReleaseLogWriter* log);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_MANIFEST_RECORD_H_
