#ifndef STAPEL_PROTO_KEY_ENVELOPE_H_
#define STAPEL_PROTO_KEY_ENVELOPE_H_

// The envelope of the linkage-secret ceremony (KeyEnvelope in stapel.proto): the creator seals
// the secret for every party's box key from the manifest and signs the whole; the hub checks
// and relays it, and each party checks it again before it opens its own box.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "keys/sealed_secret.h"
#include "keys/secret_bytes.h"
#include "keys/signing.h"
#include "project/manifest.h"
#include "proto/stapel.pb.h"

namespace stapel {

// The secret sealed for every party of `manifest` (box keys from the manifest), signed by the
// creator. INVALID_ARGUMENT when the manifest names no creator or a party lacks a box key.
absl::StatusOr<v1::SignedKeyEnvelope> SealKeyEnvelope(const SecretBytes& secret,
                                                      const Manifest& manifest, uint32_t epoch,
                                                      const Ed25519Signer& creator_key);

// Checks an envelope against `manifest`: signed by its linkage_secret_creator's signing key
// (UNAUTHENTICATED otherwise), of this project (FAILED_PRECONDITION), epoch 1 or more, a
// 64-hex-digit key_check, and exactly one box of the right size for every party
// (INVALID_ARGUMENT). Returns the parsed envelope.
absl::StatusOr<v1::KeyEnvelope> VerifyKeyEnvelope(const v1::SignedKeyEnvelope& signed_envelope,
                                                  const Manifest& manifest);

// Opens the box of `party_id` and checks that the secret gives the envelope's key_check
// (DATA_LOSS otherwise: the creator sealed something else than it announced).
absl::StatusOr<SecretBytes> OpenKeyEnvelope(const v1::KeyEnvelope& envelope,
                                            std::string_view party_id, const BoxKeyPair& keys);

// For a privacy officer, over the lines of a (verified) release log: every "key_epoch" entry
// holds an envelope signed by the linkage_secret_creator of the manifest entry in force before
// it, and states that envelope's epoch, creator, key_check and recipients; epochs count 1, 2, …
// So the hub cannot have made up an epoch, nor logged another key_check than the creator's.
// DATA_LOSS naming the entry otherwise. `epochs` = key_epoch entries checked.
absl::Status VerifyLoggedKeyEpochs(const std::vector<std::string>& lines, size_t* epochs);

}  // namespace stapel

#endif  // STAPEL_PROTO_KEY_ENVELOPE_H_
