// libFuzzer: the key envelope of the linkage-secret ceremony, at both ends. The input is a
// serialized stapel.v1.KeyEnvelope signed with the creator's real key, so the fuzzer reaches
// past the signature into the hub's checks (KeyRelay::Deposit, which logs what it accepts) and
// a party's (VerifyKeyEnvelope, then opening its box).
#include "proto/key_envelope.h"
#include "trusted-hub/hub_test_project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* project = new stapel::testing_util::HubTestProject();
  static const auto* credit_box =
      new stapel::BoxKeyPair(*stapel::BoxKeyPair::FromFile(project->dir / "credit-box.key"));
  stapel::v1::SignedKeyEnvelope signed_envelope;
  signed_envelope.set_envelope(reinterpret_cast<const char*>(data), size);
  const auto signature =
      project->register_key->Sign(stapel::kKeyEnvelopeSignatureContext, signed_envelope.envelope());
  signed_envelope.set_signature(signature.data(), signature.size());
  (void)project->relay->Deposit("municipality", signed_envelope);
  if (auto envelope = stapel::VerifyKeyEnvelope(signed_envelope, project->manifest);
      envelope.ok()) {
    (void)stapel::OpenKeyEnvelope(*envelope, "credit", *credit_box);
  }
  return 0;
}
