#ifndef STAPEL_AUDIT_ENTRY_TEXT_H_
#define STAPEL_AUDIT_ENTRY_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace stapel {

// One readable line per verified log entry, for a privacy officer:
// "#5 <time> release to 'analyst' (...)".
std::string DescribeLogEntry(const nlohmann::json& entry);

}  // namespace stapel

#endif  // STAPEL_AUDIT_ENTRY_TEXT_H_
