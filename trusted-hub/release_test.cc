#include "trusted-hub/release.h"

#include <gtest/gtest.h>

#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/ingest.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class ReleaseTest : public testing::Test {
 protected:
  void SetUp() override {
    ingest_ = *Ingest::Create(&p_.manifest, p_.submissions.get());
    signer_pub_ = Ed25519Signer::Generate();
    const std::string pub = signer_pub_->PublicKeyBase64();
    verifier_ = std::make_unique<Ed25519Verifier>(*Ed25519Verifier::FromBase64(pub));
    log_ = *ReleaseLogWriter::Open(p_.dir / "release.log", std::move(signer_pub_));
    releaser_ = std::make_unique<Releaser>(&p_.manifest, p_.submissions.get(), log_.get(), Geography());
  }
  void Submit(const std::string& party, int n, uint8_t first_tag, const Ed25519Signer& key) {
    const std::string sub(16, static_cast<char>(first_tag));
    ASSERT_TRUE(ingest_->SubmitBatch(party, HubTestProject::Sign(HubTestProject::MakeBatch(party, sub, 0, n, first_tag), key)).ok());
    ASSERT_TRUE(ingest_->CompleteSubmission(party, HubTestProject::Summary(party, sub, 1, n, key)).ok());
  }
  HubTestProject p_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<Ed25519Signer> signer_pub_;
  std::unique_ptr<Ed25519Verifier> verifier_;
  std::unique_ptr<ReleaseLogWriter> log_;
  std::unique_ptr<Releaser> releaser_;
};

TEST_F(ReleaseTest, LinksSourcesOntoTheRegisterAndLogsTheRelease) {
  Submit("municipality", 40, 1, *p_.register_key);  // bsn keys 1..40, youth care for odd i
  Submit("credit", 25, 21, *p_.source_key);         // bsn keys 21..45: 20 link, 5 live elsewhere
  auto reply = releaser_->Release("analyst", v1::TableRequest());
  ASSERT_TRUE(reply.ok()) << reply.status();
  auto table = *AreaTable::FromJson(nlohmann::json::parse(reply->table_json()));
  ASSERT_EQ(table.rows.size(), 3u);  // gemeente, wijk, buurt
  const auto& buurt = table.rows[2];
  EXPECT_EQ(buurt.code, "BU99990101");
  // residents, youth_care, debts, 2+, 3+
  EXPECT_EQ(buurt.cells[0].value, 40);
  EXPECT_EQ(buurt.cells[1].value, 20);
  EXPECT_EQ(buurt.cells[2].value, 20);
  EXPECT_EQ(buurt.cells[3].value, 10);  // i in 20..39 odd: youth care and debts
  EXPECT_EQ(buurt.cells[4].value, 0);
  auto entry = nlohmann::json::parse(reply->log_entry());
  EXPECT_EQ(entry["requester"], "analyst");
  EXPECT_EQ(entry["linkage"]["credit"]["linked"], 20);
  EXPECT_EQ(entry["linkage"]["credit"]["unlinked"], 5);
  EXPECT_EQ(entry["linkage"]["municipality"]["persons"], 40);
  EXPECT_TRUE(VerifyReleaseLog(p_.dir / "release.log", *verifier_).ok());
}

TEST_F(ReleaseTest, RefusesNonRequestersAndAMissingRegister) {
  EXPECT_EQ(releaser_->Release("credit", v1::TableRequest()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto s = releaser_->Release("analyst", v1::TableRequest()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("'municipality' has not completed"), std::string::npos);
  EXPECT_EQ(log_->entries(), 0u);
}

}  // namespace
}  // namespace stapel
