#ifndef STAPEL_LINKER_FELLEGI_SUNTER_H_
#define STAPEL_LINKER_FELLEGI_SUNTER_H_

// The Fellegi-Sunter model of record linkage, estimated from the data itself as Splink does:
// for each field and comparison level (field_comparison.h), m = P(level | the pair is a
// match) and u = P(level | it is not), fields taken as independent given match status.
// A pair is compared only under a salt it shares (its birth date, its address, or its first
// given name and surname), so u is estimated per salt among pairs that share it and are not
// matches (two persons born the same day; the members of a household; namesakes), and the salt's
// own fields are weighed together by their m over the share of all pairs that share the salt. u
// is fixed before m is fitted, as Splink fixes it from random pairs: m and the share of matches
// come from expectation maximisation over the candidate pairs (those sharing a salt),
// semi-supervised by the pairs the deterministic keys linked, each record having one match at
// most. A model that fitted its own non-match levels too could take a cluster of non-matches
// (a household's members) for matches, and count more matches than there are records. A
// pattern's match weight is log2 of its Bayes factor m / u (a missing field counts neither way);
// its odds of a match take as prior the share of matches among all pairs of records and
// persons, which is what the salts' shares are relative to. Fields
// that change together — an address's postcode, house number and street change in a move — have a
// move in m: a match moved with probability m_moved(), and then its two addresses compare as an
// unrelated pair's do (u); else field by field as m says. Independent fields alone would count a
// move once per field, each at the odds of a single disagreement. A pair compared under the address
// salt did not move. Deterministic: the same counts give the same model. Thread-compatible.

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "linker/field_comparison.h"

namespace stapel {

// How many pairs have each pattern.
using PatternCounts = std::map<uint32_t, double>;

// A candidate pair of a source record and a register person.
struct CandidatePair {
  uint32_t record;   // the record's index, below Train's `records`
  uint32_t person;   // the caller's: the model does not read it
  uint32_t pattern;  // the index of its pattern in Train's `patterns`
};

class FellegiSunterModel {
 public:
  // `together`: the fields that change together (above), none by default.
  explicit FellegiSunterModel(size_t fields, std::vector<size_t> together = {});

  // u among non-matches that share a salt: `pairs`, their patterns (compared under it:
  // `salt_fields` exact), and `share`, the share of all pairs that share it. A pattern with the
  // salt's fields exact is weighed with it (the first salt given that fits); a pattern no salt fits
  // has every field missing.
  void EstimateWithin(const PatternCounts& pairs, double share, std::vector<size_t> salt_fields);

  // m by EM over the candidate `pairs` of `records` source records, from a prior of mostly
  // exact matches, u as EstimateWithin gave it, with `known_matches` (pairs a deterministic key
  // linked) counted as matches in every step: they anchor m where the candidates alone leave two
  // readings (a household's other members agree on surname and address as a person's own
  // records do). Not the m of a move: most keys hold an address field, so the known matches
  // seldom moved. A record's match is any one of the persons alike before its fields are seen,
  // or none of them: each step takes a pair's chance of being its record's match as its odds
  // over the sum of its record's candidates' odds and the chance that the match is not among
  // them (1 - matched_share()). So a record's candidates share one match between them: two
  // household members who fit a record equally are half a match each, not one each. The prior:
  // the matches EM expects among the candidates over `all_pairs`, the pairs of records and
  // persons there are. Without EstimateWithin, nothing is fitted. Returns the iterations run
  // (at most kMaxIterations).
  int Train(std::span<const uint32_t> patterns, std::span<const CandidatePair> pairs,
            size_t records, const PatternCounts& known_matches, double all_pairs);

  double Weight(uint32_t pattern) const;
  // The pair's odds of a match: 2^Weight times the prior share of matches among all pairs
  // (lambda). Its match probability depends on its record's other candidates (fuzzy_linkage.h).
  double Odds(uint32_t pattern) const;
  double lambda() const { return lambda_; }  // the prior share of matches among all pairs
  double candidate_matches() const { return candidate_matches_; }  // EM's expected matches
  // The share of records whose match is among their candidates (EM's expected matches over the
  // records, with one record more, without a candidate, so that no number of records makes
  // "none of them" impossible).
  double matched_share() const { return matched_share_; }
  double m(size_t field, Level level) const { return m_.shares[field][static_cast<size_t>(level)]; }
  // m's probability of a move, estimated among the candidates that hold a field that changes
  // together (not among the known matches).
  double m_moved() const { return m_.moved; }

  static constexpr int kMaxIterations = 200;

 private:
  using Shares = std::array<double, kLevels>;  // per level; kMissing's unused
  // Per field its level shares, and for m the probability of a move (the shares of the fields
  // of together_ are then those of the pairs that did not move).
  struct Levels {
    std::vector<Shares> shares;
    double moved = 0;
  };
  struct Within {
    Levels u;      // among pairs that share the salt
    double share;  // of all pairs
    std::vector<size_t> salt_fields;
  };
  // The first of within_ whose fields `pattern` has exact, or nullptr.
  const Within* WithinOf(uint32_t pattern) const;
  // Whether `pattern` holds a field of together_ and is compared under no salt of them: its
  // pair may have moved.
  bool MayHaveMoved(uint32_t pattern, const std::vector<size_t>& salt_fields) const;
  // The probability of `pattern`'s levels of the fields of together_ for a pair that did not
  // move (under `levels`), and for one that did: its addresses are unrelated (under `random`,
  // a non-match's levels).
  std::pair<double, double> StayedOrMoved(const Levels& levels, const Levels& random,
                                          uint32_t pattern) const;
  // The shares of `pairs` at each level, with `prior` added to each count; with `moves`, the
  // probability of a move too, each pattern that holds a field of together_ counted as moved by
  // its chance under `moves` (and those fields only as far as it did not move), against a
  // non-match's levels under the salt the pattern is compared under; a pair compared under the
  // address did not move.
  Levels CountLevels(const PatternCounts& pairs, double prior, const Levels* moves = nullptr) const;
  // The probability of `pattern`'s levels under `levels` (fields not in `salt_fields`); with
  // `random`, under m with its moves.
  double Likelihood(const Levels& levels, uint32_t pattern, const std::vector<size_t>& salt_fields,
                    const Levels* random = nullptr) const;

  size_t fields_;
  std::vector<size_t> together_;
  Levels m_;
  double lambda_ = 0.01;
  double candidate_matches_ = 0;
  double matched_share_ = 0;
  std::vector<Within> within_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FELLEGI_SUNTER_H_
