#include "encoding/utf8.h"

#include <utf8proc.h>

namespace stapel {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string BoundedUtf8(std::string_view text, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // utf8proc refuses overlong forms, surrogates and code points past U+10FFFF.
    utf8proc_int32_t code_point;
    const utf8proc_ssize_t length =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                         static_cast<utf8proc_ssize_t>(text.size() - i), &code_point);
    const std::string_view next = length > 0 ? text.substr(i, length) : kReplacement;
    if (out.size() + next.size() > max_bytes) break;
    out += next;
    i += length > 0 ? static_cast<size_t>(length) : 1;
  }
  if (i < text.size()) out += "… [cut: " + std::to_string(text.size()) + " bytes in all]";
  return out;
}

}  // namespace stapel
