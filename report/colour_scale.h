#ifndef STAPEL_REPORT_COLOUR_SCALE_H_
#define STAPEL_REPORT_COLOUR_SCALE_H_

// Colour classes of a choropleth map: shares (0..1) in a few classes with round limits, so a
// legend reads "2 – 4 %" rather than "1.87 – 3.74 %". A sequential scale (light to dark, for
// shares) and a diverging one (blue for a fall, red for a rise, for the change between two
// periods). Colours are ColorBrewer's YlOrRd and RdBu, which stay distinct in greyscale print
// and for the common forms of colour blindness.

#include <string>
#include <vector>

namespace stapel {

struct LegendClass {
  double lower = 0;  // inclusive
  double upper = 0;  // exclusive, except for the last class
  std::string colour;
  std::string label;  // e.g. "2 – 4 %" or "+1 – +2 %-pt"
};

class ColourScale {
 public:
  // Five classes of equal, round width from 0 up to at least `max_share` (a share, 0..1).
  static ColourScale Sequential(double max_share);
  // Six classes symmetric around 0 covering -max_abs_change..+max_abs_change (shares).
  static ColourScale Diverging(double max_abs_change);

  const std::vector<LegendClass>& classes() const { return classes_; }
  // The class of a value; values outside the range go to the nearest end class.
  size_t ClassOf(double value) const;

 private:
  explicit ColourScale(std::vector<LegendClass> classes) : classes_(std::move(classes)) {}
  std::vector<LegendClass> classes_;
};

// The smallest "round" step (1, 2, 2.5 or 5 times a power of ten) of at least `raw`; 0 for 0.
double RoundStep(double raw);

// A share as a person reads it: "12.3 %"; for changes with a sign: "+1.5 %-pt".
std::string FormatPercent(double share);
std::string FormatChange(double change);

}  // namespace stapel

#endif  // STAPEL_REPORT_COLOUR_SCALE_H_
