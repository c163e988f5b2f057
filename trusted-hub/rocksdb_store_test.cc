#include "trusted-hub/rocksdb_store.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;

// A small file system of its own, to fill up: a tmpfs mounted for the test (needs root, as
// the tests run in CI; skipped elsewhere).
class SmallDisk {
 public:
  explicit SmallDisk(const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=300m") == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& error() const { return error_; }
  // Fills the disk with a file until the writes stop.
  void Fill() {
    std::ofstream filler(dir_ / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'f');
    while (filler.write(block.data(), block.size()) && filler.flush()) {
    }
  }
  void Free() { std::filesystem::remove(dir_ / "filler"); }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

TEST(RocksDbStoreTest, AFullDiskRefusesWritesAndTheyWorkAgainOnceSpaceIsBack) {
  SmallDisk disk(FreshTempDir() / "disk");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here: " << disk.error();
  auto store = RocksDbStore::Open(disk.dir() / "db");
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string value(20'000, 'v');
  ASSERT_TRUE((*store)->Apply({{"before", value}}, /*sync=*/true).ok());
  disk.Fill();
  // Every write on the full disk is refused with what to do; none is half stored.
  const absl::Status refused = (*store)->Apply({{"full", value}}, /*sync=*/true);
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_NE(refused.message().find("disk is full"), std::string::npos) << refused;
  EXPECT_EQ((*store)->Apply({{"still-full", value}}, true).code(),
            absl::StatusCode::kResourceExhausted);
  auto before = (*store)->Get("before");  // reads go on
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(**before, value);
  // Space is back: writes work again without a restart, and survive one.
  disk.Free();
  const absl::Status resumed = (*store)->Apply({{"after", value}}, /*sync=*/true);
  ASSERT_TRUE(resumed.ok()) << resumed;
  store->reset();
  auto reopened = RocksDbStore::Open(disk.dir() / "db");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(**(*reopened)->Get("before"), value);
  EXPECT_EQ(**(*reopened)->Get("after"), value);
  EXPECT_FALSE((*(*reopened)->Get("full")).has_value());
  EXPECT_FALSE((*(*reopened)->Get("still-full")).has_value());
}

// Another program fills the disk between the hub's check and RocksDB's write (here: no
// reserve at all): the write fails inside RocksDB, and once there is room the next write
// works (the database is opened anew) with nothing acknowledged lost.
TEST(RocksDbStoreTest, AWriteThatFailsInsideRocksDbIsFollowedByAReopen) {
  SmallDisk disk(FreshTempDir() / "disk");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a small tmpfs here: " << disk.error();
  auto store = RocksDbStore::Open(disk.dir() / "db", /*reserve_bytes=*/0);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string value(20'000, 'v');
  ASSERT_TRUE((*store)->Apply({{"before", value}}, true).ok());
  disk.Fill();
  // RocksDB's preallocated write-ahead log takes writes until it is used up.
  absl::Status failed;
  int acknowledged = 0;
  for (int i = 0; i < 20'000 && failed.ok(); ++i) {
    failed = (*store)->Apply({{"more/" + std::to_string(i), value}}, true);
    if (failed.ok()) ++acknowledged;
  }
  ASSERT_EQ(failed.code(), absl::StatusCode::kResourceExhausted) << failed;
  EXPECT_NE(failed.message().find("RocksDB write"), std::string::npos) << failed;
  // Still full: refused again, without RocksDB writing to its failed log (which would abort);
  // the database could not open anew on the full disk, so reads wait for space too.
  EXPECT_FALSE((*store)->Apply({{"again", value}}, true).ok());
  EXPECT_FALSE((*store)->Get("before").ok());
  disk.Free();
  // Space is back: a read opens the database again, without waiting for a write.
  auto read = (*store)->Get("before");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(**read, value);
  const absl::Status after = (*store)->Apply({{"after", value}}, true);
  ASSERT_TRUE(after.ok()) << after;
  EXPECT_EQ(**(*store)->Get("before"), value);
  EXPECT_EQ(**(*store)->Get("after"), value);
  for (int i = 0; i < acknowledged; ++i) {
    EXPECT_TRUE((*(*store)->Get("more/" + std::to_string(i))).has_value()) << i;
  }
}

// One flipped byte in the middle of the write-ahead log: the database does not open (DATA_LOSS)
// instead of dropping that write and every later one, acknowledged as they were.
TEST(RocksDbStoreTest, AFlippedByteInTheWriteAheadLogStopsTheOpenInsteadOfRollingBack) {
  const auto dir = FreshTempDir() / "db";
  {
    auto store = RocksDbStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE((*store)->Apply({{"k" + std::to_string(i), std::string(4000, 'v')}}, true).ok());
    }
  }
  std::filesystem::path wal;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) wal = entry.path();
  }
  ASSERT_FALSE(wal.empty()) << "no write-ahead log with records in " << dir;
  std::string bytes = testing_util::ReadFile(wal);
  bytes[bytes.size() / 3] ^= 0x01;  // a record in the middle, not the torn tail of a kill
  testing_util::WriteFile(wal, bytes);
  auto reopened = RocksDbStore::Open(dir);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss) << reopened.status();
}

}  // namespace
}  // namespace stapel
