#include "audit/entry_text.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ledger/log_format.h"
#include "tables/area_table.h"

namespace stapel {
namespace {

// " of period P", or nothing in a project of one unnamed period.
std::string OfPeriod(const nlohmann::json& e) {
  const std::string period = e.value("period", std::string());
  return period.empty() ? "" : fmt::format(" of period {}", period);
}

std::string SubmissionText(const nlohmann::json& e) {
  return fmt::format(
      "submission of '{}'{}: {} records in {} batches (replacing {}), stored data sha256 {}",
      e.at("party").get<std::string>(), OfPeriod(e), e.at("records").get<uint64_t>(),
      e.at("batches").get<uint64_t>(), e.at("replaced_records").get<uint64_t>(),
      e.at("stored_sha256").get<std::string>().substr(0, 16));
}

std::string RefusalText(const nlohmann::json& e) {
  return fmt::format("REFUSED '{}': {}", e.at("requester").get<std::string>(),
                     e.at("reason").get<std::string>());
}

std::string PurgeText(const nlohmann::json& e) {
  return fmt::format(
      "PURGE of project '{}' ({}; retention until {}): {} stored entries of {} deleted; no more "
      "submissions or releases",
      e.at("project_id").get<std::string>(), e.at("reason").get<std::string>(),
      e.at("retention_until").get<std::string>().empty()
          ? "not stated"
          : e.at("retention_until").get<std::string>(),
      e.at("stored_entries_deleted").get<uint64_t>(),
      e.at("parties").empty() ? "no party" : fmt::format("{}", fmt::join(e.at("parties"), ", ")));
}

std::string KeyEpochText(const nlohmann::json& e) {
  return fmt::format(
      "linkage secret of epoch {} made by '{}' (key check {}), sealed for {}; batches of "
      "earlier epochs are refused",
      e.at("epoch").get<uint64_t>(), e.at("creator").get<std::string>(),
      e.at("key_check").get<std::string>().substr(0, 16), fmt::join(e.at("sealed_for"), ", "));
}

std::string ManifestText(const nlohmann::json& e) {
  std::string parties;
  for (const auto& p : e.at("parties")) {
    parties +=
        fmt::format("{}{} ({}: {})", parties.empty() ? "" : ", ", p.at("id").get<std::string>(),
                    p.at("role").get<std::string>(), fmt::join(p.at("attributes"), " "));
  }
  return fmt::format("manifest of '{}' in force (k = {}): {}; requesters: {}",
                     e.at("project_id").get<std::string>(), e.at("k").get<int>(), parties,
                     fmt::join(e.at("requesters"), ", "));
}

std::string RepairText(const nlohmann::json& e) {
  return fmt::format(
      "REPAIR at start: {} ended in a torn, unacknowledged line of {} bytes (a stop or a full "
      "disk during a write); it was cut off and kept in {}",
      e.value("file", std::string("?")), e.value("bytes_cut", uint64_t{0}),
      e.value("saved_to", std::string("?")));
}

std::string StateChangesText(const nlohmann::json& e) {
  return fmt::format(
      "for the release that names it: what changed between {} data states (updates), {} "
      "change(s) per area and unit, as the guard assumed an attacker knows them; the audit "
      "re-proves the releases of these states together",
      e.at("states").size(), e.at("changes").size());
}

std::string ReleaseText(const nlohmann::json& e) {
  auto table = AreaTable::FromJson(e.at("table"));
  size_t cells = 0, suppressed = 0, rows = 0, columns = 0;
  // The areas and cells as protected: a total over gemeenten is made of them (verify checks it).
  if (table.ok() && TakeOutTotalRow(&*table).ok()) {
    rows = table->rows.size();
    columns = table->measures.size();
    for (const auto& row : table->rows) {
      for (const auto& c : row.cells) {
        ++cells;
        suppressed += c.suppressed;
      }
    }
  }
  const nlohmann::json& request = e.at("request");
  const std::string purpose = request.value("purpose", std::string());
  std::string measures;
  for (const auto& m : request.value("measures", nlohmann::json::array())) {
    measures += fmt::format("{}{} = {}", measures.empty() ? "; measures: " : ", ",
                            m.at("name").get<std::string>(), m.at("expression").get<std::string>());
  }
  const nlohmann::json protection = e.value("protection", nlohmann::json::object());
  const nlohmann::json& rules = e.at("rules");
  const std::string head = fmt::format(
      "release to '{}' ({}): {} per {}{}{}{}; {} areas × {} columns, {} of {} cells suppressed",
      e.at("requester").get<std::string>(), purpose.empty() ? "no purpose given" : purpose,
      request.value("population", std::string("?")), request.value("level", std::string("?")),
      request.contains("within") ? " in " + request.value("within", std::string("?")) : "",
      OfPeriod(e), measures, rows, columns, suppressed, cells);
  if (rules.value("method", "") == "cell_key") {
    const int held_back = protection.value("held_back", 0);
    return head +
           fmt::format(
               "; cell key method: counts perturbed by at most {}, variance {}, none in 1..{}{}",
               rules.value("max_deviation", 0), rules.value("variance", 0.0),
               rules.value("threshold", 0),
               held_back == 0 ? ""
                              : fmt::format("; {} cells held back: their areas' data changed "
                                            "since earlier releases of the period",
                                            held_back));
  }
  return head + fmt::format(
                    " ({} by the differencing guard against {} earlier releases); rules k = {}, "
                    "rounding base {}",
                    protection.value("suppressed_by_guard", 0),
                    protection.value("earlier_releases_checked", 0), rules.at("k").get<int>(),
                    rules.value("rounding_base", 1));
}

std::string Describe(const nlohmann::json& e) {
  const std::string head =
      fmt::format("#{} {} ", e.at("seq").get<uint64_t>(), e.at("time").get<std::string>());
  const std::string type = e.at("type").get<std::string>();
  if (type == kEntrySubmission) return head + SubmissionText(e);
  if (type == kEntryRefusal) return head + RefusalText(e);
  if (type == kEntryPurge) return head + PurgeText(e);
  if (type == kEntryKeyEpoch) return head + KeyEpochText(e);
  if (type == kEntryManifest) return head + ManifestText(e);
  if (type == kEntryRepair) return head + RepairText(e);
  if (type == kEntryStateChanges) return head + StateChangesText(e);
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
