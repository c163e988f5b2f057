#include "party-agent/agent.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "encoding/hex.h"
#include "encoding/sha256.h"
#include "keys/protected_secret.h"
#include "ledger/log_format.h"
#include "ledger/log_reader.h"
#include "party-agent/batch_pipeline.h"
#include "party-agent/field_head.h"
#include "party-agent/record_builder.h"
#include "records/csv_reader.h"

namespace stapel {
namespace {

using Clock = std::chrono::steady_clock;

bool Retryable(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

Agent::Agent(AgentConfig config, Manifest manifest, std::unique_ptr<Ed25519Signer> signer,
             Ed25519Verifier hub_key, std::unique_ptr<MatchKeyer> keyer,
             std::unique_ptr<BloomEncoder> bloom)
    : config_(std::move(config)),
      manifest_(std::move(manifest)),
      signer_(std::move(signer)),
      hub_key_(std::move(hub_key)),
      keyer_(std::move(keyer)),
      bloom_(std::move(bloom)) {}

absl::StatusOr<std::unique_ptr<Agent>> Agent::Create(const AgentConfig& config) {
  auto manifest = config.LoadManifest();
  if (!manifest.ok()) return manifest.status();
  if (!manifest->HasPeriod(config.period)) {
    return absl::InvalidArgumentError(
        manifest->periods.empty()
            ? fmt::format("the export names period '{}', but project '{}' names no periods; "
                          "remove [input] period from {} (or --period)",
                          config.period, manifest->project_id, config.config_file.string())
            : fmt::format("project '{}' holds data per period ({}); name the export's period "
                          "with --period or [input] period in {}{}",
                          manifest->project_id, fmt::join(manifest->periods, ", "),
                          config.config_file.string(),
                          config.period.empty() ? ""
                                                : fmt::format(" ('{}' is not one of them)",
                                                              config.period)));
  }
  auto signer = Ed25519Signer::FromFile(config.signing_key);
  if (!signer.ok()) return signer.status();
  auto hub_key = Ed25519Verifier::FromFile(config.hub_signing_key);
  if (!hub_key.ok()) return hub_key.status();
  auto secret = ReadSecretFile(config.linkage_secret, config.passphrase_file);
  if (!secret.ok()) return secret.status();
  auto keyer = MatchKeyer::Create(*secret, manifest->project_id);
  if (!keyer.ok()) return keyer.status();
  std::unique_ptr<BloomEncoder> bloom;
  if (manifest->FindParty(config.party_id)->fuzzy) {
    auto encoder = BloomEncoder::Create(*secret, manifest->project_id, *manifest->fuzzy);
    if (!encoder.ok()) return encoder.status();
    bloom = std::move(*encoder);
  }
  // The hub compares it with the current epoch's and refuses batches of any other secret.
  const std::string key_check = KeyCheckValue(*secret, manifest->project_id);
  std::unique_ptr<Agent> agent(new Agent(config, std::move(*manifest), std::move(*signer),
                                         *std::move(hub_key), std::move(*keyer), std::move(bloom)));
  agent->key_check_ = key_check;
  return agent;
}

absl::StatusOr<v1::BatchAck> Agent::SendWithRetry(BatchSink* sink, const v1::SignedBatch& batch,
                                                 const std::function<bool()>& abandoned) {
  const auto give_up = Clock::now() + std::chrono::seconds(config_.retry_seconds);
  auto wait = std::chrono::milliseconds(200);
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<v1::BatchAck> ack = sink->SubmitBatch(batch);
    if (ack.ok() || !Retryable(ack.status()) || Clock::now() + wait > give_up || abandoned()) {
      return ack;
    }
    if (attempt == 1 || attempt % 5 == 0) {
      spdlog::warn("{}; retrying for up to {} s ([hub] retry_seconds)",
                   std::string(ack.status().message()), config_.retry_seconds);
    }
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(2000));
  }
}

namespace {

// SHA-256 (hex) of a whole file, read in blocks.
absl::StatusOr<std::string> FileSha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open", path.string()));
  Sha256Stream digest;
  std::vector<char> block(1 << 20);
  while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    digest.Update(std::string_view(block.data(), static_cast<size_t>(in.gcount())));
  }
  return digest.FinalHex();
}

