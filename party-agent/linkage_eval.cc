#include "party-agent/linkage_eval.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <map>

#include "records/csv_reader.h"
#include "linker/linkage.h"
#include "project/manifest.h"
#include "linker/match_key.h"
#include "party-agent/record_builder.h"
#include "proto/record_view.h"

namespace stapel {
namespace {

// Streams an export through a RecordBuilder; calls `fn` with each accepted record, its line,
// and where the record's kinds sit in the project's precision order.
absl::Status ForEachRecord(const AgentConfig& config, const Manifest& manifest,
                           const MatchKeyer& keyer, const BloomEncoder* bloom,
                           LinkageEvaluation* eval,
                           const std::function<void(size_t line, const v1::PseudonymRecord&,
                                                    std::span<const int> kind_slots)>& fn) {
  auto reader = CsvReader::Open(config.input, config.delimiter);
  if (!reader.ok()) return reader.status();
  CsvRow row;
  if (!(*reader)->Next(&row)) {
    return absl::InvalidArgumentError(fmt::format("{} has no header line", config.input.string()));
  }
  auto builder = RecordBuilder::Create(config, manifest, &keyer, bloom, row);
  if (!builder.ok()) return builder.status();
  // Where each of the builder's kinds sits in the project's precision order.
  std::vector<int> slots;
  for (const auto& kind : (*builder)->match_key_kinds()) {
    slots.push_back(static_cast<int>(manifest.MatchKeyIndex(kind)));
  }
  v1::PseudonymRecord record;
  while ((*reader)->Next(&row)) {
    if (!(*builder)->Build(row, &record).ok()) {
      ++eval->rejected_rows;
      continue;
    }
    fn(row.line, record, slots);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LinkageEvaluation> EvaluateLinkage(const AgentConfig& register_config,
                                                  const AgentConfig& source_config,
                                                  const std::filesystem::path& truth, bool fuzzy) {
  auto manifest = Manifest::Load(register_config.manifest);
  if (!manifest.ok()) return manifest.status();
  if (!fuzzy) {
    manifest->fuzzy.reset();
    for (auto& party : manifest->parties) party.fuzzy = false;
  }
  const SecretBytes secret = SecretBytes::Random(32);
  auto keyer = MatchKeyer::Create(secret, manifest->project_id);
  if (!keyer.ok()) return keyer.status();
  std::unique_ptr<BloomEncoder> bloom;
  if (manifest->fuzzy) {
    auto encoder = BloomEncoder::Create(secret, manifest->project_id, *manifest->fuzzy);
    if (!encoder.ok()) return encoder.status();
    bloom = std::move(*encoder);
  }

  std::map<size_t, size_t> true_register_line;  // source line -> register line
  {
    auto reader = CsvReader::Open(truth, ',');
    if (!reader.ok()) return reader.status();
    CsvRow row;
    (*reader)->Next(&row);  // header
    while ((*reader)->Next(&row)) {
      if (row.size != 2 || !row.error.empty()) {
        return absl::InvalidArgumentError(
            fmt::format("{}:{}: expected source_line,register_line", truth.string(), row.line));
      }
      true_register_line[std::stoul(row.fields[0])] = std::stoul(row.fields[1]);
    }
  }

  LinkageEvaluation eval;
  eval.true_pairs = true_register_line.size();
  const auto start = std::chrono::steady_clock::now();
  Linker linker(manifest->match_keys.size());
  if (bloom) linker.EnableFuzzy(bloom->words(), manifest->fuzzy->threshold);
  std::vector<size_t> person_line;  // person -> first register line
  RecordView view;
  LinkStats register_stats, source_stats;
  absl::Status s =
      ForEachRecord(register_config, *manifest, **keyer, bloom.get(), &eval,
                    [&](size_t line, const v1::PseudonymRecord& r, std::span<const int> slots) {
                      view.Read(r, slots);
                      const int64_t person = linker.AddRegisterRecord(
                          view.keys(), 0, 0, &register_stats, view.fuzzy());
                      if (person >= static_cast<int64_t>(person_line.size()))
                        person_line.push_back(line);
                    });
  if (!s.ok()) return s;
  auto judge = [&](size_t line, uint32_t person) {
    ++eval.links;
    auto it = true_register_line.find(line);
    const size_t truth_line = it == true_register_line.end() ? 0 : it->second;
    if (truth_line == person_line[person]) {
      ++eval.correct_links;
    } else if (eval.wrong_links.size() < 100) {
      eval.wrong_links.push_back({line, person_line[person], truth_line});
    }
  };
  s = ForEachRecord(source_config, *manifest, **keyer, bloom.get(), &eval,
                    [&](size_t line, const v1::PseudonymRecord& r, std::span<const int> slots) {
                      view.Read(r, slots);
                      const int64_t person =
                          linker.AddSourceRecord(view.keys(), 1, &source_stats, view.fuzzy(), line);
                      if (person != Linker::kNotLinked) judge(line, static_cast<uint32_t>(person));
                    });
  if (!s.ok()) return s;
  for (const auto& [line, person] : linker.FinishSource(&source_stats)) judge(line, person);
  eval.fuzzy_comparisons = linker.fuzzy_comparisons();
  eval.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  eval.register_records = register_stats.records;
  eval.source_records = source_stats.records;
  eval.ambiguous = source_stats.ambiguous;
  for (size_t k = 0; k < source_stats.linked_by_kind.size(); ++k) {
    eval.links_by_pass.emplace_back(manifest->match_keys[k], source_stats.linked_by_kind[k]);
  }
  if (bloom) eval.links_by_pass.emplace_back("fuzzy", source_stats.linked_fuzzy);
  return eval;
}

}  // namespace stapel
