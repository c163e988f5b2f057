// stapel-synth: writes the demo municipality's data holders' exports and the ground truth.
#include <iostream>

#include "CLI/CLI.hpp"
#include "synth/generator.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-synth: generate a fictional municipality (24 buurten in 5 wijken, with "
      "their boundaries as GeoJSON), or with --nation a fictional country, as the "
      "CSV exports of a municipality, a housing corporation and a credit registry, plus "
      "the ground truth for tests. The same seed always gives the same files."};
  stapel::SynthOptions o;
  app.add_option("--out", o.out, "Folder to write input/ and truth/ into")->required();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--residents", o.residents, "Number of residents")->capture_default_str();
  double error_rate = -1;
  app.add_option("--error-rate", error_rate,
                 "Share of the housing corporation's rows of residents with typed errors "
                 "(default 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--nation", o.nation,
               "Spread the residents over a fictional nation: 342 gemeenten (GM0001...) at 17.9 "
               "million residents and fewer in proportion, about 9.5 wijken each and 4.5 buurten "
               "per wijk, sizes spread as the Netherlands' are; up to 20000000 residents, written "
               "gemeente by gemeente");
  std::string preset;
  app.add_option("--preset", preset,
                 "Named dirt of the housing export, applied before --error-rate and --error-mix: "
                 "clean (no typed errors), demo (the defaults) or harsh (60% of rows with up to "
                 "three errors of every kind, as public linkage benchmarks have, and persons with "
                 "several given names, all in the register, one in the housing export)");
  std::string mix;
  app.add_option("--error-mix", mix,
                 "Weights of the error kinds, e.g. typo=2,moved=1 (kinds not named get 0): " +
                     stapel::ErrorKinds() + ". Default: 1 for the first seven, 0 for the others");
  CLI11_PARSE(app, argc, argv);
  if (!preset.empty()) {
    if (absl::Status s = stapel::ApplyErrorPreset(preset, &o); !s.ok()) {
      std::cerr << "stapel-synth: --preset: " << s.message() << "\n";
      return 1;
    }
  }
  if (error_rate >= 0) o.error_rate = error_rate;
  if (!mix.empty()) {
    auto parsed = stapel::ParseErrorMix(mix);
    if (!parsed.ok()) {
      std::cerr << "stapel-synth: --error-mix: " << parsed.status().message() << "\n";
      return 1;
    }
    o.error_mix = *parsed;
  }
  if (o.nation) {
    o.progress = [](int gemeenten, long done, long residents) {
      if (done % 20 == 0 || done == gemeenten) {
        std::cerr << "stapel-synth: " << done << " of " << gemeenten << " gemeenten, "
                  << residents << " residents\n";
      }
    };
  }
  auto summary = stapel::GenerateMunicipality(o);
  if (!summary.ok()) {
    std::cerr << "stapel-synth: " << summary.status().message() << "\n";
    return 1;
  }
  const auto& s = *summary;
  std::cout << "stapel-synth: " << s.residents << " residents in " << s.buurten << " buurten, "
            << s.wijken << " wijken and " << s.gemeenten << " gemeente(n); rows: municipality "
            << s.register_rows << ", housing " << s.housing_rows << ", credit " << s.credit_rows
            << " (" << s.invalid_rows << " invalid, " << s.incomplete_rows
            << " with an invalid field the agent leaves out, " << s.duplicate_rows << " duplicate, "
            << s.rows_with_errors << " with typed errors)\n"
            << "  exports in " << (o.out / "input").string() << ", ground truth in "
            << (o.out / "truth").string() << "\n";
  return 0;
}
