#include "party-agent/key_ceremony.h"

#include <fmt/format.h>

#include "keys/protected_secret.h"
#include "keys/sealed_secret.h"
#include "keys/signing.h"
#include "ledger/log_format.h"
#include "ledger/log_reader.h"
#include "linker/match_key.h"
#include "project/manifest.h"
#include "proto/key_envelope.h"

namespace stapel {
absl::StatusOr<CeremonyOutcome> CreateLinkageSecret(const AgentConfig& config, KeyRelayClient* hub,
                                                    bool rotate) {
  auto manifest = config.LoadManifest();
  if (!manifest.ok()) return manifest.status();
  if (manifest->linkage_secret_creator != config.party_id) {
    return absl::FailedPreconditionError(fmt::format(
        "party '{}' does not make the linkage secret: the manifest's linkage_secret_creator is "
        "'{}'. Run `stapel-ceremony fetch` to receive it",
        config.party_id,
        manifest->linkage_secret_creator.empty() ? "not named" : manifest->linkage_secret_creator));
  }
  auto signer = Ed25519Signer::FromFile(config.signing_key);
  if (!signer.ok()) return signer.status();
  auto hub_key = Ed25519Verifier::FromFile(config.hub_signing_key);
  if (!hub_key.ok()) return hub_key.status();
  uint32_t current = 0;
  if (auto envelope = hub->FetchKeyEnvelope(0); envelope.ok()) {
    auto verified = VerifyKeyEnvelope(*envelope, *manifest);
    if (!verified.ok()) return verified.status();
    current = verified->epoch();
    if (!rotate) {
      return absl::FailedPreconditionError(fmt::format(
          "project '{}' has its linkage secret already (epoch {}); to rotate it pass --rotate: "
          "every party must then fetch the new one and send its export again, and data of "
          "epoch {} are no longer linked",
          manifest->project_id, current, current));
    }
  } else if (!absl::IsNotFound(envelope.status())) {
    return envelope.status();
  }
  const SecretBytes secret = SecretBytes::Random(kLinkageSecretBytes);
  auto envelope = SealKeyEnvelope(secret, *manifest, current + 1, **signer);
  if (!envelope.ok()) return envelope.status();
  auto reply = hub->DepositKeyEnvelope(*envelope);
  if (!reply.ok()) return reply.status();
  const std::string key_check = KeyCheckValue(secret, manifest->project_id);
  auto entry = VerifyEntrySignature(reply->log_entry(), *hub_key);
  if (!entry.ok()) return entry.status();
  if ((*entry)["type"] != kEntryKeyEpoch || (*entry)["epoch"] != current + 1 ||
      (*entry)["key_check"] != key_check) {
    return absl::DataLossError(fmt::format(
        "the hub answered the deposit of epoch {} with a log entry for something else (entry "
        "{}, type {}); ask the hub operator to check its release log",
        current + 1, entry->value("seq", uint64_t{0}), entry->value("type", std::string())));
  }
  if (auto s = WriteSecretFile(config.linkage_secret, secret, config.passphrase_file); !s.ok()) {
    return absl::Status(s.code(), fmt::format("the hub has the secret of epoch {}, but {}; run "
                                              "`stapel-ceremony fetch` to write it again",
                                              reply->epoch(), std::string(s.message())));
  }
  return CeremonyOutcome{reply->epoch(), key_check, (*entry)["seq"].get<uint64_t>()};
}

absl::StatusOr<CeremonyOutcome> FetchLinkageSecret(const AgentConfig& config, KeyRelayClient* hub,
                                                   uint32_t epoch) {
  auto manifest = config.LoadManifest();
  if (!manifest.ok()) return manifest.status();
  if (config.box_key.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: [keys] box_key is missing: the party's X25519 key that opens its box "
                    "(<party>-box.key from stapel-keys)",
                    config.config_file.string()));
  }
  auto keys = BoxKeyPair::FromFile(config.box_key);
  if (!keys.ok()) return keys.status();
  auto envelope = hub->FetchKeyEnvelope(epoch);
  if (!envelope.ok()) return envelope.status();
  // Checked against this party's own manifest: a hub that made up an envelope, or swapped a
  // box for one sealed with a secret of its own, fails here.
  auto verified = VerifyKeyEnvelope(*envelope, *manifest);
  if (!verified.ok()) return verified.status();
  if (epoch != 0 && verified->epoch() != epoch) {
    return absl::DataLossError(
        fmt::format("asked the hub for epoch {}, it sent epoch {}", epoch, verified->epoch()));
  }
  auto secret = OpenKeyEnvelope(*verified, config.party_id, *keys);
  if (!secret.ok()) return secret.status();
  if (auto s = WriteSecretFile(config.linkage_secret, *secret, config.passphrase_file); !s.ok())
    return s;
  return CeremonyOutcome{verified->epoch(), verified->key_check(), 0};
}

}  // namespace stapel
