#ifndef STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_
#define STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_

#include <filesystem>
#include <memory>

#include "trusted-hub/store.h"

namespace rocksdb {
class DB;
}

namespace stapel {

class RocksDbStore : public Store {
 public:
  // Opens or creates the database in `dir`. UNAVAILABLE when another process holds it.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(const std::filesystem::path& dir);
  ~RocksDbStore() override;

  absl::Status Apply(const std::vector<Write>& writes, bool sync) override;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override;
  absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) override;
  // Flushes the memtable and compacts every level, so erased values leave the SST files and
  // the write-ahead log they were in becomes obsolete and is deleted.
  absl::Status Compact() override;

 private:
  explicit RocksDbStore(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_ROCKSDB_STORE_H_
