#ifndef STAPEL_LINKER_FUZZY_LINKAGE_H_
#define STAPEL_LINKER_FUZZY_LINKAGE_H_

// The fuzzy pass: for source records no deterministic key linked, compare field-level keyed
// Bloom filters (field_comparison.h) with the register persons that share a salt with them
// (their birth date, their address, or their first given name and surname: equal tags,
// bloom_filter.h) — the only pairs whose fields can be compared — weigh each pair with a
// Fellegi-Sunter model estimated from these very records (fellegi_sunter.h: u among pairs of
// this source's linked records and the persons other than their match who share a salt with them,
// or among register persons who share it; m by EM over the candidate pairs), and assign one to one
// by match probability: the likeliest pair first, each person and each record used at most once,
// only a pair more likely a match than not. A pair's probability is taken given its record's other
// candidates, a record having one match at most: the pair's odds against theirs and against the
// chance that the record's match is none of them (the model's matched_share) — a record that fits
// two persons equally links to neither, one that fits one person alone is not held back by the
// odds of a pair weighed against everyone. The links stop where their estimated
// precision (the mean match probability of the links made) would fall below the target.
// Deterministic: the same records added in the same order give the same links. Thread-compatible.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "linker/bloom_filter.h"
#include "linker/fellegi_sunter.h"
#include "linker/field_comparison.h"

namespace stapel {

struct FuzzyMatch {
  uint64_t query;     // the caller's id of the source record
  uint32_t person;    // the register person
  float probability;  // the pair's match probability, given its record's other candidates
};

// What the model says of the links it made, without ground truth.
struct FuzzyEstimate {
  double expected_right = 0;   // the sum of the links' match probabilities
  double expected_missed = 0;  // matches expected among the records' candidates, not linked
};

class FuzzyMatcher {
 public:
  // `settings`: the project's (its fields, segments and precision target).
  explicit FuzzyMatcher(const BloomSettings& settings);

  // A register person's filter (settings.bits / 64 words; one of another size is left out, as in
  // AddQuery and AddKnownMatch). Call once per person, every person before the first AddQuery
  // or AddKnownMatch: a person added after them sorts the salt groups again, and the records
  // queued or checked before it are not compared with it.
  void AddPerson(uint32_t person, std::span<const uint64_t> filter);
  // Sizes the store of filters for this many persons up front: growing it by copying would
  // hold it twice (5.3 GB of the example manifest's filters at 18 million persons).
  void Reserve(size_t persons);

  // Queues a source record: Assign compares it with the persons sharing a salt.
  void AddQuery(uint64_t query, std::span<const uint64_t> filter);

  // A record of the source that a deterministic key found for `person` (AddPerson's): a known
  // match, which anchors the model's m (FellegiSunterModel::Train) and, kept in a sample of
  // kKnownSampled by hash, gives u (CountAgainstKnown). Returns false, and keeps nothing, where
  // the record plainly contradicts the person. Then the key must not link them. A key without
  // the full given name (an initial, surname and address) finds a household's other member as
  // readily as the person: a record that gives the second given name ("Johanna" of Anna
  // Johanna) meets Jan, and "Sören" meets his son Sem. The contradictions:
  // - its sex is the other one. Any two different sexes count ("X" against "M" too); a pair
  //   that shares only the names salt has no sex to compare (bloom_filter.h FollowsFrom);
  // - neither its first given name nor any of its birth date agrees: the name is different or
  //   only a later given name of the person's (a father's name given to his son), the date
  //   different or fair (two unrelated dates share bigrams, "19" and "-0") or missing,
  //   the year different or missing (a year with two digits transposed is fair), one of them
  //   given. On harsh seed 12 this took 1.5 of 5 wrong links a run away;
  // - its year is not the person's (different, or a date different or fair with no year) and
  //   another person at its address, not of the other sex, was born then (the same date or one
  //   close to it, or the same year): a mother's record that gives her second given name, her
  //   daughter's first, and a date that does not exist but holds its year, meets the daughter. On
  //   harsh seeds 11 to 15 this took one wrong link each from four of them. A record whose year is
  //   fair (a mother born 1956 against her son born 1996) is kept: the fuzzy pass found the son as
  //   well.
  // A differing birth year alone is no such sign: a year's digits are often transposed, and on
  // harsh seed 11 a veto on it lost 0.2 points of recall; a first name alone neither: a record
  // may give a later given name, and such a veto cut precision (the vetoed records found wrong
  // persons in the fuzzy pass).
  bool AddKnownMatch(uint32_t person, std::span<const uint64_t> filter);