// The submission id and acknowledged batches of an earlier run over the same export (same
// contents, batch size, party, project and secret), if its progress file is there.
std::optional<std::pair<std::string, uint64_t>> ReadProgress(const std::filesystem::path& file,
                                                             const nlohmann::json& identity) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  const nlohmann::json p = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (p.is_discarded() || !p.is_object() || p.value("identity", nlohmann::json()) != identity) {
    return std::nullopt;
  }
  uint8_t id[16];
  if (!HexDecode(p.value("submission_id", ""), id)) return std::nullopt;
  return std::pair{std::string(reinterpret_cast<const char*>(id), sizeof(id)),
                   p.value("batches_acknowledged", uint64_t{0})};
}

// Written after every acknowledged batch (atomically, by rename).
void WriteProgress(const std::filesystem::path& file, const nlohmann::json& identity,
                   const std::string& submission_id, uint64_t batches) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  std::ofstream(tmp, std::ios::trunc) << nlohmann::json{{"identity", identity},
                                                        {"submission_id", HexEncode(submission_id)},
                                                        {"batches_acknowledged", batches}}
                                             .dump()
                                      << "\n";
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
}

}  // namespace

absl::Status Agent::KeepReceipt(const v1::SubmissionReceipt& receipt,
                                const v1::SubmissionSummary& sent, std::string_view sent_sha256,
                                AgentSummary* summary) {
  auto entry = VerifyEntrySignature(receipt.log_entry(), hub_key_);
  if (!entry.ok()) {
    return absl::DataLossError(fmt::format("the hub's receipt does not verify with {}: {}",
                                           config_.hub_signing_key.string(),
                                           std::string(entry.status().message())));
  }
  const nlohmann::json& e = *entry;
  const auto differs = [&](const char* what, const nlohmann::json& hub, const nlohmann::json& us) {
    return absl::DataLossError(fmt::format("the hub's receipt says {} {}, the agent sent {}", what,
                                           hub.dump(), us.dump()));
  };
  if (e.value("type", "") != kEntrySubmission || e.value("party", "") != config_.party_id ||
      e.value("submission_id", "") != HexEncode(sent.submission_id()) ||
      e.value("period", "") != sent.period()) {
    return differs("submission", e.value("submission_id", ""), HexEncode(sent.submission_id()));
  }
  if (e.value("batches", uint64_t{0}) != sent.batch_count()) {
    return differs("batches", e["batches"], sent.batch_count());
  }
  if (e.value("records", uint64_t{0}) != sent.record_count()) {
    return differs("records", e["records"], sent.record_count());
  }
  if (e.value("stored_sha256", "") != sent_sha256) {
    return differs("stored_sha256", e["stored_sha256"], sent_sha256);
  }
  summary->receipt_seq = e.value("seq", uint64_t{0});
  summary->receipt_file = config_.input.string() + ".receipt.json";
  std::ofstream(summary->receipt_file, std::ios::trunc) << receipt.log_entry() << "\n";
  return absl::OkStatus();
}

