#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include "ledger/log_format.h"
#include "ledger/log_reader.h"
#include "ledger/log_writer.h"
#include "tests/temp_dir.h"

namespace stapel {
namespace {

using testing_util::FreshTempDir;
using testing_util::ReadFile;
using testing_util::WriteFile;

// A release entry as the hub writes one; the ledger does not interpret its content.
nlohmann::json Entry(int64_t value) {
  const nlohmann::json table = {{"measures", {"residents"}},
                                {"rows",
                                 {{{"level", "gemeente"},
                                   {"code", "GM9999"},
                                   {"name", "Demo"},
                                   {"parent", ""},
                                   {"values", {value}}},
                                  {{"level", "wijk"},
                                   {"code", "WK999901"},
                                   {"name", "Oost"},
                                   {"parent", "GM9999"},
                                   {"values", {value}}}}}};
  return {{"type", "release"},    {"requester", "analyst"}, {"request", {{"spec", nullptr}}},
          {"rules", {{"k", 10}}}, {"table", table},         {"time", "2026-11-22T10:00:00Z"}};
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

// A reader that keeps its place reads each entry once: only what was appended since.
TEST(ReleaseLogTest, EntriesOfATypeFromALineAreOnlyThoseAppendedSince) {
  const auto dir = FreshTempDir();
  auto log = *ReleaseLogWriter::Open(dir / "release.log", Ed25519Signer::Generate());
  size_t read = 0;
  EXPECT_TRUE(log->EntriesOfType("release", &read).empty());
  EXPECT_EQ(read, 0u);
  ASSERT_TRUE(log->Append(Entry(100)).ok());
  ASSERT_TRUE(log->Append({{"type", "refusal"}, {"reason", "release"}}).ok());
  ASSERT_TRUE(log->Append(Entry(105)).ok());
  auto first = log->EntriesOfType("release", &read);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(read, 3u);
  EXPECT_TRUE(log->EntriesOfType("release", &read).empty());
  ASSERT_TRUE(log->Append(Entry(110)).ok());
  auto next = log->EntriesOfType("release", &read);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]["seq"], first[1]["seq"].get<int>() + 1);
  EXPECT_EQ(read, 4u);
  EXPECT_EQ(log->EntriesOfType("release").size(), 3u);  // from the start
}

TEST(ReleaseLogTest, ATornLastLineIsMovedAsideAndTheLogGoesOn) {
  const auto dir = FreshTempDir();
  const auto key_file = dir / "hub-signing.key";
  ASSERT_TRUE(
      Ed25519Signer::Generate()->WriteKeyFiles(key_file, dir / "hub-signing.pub", false).ok());
  auto verifier = *Ed25519Verifier::FromFile(dir / "hub-signing.pub");
  const auto path = dir / "release.log";
  ASSERT_TRUE(
      (*ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(key_file)))->Append(Entry(100)).ok());
  // A kill in the middle of the next append: part of a line, no newline; the same in the heads.
  const std::string fragment = "{\"prev_sha256\":\"ab";
  WriteFile(path, ReadFile(path) + fragment);
  WriteFile(TreeHeadsPath(path), ReadFile(TreeHeadsPath(path)) + "{\"root");
  EXPECT_FALSE(VerifyReleaseLog(path, verifier).ok());  // the officer sees the tear as it is
  auto reopened = ReleaseLogWriter::Open(path, *Ed25519Signer::FromFile(key_file));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(ReadFile(dir / "release.log.torn"), fragment + "\n");
  // The repairs are logged: one for the log, one for the heads file.
  ASSERT_EQ((*reopened)->entries(), 3u);
  const auto repairs = (*reopened)->EntriesOfType("repair");
  ASSERT_EQ(repairs.size(), 2u);
  EXPECT_EQ(repairs[0]["file"], "release.log");
  EXPECT_EQ(repairs[0]["bytes_cut"], fragment.size());
  EXPECT_EQ(repairs[1]["file"], "release.log.heads");
  ASSERT_TRUE((*reopened)->Append(Entry(101)).ok());
  auto verified = VerifyReleaseLog(path, verifier);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->entries, 4u);
  EXPECT_EQ(verified->latest_head->size, 4u);
}

TEST(ReleaseLogTest, AnAppendThatFailsForLackOfSpaceLeavesNoFragment) {
  auto [path, verifier] = WriteLog(1);
  const auto size = std::filesystem::file_size(path);
  // The disk fills up: files may not grow past a few hundred bytes more (RLIMIT_FSIZE makes
  // write() stop short, as ENOSPC would).
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  const auto dir = path.parent_path();
  ASSERT_TRUE(Ed25519Signer::Generate()->WriteKeyFiles(dir / "k.key", dir / "k.pub", false).ok());
  // A fresh log of our own key, so that the writer may extend it.
  const auto own = dir / "own.log";
  auto log = *ReleaseLogWriter::Open(own, *Ed25519Signer::FromFile(dir / "k.key"));
  ASSERT_TRUE(log->Append(Entry(100)).ok());
  const auto own_size = std::filesystem::file_size(own);
  rlimit tight = old_limit;
  tight.rlim_cur = own_size + 200;  // less than an entry
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tight), 0);
  auto failed = log->Append(Entry(101));
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("nothing was written"), std::string::npos)
      << failed.status();
  EXPECT_EQ(std::filesystem::file_size(own), own_size);
  // Space is back: the next append follows the last good entry and the log verifies.
  ASSERT_TRUE(log->Append(Entry(102)).ok());
  auto verified = VerifyReleaseLog(own, *Ed25519Verifier::FromFile(dir / "k.pub"));
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->entries, 2u);
  EXPECT_EQ(std::filesystem::file_size(path), size);  // the other log was not touched
}

}  // namespace
}  // namespace stapel
