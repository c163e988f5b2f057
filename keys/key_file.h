#ifndef STAPEL_KEYS_KEY_FILE_H_
#define STAPEL_KEYS_KEY_FILE_H_

// Reading and writing key files. Binary keys are stored as one line of standard base64.
// Private files are created with mode 0600 and refused on reading when group or others may
// read them. Nothing here logs key material.

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "keys/secret_bytes.h"

namespace stapel {

enum class FileMode { kPublic, kPrivate };  // 0644 or 0600

// Writes `contents` to `path`. Fails with ALREADY_EXISTS (naming the file and the flag that
// allows it) when the file exists and `overwrite` is false.
absl::Status WriteKeyFile(const std::filesystem::path& path, std::string_view contents,
                          FileMode mode, bool overwrite);

// Reads a whole text file. NOT_FOUND when missing.
absl::StatusOr<std::string> ReadTextFile(const std::filesystem::path& path);

// Reads a private file; PERMISSION_DENIED when its mode lets group or others read it.
absl::StatusOr<SecretBytes> ReadPrivateFile(const std::filesystem::path& path);

std::string Base64Encode(const uint8_t* data, size_t size);
std::string Base64Encode(std::string_view bytes);
// Ignores surrounding whitespace; INVALID_ARGUMENT on anything that is not base64.
absl::StatusOr<std::string> Base64Decode(std::string_view text);
// Decodes base64 held in a secret buffer straight into another secret buffer.
absl::StatusOr<SecretBytes> Base64DecodeSecret(const SecretBytes& text);

}  // namespace stapel

#endif  // STAPEL_KEYS_KEY_FILE_H_