  // Estimates the model over the queued records, then assigns one to one, likeliest pair first;
  // persons in `taken` (already linked to this source by a deterministic pass) are skipped.
  // Clears the queued records. `estimate` (optional) receives what the model says of the links.
  std::vector<FuzzyMatch> Assign(const absl::flat_hash_set<uint32_t>& taken,
                                 FuzzyEstimate* estimate = nullptr);

  uint64_t comparisons() const { return comparisons_; }
  // A salt value shared by more persons than this gives no candidates: it would cost
  // comparisons in proportion to the register. It bounds a record's candidates at
  // kMostPerSaltValue per salt.
  static constexpr size_t kMostPerSaltValue = 1'000;
  // Persons of one salt value whose pairs estimate u among persons who share it.
  static constexpr size_t kPersonsPerGroupSampled = 20;
  // Known matches' records kept to estimate u against the persons who share a salt with them,
  // how many it takes to use them rather than pairs of persons, and how many of their pairs a
  // salt must have.
  static constexpr size_t kKnownSampled = 10'000;
  static constexpr size_t kKnownForU = 500;
  static constexpr size_t kPairsForU = 200;

 private:
  // Whether a person at the address of the record `filter`, other than the one at `slot`, was
  // born when the record says (the same date or one close to it, or the same year) and is not of
  // the other sex.
  bool AnotherAtItsAddressBornThen(std::span<const uint64_t> filter, uint32_t slot);
  // The model's u among non-matches that share each salt (FellegiSunterModel::EstimateWithin):
  // CountAgainstKnown where the source has kKnownForU known matches and they give the salt
  // kPairsForU pairs, else CountWithin (counted once for every source).
  void EstimateWithinSalts(FellegiSunterModel* model);
  // The patterns of pairs of register persons compared under `salt` (kPersonsPerGroupSampled
  // persons of each salt value, each pair weighted by the pairs of its group it stands for),
  // and the share of all pairs of persons such pairs are (with one pair more than counted).
  struct SaltPairs {
    PatternCounts pairs;
    double share = 0;
    size_t counted = 0;  // the pairs compared
  };
  SaltPairs CountWithin(Salt salt) const;
  // The patterns of the sampled known matches' records with the persons who share `salt` with
  // them (compared under it), other than their match: pairs of this source's records and persons
  // that are not theirs, as the candidates' non-matches are. Persons of the register's pairs are
  // drawn from the whole register; a source's records may not be (tenants are adults, and adults'
  // namesakes are seldom born the same year as children's are). The share: of all pairs of the
  // sampled records and persons.
  SaltPairs CountAgainstKnown(Salt salt) const;

  size_t words_;
  double precision_;
  FieldComparator comparator_;
  // The fields AddKnownMatch reads, -1 when not encoded.
  int sex_, first_names_, birth_date_, birth_year_;
  std::vector<std::vector<size_t>> salt_fields_;  // per salt: its fields
  std::vector<size_t> moved_together_;            // the fields ChangesInAMove
  std::vector<uint64_t> filters_;  // slot i at i * words_
  std::vector<uint32_t> person_;   // slot -> person
  absl::flat_hash_map<uint32_t, uint32_t> slot_of_;  // person -> slot
  // A person's salt: 12 bytes, not 16 (at 18 million persons and three salts, 0.6 GB).
  struct [[gnu::packed]] Tagged {
    uint64_t tag;
    uint32_t slot;
  };
  // Per salt, the persons with a tag: sorted by tag, then slot (the order persons were added),
  // once after the last AddPerson (SortTags). A flat array rather than a map of vectors, which
  // would cost some 50 bytes more per nearly unique tag (an address, a name pair).
  std::array<std::vector<Tagged>, kSalts> by_tag_;
  bool tags_sorted_ = true;
  void SortTags();
  // The slots of the persons with `tag` under `salt` (by_tag_ sorted), in the order added.
  std::span<const Tagged> WithTag(Salt salt, uint64_t tag) const;
  PatternCounts known_;            // the known matches' patterns
  // A sample of the known matches' records: a max-heap by hash of the kKnownSampled least.
  struct KnownRecord {
    uint64_t hash;
    uint32_t match;  // the person's slot
    std::vector<uint64_t> filter;
    bool operator<(const KnownRecord& o) const { return hash < o.hash; }
  };
  std::vector<KnownRecord> sample_;
  // CountWithin per salt, once for every source (reset by AddPerson).
  std::optional<std::vector<SaltPairs>> within_;
  std::vector<uint64_t> query_filters_;  // query i at i * words_
  std::vector<uint64_t> queries_;        // index -> the caller's id
  // Record: index into queries_; person: the person's slot; pattern: set by Assign.
  std::vector<CandidatePair> pairs_;
  uint64_t comparisons_ = 0;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FUZZY_LINKAGE_H_
