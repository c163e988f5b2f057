#include "proto/key_envelope.h"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <set>

#include "encoding/json.h"
#include "keys/key_file.h"
#include "ledger/log_format.h"
#include "linker/match_key.h"

namespace stapel {

absl::StatusOr<v1::SignedKeyEnvelope> SealKeyEnvelope(const SecretBytes& secret,
                                                      const Manifest& manifest, uint32_t epoch,
                                                      const Ed25519Signer& creator_key) {
  if (manifest.linkage_secret_creator.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "the manifest of project '{}' names no linkage_secret_creator; the privacy officer adds "
        "it (the party that makes the secret) and signs the manifest again",
        manifest.project_id));
  }
  v1::KeyEnvelope envelope;
  envelope.set_project_id(manifest.project_id);
  envelope.set_epoch(epoch);
  envelope.set_creator(manifest.linkage_secret_creator);
  envelope.set_key_check(KeyCheckValue(secret, manifest.project_id));
  for (const auto& party : manifest.parties) {
    auto key = DecodeBoxPublicKey(party.box_public_key);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("party '{}' has no box_key in the manifest", party.id));
    }
    auto* sealed = envelope.add_sealed();
    sealed->set_party_id(party.id);
    sealed->set_box(SealSecret(secret, *key));
  }
  v1::SignedKeyEnvelope out;
  envelope.SerializeToString(out.mutable_envelope());
  const auto signature = creator_key.Sign(kKeyEnvelopeSignatureContext, out.envelope());
  out.set_signature(signature.data(), signature.size());
  return out;
}

absl::StatusOr<v1::KeyEnvelope> VerifyKeyEnvelope(const v1::SignedKeyEnvelope& signed_envelope,
                                                  const Manifest& manifest) {
  const PartyManifest* creator = manifest.FindParty(manifest.linkage_secret_creator);
  if (creator == nullptr) {
    return absl::FailedPreconditionError(fmt::format(
        "the manifest of project '{}' names no linkage_secret_creator, so no key ceremony can "
        "be held; the privacy officer adds it and signs the manifest again",
        manifest.project_id));
  }
  auto verifier = Ed25519Verifier::FromBase64(creator->signing_public_key);
  if (!verifier.ok()) return verifier.status();
  if (!verifier->Verify(kKeyEnvelopeSignatureContext, signed_envelope.envelope(),
                        signed_envelope.signature())) {
    return absl::UnauthenticatedError(fmt::format(
        "the key envelope is not signed by '{}', the manifest's linkage_secret_creator (altered "
        "on the way, or made by someone else)",
        creator->id));
  }
  v1::KeyEnvelope envelope;
  if (!envelope.ParseFromString(signed_envelope.envelope())) {
    return absl::InvalidArgumentError("the key envelope does not parse");
  }
  if (envelope.project_id() != manifest.project_id) {
    return absl::FailedPreconditionError(
        fmt::format("the key envelope is for project '{}', not '{}'", envelope.project_id(),
                    manifest.project_id));
  }
  if (envelope.creator() != creator->id) {
    return absl::InvalidArgumentError(
        fmt::format("the key envelope names '{}' as its creator, the manifest '{}'",
                    envelope.creator(), creator->id));
  }
  if (envelope.epoch() == 0) {
    return absl::InvalidArgumentError("the key envelope's epoch must be 1 or more");
  }
  const std::string& check = envelope.key_check();
  if (check.size() != 64 || check.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError("the key envelope's key_check is not 64 hex digits");
  }
  std::set<std::string> boxed;
  for (const auto& sealed : envelope.sealed()) {
    if (manifest.FindParty(sealed.party_id()) == nullptr) {
      return absl::InvalidArgumentError(fmt::format(
          "the key envelope holds a box for '{}', which is not a party", sealed.party_id()));
    }
    if (!boxed.insert(sealed.party_id()).second) {
      return absl::InvalidArgumentError(
          fmt::format("the key envelope holds two boxes for '{}'", sealed.party_id()));
    }
    if (sealed.box().size() != kLinkageSecretBytes + crypto_box_SEALBYTES) {
      return absl::InvalidArgumentError(fmt::format(
          "the box for '{}' is {} bytes; a sealed 32-byte secret has {}", sealed.party_id(),
          sealed.box().size(), kLinkageSecretBytes + crypto_box_SEALBYTES));
    }
  }
  for (const auto& party : manifest.parties) {
    if (!boxed.contains(party.id)) {
      return absl::InvalidArgumentError(
          fmt::format("the key envelope holds no box for party '{}'", party.id));
    }
  }
  return envelope;
}

