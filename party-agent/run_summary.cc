#include "party-agent/run_summary.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "encoding/utc_time.h"

namespace stapel {

absl::Status WriteRunSummary(const std::filesystem::path& path, const AgentConfig& config,
                             const absl::StatusOr<AgentSummary>& run) {
  nlohmann::json json = {{"party", config.party_id},
                         {"input", config.input.string()},
                         {"finished", UtcNow()},
                         {"ok", run.ok()},
                         {"reject_file", config.reject_file.string()}};
  if (!run.ok()) {
    json["error"] = std::string(run.status().message());
  } else {
    json.update({{"rows_read", run->rows_read},
                 {"records_sent", run->records_sent},
                 {"rejected", run->rejected},
                 {"incomplete", run->incomplete},
                 {"acknowledged", run->acknowledged},
                 {"batches", run->batches},
                 {"seconds", run->seconds},
                 {"receipt_seq", run->receipt_seq},
                 {"receipt_file", run->receipt_file.string()}});
  }
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json.dump(2) << "\n";
    if (!out) {
      return absl::PermissionDeniedError("cannot write the run summary " + tmp.string());
    }
  }
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  if (error) return absl::PermissionDeniedError("cannot write the run summary " + path.string());
  return absl::OkStatus();
}

}  // namespace stapel
