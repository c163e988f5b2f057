#include "keys/key_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"

namespace stapel {

absl::Status WriteKeyFile(const std::filesystem::path& path, std::string_view contents,
                          FileMode mode, bool overwrite) {
  const mode_t perms = mode == FileMode::kPrivate ? 0600 : 0644;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, perms);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          fmt::format("{}{}", path.string(),
                      " already exists; keys are never overwritten silently. Pass --force "
                      "to replace it (everything signed or issued with the old key stops "
                      "working)."));
    }
    return absl::PermissionDeniedError(
        fmt::format("{}{}{}{}", "cannot write ", path.string(), ": ", std::strerror(errno)));
  }
  // O_CREAT applies the mode only to new files; make an overwritten file private too.
  ::fchmod(fd, perms);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return absl::InternalError(
          fmt::format("{}{}{}{}", "write ", path.string(), ": ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(
        fmt::format("{}{}{}{}", "sync ", path.string(), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        fmt::format("{}{}{}{}", "cannot open ", path.string(), ": ", std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<SecretBytes> ReadPrivateFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(fmt::format("{}{}{}{}", "cannot open private key file ",
                                           path.string(), ": ", std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return absl::InternalError(
        fmt::format("{}{}{}{}", "stat ", path.string(), ": ", std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return absl::PermissionDeniedError(fmt::format(
        "{}{}{}", path.string(),
        " is readable by group or others; it holds a private key. Run: chmod 600 ", path.string()));
  }
  if (st.st_size > 1 << 20) {
    ::close(fd);
    return absl::InvalidArgumentError(
        fmt::format("{}{}", path.string(), " is too large for a key file"));
  }
  SecretBytes buffer(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n = ::read(fd, buffer.mutable_data() + done, buffer.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != buffer.size()) {
    return absl::DataLossError(fmt::format("{}{}", "short read of ", path.string()));
  }
  return buffer;
}

std::string Base64Encode(const uint8_t* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  return Base64Encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

namespace {

// Decodes into `out` (capacity `cap`); returns the decoded length or an error.
absl::StatusOr<size_t> DecodeInto(const char* text, size_t len, uint8_t* out, size_t cap) {
  while (len > 0 && absl::ascii_isspace(static_cast<unsigned char>(text[len - 1]))) --len;
  while (len > 0 && absl::ascii_isspace(static_cast<unsigned char>(*text))) {
    ++text;
    --len;
  }
  size_t decoded = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, cap, text, len, nullptr, &decoded, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text + len) {
    return absl::InvalidArgumentError("not valid base64");
  }
  return decoded;
}

}  // namespace

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  std::string out(text.size(), '\0');
  auto n = DecodeInto(text.data(), text.size(), reinterpret_cast<uint8_t*>(out.data()), out.size());
  if (!n.ok()) return n.status();
  out.resize(*n);
  return out;
}

absl::StatusOr<SecretBytes> Base64DecodeSecret(const SecretBytes& text) {
  SecretBytes scratch(text.size());
  auto n = DecodeInto(reinterpret_cast<const char*>(text.data()), text.size(),
                      scratch.mutable_data(), scratch.size());
  if (!n.ok()) return n.status();
  return SecretBytes(scratch.data(), *n);
}

}  // namespace stapel
