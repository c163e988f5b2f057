#include "linker/release_log.h"

#include <gtest/gtest.h>

#include "linker/area_table.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::ReadFile;
using testing_util::WriteFile;

nlohmann::json Entry(int64_t value) {
  AreaTable t;
  t.measures = {"residents"};
  t.rows.push_back({AreaLevel::kGemeente, "GM9999", "Demo", "", {{value, false}}});
  t.rows.push_back({AreaLevel::kWijk, "WK999901", "Oost", "GM9999", {{value, false}}});
  TableSpec spec;
  spec.columns.push_back({"residents", CountUnit::kPersons, {}, {}, -1});
  return {{"type", "release"},    {"requester", "analyst"}, {"request", {{"spec", spec.ToJson()}}},
          {"rules", {{"k", 10}}}, {"table", t.ToJson()},    {"time", "2026-11-22T10:00:00Z"}};
}

struct Fixture {
  std::filesystem::path path;
  Ed25519Verifier verifier;
};

Fixture WriteLog(int entries) {
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  auto path = FreshTempDir() / "release.log";
  auto log = ReleaseLogWriter::Open(path, std::move(signer));
  EXPECT_TRUE(log.ok());
  for (int i = 0; i < entries; ++i) EXPECT_TRUE((*log)->Append(Entry(100 + i)).ok());
  return {path, *verifier};
}

TEST(ReleaseLogTest, VerifiesAChainOfSignedEntries) {
  auto [path, verifier] = WriteLog(3);
  auto result = VerifyReleaseLog(path, verifier);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->entries, 3u);
  EXPECT_EQ(result->head_sha256.size(), 64u);
}

TEST(ReleaseLogTest, ChangingAnyByteIsDetected) {
  auto [path, verifier] = WriteLog(2);
  const std::string original = ReadFile(path);
  for (size_t i = 0; i < original.size(); ++i) {
    std::string edited = original;
    edited[i] = static_cast<char>(edited[i] ^ 0x01);
    WriteFile(path, edited);
    EXPECT_FALSE(VerifyReleaseLog(path, verifier).ok())
        << "byte " << i << " of " << original.size();
  }
}

TEST(ReleaseLogTest, RemovedReorderedOrAppendedEntriesAreDetected) {
  auto [path, verifier] = WriteLog(3);
  const std::string original = ReadFile(path);
  const size_t first_end = original.find('\n') + 1;
  const size_t second_end = original.find('\n', first_end) + 1;
  const std::string first = original.substr(0, first_end);
  const std::string second = original.substr(first_end, second_end - first_end);
  const std::string third = original.substr(second_end);
  for (const std::string& edited : {second + third, first + third, second + first + third,
                                    first + second, original + third, original + "x"}) {
    WriteFile(path, edited);
    auto r = VerifyReleaseLog(path, verifier);
    // Cutting off the last entry leaves a valid chain, but the signed tree head of size 3
    // no longer fits.
    EXPECT_FALSE(r.ok()) << edited.size();
  }
}

TEST(ReleaseLogTest, EveryAppendWritesASignedTreeHeadThatVerifies) {
  auto [path, verifier] = WriteLog(3);
  auto result = VerifyReleaseLog(path, verifier);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->tree_heads, 3u);
  ASSERT_TRUE(result->latest_head.has_value());
  EXPECT_EQ(result->latest_head->size, 3u);
  EXPECT_EQ(result->latest_head->root, result->tree.Root(3));
  // An edited head (here: another size) no longer carries a valid signature.
  std::string heads = ReadFile(TreeHeadsPath(path));
  heads[heads.find("\"size\":2") + 7] = '1';
  WriteFile(TreeHeadsPath(path), heads);
  EXPECT_FALSE(VerifyReleaseLog(path, verifier).ok());
}

