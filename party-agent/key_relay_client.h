#ifndef STAPEL_PARTY_AGENT_KEY_RELAY_CLIENT_H_
#define STAPEL_PARTY_AGENT_KEY_RELAY_CLIENT_H_

// Where a party's side of the key ceremony deposits and fetches the sealed linkage secret: the
// hub's KeyRelay over gRPC (HubClient), or a fake in tests.

#include <cstdint>

#include "absl/status/statusor.h"
#include "proto/stapel.pb.h"

namespace stapel {

class KeyRelayClient {
 public:
  virtual ~KeyRelayClient() = default;
  virtual absl::StatusOr<v1::KeyDepositReply> DepositKeyEnvelope(
      const v1::SignedKeyEnvelope& envelope) = 0;
  // `epoch` 0: the current one. NOT_FOUND when there is none (yet).
  virtual absl::StatusOr<v1::SignedKeyEnvelope> FetchKeyEnvelope(uint32_t epoch) = 0;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_KEY_RELAY_CLIENT_H_
