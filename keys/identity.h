#ifndef STAPEL_KEYS_IDENTITY_H_
#define STAPEL_KEYS_IDENTITY_H_

// Identities (project ids, hub, party and requester names) appear in certificates, file names
// and log entries, so they are restricted to lowercase letters, digits, '-' and '_', at most
// 64 characters, starting with a letter or digit.

#include <string_view>

#include "absl/status/status.h"

namespace stapel {

absl::Status ValidateIdentity(std::string_view id);

}  // namespace stapel

#endif  // STAPEL_KEYS_IDENTITY_H_
