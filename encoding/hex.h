#ifndef STAPEL_ENCODING_HEX_H_
#define STAPEL_ENCODING_HEX_H_

// Lowercase hex, as the release log and the stores write hashes, ids and signatures.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace stapel {

std::string HexEncode(std::span<const uint8_t> data);
std::string HexEncode(std::string_view bytes);

// Decodes exactly 2 * out.size() lowercase hex digits into `out`; false on anything else
// (wrong length, upper case, a non-hex character), leaving `out` unspecified.
bool HexDecode(std::string_view hex, std::span<uint8_t> out);

}  // namespace stapel

#endif  // STAPEL_ENCODING_HEX_H_
