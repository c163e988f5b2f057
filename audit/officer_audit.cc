#include "audit/officer_audit.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "disclosure/disclosure.h"
#include "encoding/json.h"
#include "ledger/log_format.h"
#include "proto/key_envelope.h"

namespace stapel {

absl::StatusOr<LoggedRelease> ReadReleaseEntry(const nlohmann::json& entry) {
  LoggedRelease out;
  out.seq = entry.value("seq", uint64_t{0});
  out.data_version = entry.value("data_version", std::string());
  if (!entry.contains("table")) return absl::InvalidArgumentError("table is missing");
  auto table = AreaTable::FromJson(entry["table"]);
  if (!table.ok()) return table.status();
  out.released.table = *std::move(table);
  if (!entry.contains("request") || !entry["request"].is_object() ||
      !entry["request"].contains("spec")) {
    return absl::InvalidArgumentError("request.spec is missing");
  }
  auto spec = TableSpec::FromJson(entry["request"]["spec"]);
  if (!spec.ok()) return spec.status();
  out.released.spec = *std::move(spec);
  auto rules = RulesFromJson(entry.value("rules", nlohmann::json()));
  if (!rules.ok()) return rules.status();
  out.rules = *rules;
  out.released.rounding_base = out.rules.rounding_base;
  return out;
}

namespace {

absl::Status CheckRelease(const nlohmann::json& entry) {
  if (entry.value("type", "") != kEntryRelease) return absl::OkStatus();
  auto logged = ReadReleaseEntry(entry);
  if (!logged.ok()) return logged.status();
  if (absl::Status s =
          CheckReleasedTable(logged->rules, logged->released.spec, logged->released.table);
      !s.ok()) {
    return absl::DataLossError(
        fmt::format("released table breaks its rules: {}", std::string(s.message())));
  }
  return absl::OkStatus();
}

absl::Status AuditGroups(const std::vector<std::string>& lines, size_t* audited) {
  std::map<std::string, std::vector<LoggedRelease>> by_data;
  for (const auto& line : lines) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object() || entry.value("type", "") != kEntryRelease) continue;
    auto logged = ReadReleaseEntry(entry);
    if (!logged.ok()) return logged.status();
    by_data[logged->data_version].push_back(*std::move(logged));
  }
  *audited = 0;
  for (const auto& [data_version, group] : by_data) {
    std::vector<ReleasedTable> tables;
    for (const auto& release : group) tables.push_back(release.released);
    *audited += tables.size();
    // The strictest rules of the group (a manifest change may have raised them).
    if (absl::Status s = AuditReleases(group.back().rules, tables); !s.ok()) {
      std::vector<uint64_t> seqs;
      for (const auto& release : group) seqs.push_back(release.seq);
      return absl::FailedPreconditionError(fmt::format("releases {} (one data state) together: {}",
                                                       fmt::join(seqs, ", "),
                                                       std::string(s.message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckReleaseKeepsItsRules(const nlohmann::json& entry) {
  return WithUntrustedJson("the entry", [&] { return CheckRelease(entry); });
}

absl::Status AuditLoggedReleases(const std::vector<std::string>& lines, size_t* audited) {
  return WithUntrustedJson("a release entry", [&] { return AuditGroups(lines, audited); });
}

absl::StatusOr<OfficerAudit> AuditReleaseLog(const std::filesystem::path& log,
                                             const Ed25519Verifier& hub_key) {
  auto verified = VerifyReleaseLog(log, hub_key, CheckReleaseKeepsItsRules);
  if (!verified.ok()) return verified.status();
  OfficerAudit audit;
  audit.log = *std::move(verified);
  for (const auto& line : audit.log.lines) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ++audit.entries_by_type[entry.value("type", "")];
  }
  // Re-prove every released table with the attacker's LP, together with every other release
  // of the same data (the differencing guard's check, from published values only).
  audit.lp_audit = AuditLoggedReleases(audit.log.lines, &audit.releases_audited);
  audit.key_epochs = VerifyLoggedKeyEpochs(audit.log.lines, &audit.key_epochs_checked);
  return audit;
}

}  // namespace stapel
