#include "party-agent/key_ceremony.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "encoding/utc_time.h"
#include "ledger/log_writer.h"
#include "party-agent/test_project.h"
#include "proto/key_envelope.h"

namespace stapel {
namespace {

using testing_util::MakeTestProject;
using testing_util::ReadFile;

// Keeps envelopes as the hub's relay does and answers a deposit with a key_epoch entry of a
// release log signed with the test project's hub key (with `tamper` applied first, if set).
class FakeRelay : public KeyRelayClient {
 public:
  explicit FakeRelay(const testing_util::TestProject& project)
      : log_(testing_util::OpenFakeHubLog(project)) {}
  absl::StatusOr<v1::KeyDepositReply> DepositKeyEnvelope(
      const v1::SignedKeyEnvelope& signed_envelope) override {
    v1::KeyEnvelope e;
    e.ParseFromString(signed_envelope.envelope());
    envelopes[e.epoch()] = signed_envelope;
    nlohmann::json entry = {{"type", "key_epoch"},        {"time", UtcNow()},
                            {"epoch", e.epoch()},         {"creator", e.creator()},
                            {"key_check", e.key_check()}, {"sealed_for", nlohmann::json::array()}};
    if (tamper) tamper(&entry);
    v1::KeyDepositReply reply;
    reply.set_epoch(e.epoch());
    reply.set_log_entry(*log_->Append(entry));
    return reply;
  }
  absl::StatusOr<v1::SignedKeyEnvelope> FetchKeyEnvelope(uint32_t epoch) override {
    if (envelopes.empty()) return absl::NotFoundError("no epoch yet");
    auto it =
        epoch == 0 || answer_with_current ? std::prev(envelopes.end()) : envelopes.find(epoch);
    if (it == envelopes.end()) return absl::NotFoundError("no such epoch");
    return it->second;
  }
  std::map<uint32_t, v1::SignedKeyEnvelope> envelopes;
  std::function<void(nlohmann::json*)> tamper;
  bool answer_with_current = false;  // a hub that ignores the epoch asked for

 private:
  std::unique_ptr<ReleaseLogWriter> log_;
};

class KeyCeremonyTest : public ::testing::Test {
 protected:
  KeyCeremonyTest() {
    // The credit registry in the same project folder, with a secret file of its own.
    credit_ = project_.config;
    credit_.party_id = "credit";
    credit_.signing_key = project_.dir / "credit.key";
    credit_.box_key = project_.dir / "credit-box.key";
    credit_.linkage_secret = project_.dir / "credit-linkage.secret";
    std::filesystem::remove(project_.config.linkage_secret);  // the ceremony makes it
  }
  testing_util::TestProject project_ = MakeTestProject("municipality", "");
  const AgentConfig& creator_ = project_.config;  // the manifest's linkage_secret_creator
  AgentConfig credit_;
  FakeRelay relay_{project_};
};

TEST_F(KeyCeremonyTest, TheCreatorMakesTheSecretAndAnotherPartyReceivesTheSame) {
  auto made = CreateLinkageSecret(creator_, &relay_, /*rotate=*/false);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->epoch, 1u);
  EXPECT_EQ(made->log_seq, 1u);
  auto received = FetchLinkageSecret(credit_, &relay_, 0);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->key_check, made->key_check);
  const std::string secret = ReadFile(creator_.linkage_secret);
  EXPECT_EQ(secret.size(), 45u);
  EXPECT_EQ(ReadFile(credit_.linkage_secret), secret);
  EXPECT_EQ(std::filesystem::status(credit_.linkage_secret).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Only the creator makes one, and replacing it takes --rotate.
  EXPECT_EQ(CreateLinkageSecret(credit_, &relay_, true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto again = CreateLinkageSecret(creator_, &relay_, false);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("pass --rotate"), std::string::npos) << again.status();
  EXPECT_EQ(ReadFile(creator_.linkage_secret), secret);
  auto rotated = CreateLinkageSecret(creator_, &relay_, true);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->epoch, 2u);
  EXPECT_NE(ReadFile(creator_.linkage_secret), secret);
}

TEST_F(KeyCeremonyTest, TheSecretIsWrittenOnlyWhenTheHubLoggedThisEpochUnderItsKey) {
  relay_.tamper = [](nlohmann::json* e) { (*e)["epoch"] = 7; };
  auto wrong_epoch = CreateLinkageSecret(creator_, &relay_, false);
  EXPECT_EQ(wrong_epoch.status().code(), absl::StatusCode::kDataLoss) << wrong_epoch.status();
  relay_.envelopes.clear();
  relay_.tamper = [](nlohmann::json* e) { (*e)["key_check"] = std::string(64, 'f'); };
  EXPECT_EQ(CreateLinkageSecret(creator_, &relay_, false).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(creator_.linkage_secret));
  // A reply signed with another key than the hub's.
  relay_.envelopes.clear();
  relay_.tamper = nullptr;
  ASSERT_TRUE(Ed25519Signer::Generate()
                  ->WriteKeyFiles(project_.dir / "other.key", project_.dir / "hub.pub", true)
                  .ok());
  EXPECT_FALSE(CreateLinkageSecret(creator_, &relay_, false).ok());
  EXPECT_FALSE(std::filesystem::exists(creator_.linkage_secret));
}

TEST_F(KeyCeremonyTest, FetchChecksTheEpochAndNeedsTheBoxKey) {
  ASSERT_TRUE(CreateLinkageSecret(creator_, &relay_, false).ok());
  ASSERT_TRUE(CreateLinkageSecret(creator_, &relay_, true).ok());
  auto first = FetchLinkageSecret(credit_, &relay_, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->epoch, 1u);
  relay_.answer_with_current = true;
  EXPECT_EQ(FetchLinkageSecret(credit_, &relay_, 1).status().code(), absl::StatusCode::kDataLoss);
  AgentConfig no_box = credit_;
  no_box.box_key.clear();
  auto s = FetchLinkageSecret(no_box, &relay_, 0).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("[keys] box_key is missing"), std::string::npos) << s;
  // Another party's box key does not open the credit registry's box.
  AgentConfig wrong_box = credit_;
  wrong_box.box_key = project_.dir / "housing-box.key";
  EXPECT_EQ(FetchLinkageSecret(wrong_box, &relay_, 0).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace stapel
