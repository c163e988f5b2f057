#include "trusted-hub/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <system_error>
#include <vector>

#include "encoding/utc_time.h"
#include "ledger/log_writer.h"
#include "trusted-hub/rocksdb_store.h"

namespace stapel {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLogFiles[] = {"release.log", "release.log.heads"};
constexpr const char* kMarker = "BACKUP";

// fsyncs a file or a folder, so what was copied survives a power cut.
absl::Status Sync(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return absl::InternalError(fmt::format("cannot sync {}: {}", path.string(), strerror(error)));
  }
  ::close(fd);
  return absl::OkStatus();
}

// Copies the first `bytes` of `from` (all of it: npos) to `to`, synced.
absl::Status CopyPrefix(const fs::path& from, const fs::path& to,
                        std::streamsize bytes = std::numeric_limits<std::streamsize>::max()) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  std::vector<char> buffer(1 << 20);
  while (bytes > 0 && in) {
    in.read(buffer.data(), std::min<std::streamsize>(bytes, static_cast<std::streamsize>(buffer.size())));
    out.write(buffer.data(), in.gcount());
    bytes -= in.gcount();
  }
  out.close();
  if (!out || in.bad()) {
    return absl::ResourceExhaustedError(
        fmt::format("cannot copy {} to {} (is there room?)", from.string(), to.string()));
  }
  return Sync(to);
}

// Copies the folder `from` (files only, as a RocksDB checkpoint is) to the new folder `to`,
// each file synced.
absl::Status CopyFolder(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::create_directories(to, error);
  if (error) return absl::PermissionDeniedError("cannot create " + to.string());
  for (const auto& e : fs::directory_iterator(from)) {
    if (absl::Status s = CopyPrefix(e.path(), to / e.path().filename()); !s.ok()) return s;
  }
  return Sync(to);
}

// Moves or, across file systems, copies the folder `from` to `to`.
absl::Status MoveFolder(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (!error) return Sync(to.parent_path());
  if (absl::Status s = CopyFolder(from, to); !s.ok()) return s;
  fs::remove_all(from, error);
  return absl::OkStatus();
}

