#include "ledger/log_format.h"

namespace stapel {

bool IsKnownEntryType(std::string_view type) {
  for (std::string_view known : {kEntryRelease, kEntrySubmission, kEntryRefusal, kEntryManifest,
                                 kEntryPurge, kEntryKeyEpoch, kEntryRepair, kEntryStateChanges}) {
    if (type == known) return true;
  }
  return false;
}

std::string SigningInput(nlohmann::json signed_object) {
  signed_object.erase("signature");
  return signed_object.dump();
}

std::filesystem::path TreeHeadsPath(const std::filesystem::path& log) {
  return std::filesystem::path(log.string() + ".heads");
}

}  // namespace stapel
