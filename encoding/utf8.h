#ifndef STAPEL_ENCODING_UTF8_H_
#define STAPEL_ENCODING_UTF8_H_

// Text from outside (a requester's purpose, a refusal that quotes a request) on its way into
// the release log or an error: always valid UTF-8 (the log's JSON writer refuses anything
// else) and bounded.

#include <cstddef>
#include <string>
#include <string_view>

namespace stapel {

// `text` as valid UTF-8 of at most `max_bytes` bytes plus a short note: invalid bytes become
// U+FFFD, and a longer text is cut at a character boundary and ends in
// "… [cut: N bytes in all]".
std::string BoundedUtf8(std::string_view text, size_t max_bytes);

}  // namespace stapel

#endif  // STAPEL_ENCODING_UTF8_H_
