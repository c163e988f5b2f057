#ifndef STAPEL_LINKER_MANIFEST_H_
#define STAPEL_LINKER_MANIFEST_H_

// The project manifest (TOML), approved by the privacy officer and held by the hub and every
// party: which parties take part and in which role, which match keys and attributes each may
// send (data minimization: nothing else is accepted), who may request tables, and the
// disclosure rules. See deploy/examples/manifest.toml for an annotated example.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "linker/bloom_filter.h"

namespace stapel {

enum class PartyRole { kRegister, kSource };

struct PartyManifest {
  std::string id;
  PartyRole role = PartyRole::kSource;
  std::string signing_public_key;       // base64 Ed25519 public key
  std::vector<std::string> match_keys;  // in the project's precision order
  std::vector<std::string> attributes;  // indicator flags the party may send
  bool fuzzy = false;                   // sends Bloom filters for the fuzzy pass

  bool AllowsAttribute(std::string_view name) const;
  bool AllowsMatchKey(std::string_view kind) const;
};

struct DisclosureRules {
  int k = 10;  // threshold: counts 1..k-1 are never published
  // An area with fewer residents (but at least one) publishes nothing at all; 0 disables.
  int min_area_population = 50;
  // A count equal to, or within k-1 of, its population (residents, or households for the
  // household measures) would tell the attribute of (nearly) everyone in the area.
  bool group_disclosure = true;
};

struct Manifest {
  std::string project_id;
  std::string title;
  std::vector<std::string> match_keys;  // most precise first
  std::vector<PartyManifest> parties;
  std::vector<std::string> requesters;
  DisclosureRules disclosure;
  // The fuzzy pass ([fuzzy]); fields in name order, used when a party has fuzzy = true.
  std::optional<BloomSettings> fuzzy;

  // Reads and validates a manifest; key files named in it are resolved relative to the
  // manifest's folder. INVALID_ARGUMENT names the file, the entry and what is wrong.
  static absl::StatusOr<Manifest> Load(const std::filesystem::path& path);

  const PartyManifest* FindParty(std::string_view id) const;
  // The position of a match key kind in the precision order; match_keys.size() if unknown.
  size_t MatchKeyIndex(std::string_view kind) const;
  const PartyManifest& RegisterParty() const;  // exactly one exists after Load
  bool IsRequester(std::string_view id) const;
  // Every party's attributes in manifest order: the indicators of the stacking table.
  std::vector<std::string> Indicators() const;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_MANIFEST_H_
