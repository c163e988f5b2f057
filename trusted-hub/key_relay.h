#ifndef STAPEL_TRUSTED_HUB_KEY_RELAY_H_
#define STAPEL_TRUSTED_HUB_KEY_RELAY_H_

// The hub's side of the linkage-secret ceremony: it takes the signed envelope of sealed boxes
// from the manifest's linkage_secret_creator, checks it, writes it to the release log (a
// "key_epoch" entry, so every epoch is on the record) and hands it to the parties that fetch
// it. It holds no party's box key, so it cannot open a box. The newest epoch's key_check is the
// one Ingest accepts and Releaser links. Thread-safe.

#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/log_writer.h"
#include "project/manifest.h"
#include "proto/stapel.pb.h"

namespace stapel {

class KeyRelay {
 public:
  // Reads the epochs recorded in `log`. `manifest` and `log` are not owned and must remain live
  // while the KeyRelay is in use (deposits are appended to `log`).
  KeyRelay(const Manifest* manifest, ReleaseLogWriter* log);

  // `peer` is the caller's certificate identity. PERMISSION_DENIED unless it is the manifest's
  // linkage_secret_creator; errors of VerifyKeyEnvelope; FAILED_PRECONDITION unless the epoch
  // is the next one (current + 1).
  absl::StatusOr<v1::KeyDepositReply> Deposit(std::string_view peer,
                                              const v1::SignedKeyEnvelope& signed_envelope);

  // The envelope of `epoch` (0: the current one) for a party of the manifest. PERMISSION_DENIED
  // for anyone else, NOT_FOUND when there is no such epoch (yet).
  absl::StatusOr<v1::SignedKeyEnvelope> Fetch(std::string_view peer, uint32_t epoch) const;

  struct Epoch {
    uint32_t number = 0;    // 0: no ceremony yet
    std::string key_check;  // empty: no ceremony yet
  };
  Epoch Current() const;

 private:
  const Manifest* manifest_;
  ReleaseLogWriter* log_;
  mutable std::mutex mu_;  // serializes deposits; guards current_
  Epoch current_;
};

}  // namespace stapel

#endif  // STAPEL_TRUSTED_HUB_KEY_RELAY_H_
