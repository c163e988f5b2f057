#ifndef STAPEL_PARTY_AGENT_LINKAGE_EVAL_H_
#define STAPEL_PARTY_AGENT_LINKAGE_EVAL_H_

// Measures linkage quality on plaintext test data: runs the real path in-process (the
// agents' validation, normalization and HMAC match keys under a fresh random secret, then the
// hub's Linker) over a register export and a source export, and compares the links with a
// truth file of true pairs. For test data only: it reads plaintext identifiers.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "linker/linkage.h"
#include "party-agent/agent_config.h"

namespace stapel {

struct LinkageEvaluation {
  uint64_t register_records = 0, source_records = 0;  // accepted rows
  uint64_t rejected_rows = 0;
  uint64_t incomplete_rows = 0;  // accepted with an identifying field left out
  uint64_t links = 0, correct_links = 0, true_pairs = 0;
  uint64_t ambiguous = 0;
  uint64_t fuzzy_comparisons = 0;  // field comparisons of pairs made by the fuzzy pass
  // What the fuzzy pass's model says without the truth (EstimateQuality); with the pass only.
  std::optional<LinkEstimate> estimated;
  // True pairs whose source record shares a match key or a salt of the filters (bloom_filter.h)
  // with its register record: the pairs any pass can find (a rejected source row shares
  // nothing).
  uint64_t reachable_pairs = 0;
  std::vector<std::pair<std::string, uint64_t>> links_by_pass;
  // The fuzzy links by the model's match probability, from `from` (kProbabilityBands) to the
  // next band's: how many, their probabilities' sum and how many are right. A calibrated model's
  // band is right about as often as its mean probability says.
  struct ProbabilityBand {
    double from;
    uint64_t links = 0, correct = 0;
    double probability = 0;
  };
  std::vector<ProbabilityBand> fuzzy_bands;
  static constexpr double kProbabilityBands[] = {0.5, 0.8, 0.9, 0.95, 0.99};
  struct WrongLink {
    size_t source_line, linked_register_line, true_register_line;  // 0: none
    std::string pass;    // the match key's kind, or "fuzzy"
    double probability;  // the fuzzy pass's match probability; 1 for a key's link
  };
  std::vector<WrongLink> wrong_links;  // the first 100
  // True pairs no pass can reach (source line, register line), the first 100.
  std::vector<std::pair<size_t, size_t>> unreachable_pairs;
  // Reachable true pairs whose source record no pass linked to its true person (source line,
  // register line): every one.
  std::vector<std::pair<size_t, size_t>> missed_pairs;
  double seconds = 0;  // normalize + key + link, both files

  double precision() const { return links == 0 ? 1.0 : double(correct_links) / links; }
  double recall() const { return true_pairs == 0 ? 1.0 : double(correct_links) / true_pairs; }
  double reachable() const {
    return true_pairs == 0 ? 1.0 : double(reachable_pairs) / true_pairs;
  }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

// `truth` is a CSV with header source_line,register_line: the line of each source row and
// the line of its person's row in the register export. Errors name the file at fault.
// With `fuzzy` false the manifest's fuzzy pass is left out (deterministic passes only).
absl::StatusOr<LinkageEvaluation> EvaluateLinkage(const AgentConfig& register_config,
                                                  const AgentConfig& source_config,
                                                  const std::filesystem::path& truth, bool fuzzy);

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_LINKAGE_EVAL_H_
