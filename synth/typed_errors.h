#ifndef STAPEL_SYNTH_TYPED_ERRORS_H_
#define STAPEL_SYNTH_TYPED_ERRORS_H_

// The errors typed into the housing corporation's export (internal to synth/; the kinds and
// ParseErrorMix are in generator.h).

#include <string>

#include "synth/generator.h"
#include "synth/random.h"

namespace stapel::synth {

// A housing row as typed, before formatting.
struct TypedRow {
  std::string first_names, surname, date, postcode, house, street;
  std::string given_names;  // every one of the person's, for their initials (not written)
  std::string sex;          // M or V
};

// Types one error of a kind drawn from `mix` into `row` (the person's true birth date is
// `year`-`month`-`day`).
void TypeError(Random& rng, const ErrorMix& mix, int year, int month, int day, TypedRow* row);

}  // namespace stapel::synth

#endif  // STAPEL_SYNTH_TYPED_ERRORS_H_
