#include "trusted-hub/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

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

// Copies the files (and folders) under `from` into `to`, each synced.
absl::Status CopySynced(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::copy(from, to, fs::copy_options::recursive, error);
  if (error) {
    return absl::ResourceExhaustedError(fmt::format("cannot copy {} to {}: {} (is there room?)",
                                                    from.string(), to.string(), error.message()));
  }
  if (fs::is_directory(to)) {
    for (const auto& e : fs::recursive_directory_iterator(to)) {
      if (absl::Status s = Sync(e.path()); !s.ok()) return s;
    }
  }
  return Sync(to);
}

uint64_t Lines(const fs::path& path) {
  std::ifstream in(path);
  uint64_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

bool HoldsHubData(const fs::path& data_dir) {
  return fs::exists(data_dir / "db") || fs::exists(data_dir / "release.log");
}

}  // namespace

absl::StatusOr<uint64_t> WriteBackup(RocksDbStore* store, ReleaseLogWriter* log,
                                     const fs::path& data_dir, const fs::path& to) {
  std::error_code error;
  if (fs::exists(to) && !fs::is_empty(to, error)) {
    return absl::AlreadyExistsError(fmt::format(
        "{} is not empty: back up into a new folder (one per backup)", to.string()));
  }
  fs::create_directories(to, error);
  if (error) {
    return absl::PermissionDeniedError(
        fmt::format("cannot create {}: {}", to.string(), error.message()));
  }
  uint64_t entries = 0;
  auto take = [&]() -> absl::Status {
    if (absl::Status s = store->Checkpoint(to / "db"); !s.ok()) return s;
    for (const char* file : kLogFiles) {
      if (!fs::exists(data_dir / file)) continue;
      if (absl::Status s = CopySynced(data_dir / file, to / file); !s.ok()) return s;
    }
    entries = Lines(to / "release.log");
    return absl::OkStatus();
  };
  if (absl::Status s = log != nullptr ? log->WhileNoAppend(take) : take(); !s.ok()) return s;
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
                                          bool force) {
  if (!fs::exists(from / kMarker) || !fs::exists(from / "db") ||
      !fs::exists(from / "release.log")) {
    return absl::FailedPreconditionError(fmt::format(
        "{} is not a finished backup (it needs BACKUP, db and release.log, as stapel-hub backup "
        "writes them)",
        from.string()));
  }
  std::string aside;
  if (HoldsHubData(data_dir)) {
    if (fs::exists(data_dir / "db")) {
      // Opening it fails while a running hub holds it.
      auto running = RocksDbStore::Open(data_dir / "db", 0);
      if (!running.ok()) {
        return absl::FailedPreconditionError(fmt::format(
            "cannot open {}: {} (stop the hub with SIGTERM before restoring)",
            (data_dir / "db").string(), std::string(running.status().message())));
      }
    }
    if (!force) {
      return absl::FailedPreconditionError(fmt::format(
          "{} already holds a hub's data; restore with --force to move it aside (nothing is "
          "deleted)",
          data_dir.string()));
    }
    aside = data_dir.string() + ".before-restore-" + UtcNow();
    std::error_code error;
    fs::rename(data_dir, aside, error);
    if (error) {
      return absl::PermissionDeniedError(
          fmt::format("cannot move {} aside to {}: {}", data_dir.string(), aside, error.message()));
    }
  }
  std::error_code error;
  fs::create_directories(data_dir, error);
  if (error) {
    return absl::PermissionDeniedError(
        fmt::format("cannot create {}: {}", data_dir.string(), error.message()));
  }
  if (absl::Status s = CopySynced(from / "db", data_dir / "db"); !s.ok()) return s;
  for (const char* file : kLogFiles) {
    if (!fs::exists(from / file)) continue;
    if (absl::Status s = CopySynced(from / file, data_dir / file); !s.ok()) return s;
  }
  if (absl::Status s = Sync(data_dir); !s.ok()) return s;
  return fmt::format("restored {} release log entries and the database from {} into {}{}",
                     Lines(data_dir / "release.log"), from.string(), data_dir.string(),
                     aside.empty() ? "" : "; the data it held before is in " + aside);
}

}  // namespace stapel