// One run over the export: the open export, what identifies the submission for resuming, the
// batch being filled and what was sent so far.
struct Agent::Submission {
  Clock::time_point start;
  AgentSummary summary;
  std::unique_ptr<CsvReader> reader;
  std::unique_ptr<RecordBuilder> builder;
  std::ofstream rejects;
  nlohmann::json identity;
  std::filesystem::path progress_file;
  std::string submission_id;
  uint64_t resume_at = 0;  // batches acknowledged in an earlier run
  uint64_t resumed_records = 0;  // their records
  std::unique_ptr<BatchPipeline> pipeline;  // the batches after them, in flight to the hub
  uint64_t progress_written = 0;  // batches acknowledged, as the progress file says
  uint64_t acknowledged_batches = 0;  // from the first on, without a gap
  bool preview = false;  // Preview: no progress file
  // The batch being filled, as the bytes it is sent as: its other fields serialized, then its
  // records as the batch's repeated field (RecordBuilder::BuildAll).
  std::string batch;
  int record_count = 0;
  Sha256Stream sent_digest;  // over every SignedBatch sent, as the hub stores them
};

namespace {

// The error that stops a run, with what was acknowledged by then (the batches from the first
// on without a gap).
absl::Status Stopped(const absl::Status& s, uint64_t records, uint64_t batches) {
  return absl::Status(
      s.code(),
      fmt::format("{} (stopped after {} records acknowledged in {} "
                  "batches; run the agent again: it resumes after the last acknowledged batch)",
                  std::string(s.message()), records, batches));
}

}  // namespace

absl::Status Agent::OpenExport(Submission* run) {
  auto reader = CsvReader::Open(config_.input, config_.delimiter);
  if (!reader.ok()) return reader.status();
  run->reader = *std::move(reader);
  CsvRow row;
  if (!run->reader->Next(&row) || !row.error.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: the first line must be a header line", config_.input.string()));
  }
  auto builder = RecordBuilder::Create(config_, manifest_, keyer_.get(), bloom_.get(), row);
  if (!builder.ok()) return builder.status();
  run->builder = *std::move(builder);

  run->rejects.open(config_.reject_file, std::ios::trunc);
  if (!run->rejects) {
    return absl::PermissionDeniedError(
        fmt::format("cannot write the reject file {}", config_.reject_file.string()));
  }
  run->rejects << "file,line,reason\n";
  return absl::OkStatus();
}

absl::Status Agent::ResumeOrStart(Submission* run) {
  // Resume an earlier run over the same export that stopped (its progress file names the
  // submission and how many batches the hub acknowledged); otherwise start a new submission.
  auto input_sha256 = FileSha256(config_.input);
  if (!input_sha256.ok()) return input_sha256.status();
  run->identity = {{"input_sha256", *input_sha256},
                   {"batch_size", config_.batch_size},
                   {"party", config_.party_id},
                   {"project", manifest_.project_id},
                   {"key_check", key_check_},
                   {"period", config_.period},
                   // A run of an agent that wrote or signed batches otherwise starts anew.
                   {"batch_signature", kBatchSignatureContext}};
  run->progress_file = config_.input.string() + ".progress.json";
  run->submission_id.assign(16, '\0');
  randombytes_buf(run->submission_id.data(), run->submission_id.size());
  if (auto earlier = ReadProgress(run->progress_file, run->identity)) {
    run->submission_id = earlier->first;
    run->resume_at = earlier->second;
    run->progress_written = earlier->second;
    spdlog::info(
        "resuming the submission of {} after batch {}: the hub acknowledged the "
        "batches before it in an earlier run",
        config_.input.string(), run->resume_at);
  }
  return absl::OkStatus();
}

void Agent::NewBatch(Submission* run) {
  v1::Batch batch;
  run->record_count = 0;
  batch.set_project_id(manifest_.project_id);
  batch.set_party_id(config_.party_id);
  batch.set_submission_id(run->submission_id);
  batch.set_sequence(run->summary.batches);
  batch.set_key_check(key_check_);
  batch.set_period(config_.period);
  if (bloom_ != nullptr) batch.set_bloom_layout(BloomLayout(*manifest_.fuzzy));
  for (const auto& k : run->builder->match_key_kinds()) batch.add_match_key_kinds(k);
  for (const auto& a : run->builder->attribute_names()) batch.add_attribute_names(a);
  run->batch.clear();  // the one before went out with its bytes
  batch.AppendToString(&run->batch);
}

