#include "encoding/utc_time.h"

#include <fmt/chrono.h>

#include <chrono>

namespace stapel {

std::string UtcNow() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace stapel
