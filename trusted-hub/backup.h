#ifndef STAPEL_TRUSTED_HUB_BACKUP_H_
#define STAPEL_TRUSTED_HUB_BACKUP_H_

// A hub's state at one moment, to back up and restore (stapel-hub backup and restore):
//
//   <backup>/db                  a RocksDB checkpoint of <data_dir>/db (record values sealed as
//                                at rest: the storage key is not in it, and a restore needs it)
//   <backup>/release.log         the release log and its signed tree heads
//   <backup>/release.log.heads
//   <backup>/BACKUP              written last: what the backup holds; a folder without it is
//                                an unfinished backup and is not restored
//
// The checkpoint (hard links in the data folder) and the log's length are taken while no entry
// is appended, so the log receipts exactly the submissions the database holds (a completion
// receipted but not yet made current is rolled forward when the restored hub starts, as after
// any stop); the copies are made after, while the hub goes on. The backup folder is private
// (0700).

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"

namespace stapel {

class ReleaseLogWriter;
class RocksDbStore;

// Writes a backup of `store` and the release log in `data_dir` to `to` (absent or empty).
// `log`, when the hub is running, is its writer: appends wait while the backup is taken; null
// when the hub is stopped. Returns the number of log entries backed up.
absl::StatusOr<uint64_t> WriteBackup(RocksDbStore* store, ReleaseLogWriter* log,
                                     const std::filesystem::path& data_dir,
                                     const std::filesystem::path& to);

// Puts the backup in `from` into `data_dir`; the hub must be stopped. A data folder that holds
// a hub's data already is refused, or with `force` moved aside to
// <data_dir>.before-restore-<UTC time> (nothing is deleted). A restore that would forget
// releases (the present log holds entries the backup's lacks) is refused unless
// `discard_later_releases`. The copy is made beside the data folder and swapped in, so a failed
// one leaves it as it was. Returns a sentence saying what was restored and where the old data
// went. The restored hub verifies the log and the database against each other when it starts.
absl::StatusOr<std::string> RestoreBackup(const std::filesystem::path& from,
                                          const std::filesystem::path& data_dir, bool force,
                                          bool discard_later_releases);

// Whether a process (a running hub) holds the RocksDB database in `db` (its LOCK file).
bool DatabaseInUse(const std::filesystem::path& db);

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_BACKUP_H_
