#include "trusted-hub/key_relay.h"

#include <fmt/format.h>

#include "keys/key_file.h"
#include "ledger/log_entry.h"
#include "ledger/log_format.h"
#include "proto/key_envelope.h"

namespace stapel {

KeyRelay::KeyRelay(const Manifest* manifest, ReleaseLogWriter* log)
    : manifest_(manifest), log_(log) {
  if (auto last = log_->LastEntryOfType(kEntryKeyEpoch)) {
    current_ = {(*last)["epoch"].get<uint32_t>(), (*last)["key_check"].get<std::string>()};
  }
}

KeyRelay::Epoch KeyRelay::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

absl::StatusOr<v1::KeyDepositReply> KeyRelay::Deposit(
    std::string_view peer, const v1::SignedKeyEnvelope& signed_envelope) {
  if (peer != manifest_->linkage_secret_creator) {
    return absl::PermissionDeniedError(
        fmt::format("'{}' may not make the linkage secret of project '{}'; the manifest's "
                    "linkage_secret_creator is '{}'",
                    peer, manifest_->project_id,
                    manifest_->linkage_secret_creator.empty() ? "not named"
                                                              : manifest_->linkage_secret_creator));
  }
  auto envelope = VerifyKeyEnvelope(signed_envelope, *manifest_);
  if (!envelope.ok()) return envelope.status();
  std::lock_guard lock(mu_);
  if (envelope->epoch() != current_.number + 1) {
    return absl::FailedPreconditionError(fmt::format(
        "epoch {} is not the next one: the project is at epoch {}, so a new secret is epoch {}",
        envelope->epoch(), current_.number, current_.number + 1));
  }
  KeyEpochEntry logged{.project_id = envelope->project_id(),
                       .epoch = envelope->epoch(),
                       .creator = envelope->creator(),
                       .key_check = envelope->key_check(),
                       .sealed_for = {},
                       .envelope = Base64Encode(signed_envelope.envelope()),
                       .envelope_signature = Base64Encode(signed_envelope.signature())};
  for (const auto& sealed : envelope->sealed()) logged.sealed_for.push_back(sealed.party_id());
  auto line = log_->Append(logged.ToEntry());
  if (!line.ok()) return line.status();
  current_ = {envelope->epoch(), envelope->key_check()};
  v1::KeyDepositReply reply;
  reply.set_epoch(envelope->epoch());
  reply.set_log_entry(*line);
  return reply;
}

absl::StatusOr<v1::SignedKeyEnvelope> KeyRelay::Fetch(std::string_view peer, uint32_t epoch) const {
  if (manifest_->FindParty(peer) == nullptr) {
    return absl::PermissionDeniedError(
        fmt::format("'{}' is not a party of project '{}'; only parties fetch the linkage secret",
                    peer, manifest_->project_id));
  }
  const uint32_t wanted = epoch == 0 ? Current().number : epoch;
  for (const auto& entry : log_->EntriesOfType(kEntryKeyEpoch)) {
    if (entry["epoch"].get<uint32_t>() != wanted) continue;
    auto envelope = Base64Decode(entry["envelope"].get<std::string>());
    auto signature = Base64Decode(entry["envelope_signature"].get<std::string>());
    if (!envelope.ok() || !signature.ok()) {
      return absl::DataLossError(
          fmt::format("the release log's key_epoch entry {} does not decode", wanted));
    }
    v1::SignedKeyEnvelope out;
    out.set_envelope(*envelope);
    out.set_signature(*signature);
    return out;
  }
  if (wanted == 0) {
    return absl::NotFoundError(fmt::format(
        "no linkage secret has been made for project '{}' yet; '{}' runs `stapel-ceremony "
        "create` first",
        manifest_->project_id,
        manifest_->linkage_secret_creator.empty()
            ? "the manifest's linkage_secret_creator (not named)"
            : manifest_->linkage_secret_creator));
  }
  return absl::NotFoundError(fmt::format("project '{}' has no epoch {} (the current one is {})",
                                         manifest_->project_id, wanted, Current().number));
}

}  // namespace stapel