absl::Status Agent::Flush(BatchSink* sink, const std::function<void(const AgentSummary&)>& progress,
                          Submission* run) {
  AgentSummary& summary = run->summary;
  const int records = run->record_count;
  if (records == 0) return absl::OkStatus();
  v1::SignedBatch signed_batch;
  *signed_batch.mutable_batch() = std::move(run->batch);
  // What the signature covers, the batch's SHA-256 (DigestToSign), and the running digest the
  // receipt is checked against, over the SignedBatch as the hub stores it (each field's head
  // and bytes, without serializing megabytes), read the batch's bytes together.
  const std::string& bytes = signed_batch.batch();
  Sha256Stream batch_digest;
  run->sent_digest.Update(FieldHead(v1::SignedBatch::kBatchFieldNumber, bytes.size()).bytes());
  Sha256Stream::UpdateBoth(&batch_digest, &run->sent_digest, bytes);
  const Ed25519Signature sig =
      signer_->Sign(kBatchSignatureContext, DigestToSign(batch_digest.Final()));
  signed_batch.set_signature(sig.data(), sig.size());
  run->sent_digest.Update(FieldHead(v1::SignedBatch::kSignatureFieldNumber, sig.size()).bytes());
  run->sent_digest.Update(sig);
  if (summary.batches < run->resume_at) {  // the hub has it from the earlier run
    run->resumed_records += records;
  } else {
    if (!run->pipeline) {
      run->pipeline = std::make_unique<BatchPipeline>(
          run->preview ? 1 : config_.batches_in_flight, run->resume_at,
          [this, sink](const v1::SignedBatch& b, const std::function<bool()>& abandoned) {
            return SendWithRetry(sink, b, abandoned);
          });
    }
    absl::Status pushed = run->pipeline->Push(std::move(signed_batch));
    if (!pushed.ok()) {
      NoteAcknowledged(progress, run);
      return Stopped(pushed, summary.acknowledged, run->acknowledged_batches);
    }
  }
  summary.records_sent += records;
  ++summary.batches;
  if (run->pipeline) NoteAcknowledged(progress, run);
  NewBatch(run);
  return absl::OkStatus();
}

void Agent::NoteAcknowledged(const std::function<void(const AgentSummary&)>& progress,
                             Submission* run) {
  AgentSummary& summary = run->summary;
  const BatchPipeline::Acknowledged acked =
      run->pipeline ? run->pipeline->acknowledged()
                    : BatchPipeline::Acknowledged{.next_sequence = run->resume_at};
  summary.acknowledged = run->resumed_records + acked.records;
  run->acknowledged_batches = acked.next_sequence;
  if (!run->preview && acked.next_sequence > run->progress_written) {
    WriteProgress(run->progress_file, run->identity, run->submission_id, acked.next_sequence);
    run->progress_written = acked.next_sequence;
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - run->start).count();
  if (progress) progress(summary);
}