absl::Status MakePrivateFolder(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  if (!error) fs::permissions(path, fs::perms::owner_all, error);
  if (error) {
    return absl::PermissionDeniedError(
        fmt::format("cannot create {}: {}", path.string(), error.message()));
  }
  return absl::OkStatus();
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

uint64_t Lines(const fs::path& path) {
  const std::string text = ReadAll(path);
  return static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

bool HoldsHubData(const fs::path& data_dir) {
  return fs::exists(data_dir / "db") || fs::exists(data_dir / "release.log");
}

}  // namespace

bool DatabaseInUse(const fs::path& db) {
  const int fd = ::open((db / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

absl::StatusOr<uint64_t> WriteBackup(RocksDbStore* store, ReleaseLogWriter* log,
                                     const fs::path& data_dir, const fs::path& to) {
  std::error_code error;
  if (fs::exists(to) && !fs::is_empty(to, error)) {
    return absl::AlreadyExistsError(fmt::format(
        "{} is not empty: back up into a new folder (one per backup)", to.string()));
  }
  if (absl::Status s = MakePrivateFolder(to); !s.ok()) return s;
  // While no entry is appended, only what is quick: the log's length and a checkpoint in the
  // data folder (hard links to the database's immutable files). The copies come after.
  const fs::path checkpoint = data_dir / fmt::format("backup-{}.checkpoint", UtcNow());
  std::map<std::string, uintmax_t> lengths;
  auto take = [&]() -> absl::Status {
    for (const char* file : kLogFiles) {
      if (fs::exists(data_dir / file)) lengths[file] = fs::file_size(data_dir / file);
    }
    return store->Checkpoint(checkpoint);
  };
  absl::Status taken = log != nullptr ? log->WhileNoAppend(take) : take();
  if (taken.ok()) taken = MoveFolder(checkpoint, to / "db");
  fs::remove_all(checkpoint, error);
  if (!taken.ok()) return taken;
  for (const auto& [file, length] : lengths) {
    if (absl::Status s = CopyPrefix(data_dir / file, to / file,
                                    static_cast<std::streamsize>(length));
        !s.ok()) {
      return s;
    }
  }
  const uint64_t entries = Lines(to / "release.log");
  {
    std::ofstream marker(to / kMarker);
    marker << fmt::format("stapel hub backup of {}, taken {}: release.log with {} entries, and "
                          "db (values sealed with the hub's storage key)\n",
                          fs::absolute(data_dir).string(), UtcNow(), entries);
    if (!marker) return absl::ResourceExhaustedError("cannot write " + (to / kMarker).string());
  }
  if (absl::Status s = Sync(to / kMarker); !s.ok()) return s;
  if (absl::Status s = Sync(to); !s.ok()) return s;
  return entries;
}

absl::StatusOr<std::string> RestoreBackup(const fs::path& from, const fs::path& data_dir,
                                          bool force, bool discard_later_releases) {
  if (!fs::exists(from / kMarker) || !fs::exists(from / "db") ||
      !fs::exists(from / "release.log")) {
    return absl::FailedPreconditionError(fmt::format(
        "{} is not a finished backup (it needs BACKUP, db and release.log, as stapel-hub backup "
        "writes them)",
        from.string()));
  }
  if (DatabaseInUse(data_dir / "db")) {
    return absl::FailedPreconditionError(fmt::format(
        "a running hub holds {}: stop it with SIGTERM before restoring", (data_dir / "db").string()));
  }
  const bool holds = HoldsHubData(data_dir);
  if (holds && !force) {
    return absl::FailedPreconditionError(fmt::format(
        "{} already holds a hub's data; restore with --force to move it aside (nothing is "
        "deleted)",
        data_dir.string()));
  }
  // The releases a restore would forget: entries of the present log that the backup's lacks.
  // The differencing guard reads earlier releases from the log, so forgetting tables already
  // published could let a new one narrow their small counts.
  if (fs::exists(data_dir / "release.log") && !discard_later_releases) {
    const std::string present = ReadAll(data_dir / "release.log"),
                      backed_up = ReadAll(from / "release.log");
    if (!backed_up.starts_with(present)) {
      return absl::FailedPreconditionError(fmt::format(
          "{} holds log entries the backup lacks ({} entries, the backup {}): restoring would "
          "forget releases already made, and the guard against differencing would no longer see "
          "them. Keep this data folder if it works; restore only a lost or damaged one, with "
          "--discard-later-releases, after the privacy officer has noted those releases",
          (data_dir / "release.log").string(), Lines(data_dir / "release.log"),
          Lines(from / "release.log")));
    }
  }
  // Copied beside the data folder, then swapped in: a failed copy leaves the data folder as it
  // was.
  const std::string stamp = UtcNow();
  const fs::path staging = data_dir.string() + ".restoring-" + stamp;
  if (absl::Status s = MakePrivateFolder(staging); !s.ok()) return s;
  absl::Status copied = CopyFolder(from / "db", staging / "db");
  for (const char* file : kLogFiles) {
    if (copied.ok() && fs::exists(from / file)) copied = CopyPrefix(from / file, staging / file);
  }
  std::error_code error;
  if (!copied.ok()) {
    fs::remove_all(staging, error);
    return absl::Status(copied.code(), fmt::format("{}; {} is unchanged", std::string(copied.message()),
                                                   data_dir.string()));
  }
  const std::string aside = data_dir.string() + ".before-restore-" + stamp;
  if (fs::exists(data_dir)) {
    fs::rename(data_dir, aside, error);
    if (error) {
      return absl::PermissionDeniedError(fmt::format(
          "cannot move {} aside to {} ({}; a mount point cannot be moved: use a folder in it "
          "as data_dir); the restored copy is in {}",
          data_dir.string(), aside, error.message(), staging.string()));
    }
  }
  fs::rename(staging, data_dir, error);
  if (error) {
    return absl::PermissionDeniedError(fmt::format(
        "cannot move the restored copy {} to {} ({}); the data it held is in {}",
        staging.string(), data_dir.string(), error.message(), aside));
  }
  if (absl::Status s = Sync(data_dir.parent_path()); !s.ok()) return s;
  return fmt::format("restored {} release log entries and the database from {} into {}{}",
                     Lines(data_dir / "release.log"), from.string(), data_dir.string(),
                     holds ? "; the data it held before is in " + aside : "");
}

}  // namespace stapel
