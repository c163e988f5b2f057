#ifndef STAPEL_SYNTH_GENERATOR_H_
#define STAPEL_SYNTH_GENERATOR_H_

// A fictional municipality and the exports of its three data holders, deterministic for a
// seed. Indicators are correlated the way users describe them: debts and poverty cluster in
// some buurten, some expensive buurten have mortgage stress and hidden debts, youth care
// co-occurs with household debts. The exports carry realistic dirt: invalid rows, duplicate
// rows, formatting variants, people who do not live in the municipality. The ground truth
// (who is who, and the table a correct system computes from the valid rows) is written
// separately, for tests only.

#include <cstdint>
#include <filesystem>

#include "absl/status/statusor.h"

namespace stapel {

struct SynthOptions {
  uint64_t seed = 1;
  int residents = 50000;
  std::filesystem::path out;  // writes out/input/*.csv and out/truth/*
};

struct SynthSummary {
  int residents = 0;
  int buurten = 0;
  int wijken = 0;
  int register_rows = 0, housing_rows = 0, credit_rows = 0;
  int invalid_rows = 0, duplicate_rows = 0;
};

absl::StatusOr<SynthSummary> GenerateMunicipality(const SynthOptions& options);

}  // namespace stapel

#endif  // STAPEL_SYNTH_GENERATOR_H_
