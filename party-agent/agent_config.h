#ifndef STAPEL_PARTY_AGENT_AGENT_CONFIG_H_
#define STAPEL_PARTY_AGENT_AGENT_CONFIG_H_

// The configuration of one party's agent (TOML); see deploy/examples/agent-*.toml. It names
// the party, the manifest, the hub, the TLS and key files, the export file and how its
// columns map onto Stapel's fields and the manifest's attributes.

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "project/manifest.h"
#include "proto/tls.h"

namespace stapel {

// Identifying fields an export may hold; which are needed depends on the match keys.
inline constexpr std::string_view kFieldBsn = "bsn";
inline constexpr std::string_view kFieldFirstNames = "first_names";
inline constexpr std::string_view kFieldSurname = "surname";
inline constexpr std::string_view kFieldBirthDate = "birth_date";
inline constexpr std::string_view kFieldPostcode = "postcode";
inline constexpr std::string_view kFieldHouseNumber = "house_number";
inline constexpr std::string_view kFieldSurnamePrefix = "surname_prefix";  // optional voorvoegsel
inline constexpr std::string_view kFieldBuurt = "buurt";
// Optional, for the fuzzy pass ([fuzzy.weights] of the manifest): the street, the place of
// residence, the sex, and the initials (when the export has no given names; else they are the
// given names').
inline constexpr std::string_view kFieldStreet = "street";
inline constexpr std::string_view kFieldPlace = "place";
inline constexpr std::string_view kFieldSex = "sex";
inline constexpr std::string_view kFieldInitials = "initials";

struct AgentConfig {
  std::filesystem::path config_file;
  std::string party_id;
  std::filesystem::path manifest;
  HubEndpoint hub;
  TlsFiles tls;
  std::filesystem::path signing_key;
  // Where the key ceremony (stapel-ceremony) writes the secret and the agent reads it.
  std::filesystem::path linkage_secret;
  std::filesystem::path hub_signing_key;  // the hub's public key: receipts must verify with it
  // When linkage_secret is protected with a passphrase (stapel-keys protect): the file that
  // holds the passphrase (mode 0600; e.g. a systemd credential). Empty otherwise.
  std::filesystem::path passphrase_file;
  // The party's X25519 key (<party>-box.key), which opens its box in the key ceremony.
  std::filesystem::path box_key;

  std::filesystem::path input;
  char delimiter = ',';
  std::filesystem::path reject_file;  // default: <input>.rejects.csv
  size_t batch_size = 5000;
  // [input] period: the period the export describes, one of the manifest's periods (empty
  // when the manifest names none). The run replaces the party's data of that period only.
  std::string period;
  int retry_seconds = 60;  // how long to keep retrying an unreachable hub
  int batches_in_flight = 2;  // sent before the first is acknowledged (1 to 3)
  // Threads that build records (keys and Bloom filters): every core by default.
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  std::map<std::string, std::string> columns;     // field -> header name
  std::map<std::string, std::string> attributes;  // manifest attribute -> header name

  // INVALID_ARGUMENT names the file, the entry and how to fix it.
  static absl::StatusOr<AgentConfig> Load(const std::filesystem::path& path);

  // The manifest this config names; INVALID_ARGUMENT also when party_id is not a party of it.
  absl::StatusOr<Manifest> LoadManifest() const;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_AGENT_CONFIG_H_
