#include "trusted-hub/sealed_store.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"
#include "trusted-hub/rocksdb_store.h"

namespace stapel {
namespace {

class SealedStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    raw_ = *RocksDbStore::Open(testing_util::FreshTempDir() / "db");
    sealed_ = *SealedStore::Create(raw_.get(), SecretBytes::Random(32));
  }
  std::string Raw(std::string_view key) { return **raw_->Get(key); }

  std::unique_ptr<RocksDbStore> raw_;
  std::unique_ptr<SealedStore> sealed_;
};

TEST_F(SealedStoreTest, ValuesComeBackButAreNotOnDiskInTheClear) {
  const std::string value = "pseudonym 0123456789abcdef and debts=1";
  ASSERT_TRUE(sealed_->Apply({{"batch/credit/1", value}, {"batch/credit/2", value}}, true).ok());
  EXPECT_EQ(**sealed_->Get("batch/credit/1"), value);
  EXPECT_EQ(Raw("batch/credit/1").find("pseudonym"), std::string::npos);
  EXPECT_EQ(Raw("batch/credit/1").size(), value.size() + 24 + 16);  // nonce and tag
  // A fresh nonce per write: equal values do not look equal on disk.
  EXPECT_NE(Raw("batch/credit/1"), Raw("batch/credit/2"));
  std::vector<std::string> scanned;
  ASSERT_TRUE(sealed_
                  ->Scan("batch/",
                         [&](std::string_view, std::string_view v) {
                           scanned.emplace_back(v);
                           return true;
                         })
                  .ok());
  EXPECT_EQ(scanned, (std::vector<std::string>{value, value}));
  EXPECT_FALSE(sealed_->Get("batch/credit/3")->has_value());
  ASSERT_TRUE(sealed_->Apply({{"batch/credit/1", "", true}}, true).ok());
  EXPECT_FALSE(sealed_->Get("batch/credit/1")->has_value());
}

TEST_F(SealedStoreTest, AlteredMovedOrForeignValuesAreRefusedAsDataLoss) {
  ASSERT_TRUE(
      sealed_->Apply({{"current/credit", "summary"}, {"current/housing", "other"}}, true).ok());
  std::string altered = Raw("current/credit");
  altered[30] ^= 1;
  ASSERT_TRUE(raw_->Apply({{"current/credit", altered}}, true).ok());
  auto got = sealed_->Get("current/credit");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("current/credit"), std::string::npos);

  // Moving a sealed value to another key does not work either (the key is authenticated).
  ASSERT_TRUE(raw_->Apply({{"current/credit", Raw("current/housing")}}, true).ok());
  EXPECT_EQ(sealed_->Get("current/credit").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      sealed_->Scan("current/", [](std::string_view, std::string_view) { return true; }).code(),
      absl::StatusCode::kDataLoss);

  auto other_key = *SealedStore::Create(raw_.get(), SecretBytes::Random(32));
  EXPECT_EQ(other_key->Get("current/housing").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(SealedStore::Create(raw_.get(), SecretBytes::Random(16)).ok());
}

}  // namespace
}  // namespace stapel
