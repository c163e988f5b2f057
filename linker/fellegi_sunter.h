#ifndef STAPEL_LINKER_FELLEGI_SUNTER_H_
#define STAPEL_LINKER_FELLEGI_SUNTER_H_

// The Fellegi-Sunter model of record linkage, estimated from the data itself as Splink does:
// for each field and comparison level (field_comparison.h), m = P(level | the pair is a
// match) and u = P(level | it is not), fields taken as independent given match status.
// u comes from random pairs (nearly all non-matches). m comes from expectation maximisation
// over the candidate pairs (those sharing a blocking key), semi-supervised by the pairs the
// deterministic keys linked; it fits its own non-match levels for the candidates: non-matches within a block agree more often than random pairs do (members
// of one household share an address and a surname), so those are not u. A pattern's match
// weight is log2 of its Bayes factor m / u (a missing field counts neither way); its match
// probability takes as prior the share of matches among all pairs of records and persons,
// which is what u is relative to. Deterministic: the same counts give the same model.
// Thread-compatible.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "linker/field_comparison.h"

namespace stapel {

// How many pairs have each pattern.
using PatternCounts = std::map<uint32_t, double>;

class FellegiSunterModel {
 public:
  explicit FellegiSunterModel(size_t fields);

  // u from the patterns of random pairs.
  void EstimateU(const PatternCounts& random_pairs);
  // u of the fields other than the address among pairs of register persons who share one
  // (postcode and house number exact in `same_address`), and `share`, the share of all pairs
  // of persons that do. Fields `postcode` and `house` are the address fields.
  void EstimateHousehold(const PatternCounts& same_address, double share, size_t postcode,
                         size_t house);

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
  double u(size_t field, Level level) const { return u_[field][static_cast<size_t>(level)]; }

  static constexpr int kMaxIterations = 200;

 private:
  using Shares = std::array<double, kLevels>;  // per level; kMissing's unused
  size_t fields_;
  std::vector<Shares> m_, u_;
  double lambda_ = 0.01;
  double candidate_matches_ = 0;
  struct Household {
    std::vector<Shares> u;  // per field, among pairs that share an address
    double share;           // of all pairs
    size_t postcode, house;
  };
  std::optional<Household> household_;
};

}  // namespace stapel

#endif  // STAPEL_LINKER_FELLEGI_SUNTER_H_
