#ifndef STAPEL_PARTY_AGENT_KEY_CEREMONY_H_
#define STAPEL_PARTY_AGENT_KEY_CEREMONY_H_

// A party's side of the linkage-secret ceremony (see proto/key_envelope.h): the manifest's
// linkage_secret_creator makes a fresh secret, seals it for every party's box key and deposits
// the signed envelope at the hub; every party then fetches it, checks the creator's signature
// against its own copy of the manifest, opens its box and writes the secret where its agent
// reads it ([keys] linkage_secret: passphrase-protected when [keys] passphrase_file is set,
// mode 0600 otherwise). Creating again (with rotate) is a rotation: the next epoch.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "party-agent/agent_config.h"
#include "party-agent/key_relay_client.h"

namespace stapel {

struct CeremonyOutcome {
  uint32_t epoch = 0;
  std::string key_check;
  uint64_t log_seq = 0;  // create only: the epoch's entry in the hub's release log
};

// FAILED_PRECONDITION when this party is not the manifest's linkage_secret_creator, or when
// the project has a secret already and `rotate` is false (a rotation makes every party fetch
// the new secret and send again); errors of the hub's KeyRelay otherwise. The secret file is
// written only once the hub has the envelope and answered with its signed log entry for it
// (DATA_LOSS when that entry is not the hub's or not this epoch's); should writing fail,
// `FetchLinkageSecret` recovers it (the creator has a box of its own). `hub` is borrowed for
// the call only (here and in FetchLinkageSecret).
absl::StatusOr<CeremonyOutcome> CreateLinkageSecret(const AgentConfig& config, KeyRelayClient* hub,
                                                    bool rotate);

// `epoch` 0: the current one.
absl::StatusOr<CeremonyOutcome> FetchLinkageSecret(const AgentConfig& config, KeyRelayClient* hub,
                                                   uint32_t epoch);

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_KEY_CEREMONY_H_
