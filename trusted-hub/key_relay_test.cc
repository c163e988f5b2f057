#include "trusted-hub/key_relay.h"

#include <gtest/gtest.h>

#include "encoding/hex.h"
#include "keys/key_file.h"
#include "linker/match_key.h"
#include "proto/key_envelope.h"
#include "trusted-hub/hub_test_project.h"
#include "trusted-hub/manifest_record.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class KeyRelayTest : public ::testing::Test {
 protected:
  BoxKeyPair BoxKeys(const std::string& party) {
    return *BoxKeyPair::FromFile(p_.dir / (party + "-box.key"));
  }
  // What a party does after fetching: check against its manifest, open its own box.
  absl::StatusOr<SecretBytes> Receive(const std::string& party, const v1::SignedKeyEnvelope& e) {
    auto verified = VerifyKeyEnvelope(e, p_.manifest);
    if (!verified.ok()) return verified.status();
    return OpenKeyEnvelope(*verified, party, BoxKeys(party));
  }
  absl::StatusOr<v1::SignedKeyEnvelope> Seal(const SecretBytes& secret, uint32_t epoch) {
    return SealKeyEnvelope(secret, p_.manifest, epoch, *p_.register_key);
  }

  HubTestProject p_;  // at epoch 1 already (the municipality made TestLinkageSecret())
  KeyRelay& relay_ = *p_.relay;
};

TEST_F(KeyRelayTest, EveryPartyOpensTheSameSecretAndTheHubHoldsNoneOfIt) {
  const SecretBytes secret = SecretBytes::Random(32);
  auto deposited = p_.DepositEpoch(secret);
  ASSERT_TRUE(deposited.ok()) << deposited.status();
  EXPECT_EQ(deposited->epoch(), 2u);
  EXPECT_EQ(relay_.Current().key_check, KeyCheckValue(secret, "test"));
  for (const std::string party : {"municipality", "housing", "credit"}) {
    auto envelope = relay_.Fetch(party, 0);
    ASSERT_TRUE(envelope.ok()) << envelope.status();
    auto opened = Receive(party, *envelope);
    ASSERT_TRUE(opened.ok()) << party << ": " << opened.status();
    EXPECT_TRUE(opened->Equals(secret)) << party;
    // A party cannot open another's box.
    auto verified = *VerifyKeyEnvelope(*envelope, p_.manifest);
    EXPECT_EQ(OpenKeyEnvelope(verified, party == "credit" ? "housing" : "credit", BoxKeys(party))
                  .status()
                  .code(),
              absl::StatusCode::kPermissionDenied);
  }
  // The log (the hub's only record of it) holds the sealed boxes, not the secret in any form.
  const std::string log = testing_util::ReadFile(p_.dir / "release.log");
  const std::string raw(reinterpret_cast<const char*>(secret.data()), secret.size());
  for (const std::string& form : {raw, Base64Encode(raw), HexEncode(raw)}) {
    EXPECT_EQ(log.find(form), std::string::npos);
  }
  EXPECT_NE(log.find("\"type\":\"key_epoch\""), std::string::npos);
  EXPECT_TRUE(VerifyReleaseLog(p_.dir / "release.log", *p_.hub_key).ok());
}

TEST_F(KeyRelayTest, OnlyTheCreatorDepositsAndOnlyTheNextEpoch) {
  const SecretBytes secret = SecretBytes::Random(32);
  auto envelope = Seal(secret, 2);
  ASSERT_TRUE(envelope.ok()) << envelope.status();
  auto s = relay_.Deposit("credit", *envelope).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("linkage_secret_creator is 'municipality'"), std::string::npos) << s;
  // Signed by another key than the creator's (a party, or the hub, making up a secret).
  auto forged = SealKeyEnvelope(secret, p_.manifest, 2, *p_.source_key);
  EXPECT_EQ(relay_.Deposit("municipality", *forged).status().code(),
            absl::StatusCode::kUnauthenticated);
  for (uint32_t epoch : {1u, 3u}) {  // a replay of the current epoch, a skipped one
    auto other = Seal(secret, epoch);
    s = relay_.Deposit("municipality", *other).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << epoch;
    EXPECT_NE(s.message().find("a new secret is epoch 2"), std::string::npos) << s;
  }
  EXPECT_EQ(relay_.Current().number, 1u);
  EXPECT_TRUE(relay_.Deposit("municipality", *envelope).ok());
  EXPECT_EQ(relay_.Current().number, 2u);
}

