// The cell key method's part of the Releaser (release.h): what earlier releases of a period
// require of a new cell-key table, and the table.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "disclosure/disclosure.h"
#include "ledger/log_format.h"
#include "trusted-hub/release.h"

namespace stapel {

absl::StatusOr<Releaser::CellKeyHistory> Releaser::EarlierCellKeyReleases(
    const LinkedStates::State& linked, const std::string& period) {
  CellKeyHistory out;
  std::set<std::string> compared;  // data versions
  const nlohmann::json now = RulesToJson(manifest_->disclosure);
  for (const auto& entry : log_->EntriesOfType(kEntryRelease)) {
    if (entry.value("period", "") != period) continue;
    const uint64_t seq = entry.value("seq", uint64_t{0});
    if (entry.value("rules", nlohmann::json::object()).value("method", "") != "cell_key") {
      return absl::FailedPreconditionError(fmt::format(
          "release #{} of this period was made by cell suppression; the cell key method "
          "cannot guard its exact counts. Keep method = \"suppression\" for this project, or "
          "release cell-key tables in a new project or period",
          seq));
    }
    for (const char* field : {"max_deviation", "variance", "threshold"}) {
      if (entry["rules"].value(field, nlohmann::json()) != now[field]) {
        return absl::FailedPreconditionError(fmt::format(
            "release #{} of this period was perturbed with {} {}, the manifest now says {}; "
            "other parameters would give its cells a second draw to average. Restore them, or "
            "release with the new ones in a new period",
            seq, field, entry["rules"].value(field, nlohmann::json()).dump(), now[field].dump()));
      }
    }
    ++out.earlier_releases;
    const std::string version = entry.value("data_version", "");
    const bool base = compared.empty();  // the period's first released state
    if (!compared.insert(version).second || version == linked.data_version) continue;
    auto kept = kept_states_.find(version);
    if (kept == kept_states_.end() || (base && !kept->second.counts.has_value())) {
      auto stored = store_->StateCounts(version);
      if (!stored.ok()) return stored.status();
      KeptState state;
      if (stored->has_value()) {
        const nlohmann::json json = nlohmann::json::parse(**stored, nullptr, false);
        auto counts = BuurtCountsFromJson(json);
        auto contents = json.is_object() && json.contains("cell_key_contents")
                            ? AreaContentsFromJson(json["cell_key_contents"])
                            : absl::StatusOr<AreaContents>(AreaContents());
        if (!counts.ok() || !contents.ok()) {
          return absl::DataLossError(fmt::format(
              "the kept counts of data state {} do not parse ({}): restore the data folder from "
              "a backup",
              version.substr(0, 16),
              std::string((counts.ok() ? contents.status() : counts.status()).message())));
        }
        if (json.contains("cell_key_contents")) state.contents = *std::move(contents);
        if (base) state.counts = *std::move(counts);
      }
      kept = kept_states_.insert_or_assign(version, std::move(state)).first;
    }
    if (base) out.base = kept->second.counts.has_value() ? &*kept->second.counts : nullptr;
    if (!kept->second.contents.has_value()) {
      // Kept by a hub before this check (or not at all): nothing tells what stayed.
      spdlog::warn(
          "data state {} of release #{} has no kept area contents; every area counts "
          "as changed since",
          version.substr(0, 16), seq);
      out.contents_unknown = true;
      for (const auto& [buurt, digest] : linked.contents) out.changed_buurten.insert(buurt);
      continue;
    }
    AddChangedBuurten(linked.contents, *kept->second.contents, &out.changed_buurten);
  }
  return out;
}

absl::StatusOr<Releaser::CellKeyTableOf> Releaser::CellKeyTable(const LinkedStates::State& linked,
                                                                const TableSpec& spec,
                                                                const std::string& period) {
  const DisclosureRules& rules = manifest_->disclosure;
  if (!ptable_.ok()) return ptable_.status();
  auto history = EarlierCellKeyReleases(linked, period);
  if (!history.ok()) return history.status();
  EarlierCellKeyStates earlier{.changed_buurten = history->changed_buurten, .base = {}};
  if (history->base != nullptr) earlier.base = BuildTable(spec, *history->base, geography_);
  CellKeyTableOf out{.table = BuildTable(spec, linked.counts, geography_),
                     .result = {},
                     .earlier_releases = history->earlier_releases};
  out.result = ApplyCellKey(rules, *ptable_, spec, &out.table, earlier);
  const CellKeyResult& result = out.result;
  if (result.published == 0 && result.held_back > 0) {
    return absl::FailedPreconditionError(
        history->contents_unknown
            ? fmt::format("the data of period '{}' changed since cell-key releases that a hub "
                          "before this version made, and it kept nothing that tells which "
                          "areas stayed the same, so none can be shown. Use method = "
                          "\"suppression\", whose guard proves releases over updates, or "
                          "wait for the next period's data",
                          period)
            : fmt::format("the data of period '{}' changed in {} buurten since its earlier "
                          "cell-key releases, which leaves nothing of this table to show: new "
                          "values of a changed area would show which counts the change "
                          "touched (a rotation of the linkage secret changes every area). Ask "
                          "at a finer level, use method = \"suppression\" (its guard proves "
                          "releases over updates), or wait for the next period's data",
                          period, history->changed_buurten.size()));
  }
  spdlog::info(
      "cell key: {} counts published, {} changed by the perturbation (mean |change| "
      "{:.2f}); {} buurten changed since earlier releases of the period",
      result.published, result.changed,
      result.published == 0 ? 0.0
                            : static_cast<double>(result.absolute_perturbation) / result.published,
      history->changed_buurten.size());
  return out;
}

}  // namespace stapel