absl::StatusOr<SecretBytes> OpenKeyEnvelope(const v1::KeyEnvelope& envelope,
                                            std::string_view party_id, const BoxKeyPair& keys) {
  for (const auto& sealed : envelope.sealed()) {
    if (sealed.party_id() != party_id) continue;
    auto secret = OpenSealedSecret(sealed.box(), keys);
    if (!secret.ok()) return secret.status();
    if (KeyCheckValue(*secret, envelope.project_id()) != envelope.key_check()) {
      return absl::DataLossError(fmt::format(
          "the secret in the box of '{}' does not give the envelope's key_check: the creator "
          "'{}' sealed another secret than it announced; ask it to run the ceremony again",
          party_id, envelope.creator()));
    }
    return secret;
  }
  return absl::NotFoundError(fmt::format("the key envelope of epoch {} holds no box for '{}'",
                                         envelope.epoch(), party_id));
}

namespace {

absl::Status VerifyKeyEpochEntries(const std::vector<std::string>& lines, size_t* epochs) {
  *epochs = 0;
  nlohmann::json manifest = nlohmann::json::object();  // the manifest entry in force
  for (const auto& line : lines) {
    auto parsed = ParseJsonObject(line, "a release-log line");
    if (!parsed.ok()) return parsed.status();
    const nlohmann::json& entry = *parsed;
    const std::string type = entry.value("type", std::string());
    if (type == kEntryManifest) manifest = entry;
    if (type != kEntryKeyEpoch) continue;
    const uint64_t seq = entry.value("seq", uint64_t{0});
    auto bad = [&](std::string_view why) {
      return absl::DataLossError(fmt::format("key_epoch entry #{}: {}", seq, why));
    };
    const std::string creator = manifest.value("linkage_secret_creator", std::string());
    std::string signing_key;
    for (const auto& party : manifest.value("parties", nlohmann::json::array())) {
      if (party.value("id", std::string()) == creator) signing_key = party.at("signing_key");
    }
    if (creator.empty() || signing_key.empty()) {
      return bad("no manifest entry before it names a linkage_secret_creator with a signing key");
    }
    auto verifier = Ed25519Verifier::FromBase64(signing_key);
    auto bytes = Base64Decode(entry.value("envelope", std::string()));
    auto signature = Base64Decode(entry.value("envelope_signature", std::string()));
    if (!verifier.ok() || !bytes.ok() || !signature.ok() ||
        !verifier->Verify(kKeyEnvelopeSignatureContext, *bytes, *signature)) {
      return bad(
          fmt::format("its envelope is not signed by '{}', the manifest's "
                      "linkage_secret_creator",
                      creator));
    }
    v1::KeyEnvelope envelope;
    if (!envelope.ParseFromString(*bytes)) return bad("its envelope does not parse");
    nlohmann::json sealed_for = nlohmann::json::array();
    for (const auto& sealed : envelope.sealed()) sealed_for.push_back(sealed.party_id());
    if (envelope.epoch() != *epochs + 1 || entry.at("epoch") != envelope.epoch() ||
        entry.at("creator") != envelope.creator() || envelope.creator() != creator ||
        entry.at("key_check") != envelope.key_check() || entry.at("sealed_for") != sealed_for ||
        entry.at("project_id") != envelope.project_id()) {
      return bad(fmt::format(
          "it states another epoch, creator, key_check or recipients than its signed envelope "
          "(epoch {}, creator '{}', key check {})",
          envelope.epoch(), envelope.creator(), envelope.key_check().substr(0, 16)));
    }
    ++*epochs;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyLoggedKeyEpochs(const std::vector<std::string>& lines, size_t* epochs) {
  return WithUntrustedJson("a key_epoch or manifest entry",
                           [&] { return VerifyKeyEpochEntries(lines, epochs); });
}

}  // namespace stapel