TEST_F(KeyRelayTest, AMalformedEnvelopeIsRefusedWithItsReason) {
  const SecretBytes secret = SecretBytes::Random(32);
  auto resign = [&](v1::KeyEnvelope e) {
    v1::SignedKeyEnvelope out;
    e.SerializeToString(out.mutable_envelope());
    const auto sig = p_.register_key->Sign(kKeyEnvelopeSignatureContext, out.envelope());
    out.set_signature(sig.data(), sig.size());
    return out;
  };
  const v1::KeyEnvelope good = *VerifyKeyEnvelope(*Seal(secret, 2), p_.manifest);
  struct Case {
    std::function<void(v1::KeyEnvelope*)> change;
    absl::StatusCode code;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {[](auto* e) { e->mutable_sealed()->RemoveLast(); }, absl::StatusCode::kInvalidArgument,
       "no box for party 'credit'"},
      {[](auto* e) { e->mutable_sealed(1)->set_party_id("municipality"); },
       absl::StatusCode::kInvalidArgument, "two boxes for 'municipality'"},
      {[](auto* e) { e->mutable_sealed(0)->set_party_id("analyst"); },
       absl::StatusCode::kInvalidArgument, "'analyst', which is not a party"},
      {[](auto* e) { e->mutable_sealed(0)->mutable_box()->pop_back(); },
       absl::StatusCode::kInvalidArgument, "a sealed 32-byte secret has 80"},
      {[](auto* e) { e->set_key_check("x"); }, absl::StatusCode::kInvalidArgument,
       "key_check is not 64 hex digits"},
      {[](auto* e) { e->set_project_id("other"); }, absl::StatusCode::kFailedPrecondition,
       "for project 'other'"},
      {[](auto* e) { e->set_creator("credit"); }, absl::StatusCode::kInvalidArgument,
       "names 'credit' as its creator"},
  };
  for (const auto& c : cases) {
    v1::KeyEnvelope e = good;
    c.change(&e);
    auto s = relay_.Deposit("municipality", resign(e)).status();
    EXPECT_EQ(s.code(), c.code) << c.expect << ": " << s;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
  }
  v1::SignedKeyEnvelope altered = *Seal(secret, 2);
  altered.mutable_envelope()->back() ^= 1;
  EXPECT_EQ(relay_.Deposit("municipality", altered).status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::SignedKeyEnvelope garbage;
  garbage.set_envelope("\xff\xff\xff");
  const auto sig = p_.register_key->Sign(kKeyEnvelopeSignatureContext, garbage.envelope());
  garbage.set_signature(sig.data(), sig.size());
  EXPECT_EQ(relay_.Deposit("municipality", garbage).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(relay_.Current().number, 1u);  // nothing was taken
}

TEST_F(KeyRelayTest, APartyCatchesAHubThatSwapsItsBoxAndACreatorThatLies) {
  // The hub re-seals a secret of its own to the credit registry's public box key: the box
  // opens, but the creator's signature no longer covers the envelope.
  v1::SignedKeyEnvelope swapped = *relay_.Fetch("credit", 0);
  v1::KeyEnvelope e;
  ASSERT_TRUE(e.ParseFromString(swapped.envelope()));
  const SecretBytes hubs = SecretBytes::Random(32);
  e.mutable_sealed(2)->set_box(SealSecret(hubs, BoxKeys("credit").public_key));
  e.SerializeToString(swapped.mutable_envelope());
  auto s = Receive("credit", swapped).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  EXPECT_NE(s.message().find("not signed by 'municipality'"), std::string::npos) << s;

  // A creator that seals another secret than its key_check announces is caught on opening.
  e.set_key_check(KeyCheckValue(SecretBytes::Random(32), "test"));
  v1::SignedKeyEnvelope lying;
  e.SerializeToString(lying.mutable_envelope());
  const auto sig = p_.register_key->Sign(kKeyEnvelopeSignatureContext, lying.envelope());
  lying.set_signature(sig.data(), sig.size());
  EXPECT_EQ(Receive("credit", lying).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyRelayTest, OnlyPartiesFetchAndEpochsSurviveARestart) {
  EXPECT_EQ(relay_.Fetch("analyst", 0).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(relay_.Fetch("credit", 7).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(p_.DepositEpoch(SecretBytes::Random(32)).ok());
  KeyRelay restarted(&p_.manifest, p_.log.get());  // reads the epochs from the log
  EXPECT_EQ(restarted.Current().number, 2u);
  EXPECT_EQ(restarted.Current().key_check, relay_.Current().key_check);
  auto first = restarted.Fetch("housing", 1);
  ASSERT_TRUE(first.ok()) << first.status();
  auto opened = Receive("housing", *first);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(opened->Equals(HubTestProject::TestLinkageSecret()));
}

TEST_F(KeyRelayTest, TheOfficerChecksEveryLoggedEpochAgainstTheCreatorsSignature) {
  // A hub's log as it starts: the manifest first, then two epochs.
  auto signer = Ed25519Signer::Generate();
  const auto hub_key = *Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
  auto log = *ReleaseLogWriter::Open(p_.dir / "hub.log", std::move(signer));
  ASSERT_TRUE(RecordManifestIfChanged(p_.manifest, "manifest", "c2ln", log.get()).ok());
  KeyRelay relay(&p_.manifest, log.get());
  for (uint32_t epoch : {1u, 2u}) {
    ASSERT_TRUE(relay.Deposit("municipality", *Seal(SecretBytes::Random(32), epoch)).ok());
  }
  size_t epochs = 0;
  auto verified = VerifyReleaseLog(p_.dir / "hub.log", hub_key);
  ASSERT_TRUE(verified.ok()) << verified.status();
  ASSERT_TRUE(VerifyLoggedKeyEpochs(verified->lines, &epochs).ok());
  EXPECT_EQ(epochs, 2u);

  // The hub logs epoch 3 with a key_check of its own beside the creator's real envelope, or
  // with an envelope it made itself: both are caught, though the hub signs its log entries.
  auto logged_epoch_3 = [&](const v1::SignedKeyEnvelope& envelope, const std::string& check) {
    nlohmann::json entry = nlohmann::json::parse(verified->lines.back());  // epoch 2's
    for (const char* field : {"prev_sha256", "signature"}) entry.erase(field);
    entry["seq"] = 4;
    entry["epoch"] = 3;
    entry["key_check"] = check;
    entry["envelope"] = Base64Encode(envelope.envelope());
    entry["envelope_signature"] = Base64Encode(envelope.signature());
    return entry;
  };
  const v1::SignedKeyEnvelope real = *Seal(SecretBytes::Random(32), 3);
  const v1::SignedKeyEnvelope forged =
      *SealKeyEnvelope(SecretBytes::Random(32), p_.manifest, 3, *p_.source_key);
  const std::string real_check = VerifyKeyEnvelope(real, p_.manifest)->key_check();
  ASSERT_TRUE(log->Append(logged_epoch_3(real, std::string(64, 'e'))).ok());
  auto tampered = VerifyReleaseLog(p_.dir / "hub.log", hub_key);
  ASSERT_TRUE(tampered.ok()) << tampered.status();  // the log itself is intact
  auto s = VerifyLoggedKeyEpochs(tampered->lines, &epochs);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("key_epoch entry #4: it states another epoch"), std::string::npos)
      << s;
  tampered->lines.back() = logged_epoch_3(forged, real_check).dump();
  s = VerifyLoggedKeyEpochs(tampered->lines, &epochs);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("not signed by 'municipality'"), std::string::npos) << s;
  tampered->lines.back() = logged_epoch_3(real, real_check).dump();  // positive control
  EXPECT_TRUE(VerifyLoggedKeyEpochs(tampered->lines, &epochs).ok());
}

}  // namespace
}  // namespace stapel
