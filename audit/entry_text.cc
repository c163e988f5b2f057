#include "audit/entry_text.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ledger/log_format.h"
#include "tables/area_table.h"

namespace stapel {
namespace {

std::string SubmissionText(const nlohmann::json& e) {
  return fmt::format(
      "submission of '{}': {} records in {} batches (replacing {}), stored data sha256 {}",
      e["party"].get<std::string>(), e["records"].get<uint64_t>(), e["batches"].get<uint64_t>(),
      e["replaced_records"].get<uint64_t>(), e["stored_sha256"].get<std::string>().substr(0, 16));
}

std::string RefusalText(const nlohmann::json& e) {
  return fmt::format("REFUSED '{}': {}", e["requester"].get<std::string>(),
                     e["reason"].get<std::string>());
}

std::string PurgeText(const nlohmann::json& e) {
  return fmt::format(
      "PURGE of project '{}' ({}; retention until {}): {} stored entries of {} deleted; no more "
      "submissions or releases",
      e["project_id"].get<std::string>(), e["reason"].get<std::string>(),
      e["retention_until"].get<std::string>().empty() ? "not stated"
                                                      : e["retention_until"].get<std::string>(),
      e["stored_entries_deleted"].get<uint64_t>(),
      e["parties"].empty() ? "no party" : fmt::format("{}", fmt::join(e["parties"], ", ")));
}

std::string KeyEpochText(const nlohmann::json& e) {
  return fmt::format(
      "linkage secret of epoch {} made by '{}' (key check {}), sealed for {}; batches of "
      "earlier epochs are refused",
      e["epoch"].get<uint64_t>(), e["creator"].get<std::string>(),
      e["key_check"].get<std::string>().substr(0, 16), fmt::join(e["sealed_for"], ", "));
}

std::string ManifestText(const nlohmann::json& e) {
  std::string parties;
  for (const auto& p : e["parties"]) {
    parties += fmt::format("{}{} ({}: {})", parties.empty() ? "" : ", ", p["id"].get<std::string>(),
                           p["role"].get<std::string>(), fmt::join(p["attributes"], " "));
  }
  return fmt::format("manifest of '{}' in force (k = {}): {}; requesters: {}",
                     e["project_id"].get<std::string>(), e["k"].get<int>(), parties,
                     fmt::join(e["requesters"], ", "));
}

std::string RepairText(const nlohmann::json& e) {
  return fmt::format(
      "REPAIR at start: {} ended in a torn, unacknowledged line of {} bytes (a stop or a full "
      "disk during a write); it was cut off and kept in {}",
      e.value("file", std::string("?")), e.value("bytes_cut", uint64_t{0}),
      e.value("saved_to", std::string("?")));
}

std::string ReleaseText(const nlohmann::json& e) {
  const auto table = AreaTable::FromJson(e["table"]);
  size_t cells = 0, suppressed = 0, rows = 0, columns = 0;
  if (table.ok()) {
    rows = table->rows.size();
    columns = table->measures.size();
    for (const auto& row : table->rows) {
      for (const auto& c : row.cells) {
        ++cells;
        suppressed += c.suppressed;
      }
    }
  }
  const nlohmann::json& request = e["request"];
  const std::string purpose = request.value("purpose", std::string());
  std::string measures;
  for (const auto& m : request.value("measures", nlohmann::json::array())) {
    measures += fmt::format("{}{} = {}", measures.empty() ? "; measures: " : ", ",
                            m["name"].get<std::string>(), m["expression"].get<std::string>());
  }
  const nlohmann::json protection = e.value("protection", nlohmann::json::object());
  return fmt::format(
      "release to '{}' ({}): {} per {}{}; {} areas × {} columns, {} of {} cells suppressed ({} "
      "by the differencing guard against {} earlier releases); rules k = {}, rounding base {}",
      e["requester"].get<std::string>(), purpose.empty() ? "no purpose given" : purpose,
      request.value("population", std::string("?")), request.value("level", std::string("?")),
      measures, rows, columns, suppressed, cells, protection.value("suppressed_by_guard", 0),
      protection.value("earlier_releases_checked", 0), e["rules"]["k"].get<int>(),
      e["rules"].value("rounding_base", 1));
}

std::string Describe(const nlohmann::json& e) {
  const std::string head =
      fmt::format("#{} {} ", e["seq"].get<uint64_t>(), e["time"].get<std::string>());
  const std::string type = e["type"].get<std::string>();
  if (type == kEntrySubmission) return head + SubmissionText(e);
  if (type == kEntryRefusal) return head + RefusalText(e);
  if (type == kEntryPurge) return head + PurgeText(e);
  if (type == kEntryKeyEpoch) return head + KeyEpochText(e);
  if (type == kEntryManifest) return head + ManifestText(e);
  if (type == kEntryRepair) return head + RepairText(e);
  return head + ReleaseText(e);
}

}  // namespace

std::string DescribeLogEntry(const nlohmann::json& e) {
  // Entries are verified and signed, but a field of an unexpected type (an older or a hostile
  // hub) makes an unreadable line, not an exception in the officer's tools.
  try {
    return Describe(e);
  } catch (const nlohmann::json::exception& error) {
    return fmt::format("#{} (an entry this version cannot describe: {})",
                       e.is_object() ? e.value("seq", nlohmann::json()).dump() : "?", error.what());
  }
}

}  // namespace stapel
