#ifndef STAPEL_TRUSTED_HUB_STORE_H_
#define STAPEL_TRUSTED_HUB_STORE_H_

// The hub's storage: an ordered key-value store. RocksDbStore is the real one; tests that
// need failures wrap it. Implementations are thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stapel {

class Store {
 public:
  struct Write {
    std::string key;
    std::string value;
    bool erase = false;
  };

  virtual ~Store() = default;
  // Applies every write atomically. With `sync`, returns only once they are on disk
  // (fsync of the write-ahead log), so an acknowledgement survives a crash.
  virtual absl::Status Apply(const std::vector<Write>& writes, bool sync) = 0;
  virtual absl::StatusOr<std::optional<std::string>> Get(std::string_view key) = 0;
  // Calls `fn` for each key starting with `prefix`, in key order, until it returns false.
  virtual absl::Status Scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) = 0;
  // Rewrites the files on disk so that erased values are gone from them, not only marked
  // erased (after a purge).
  virtual absl::Status Compact() = 0;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_STORE_H_
