#include "trusted-hub/rocksdb_store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <cstdarg>
#include <cstdio>

namespace stapel {
namespace {

// RocksDB's own messages go to the hub's log (warnings and worse), not to a LOG file in the
// data folder: that file fills the same disk, and Debian's RocksDB asserts when it writes to
// it again after a failed write (it would take the hub down on the first full disk).
class SpdlogForRocksDb : public rocksdb::Logger {
 public:
  SpdlogForRocksDb() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char message[2048];
    std::vsnprintf(message, sizeof(message), format, ap);
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      spdlog::error("RocksDB: {}", message);
    } else {
      spdlog::warn("RocksDB: {}", message);
    }
  }
};

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = fmt::format("RocksDB {}: {}", what, s.ToString());
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::UnavailableError(message + " (is another stapel-hub using this data folder?)");
  }
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNoSpace() || s.ToString().find("No space") != std::string::npos) {
    return absl::ResourceExhaustedError(
        message +
        " (the hub's disk is full: nothing of this was stored; free space on the data "
        "folder's disk and send again, the hub resumes by itself)");
  }
  return absl::InternalError(message);
}

rocksdb::Options StoreOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  // A record in the middle of the write-ahead log that does not verify stops the open (with
  // DATA_LOSS) instead of silently dropping it and everything after it, which would roll back
  // acknowledged writes. Only an incomplete last record, a write cut off by a kill before it
  // was acknowledged, is tolerated. (kAbsoluteConsistency would refuse that too, and so
  // refuse to start after every kill during a write.)
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Stored values are HMAC outputs and signatures, which do not compress; storing them as
  // they are also keeps the data folder open to the audit that no identifier is in it.
  options.compression = rocksdb::kNoCompression;
  options.info_log = std::make_shared<SpdlogForRocksDb>();
  return options;
}

absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDb(const std::filesystem::path& dir) {
  std::error_code ec;  // made here, so RocksDB does not report a missing folder as an error
  std::filesystem::create_directories(dir, ec);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(StoreOptions(), dir.string(), &raw);
  if (!s.ok()) return FromRocks(s, fmt::format("open {}", dir.string()));
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace

RocksDbStore::RocksDbStore(std::filesystem::path dir, uint64_t reserve_bytes,
                           std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), reserve_bytes_(reserve_bytes), db_(std::move(db)) {}
RocksDbStore::~RocksDbStore() = default;

absl::StatusOr<std::unique_ptr<RocksDbStore>> RocksDbStore::Open(const std::filesystem::path& dir,
                                                                 uint64_t reserve_bytes) {
  auto db = OpenDb(dir);
  if (!db.ok()) return db.status();
  return std::unique_ptr<RocksDbStore>(new RocksDbStore(dir, reserve_bytes, *std::move(db)));
}

absl::Status RocksDbStore::CheckSpace(uint64_t bytes) const {
  if (reserve_bytes_ == 0) return absl::OkStatus();
  struct statvfs disk;
  if (::statvfs(dir_.c_str(), &disk) != 0) return absl::OkStatus();  // RocksDB will tell
  const uint64_t free = static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize;
  if (free >= reserve_bytes_ + bytes) return absl::OkStatus();
  return absl::ResourceExhaustedError(fmt::format(
      "the hub's disk is full: {} has {} MiB free, and the hub keeps {} MiB in reserve so that "
      "its database can always flush; nothing of this was stored. Free space on that disk and "
      "send again: the hub takes writes again by itself",
      dir_.string(), free >> 20, reserve_bytes_ >> 20));
}

absl::Status RocksDbStore::ReopenAfterWriteError() {
  // Callers hold mu_ exclusively. RocksDB does not take writes again after some write errors
  // (and Debian's build asserts when a failed log file is written again), so the database is
  // closed and opened anew: its write-ahead log holds every acknowledged write.
  db_.reset();
  auto db = OpenDb(dir_);
  if (!db.ok()) return db.status();
  db_ = *std::move(db);
  write_failed_ = false;
  spdlog::info("the database in {} was reopened after a write error and takes writes again",
               dir_.string());
  return absl::OkStatus();
}

absl::Status RocksDbStore::ReopenIfClosed() {
  {
    std::shared_lock lock(mu_);
    if (db_ != nullptr) return absl::OkStatus();
  }
  std::unique_lock lock(mu_);
  if (db_ != nullptr) return absl::OkStatus();
  if (absl::Status s = CheckSpace(0); !s.ok()) {
    return absl::UnavailableError(
        fmt::format("the database is closed after a write error and cannot open again yet: {}",
                    std::string(s.message())));
  }
  return ReopenAfterWriteError();
}

absl::Status RocksDbStore::Apply(const std::vector<Write>& writes, bool sync) {
  rocksdb::WriteBatch batch;
  uint64_t bytes = 0;
  for (const Write& w : writes) {
    bytes += w.key.size() + w.value.size();
    if (w.erase) {
      batch.Delete(w.key);
    } else {
      batch.Put(w.key, w.value);
    }
  }
  if (absl::Status s = CheckSpace(bytes); !s.ok()) return s;
  // Writes share the lock (RocksDB takes them from many threads and syncs writes that come
  // together in one group); only the reopen excludes them. A write that failed while this one
  // waited for the lock is seen under it, so nothing is written to a failed log.
  std::shared_lock lock(mu_);
  while (write_failed_) {
    lock.unlock();
    {
      std::unique_lock reopen(mu_);
      if (write_failed_) {
        if (absl::Status s = ReopenAfterWriteError(); !s.ok()) return s;
      }
    }
    lock.lock();
  }
  if (db_ == nullptr) return absl::UnavailableError("the database is closed after a write error");
  rocksdb::WriteOptions options;
  options.sync = sync;
  absl::Status written = FromRocks(db_->Write(options, &batch), "write");
  // Not written, so not acknowledged: the next write reopens the database first.
  if (!written.ok() && written.code() != absl::StatusCode::kInvalidArgument) write_failed_ = true;
  return written;
}

absl::StatusOr<std::optional<std::string>> RocksDbStore::Get(std::string_view key) {
  if (absl::Status s = ReopenIfClosed(); !s.ok()) return s;
  std::shared_lock lock(mu_);
  if (db_ == nullptr) return absl::UnavailableError("the database is closed after a write error");
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "read");
  return value;
}

absl::Status RocksDbStore::Scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& fn) {
  if (absl::Status s = ReopenIfClosed(); !s.ok()) return s;
  std::shared_lock lock(mu_);
  if (db_ == nullptr) return absl::UnavailableError("the database is closed after a write error");
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!key.starts_with(prefix)) break;
    if (!fn(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan");
}

absl::Status RocksDbStore::Compact() {
  std::unique_lock lock(mu_);
  if (write_failed_) {
    if (absl::Status s = ReopenAfterWriteError(); !s.ok()) return s;
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (auto s = FromRocks(db_->Flush(flush), "flush"); !s.ok()) return s;
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(compact, nullptr, nullptr), "compact");
}

absl::Status RocksDbStore::Checkpoint(const std::filesystem::path& dir) {
  if (absl::Status s = ReopenIfClosed(); !s.ok()) return s;
  std::shared_lock lock(mu_);
  if (db_ == nullptr) return absl::UnavailableError("the database is closed after a write error");
  rocksdb::Checkpoint* raw = nullptr;
  if (auto s = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"); !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir.string()), "checkpoint to " + dir.string());
}

}  // namespace stapel
