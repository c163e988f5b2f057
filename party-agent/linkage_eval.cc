#include "party-agent/linkage_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "absl/container/flat_hash_set.h"

#include "linker/bloom_filter.h"
#include "linker/linkage.h"
#include "linker/match_key.h"
#include "party-agent/record_builder.h"
#include "project/manifest.h"
#include "proto/record_view.h"
#include "records/csv_reader.h"

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
    const auto built = (*builder)->Build(row, &record);
    if (!built.ok()) {
      ++eval->rejected_rows;
      continue;
    }
    eval->incomplete_rows += *built == RecordBuilder::Completeness::kIncomplete;
    fn(row.line, record, slots);
  }
  return absl::OkStatus();
}

// The project's manifest; without its fuzzy pass when `fuzzy` is false.
absl::StatusOr<Manifest> LoadManifest(const std::filesystem::path& path, bool fuzzy) {
  auto manifest = Manifest::Load(path);
  if (!manifest.ok()) return manifest.status();
  if (!fuzzy) {
    manifest->fuzzy.reset();
    for (auto& party : manifest->parties) party.fuzzy = false;
  }
  return manifest;
}

// The match keyer and, when the manifest has a fuzzy pass, the Bloom encoder, both under one
// fresh random secret.
struct Keyers {
  std::unique_ptr<MatchKeyer> match;
  std::unique_ptr<BloomEncoder> bloom;  // null without a fuzzy pass
};
absl::StatusOr<Keyers> MakeKeyers(const Manifest& manifest) {
  const SecretBytes secret = SecretBytes::Random(32);
  auto keyer = MatchKeyer::Create(secret, manifest.project_id);
  if (!keyer.ok()) return keyer.status();
  Keyers keyers{.match = *std::move(keyer), .bloom = nullptr};
  if (manifest.fuzzy) {
    auto encoder = BloomEncoder::Create(secret, manifest.project_id, *manifest.fuzzy);
    if (!encoder.ok()) return encoder.status();
    keyers.bloom = std::move(*encoder);
  }
  return keyers;
}

// The truth file: source line -> register line.
absl::StatusOr<std::map<size_t, size_t>> ReadTruth(const std::filesystem::path& truth) {
  std::map<size_t, size_t> true_register_line;  // source line -> register line
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
  return true_register_line;
}

// One evaluation's linking: the register export first, then the source export, each link
// judged against the truth as it is made.
class LinkageRun {
 public:
  // `manifest` and `keyers` are borrowed: they must outlive the run.
  LinkageRun(const Manifest& manifest, const Keyers& keyers,
             std::map<size_t, size_t> true_register_line)
      : manifest_(manifest),
        keyers_(keyers),
        true_register_line_(std::move(true_register_line)),
        linker_(manifest.match_keys.size()) {
    eval_.true_pairs = true_register_line_.size();
    if (keyers.bloom) linker_.EnableFuzzy(*manifest.fuzzy);
  }

  absl::Status LinkRegister(const AgentConfig& config) {
    return ForEachRecord(
        config, manifest_, *keyers_.match, keyers_.bloom.get(), &eval_,
        [&](size_t line, const v1::PseudonymRecord& r, std::span<const int> slots) {
          view_.Read(r, slots);
          const int64_t person =
              linker_.AddRegisterRecord(view_.keys(), 0, 0, &register_stats_, view_.filter());
          if (person >= static_cast<int64_t>(person_line_.size())) person_line_.push_back(line);
          if (true_lines_.contains(line)) {
            const std::vector<MatchKey> keys = KeysOf(view_);
            register_keys_[line].insert(keys.begin(), keys.end());
          }
        });
  }

  absl::Status LinkSource(const AgentConfig& config) {
    return ForEachRecord(
        config, manifest_, *keyers_.match, keyers_.bloom.get(), &eval_,
        [&](size_t line, const v1::PseudonymRecord& r, std::span<const int> slots) {
          view_.Read(r, slots);
          if (auto it = true_register_line_.find(line); it != true_register_line_.end()) {
            const auto reg = register_keys_.find(it->second);
            const std::vector<MatchKey> own = KeysOf(view_);
            const bool reachable =
                reg != register_keys_.end() &&
                std::any_of(own.begin(), own.end(),
                            [&](const MatchKey& k) { return reg->second.contains(k); });
            eval_.reachable_pairs += reachable;
            if (reachable) reachable_lines_.insert(line);
            if (!reachable && eval_.unreachable_pairs.size() < 100) {
              eval_.unreachable_pairs.emplace_back(line, it->second);
            }
          }
          // The pass that links it: the kind whose count goes up (the Linker counts one per
          // kind of the manifest's).
          std::vector<uint64_t> before = source_stats_.linked_by_kind;
          before.resize(manifest_.match_keys.size());
          const int64_t person =
              linker_.AddSourceRecord(view_.keys(), 1, &source_stats_, view_.filter(), line);
          if (person == Linker::kNotLinked) return;
          const auto kind = static_cast<size_t>(
              std::ranges::mismatch(before, source_stats_.linked_by_kind).in1 - before.begin());
          Judge(line, static_cast<uint32_t>(person), manifest_.match_keys.at(kind), 1.0);
        });
  }

