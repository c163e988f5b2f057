#ifndef STAPEL_SYNTH_NAMES_H_
#define STAPEL_SYNTH_NAMES_H_

// Names for the fictional residents (internal to synth/): common Dutch ones, others, and
// accented ones that test the normalization.

#include <string>
#include <string_view>

#include "synth/random.h"

namespace stapel::synth {

std::string DrawFirstName(Random& rng);
// A given name of one sex ("M" or "V"), for a person's later given names.
std::string DrawFirstName(Random& rng, std::string_view sex);
// The sex a given name mostly goes with ("M" or "V"): registers hold few women named Henk.
std::string_view SexOfFirstName(std::string_view name);

// Half from the common Dutch (and other) surnames, half composed, for a realistic spread.
std::string DrawSurname(Random& rng);

// A street of the demo's towns.
std::string DrawStreet(Random& rng);
// The street of a household that moved to `postcode` (the same postcode gives the same street;
// no draw, so the other rows' dirt stays as it was).
std::string StreetOf(std::string_view postcode);

}  // namespace stapel::synth

#endif  // STAPEL_SYNTH_NAMES_H_