TEST(ReleaseLogTest, AHeadSavedEarlierProvesThatHistoryWasNotRewritten) {
  const auto dir = FreshTempDir();
  ASSERT_TRUE(
      Ed25519Signer::Generate()->WriteKeyFiles(dir / "hub.key", dir / "hub.pub", false).ok());
  const auto verifier = *Ed25519Verifier::FromFile(dir / "hub.pub");
  const auto path = dir / "release.log";
  {
    auto log = *ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(dir / "hub.key"));
    ASSERT_TRUE(log->Append(Entry(100)).ok());
    ASSERT_TRUE(log->Append(Entry(101)).ok());
  }
  const TreeHead saved = *VerifyReleaseLog(path, verifier)->latest_head;  // the officer keeps it
  {
    auto log = *ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(dir / "hub.key"));
    ASSERT_TRUE(log->Append(Entry(102)).ok());
    ASSERT_TRUE(log->Append(Entry(103)).ok());
  }
  auto after = VerifyReleaseLog(path, verifier);
  ASSERT_TRUE(after.ok()) << after.status();
  const uint64_t n = after->tree.size();
  EXPECT_EQ(n, 4u);
  EXPECT_TRUE(VerifyConsistency(saved.size, n, saved.root, after->latest_head->root,
                                after->tree.ConsistencyProof(saved.size, n)));
  // Whoever rewrites entry 1 cannot produce a tree consistent with the saved head.
  MerkleTree rewritten;
  rewritten.Append("{}");
  for (uint64_t i = 1; i < n; ++i) rewritten.Append(after->lines[i]);
  EXPECT_FALSE(VerifyConsistency(saved.size, n, saved.root, rewritten.Root(n),
                                 rewritten.ConsistencyProof(saved.size, n)));
}

TEST(ReleaseLogTest, OtherEntryTypesAreChainedAndSignedToo) {
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  auto path = FreshTempDir() / "release.log";
  auto log = *ReleaseLogWriter::Open(path, std::move(signer));
  ASSERT_TRUE(log->Append({{"type", "submission"}, {"party", "credit"}, {"records", 12}}).ok());
  ASSERT_TRUE(log->Append(Entry(100)).ok());
  ASSERT_TRUE(
      log->Append({{"type", "refusal"}, {"requester", "x"}, {"reason", "not a requester"}}).ok());
  auto r = VerifyReleaseLog(path, *verifier);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->entries, 3u);
  std::string text = ReadFile(path);
  text.replace(text.find("\"records\":12"), 13, "\"records\":13");
  WriteFile(path, text);
  EXPECT_FALSE(VerifyReleaseLog(path, *verifier).ok());
}

TEST(ReleaseLogTest, AnotherHubKeyDoesNotVerify) {
  auto [path, verifier] = WriteLog(1);
  auto other = Ed25519Verifier::FromBase64(Ed25519Signer::Generate()->PublicKeyBase64());
  auto r = VerifyReleaseLog(path, *other);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
}

TEST(ReleaseLogTest, ABrokenRuleInASignedEntryIsReported) {
  auto signer = Ed25519Signer::Generate();
  auto verifier = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  auto path = FreshTempDir() / "release.log";
  auto log = ReleaseLogWriter::Open(path, std::move(signer));
  ASSERT_TRUE((*log)->Append(Entry(3)).ok());  // a count of 3 published with k = 10
  auto r = VerifyReleaseLog(path, *verifier);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("threshold"), std::string::npos) << r.status();
}

TEST(ReleaseLogTest, WriterContinuesAnExistingLogAndRefusesATamperedOne) {
  const auto dir = FreshTempDir();
  const auto key_file = dir / "hub-signing.key";
  ASSERT_TRUE(
      Ed25519Signer::Generate()->WriteKeyFiles(key_file, dir / "hub-signing.pub", false).ok());
  const auto path = dir / "release.log";
  ASSERT_TRUE(
      (*ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(key_file)))->Append(Entry(100)).ok());
  // The hub restarts with the same key: the chain goes on.
  auto reopened = ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(key_file));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->entries(), 1u);
  ASSERT_TRUE((*reopened)->Append(Entry(101)).ok());
  // A hub with another key cannot verify the log and refuses to extend it.
  EXPECT_EQ(ReleaseLogWriter::Open(path, Ed25519Signer::Generate()).status().code(),
            absl::StatusCode::kDataLoss);
  // Nor does it extend a log that was edited.
  std::string text = ReadFile(path);
  text[text.find("101")] = '2';
  WriteFile(path, text);
  EXPECT_EQ(ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(key_file)).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace stapel
