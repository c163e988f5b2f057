#ifndef STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_
#define STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_

#include <atomic>
#include <filesystem>
#include <memory>
#include <shared_mutex>

#include "trusted-hub/store.h"

namespace rocksdb {
class DB;
}

namespace stapel {

class RocksDbStore : public Store {
 public:
  // Opens or creates the database in `dir`. UNAVAILABLE when another process holds it,
  // DATA_LOSS when its files or write-ahead log are corrupt (never a silent roll-back).
  // Writes are refused with RESOURCE_EXHAUSTED, nothing stored, while the disk has less than
  // kReserveBytes free (plus the write), so RocksDB itself never meets a full disk; they work
  // again by themselves once space is back. Should a write fail all the same (another program
  // filled the disk in between), the next write reopens the database first.
  // Thread-safe: reads and writes run beside each other (each write batch is atomic, and
  // RocksDB syncs writes that arrive together once); a reopen waits for them.
  // Room kept free on the data folder's disk: a memtable flush (64 MiB) and a compaction.
  // 0 checks nothing (tests of what RocksDB does on its own).
  static constexpr uint64_t kReserveBytes = 192ull << 20;
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(const std::filesystem::path& dir,
                                                            uint64_t reserve_bytes = kReserveBytes);
  ~RocksDbStore() override;

  absl::Status Apply(const std::vector<Write>& writes, bool sync) override;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) override;
  // Flushes the memtable and compacts every level, so erased values leave the SST files and
  // the write-ahead log they were in becomes obsolete and is deleted.
  absl::Status Compact() override;
  // A consistent copy of the database as it is now in `dir` (which must not exist): a RocksDB
  // checkpoint (hard links to the immutable files where `dir` is on the same file system,
  // copies otherwise), openable with Open. Writes go on beside it.
  absl::Status Checkpoint(const std::filesystem::path& dir);

 private:
  // Takes ownership of the open database `db` in `dir`.
  RocksDbStore(std::filesystem::path dir, uint64_t reserve_bytes, std::unique_ptr<rocksdb::DB> db);
  absl::Status CheckSpace(uint64_t bytes) const;
  absl::Status ReopenAfterWriteError();
  // For reads: when a reopen after a write error failed (no room then), tries again, so reads
  // come back with the space and do not wait for the next write.
  absl::Status ReopenIfClosed();
  const std::filesystem::path dir_;
  const uint64_t reserve_bytes_;
  std::shared_mutex mu_;  // exclusive for the reopen, shared for reads and writes
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<bool> write_failed_ = false;  // the next write reopens first
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_
