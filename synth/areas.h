#ifndef STAPEL_SYNTH_AREAS_H_
#define STAPEL_SYNTH_AREAS_H_

// The areas a synthetic population lives in (internal to synth/): gemeenten, their wijken and
// buurten in CBS's code layout, each buurt with its share of the gemeente's residents and the
// traits that drive its indicators. Either the demo's one municipality (24 buurten in 5 wijken)
// or a fictional nation whose gemeenten, wijken and buurten spread in size as the Netherlands'
// do: 342 gemeenten at 17.9 million residents (fewer, in proportion, for fewer residents), about
// 9.5 wijken per gemeente and 4.5 buurten per wijk (3,246 and 14,617 for seed 1), a few
// buurten nearly empty.

#include <string>
#include <vector>

#include "synth/random.h"

namespace stapel::synth {

struct SynthBuurt {
  std::string code, name;            // BU + 8 digits
  std::string wijk_code, wijk_name;  // WK + 6 digits
  int wijk = 1;                      // 1-based within its gemeente
  double weight = 1;       // share of the gemeente's residents (relative)
  double deprivation = 0;  // 0..1: poverty, debts, social housing
  double price = 0;        // 0..1: expensive owner-occupied housing (mortgage stress)
  // Its postcodes' numbers are postcode_base plus 0..postcode_spread - 1; in a nation, no two
  // gemeenten share a number (the hub groups households by address over the whole project).
  int postcode_base = 1000;
  int postcode_spread = 10;
};

struct SynthGemeente {
  std::string code, name;  // GM + 4 digits
  int wijken = 1;
  int residents = 0;  // how many live here
  std::vector<SynthBuurt> buurten;
};

// The demo municipality Stapeldorp (GM9999) with all `residents`.
SynthGemeente DemoMunicipality(int residents);

// A fictional nation of `residents` (deterministic for the draws of `rng`).
std::vector<SynthGemeente> DrawNation(Random& rng, int residents);

}  // namespace stapel::synth

#endif  // STAPEL_SYNTH_AREAS_H_
