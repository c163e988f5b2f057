#ifndef STAPEL_PROJECT_MANIFEST_H_
#define STAPEL_PROJECT_MANIFEST_H_

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
  std::string signing_public_key;  // base64 Ed25519 public key
  // box_key: base64 X25519 public key the linkage secret is sealed to in the key ceremony.
  std::string box_public_key;
  std::vector<std::string> match_keys;  // in the project's precision order
  std::vector<std::string> attributes;  // indicator flags the party may send
  // Flags that describe who a person is (an age group, say): sent like attributes, used only to
  // define populations, never counted as an indicator of the stacking table.
  std::vector<std::string> characteristics;
  bool fuzzy = false;  // sends Bloom filters for the fuzzy pass

  bool AllowsAttribute(std::string_view name) const;
  bool AllowsMatchKey(std::string_view kind) const;
};

// How released counts are protected: cell suppression proved by the attacker's LP, or the cell
// key method's consistent perturbation (disclosure/cell_key.h).
enum class DisclosureMethod { kSuppression, kCellKey };

// The cell key method's parameters (the p-table's, as the ptable package names them).
struct CellKeyParams {
  int max_deviation = 3;  // D: a published count differs from the true one by at most D
  double variance = 2.5;  // V: the perturbation's variance
  int threshold = 2;      // js: counts 1..js are never published (they become 0 or > js)
};

struct DisclosureRules {
  DisclosureMethod method = DisclosureMethod::kSuppression;
  CellKeyParams cell_key;  // used when method is kCellKey
  int k = 10;  // threshold: counts 1..k-1 are never published
  // An area with fewer residents (but at least one) publishes nothing at all; 0 disables.
  int min_area_population = 50;
  // A count equal to, or within k-1 of, its population (residents, or households for the
  // household measures) would tell the attribute of (nearly) everyone in the area.
  bool group_disclosure = true;
  // Published counts are rounded to a multiple of this (after suppression); 1 publishes exact
  // counts. Totals are rounded on their own, so rounded parts need not add up to the rounded
  // total.
  int rounding_base = 5;
  // A suppressed cell is protected when the attacker's LP over every published relation leaves
  // it an interval that holds both 0 and k, or is at least this wide (default: k).
  int protection_width = 10;
};

enum class CountUnit { kPersons, kHouseholds };

// A population requesters may count within ([populations] in the manifest): persons or
// households whose attributes (for households: of any member) satisfy the filter.
struct Population {
  std::string name;
  CountUnit unit = CountUnit::kPersons;
  std::string filter;  // an indicator expression; "true" for everyone
};

struct Manifest {
  std::string project_id;
  std::string title;
  // retention_until: the last day (UTC, "YYYY-MM-DD") the hub may keep the microdata; after
  // it, stapel-hub purge deletes them and no more releases are made. Empty: not stated.
  std::string retention_until;
  // gemeenten: the CBS codes (GM + 4 digits) of the gemeenten the project covers. The hub
  // refuses register records of a buurt elsewhere (it would be published as a gemeente of its
  // own). Empty: not restricted (the hub warns at start).
  std::vector<std::string> gemeenten;
  // periods: the periods the project holds data of (e.g. ["2024", "2025"], oldest first). Each
  // submission names one, each period is a data state of its own, and a request names the
  // periods it counts (a trend table for several). Empty: one unnamed period ("").
  std::vector<std::string> periods;
  // linkage_secret_creator: the party that makes the linkage secret in the key ceremony (and
  // every rotation) and seals it to each party's box_key; every party then needs a box_key.
  // Empty: no ceremony can be held, and the hub accepts no batches.
  std::string linkage_secret_creator;
  std::vector<std::string> match_keys;  // most precise first
  std::vector<PartyManifest> parties;
  std::vector<std::string> requesters;
  // [[privacy_officer]]: may read the release log and its audit in the portal; never tables.
  std::vector<std::string> privacy_officers;
  DisclosureRules disclosure;
  // Always "residents" and "households" (everyone), then the manifest's own.
  std::vector<Population> populations = {{"residents", CountUnit::kPersons, "true"},
                                         {"households", CountUnit::kHouseholds, "true"}};
  // The fuzzy pass ([fuzzy]); fields in name order, used when a party has fuzzy = true.
  std::optional<BloomSettings> fuzzy;

  // Reads and validates a manifest; key files named in it are resolved relative to the
  // manifest's folder. INVALID_ARGUMENT names the file, the entry and what is wrong.
  static absl::StatusOr<Manifest> Load(const std::filesystem::path& path);

  const PartyManifest* FindParty(std::string_view id) const;
  // Whether data may name `period`: one of `periods`, or "" when the manifest names none.
  bool HasPeriod(std::string_view period) const;
  // The last of `periods` ("" when none): what a request that names no period counts.
  std::string LatestPeriod() const;
  // The position of a match key kind in the precision order; match_keys.size() if unknown.
  size_t MatchKeyIndex(std::string_view kind) const;
  const PartyManifest& RegisterParty() const;  // exactly one exists after Load
  bool IsRequester(std::string_view id) const;
  bool IsPrivacyOfficer(std::string_view id) const;
  // Every party's attributes in manifest order: the indicators of the stacking table.
  std::vector<std::string> Indicators() const;
  // The indicators, then every party's characteristics: the bit order of a record's attributes.
  std::vector<std::string> Attributes() const;
  const Population* FindPopulation(std::string_view name) const;
};

// A valid period name: 1 to 32 of [0-9A-Za-z._-], starting with a letter or digit.
bool IsPeriodName(std::string_view name);

}  // namespace stapel

#endif  // STAPEL_PROJECT_MANIFEST_H_
