#ifndef STAPEL_SYNTH_GENERATOR_H_
#define STAPEL_SYNTH_GENERATOR_H_

// A fictional municipality (or, with `nation`, a fictional country of gemeenten) and the
// exports of its three data holders, deterministic for a seed. Indicators are correlated the way
// users describe them: debts and poverty cluster in some buurten, some expensive buurten have
// mortgage stress and hidden debts, youth care co-occurs with household debts. The exports carry
// realistic dirt: invalid rows, rows with an invalid birth date or postcode (which the agent leaves
// out, sending the row with the keys its other fields form), duplicate rows, formatting variants,
// people who do not live in the municipality. The ground truth is written separately, for tests
// only: per export truth/<export>_rows.csv (line, person: -1 for someone living elsewhere, valid: 0
// for a row the agent rejects), truth/housing_pairs.csv (the true pairs: each housing row of a
// resident in the register with the line of the person's first register row the agent sends; typed
// errors and all, but not a row whose invalid fields, left out, leave it no match key in common
// with the person's register rows), truth/persons.csv, and the table a correct system computes
// from the rows the agent sends (truth/true_table.*, true_counts.json).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stapel {

// The kinds of error typed into the housing corporation's export (it has no BSN, so these
// test the name-based linkage), with their relative weights.
struct ErrorMix {
  double typo = 1;               // a letter of the surname replaced
  double transposition = 1;      // two adjacent letters of the surname or first name swapped
  double dropped_prefix = 1;     // "van der Berg" written "Berg"
  double swapped_day_month = 1;  // 03-12-1980 for 12-03-1980
  double missing_field = 1;      // birth date, postcode or house number left empty
  double married_name = 1;       // "Jansen-de Vries" where the register has "de Vries"
  double moved = 1;              // the household's new address, not the register's
  // The harsher kinds of public linkage benchmarks (0 unless asked for: the demo's data stay as
  // they were).
  double swapped_names = 0;      // the first names in the surname's column and the other way
  double keyboard = 0;           // a letter of a name replaced by a neighbour on the keyboard
  double phonetic = 0;           // a Dutch spelling by sound: ij/y/ei, c/k, ph/f, dt/t, sch/s, ...
  double ocr = 0;                // a scanning error: rn/m, cl/d, vv/w in names, 0/8, 1/7 in digits
  double transposed_digits = 0;  // two adjacent digits of the date, postcode or house number
  double invalid_date = 0;       // a birth date that is no date at all (31-04, 30-02, month 13)
  double nickname = 0;           // Johannes for Jan, Henk for Hendrikus, Mieke for Maria, ...
  double missing_name = 0;       // the first names (or, less often, the surname) left empty
  double initials = 0;  // the given names written as their initials: "J.H." for Jan Hendrik
  double later_given_name = 0;  // the name a person goes by: the second given name, not the first
  double sex = 0;               // the sex left empty (two in three) or written as the other one
};

struct SynthOptions {
  uint64_t seed = 1;
  int residents = 50000;
  // Share of the housing rows of residents with at least one error; of those, the share with a
  // second, and of these, the share with a third.
  double error_rate = 0.2;
  double second_error_rate = 0.1;
  double third_error_rate = 0;
  ErrorMix error_mix;
  // Persons have one to three given names, as most Dutch do; the register lists them all, as the
  // BRP does, and the housing export writes the first (the name a person goes by; a later one or
  // the initials as errors of ErrorMix). Off: one given name each, the demo's data as they were.
  bool several_given_names = false;
  std::filesystem::path out;  // writes out/input/*.csv and out/truth/*
  // Spread the residents over a fictional nation (synth/areas.h: 342 gemeenten at 17.9 million
  // residents, fewer in proportion) instead of the demo municipality; written gemeente by
  // gemeente, holding one gemeente's residents at a time. Match keys are kept unique within a
  // gemeente only (as in life, two persons elsewhere may share a name and birth date). No
  // boundaries are written for a nation.
  bool nation = false;
  // Called after each gemeente: (gemeenten, done, residents written).
  std::function<void(int, long, long)> progress;
};

// Parses "typo=2,moved=0.5": weights for the named kinds, 0 for the kinds not named.
absl::StatusOr<ErrorMix> ParseErrorMix(std::string_view text);
// The kinds' names as ParseErrorMix reads them, in the order above: "typo, transposition, ...".
std::string ErrorKinds();

// Named settings of the housing export's dirt (stapel-synth --preset):
//  - clean: no typed errors;
//  - demo: the defaults (20% of rows with one error of the first seven kinds, a tenth of those
//    with two);
//  - harsh: as public linkage benchmarks corrupt records: 60% of rows with errors of every
//    kind, up to three per row; persons with several given names.
// INVALID_ARGUMENT names the presets for another name.
absl::Status ApplyErrorPreset(std::string_view name, SynthOptions* options);

struct SynthSummary {
  int residents = 0;
  int gemeenten = 0;
  int buurten = 0;
  int wijken = 0;
  int register_rows = 0, housing_rows = 0, credit_rows = 0;
  int invalid_rows = 0;     // rows the agent rejects (a BSN failing the eleven-test, a bad buurt)
  int incomplete_rows = 0;  // rows with an invalid birth date or postcode the agent leaves out
  int duplicate_rows = 0;
  int rows_with_errors = 0;  // housing rows with typed errors (still valid, harder to link)
};

absl::StatusOr<SynthSummary> GenerateMunicipality(const SynthOptions& options);

}  // namespace stapel

#endif  // STAPEL_SYNTH_GENERATOR_H_
