#ifndef STAPEL_LINKER_MATCH_KEY_H_
#define STAPEL_LINKER_MATCH_KEY_H_

// Match keys: HMAC-SHA256 under the parties' linkage secret over a domain-separated string
//   "stapel-match-key-v1" 0x00 project_id 0x00 kind 0x00 normalized_value
// so the same person gives the same key at every party of one project, and another key in
// another project or for another kind. Without the secret the hub cannot recompute a key
// from a guessed BSN. Project ids and kinds never contain 0x00 (they are identities), so
// the encoding is unambiguous.

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "encoding/hmac_sha256.h"
#include "keys/secret_bytes.h"

namespace stapel {

using MatchKey = std::array<uint8_t, 32>;

// Hash-table hash of a match key: HMAC output is uniform, so its first 8 bytes will do.
struct MatchKeyHash {
  size_t operator()(const MatchKey& k) const {
    size_t h;
    std::memcpy(&h, k.data(), sizeof(h));
    return h;
  }
};

// The kinds of match key Stapel forms, roughly from most to least precise. "surname" is one
// part of the surname without its prefix (ParseSurname): a double or married surname gives
// one key per part. Each kind survives a different error in the other fields:
inline constexpr std::string_view kMatchKeyBsn = "bsn";
// surname | ISO birth date | postcode: initials that differ, a house number typed wrong.
inline constexpr std::string_view kMatchKeySurnameBirthPostcode = "surname_birth_postcode";
// initial | surname | ISO birth date: a household that moved.
inline constexpr std::string_view kMatchKeyInitialSurnameBirth = "initial_surname_birth";
// ISO birth date | postcode | house number: a surname misspelled, or a married name.
inline constexpr std::string_view kMatchKeyBirthPostcodeHouse = "birth_postcode_house";
// initial | surname | postcode | house number: a birth date mistyped or day and month swapped.
inline constexpr std::string_view kMatchKeyInitialSurnamePostcodeHouse =
    "initial_surname_postcode_house";
const std::vector<std::string_view>& KnownMatchKeyKinds();
bool IsKnownMatchKeyKind(std::string_view kind);

// The key-check value of a linkage secret in a project: HMAC-SHA256(secret,
// "stapel-key-check-v1" 0 project_id) in lowercase hex. It shows whether two parties hold the
// same secret without telling the secret (no match key uses that label). The manifest states
// it, every batch carries it, and the hub refuses a batch whose value differs.
std::string KeyCheckValue(const SecretBytes& linkage_secret, std::string_view project_id);

// One match key to compute: its kind and the normalized fields of its value.
struct MatchKeyInput {
  std::string_view kind;
  absl::InlinedVector<std::string_view, 4> fields;
};

// Thread-safety: Compute and ComputeMany are const and may be called from many threads.
class MatchKeyer {
 public:
  // Errors: INVALID_ARGUMENT when the secret is shorter than 32 bytes.
  static absl::StatusOr<std::unique_ptr<MatchKeyer>> Create(const SecretBytes& linkage_secret,
                                                            std::string_view project_id);

  // Over PrefixedHmacSha256 with the prefix "stapel-match-key-v1\0project\0"; allocates
  // nothing for values of up to four fields.
  MatchKey Compute(std::string_view kind, std::string_view normalized_value) const;
  // The same for a value of several fields, "field|field|...", without joining them first.
  MatchKey Compute(std::string_view kind, std::span<const std::string_view> fields) const;
  // out[i] = Compute(inputs[i].kind, inputs[i].fields): a record's keys together, two at a time
  // through the SHA instructions (PrefixedHmacSha256::ComputeMany). `out` has inputs.size().
  void ComputeMany(std::span<const MatchKeyInput> inputs, std::span<MatchKey> out) const;

 private:
  explicit MatchKeyer(std::unique_ptr<PrefixedHmacSha256> mac) : mac_(std::move(mac)) {}
  const std::unique_ptr<PrefixedHmacSha256> mac_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_MATCH_KEY_H_
