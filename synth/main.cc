// stapel-synth: writes the demo municipality's data holders' exports and the ground truth.
#include <iostream>

#include "CLI/CLI.hpp"
#include "synth/generator.h"

int main(int argc, char** argv) {
  CLI::App app{
      "stapel-synth: generate a fictional municipality (24 buurten in 5 wijken) as the "
      "CSV exports of a municipality, a housing corporation and a credit registry, plus "
      "the ground truth for tests. The same seed always gives the same files."};
  stapel::SynthOptions o;
  app.add_option("--out", o.out, "Folder to write input/ and truth/ into")->required();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--residents", o.residents, "Number of residents")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto summary = stapel::GenerateMunicipality(o);
  if (!summary.ok()) {
    std::cerr << "stapel-synth: " << summary.status().message() << "\n";
    return 1;
  }
  const auto& s = *summary;
  std::cout << "stapel-synth: " << s.residents << " residents in " << s.buurten << " buurten and "
            << s.wijken << " wijken; rows: municipality " << s.register_rows << ", housing "
            << s.housing_rows << ", credit " << s.credit_rows << " (" << s.invalid_rows
            << " invalid, " << s.duplicate_rows << " duplicate)\n"
            << "  exports in " << (o.out / "input").string() << ", ground truth in "
            << (o.out / "truth").string() << "\n";
  return 0;
}
