// libFuzzer: the hub's batch decoder and checks. The input is a serialized stapel.v1.Batch;
// it is signed with a party's real key (the first byte picks the register or a source), so
// the fuzzer reaches past the signature into parsing, the manifest's rules and storage.
#include "trusted-hub/hub_test_project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* hub = new stapel::testing_util::HubServices();
  const bool reg = size > 0 && data[0] % 2;
  const std::string party = reg ? "municipality" : "credit";
  const stapel::Ed25519Signer& key = reg ? *hub->p.register_key : *hub->p.source_key;
  stapel::v1::SignedBatch signed_batch;
  signed_batch.set_batch(reinterpret_cast<const char*>(data), size);
  const auto signature =
      key.Sign(stapel::kBatchSignatureContext, stapel::DigestToSign(signed_batch.batch()));
  signed_batch.set_signature(signature.data(), signature.size());
  (void)hub->ingest->SubmitBatch(party, signed_batch);
  return 0;
}
