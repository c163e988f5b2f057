#include "keys/identity.h"

#include <fmt/format.h>

#include "absl/strings/ascii.h"
#include "encoding/utf8.h"

namespace stapel {

absl::Status ValidateIdentity(std::string_view id) {
  bool ok =
      !id.empty() && id.size() <= 64 && absl::ascii_isalnum(static_cast<unsigned char>(id[0]));
  for (char c : id) {
    ok = ok && (absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'z') ||
                c == '-' || c == '_');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("{}{}{}", "'", BoundedUtf8(id, 80),
                  "' is not a valid identity: use 1-64 lowercase letters, digits, '-' or '_', "
                  "starting with a letter or digit"));
}

}  // namespace stapel
