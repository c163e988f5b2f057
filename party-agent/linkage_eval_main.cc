// stapel-linkage-eval: linkage quality on test data with a known truth.
#include <sodium.h>

#include <iostream>

#include <fmt/format.h>

#include "CLI/CLI.hpp"
#include "party-agent/linkage_eval.h"

int main(int argc, char** argv) {
  CLI::App app{"stapel-linkage-eval: run the real linkage path in-process (validate, normalize, "
               "HMAC match keys under a random secret, link in passes) on a register export and "
               "a source export, and compare the links with the true pairs. Prints precision, "
               "recall, F1, records per second and the links made per pass. Test data only."};
  std::string register_config, source_config, truth, register_input, source_input;
  app.add_option("--register-config", register_config, "Agent config of the register (TOML)")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--source-config", source_config, "Agent config of the source (TOML)")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--truth", truth, "CSV source_line,register_line of the true pairs")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--register", register_input, "Register export (overrides the config's file)");
  app.add_option("--source", source_input, "Source export (overrides the config's file)");
  bool no_fuzzy = false;
  app.add_flag("--no-fuzzy", no_fuzzy, "Leave out the fuzzy pass: deterministic passes only");
  size_t show_wrong = 0;
  app.add_option("--show-wrong", show_wrong,
                 "List up to this many wrong links (line numbers, the pass and the match "
                 "probability: 1 for a key's link)");
  size_t show_unreachable = 0;
  app.add_option("--show-unreachable", show_unreachable,
                 "List up to this many true pairs that share no key or salt (line numbers)");
  size_t show_missed = 0;
  app.add_option("--show-missed", show_missed,
                 "List up to this many true pairs that share a key or salt but were not linked "
                 "to each other");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0) return 1;
  auto reg = stapel::AgentConfig::Load(register_config);
  auto src = stapel::AgentConfig::Load(source_config);
  if (!reg.ok() || !src.ok()) {
    std::cerr << "stapel-linkage-eval: " << (reg.ok() ? src.status() : reg.status()).message() << "\n";
    return 1;
  }
  if (!register_input.empty()) reg->input = register_input;
  if (!source_input.empty()) src->input = source_input;
  auto eval = stapel::EvaluateLinkage(*reg, *src, truth, !no_fuzzy);
  if (!eval.ok()) {
    std::cerr << "stapel-linkage-eval: " << eval.status().message() << "\n";
    return 1;
  }
  const auto& e = *eval;
  std::cout << fmt::format(
      "register records {}, source records {}, rejected rows {}, incomplete rows {}\n"
      "links {}, correct {}, true pairs {}, ambiguous {}\n"
      "precision {:.4f}  recall {:.4f}  F1 {:.4f}\n"
      "true pairs sharing a match key or a salt of the filters (any pass can find them): {} ({:.4f})\n"
      "{:.0f} records/s ({:.3f} s), {} fuzzy comparisons\nlinks per pass:\n",
      e.register_records, e.source_records, e.rejected_rows, e.incomplete_rows, e.links,
      e.correct_links, e.true_pairs, e.ambiguous, e.precision(), e.recall(), e.f1(),
      e.reachable_pairs, e.reachable(),
      (e.register_records + e.source_records) / std::max(e.seconds, 1e-9), e.seconds,
      e.fuzzy_comparisons);
  if (e.estimated) {
    std::cout << fmt::format(
        "estimated by the fuzzy pass's model, without the truth: precision {:.4f}  recall {:.4f} "
        "(of the matches among records with a candidate)\n",
        e.estimated->precision, e.estimated->recall);
  }
  for (const auto& [pass, n] : e.links_by_pass) std::cout << fmt::format("  {:<32} {}\n", pass, n);
  if (e.estimated) {  // with the fuzzy pass
    std::cout << "fuzzy links by the model's match probability (its mean, and the truth's share "
                 "right):\n";
    for (size_t b = 0; b < e.fuzzy_bands.size(); ++b) {
      const auto& band = e.fuzzy_bands[b];
      const double to = b + 1 < e.fuzzy_bands.size() ? e.fuzzy_bands[b + 1].from : 1.0;
      const auto n = static_cast<double>(band.links);
      std::cout << fmt::format("  [{:.2f}, {:.2f}{} {:>6} links", band.from, to,
                               b + 1 < e.fuzzy_bands.size() ? ")" : "]", band.links);
      if (band.links > 0) {
        std::cout << fmt::format("  mean {:.4f}  right {:.4f}", band.probability / n,
                                 static_cast<double>(band.correct) / n);
      }
      std::cout << "\n";
    }
  }
  if (show_wrong > 0 && !e.wrong_links.empty()) {
    std::cout << "wrong links (source line -> linked register line, true register line: pass, "
                 "match probability):\n";
    for (size_t i = 0; i < e.wrong_links.size() && i < show_wrong; ++i) {
      const auto& w = e.wrong_links[i];
      std::cout << fmt::format(
          "  {} -> {}, {}: {} {:.4f}\n", w.source_line, w.linked_register_line,
          w.true_register_line == 0 ? "none" : std::to_string(w.true_register_line), w.pass,
          w.probability);
    }
  }
  const auto show_pairs = [](const char* title, const auto& pairs, size_t most) {
    if (most == 0 || pairs.empty()) return;
    std::cout << title << " (source line, register line):\n";
    for (size_t i = 0; i < pairs.size() && i < most; ++i) {
      std::cout << fmt::format("  {}, {}\n", pairs[i].first, pairs[i].second);
    }
  };
  show_pairs("true pairs sharing no key or salt", e.unreachable_pairs, show_unreachable);
  show_pairs("true pairs sharing a key or salt, not linked to each other", e.missed_pairs,
             show_missed);
  return 0;
}
