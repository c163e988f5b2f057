#ifndef STAPEL_LINKER_FELLEGI_SUNTER_H_
#define STAPEL_LINKER_FELLEGI_SUNTER_H_

// The Fellegi-Sunter model of record linkage, estimated from the data itself as Splink does:
// for each field and comparison level (field_comparison.h), m = P(level | the pair is a
// match) and u = P(level | it is not), fields taken as independent given match status.
// A pair is compared only under a salt it shares (its birth date, or its address), so u is
// estimated per salt among pairs of register persons who share it (nearly all non-matches:
// two persons born the same day; the members of a household), and the salt's own fields are
// weighed together by their m over the share of all pairs of persons that share the salt. m
// comes from expectation maximisation over the candidate pairs (those sharing a salt),
// semi-supervised by the pairs the deterministic keys linked; it fits its own non-match levels
// for the candidates. A pattern's match weight is log2 of its Bayes factor m / u (a missing
// field counts neither way); its match probability takes as prior the share of matches among
// all pairs of records and persons, which is what the salts' shares are relative to.
// Deterministic: the same counts give the same model. Thread-compatible.

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "linker/field_comparison.h"

namespace stapel {

// How many pairs have each pattern.
using PatternCounts = std::map<uint32_t, double>;

class FellegiSunterModel {
 public:
  explicit FellegiSunterModel(size_t fields);

  // u among pairs of register persons who share a salt: `pairs`, their patterns (compared
  // under it: `salt_fields` exact), and `share`, the share of all pairs of persons that share
  // it. A pattern with the salt's fields exact is weighed with it (the first salt given that
  // fits); a pattern no salt fits has every field missing.
  void EstimateWithin(const PatternCounts& pairs, double share, std::vector<size_t> salt_fields);

  // m by EM over the candidate pairs' patterns, from a prior of mostly exact matches, with
  // `known_matches` (pairs a deterministic key linked) counted as matches in every step: they
  // anchor m where the candidates alone leave two readings (a household's other members agree
  // on surname and address as a person's own records do). The prior: the matches EM expects
  // among the candidates over `all_pairs`, the pairs of records and persons there are.
  // Returns the iterations run (at most kMaxIterations).
  int Train(const PatternCounts& candidate_pairs, const PatternCounts& known_matches,
            double all_pairs);

  double Weight(uint32_t pattern) const;
  double Probability(uint32_t pattern) const;
  double lambda() const { return lambda_; }  // the prior share of matches among all pairs
  double candidate_matches() const { return candidate_matches_; }  // EM's expected matches
  double m(size_t field, Level level) const { return m_[field][static_cast<size_t>(level)]; }

  static constexpr int kMaxIterations = 200;

 private:
  using Shares = std::array<double, kLevels>;  // per level; kMissing's unused
  struct Within {
    std::vector<Shares> u;  // per field, among pairs that share the salt
    double share;           // of all pairs
    std::vector<size_t> salt_fields;
  };
  // The first of within_ whose fields `pattern` has exact, or nullptr.
  const Within* WithinOf(uint32_t pattern) const;

  size_t fields_;
  std::vector<Shares> m_;
  std::vector<Shares> u_;  // EM's starting point for the candidates' own non-match levels
  double lambda_ = 0.01;
  double candidate_matches_ = 0;
  std::vector<Within> within_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FELLEGI_SUNTER_H_