absl::Status Agent::SendRecords(BatchSink* sink,
                                const std::function<void(const AgentSummary&)>& progress,
                                Submission* run) {
  run->sent_digest = Sha256Stream();
  NewBatch(run);
  AgentSummary& summary = run->summary;
  const std::string file_name = config_.input.filename().string();
  // The rows that fill the batch are read, then built on every core; the records and the
  // rejects keep the export's order.
  std::vector<CsvRow> rows(config_.batch_size);
  std::vector<absl::StatusOr<RecordBuilder::Completeness>> built(config_.batch_size);
  for (;;) {
    const size_t want = config_.batch_size - static_cast<size_t>(run->record_count);
    size_t n = 0;
    while (n < want && run->reader->Next(&rows[n])) ++n;
    if (n == 0) break;
    summary.rows_read += n;
    run->builder->BuildAll(std::span(rows).first(n), std::span(built).first(n), config_.threads,
                           &run->batch);
    for (size_t i = 0; i < n; ++i) {
      if (built[i].ok()) {
        summary.incomplete += *built[i] == RecordBuilder::Completeness::kIncomplete;
        ++run->record_count;
        continue;
      }
      ++summary.rejected;
      run->rejects << EscapeCsvField(file_name) << ',' << rows[i].line << ','
                   << EscapeCsvField(std::string(built[i].status().message())) << '\n';
    }
    if (static_cast<size_t>(run->record_count) >= config_.batch_size) {
      if (absl::Status s = Flush(sink, progress, run); !s.ok()) return s;
    }
  }
  if (absl::Status s = Flush(sink, progress, run); !s.ok()) return s;
  // Every batch acknowledged before the submission is completed.
  absl::Status drained = run->pipeline ? run->pipeline->Drain() : absl::OkStatus();
  NoteAcknowledged(progress, run);
  if (!drained.ok()) return Stopped(drained, summary.acknowledged, run->acknowledged_batches);
  run->rejects.flush();
  if (summary.rows_read > 0 && summary.records_sent == 0) {
    // Almost always a wrong delimiter or column mapping. Not completing the submission keeps
    // the party's earlier data at the hub instead of replacing it with nothing.
    return absl::InvalidArgumentError(fmt::format(
        "all {} rows of {} were rejected, so nothing was submitted; check the delimiter and "
        "[columns] in {} against the reasons in {}",
        summary.rows_read, config_.input.string(), config_.config_file.string(),
        config_.reject_file.string()));
  }
  return absl::OkStatus();
}

absl::Status Agent::CompleteSubmission(BatchSink* sink, Submission* run) {
  v1::SubmissionSummary done;
  done.set_project_id(manifest_.project_id);
  done.set_party_id(config_.party_id);
  done.set_submission_id(run->submission_id);
  done.set_batch_count(run->summary.batches);
  done.set_record_count(run->summary.records_sent);
  done.set_period(config_.period);
  v1::SignedSubmissionSummary signed_done;
  done.SerializeToString(signed_done.mutable_summary());
  const Ed25519Signature sig = signer_->Sign(kSubmissionSignatureContext, signed_done.summary());
  signed_done.set_signature(sig.data(), sig.size());
  auto receipt = sink->CompleteSubmission(signed_done);
  if (!receipt.ok()) {
    // The hub lacks batches it once acknowledged (a restored database): start over next time.
    if (receipt.status().code() == absl::StatusCode::kFailedPrecondition) {
      std::filesystem::remove(run->progress_file);
    }
    return Stopped(receipt.status(), run->summary.acknowledged, run->acknowledged_batches);
  }
  std::filesystem::remove(run->progress_file);
  return KeepReceipt(*receipt, done, run->sent_digest.FinalHex(), &run->summary);
}

absl::StatusOr<AgentSummary> Agent::Run(BatchSink* sink,
                                        const std::function<void(const AgentSummary&)>& progress) {
  Submission run;
  run.start = Clock::now();
  if (absl::Status s = OpenExport(&run); !s.ok()) return s;
  if (absl::Status s = ResumeOrStart(&run); !s.ok()) return s;
  if (absl::Status s = SendRecords(sink, progress, &run); !s.ok()) return s;
  if (absl::Status s = CompleteSubmission(sink, &run); !s.ok()) return s;
  run.summary.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  return run.summary;
}

absl::StatusOr<AgentSummary> Agent::Preview(BatchSink* sink) {
  Submission run;
  run.start = Clock::now();
  run.preview = true;
  run.submission_id.assign(16, '\0');
  if (absl::Status s = OpenExport(&run); !s.ok()) return s;
  if (absl::Status s = SendRecords(sink, nullptr, &run); !s.ok()) return s;
  run.summary.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  return run.summary;
}

}  // namespace stapel
