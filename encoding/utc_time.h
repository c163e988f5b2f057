#ifndef STAPEL_ENCODING_UTC_TIME_H_
#define STAPEL_ENCODING_UTC_TIME_H_

#include <string>

namespace stapel {

// The current time as the release log and receipts write it: "2026-11-22T10:00:00Z".
std::string UtcNow();

}  // namespace stapel

#endif  // STAPEL_ENCODING_UTC_TIME_H_
