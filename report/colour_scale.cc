#include "report/colour_scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace stapel {
namespace {

constexpr std::array<const char*, 5> kYlOrRd = {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20",
                                                "#bd0026"};
constexpr std::array<const char*, 6> kRdBu = {"#2166ac", "#67a9cf", "#d1e5f0",
                                              "#fddbc7", "#ef8a62", "#b2182b"};

// A limit in percent without needless decimals: 2, 2.5, 0.25.
std::string Limit(double share, bool sign) {
  const double percent = std::round(share * 1e6) / 1e4;
  std::string text = fmt::format("{:.2f}", std::abs(percent));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (!sign || percent == 0) return text;
  return (percent > 0 ? "+" : "−") + text;
}

}  // namespace

double RoundStep(double raw) {
  if (raw <= 0) return 0;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * power >= raw * (1 - 1e-12)) return m * power;
  }
  return 10 * power;
}

ColourScale ColourScale::Sequential(double max_share) {
  const double step = std::max(RoundStep(std::min(max_share, 1.0) / kYlOrRd.size()), 0.001);
  std::vector<LegendClass> classes;
  for (size_t i = 0; i < kYlOrRd.size(); ++i) {
    const double lower = step * i, upper = step * (i + 1);
    classes.push_back({lower, upper, kYlOrRd[i],
                       fmt::format("{} – {} %", Limit(lower, false), Limit(upper, false))});
  }
  return ColourScale(std::move(classes));
}

ColourScale ColourScale::Diverging(double max_abs_change) {
  const double step = std::max(RoundStep(max_abs_change / 3), 0.001);
  std::vector<LegendClass> classes;
  for (int i = -3; i < 3; ++i) {
    const double lower = step * i, upper = step * (i + 1);
    classes.push_back({lower, upper, kRdBu[i + 3],
                       fmt::format("{} – {} %-pt", Limit(lower, true), Limit(upper, true))});
  }
  return ColourScale(std::move(classes));
}

size_t ColourScale::ClassOf(double value) const {
  for (size_t i = 0; i + 1 < classes_.size(); ++i) {
    if (value < classes_[i].upper) return i;
  }
  return classes_.size() - 1;
}

std::string FormatPercent(double share) { return fmt::format("{:.1f} %", share * 100); }

std::string FormatChange(double change) {
  const double points = std::round(change * 1000) / 10;
  if (points == 0) return "±0.0 %-pt";
  return fmt::format("{}{:.1f} %-pt", points > 0 ? "+" : "−", std::abs(points));
}

}  // namespace stapel
