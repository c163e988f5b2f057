#ifndef STAPEL_SYNTH_NAMES_H_
#define STAPEL_SYNTH_NAMES_H_

// Names for the fictional residents (internal to synth/): common Dutch ones, others, and
// accented ones that test the normalization.

#include <string>

#include "synth/random.h"

namespace stapel::synth {

std::string DrawFirstName(Random& rng);

// Half from the common Dutch (and other) surnames, half composed, for a realistic spread.
std::string DrawSurname(Random& rng);

}  // namespace stapel::synth

#endif  // STAPEL_SYNTH_NAMES_H_