  // Makes the fuzzy pass's links and returns the evaluation, timed from `start`.
  LinkageEvaluation Finish(std::chrono::steady_clock::time_point start) {
    for (double from : LinkageEvaluation::kProbabilityBands) eval_.fuzzy_bands.push_back({from});
    for (const FuzzyMatch& link : linker_.FinishSource(&source_stats_)) {
      auto band = std::find_if(eval_.fuzzy_bands.rbegin(), eval_.fuzzy_bands.rend(),
                               [&](const auto& b) { return link.probability >= b.from; });
      const bool right = Judge(link.query, link.person, "fuzzy", link.probability);
      if (band == eval_.fuzzy_bands.rend()) continue;  // below one half: none is made
      ++band->links;
      band->correct += right;
      band->probability += link.probability;
    }
    for (size_t line : reachable_lines_) {
      if (!correct_lines_.contains(line)) {
        eval_.missed_pairs.emplace_back(line, true_register_line_.at(line));
      }
    }
    eval_.fuzzy_comparisons = linker_.fuzzy_comparisons();
    eval_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    eval_.register_records = register_stats_.records;
    eval_.source_records = source_stats_.records;
    eval_.ambiguous = source_stats_.ambiguous;
    for (size_t k = 0; k < source_stats_.linked_by_kind.size(); ++k) {
      eval_.links_by_pass.emplace_back(manifest_.match_keys[k], source_stats_.linked_by_kind[k]);
    }
    if (keyers_.bloom) {
      eval_.links_by_pass.emplace_back("fuzzy", source_stats_.linked_fuzzy);
      eval_.estimated = EstimateQuality(source_stats_);
    }
    return std::move(eval_);
  }

 private:
  // Counts the link of source `line` to `person`, made by `pass` at `probability`: correct
  // (true), or one of the first 100 wrong ones.
  bool Judge(size_t line, uint32_t person, std::string_view pass, double probability) {
    ++eval_.links;
    auto it = true_register_line_.find(line);
    const size_t truth_line = it == true_register_line_.end() ? 0 : it->second;
    if (truth_line == person_line_[person]) {
      ++eval_.correct_links;
      correct_lines_.insert(line);
      return true;
    }
    if (eval_.wrong_links.size() < 100) {
      eval_.wrong_links.push_back(
          {line, person_line_[person], truth_line, std::string(pass), probability});
    }
    return false;
  }

  // A record's match keys and, with the fuzzy pass, its salt tags (bloom_filter.h), marked
  // apart: the pairs some pass can find share one.
  std::vector<MatchKey> KeysOf(const RecordView& view) const {
    std::vector<MatchKey> out;
    for (const KeyRef& k : view.keys()) out.push_back(*k.key);
    if (!view.filter().empty()) {
      for (Salt salt : kAllSalts) {
        const uint64_t tag = TagOf(view.filter().data(), salt);
        if (tag == 0) continue;
        MatchKey key{};
        key.fill(0xFB);  // no HMAC output is this, in all but 9 of its bytes
        std::memcpy(key.data(), &tag, sizeof tag);
        key[sizeof tag] = static_cast<uint8_t>(salt);
        out.push_back(key);
      }
    }
    return out;
  }

  const Manifest& manifest_;
  const Keyers& keyers_;
  const std::map<size_t, size_t> true_register_line_;  // source line -> register line
  const std::set<size_t> true_lines_ = [this] {  // register lines of true pairs
    std::set<size_t> lines;
    for (const auto& [source, reg] : true_register_line_) lines.insert(reg);
    return lines;
  }();
  std::map<size_t, absl::flat_hash_set<MatchKey, MatchKeyHash>> register_keys_;  // by line
  Linker linker_;
  std::vector<size_t> person_line_;  // person -> first register line
  std::set<size_t> reachable_lines_, correct_lines_;  // source lines of true pairs
  RecordView view_;
  LinkStats register_stats_, source_stats_;
  LinkageEvaluation eval_;
};

}  // namespace

absl::StatusOr<LinkageEvaluation> EvaluateLinkage(const AgentConfig& register_config,
                                                  const AgentConfig& source_config,
                                                  const std::filesystem::path& truth, bool fuzzy) {
  auto manifest = LoadManifest(register_config.manifest, fuzzy);
  if (!manifest.ok()) return manifest.status();
  auto keyers = MakeKeyers(*manifest);
  if (!keyers.ok()) return keyers.status();
  auto true_register_line = ReadTruth(truth);
  if (!true_register_line.ok()) return true_register_line.status();

  const auto start = std::chrono::steady_clock::now();
  LinkageRun run(*manifest, *keyers, *std::move(true_register_line));
  if (auto s = run.LinkRegister(register_config); !s.ok()) return s;
  if (auto s = run.LinkSource(source_config); !s.ok()) return s;
  return run.Finish(start);
}

}  // namespace stapel
