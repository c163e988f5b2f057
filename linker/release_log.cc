#include "linker/release_log.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

#include "keys/key_file.h"
#include "linker/area_table.h"
#include "linker/disclosure.h"
#include "linker/table_protection.h"

namespace stapel {
namespace {

const std::string kZeroHash(64, '0');

std::string SigningInput(nlohmann::json entry) {
  entry.erase("signature");
  return entry.dump();
}

// Decodes exactly 2 * out.size() lowercase hex digits.
bool FromHex(std::string_view hex, std::span<uint8_t> out) {
  size_t len = 0;
  return hex.size() == out.size() * 2 &&
         sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) ==
             0 &&
         len == out.size() && HexEncode(out) == hex;
}

absl::Status Bad(size_t line, std::string_view what) {
  return absl::DataLossError(
      fmt::format("release log entry on line {} is not valid: {}", line, what));
}

// The hub's signature of a parsed entry.
absl::Status CheckSignature(const nlohmann::json& entry, const Ed25519Verifier& key) {
  if (!entry.contains("signature") || !entry["signature"].is_string()) {
    return absl::DataLossError("signature is missing or not text");
  }
  uint8_t sig[64];
  if (!FromHex(entry["signature"].get<std::string>(), sig)) {
    return absl::DataLossError("signature is not 128 lowercase hex digits");
  }
  if (!key.Verify(kReleaseLogSignatureContext, SigningInput(entry),
                  std::string_view(reinterpret_cast<const char*>(sig), sizeof(sig)))) {
    return absl::DataLossError(
        "the hub's signature does not verify (altered, or signed by another key)");
  }
  return absl::OkStatus();
}

// Checks one line given the hash of the line before it.
absl::Status VerifyLine(const std::string& line, size_t number, const std::string& prev_hash,
                        const Ed25519Verifier& key) {
  nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (entry.is_discarded() || !entry.is_object()) return Bad(number, "not a JSON object");
  if (entry.dump() != line) return Bad(number, "not in canonical form (edited?)");
  for (const char* field : {"seq", "type", "prev_sha256", "signature"}) {
    if (!entry.contains(field)) return Bad(number, fmt::format("field '{}' is missing", field));
  }
  const bool release = entry["type"] == kEntryRelease;
  if (!release && entry["type"] != kEntrySubmission && entry["type"] != kEntryRefusal &&
      entry["type"] != kEntryManifest && entry["type"] != kEntryPurge &&
      entry["type"] != kEntryKeyEpoch) {
    return Bad(number, "unknown entry type");
  }
  if (release) {
    for (const char* field : {"table_sha256", "table", "rules"}) {
      if (!entry.contains(field)) return Bad(number, fmt::format("field '{}' is missing", field));
    }
  }
  if (!entry["seq"].is_number_unsigned() || entry["seq"].get<uint64_t>() != number) {
    return Bad(number, fmt::format("sequence number is not {}", number));
  }
  if (entry["prev_sha256"] != prev_hash) {
    return Bad(number,
               "prev_sha256 does not match the entry before it (entry removed, "
               "reordered or altered)");
  }
  if (release && entry["table_sha256"] != Sha256Hex(entry["table"].dump())) {
    return Bad(number, "table_sha256 does not match the table");
  }
  if (absl::Status s = CheckSignature(entry, key); !s.ok()) {
    return Bad(number, std::string(s.message()));
  }
  if (!release) return absl::OkStatus();
  auto logged = ReadReleaseEntry(entry);
  if (!logged.ok()) return Bad(number, std::string(logged.status().message()));
  if (absl::Status s =
          CheckReleasedTable(logged->rules, logged->released.spec, logged->released.table);
      !s.ok()) {
    return Bad(number,
               fmt::format("released table breaks its rules: {}", std::string(s.message())));
  }
  return absl::OkStatus();
}

// Appends `line` and a newline to `path` and fsyncs.
absl::Status AppendLine(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  const std::string data = line + "\n";
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::InternalError(fmt::format("cannot append to {}", path.string()));
  return absl::OkStatus();
}

}  // namespace

std::string DescribeLogEntry(const nlohmann::json& e) {
  const std::string head =
      fmt::format("#{} {} ", e["seq"].get<uint64_t>(), e["time"].get<std::string>());
  const std::string type = e["type"].get<std::string>();
  if (type == "submission") {
    return head + fmt::format(
                      "submission of '{}': {} records in {} batches (replacing {}), stored "
                      "data sha256 {}",
                      e["party"].get<std::string>(), e["records"].get<uint64_t>(),
                      e["batches"].get<uint64_t>(), e["replaced_records"].get<uint64_t>(),
                      e["stored_sha256"].get<std::string>().substr(0, 16));
  }
  if (type == "refusal") {
    return head + fmt::format("REFUSED '{}': {}", e["requester"].get<std::string>(),
                              e["reason"].get<std::string>());
  }
  if (type == "purge") {
    return head + fmt::format(
                      "PURGE of project '{}' ({}; retention until {}): {} stored entries "
                      "of {} deleted; no more submissions or releases",
                      e["project_id"].get<std::string>(), e["reason"].get<std::string>(),
                      e["retention_until"].get<std::string>().empty()
                          ? "not stated"
                          : e["retention_until"].get<std::string>(),
                      e["stored_entries_deleted"].get<uint64_t>(),
                      e["parties"].empty() ? "no party"
                                           : fmt::format("{}", fmt::join(e["parties"], ", ")));
  }
  if (type == kEntryKeyEpoch) {
    return head + fmt::format(
                      "linkage secret of epoch {} made by '{}' (key check {}), sealed for {}; "
                      "batches of earlier epochs are refused",
                      e["epoch"].get<uint64_t>(), e["creator"].get<std::string>(),
                      e["key_check"].get<std::string>().substr(0, 16),
                      fmt::join(e["sealed_for"], ", "));
  }
  if (type == "manifest") {
    std::string parties;
    for (const auto& p : e["parties"]) {
      parties +=
          fmt::format("{}{} ({}: {})", parties.empty() ? "" : ", ", p["id"].get<std::string>(),
                      p["role"].get<std::string>(), fmt::join(p["attributes"], " "));
    }
    return head + fmt::format("manifest of '{}' in force (k = {}): {}; requesters: {}",
                              e["project_id"].get<std::string>(), e["k"].get<int>(), parties,
                              fmt::join(e["requesters"], ", "));
  }
  const auto table = AreaTable::FromJson(e["table"]);
  size_t cells = 0, suppressed = 0;
  for (const auto& row : table->rows) {
    for (const auto& c : row.cells) {
      ++cells;
      suppressed += c.suppressed;
    }
  }
  const nlohmann::json& request = e["request"];
  const std::string purpose = request.value("purpose", std::string());
  std::string measures;
  for (const auto& m : request.value("measures", nlohmann::json::array())) {
    measures += fmt::format("{}{} = {}", measures.empty() ? "; measures: " : ", ",
                            m["name"].get<std::string>(), m["expression"].get<std::string>());
  }
  const nlohmann::json protection = e.value("protection", nlohmann::json::object());
  return head +
         fmt::format(
             "release to '{}' ({}): {} per {}{}; {} areas × {} columns, {} of {} cells "
             "suppressed ({} by the differencing guard against {} earlier releases); rules "
             "k = {}, rounding base {}",
             e["requester"].get<std::string>(), purpose.empty() ? "no purpose given" : purpose,
             request.value("population", std::string("?")),
             request.value("level", std::string("?")), measures, table->rows.size(),
             table->measures.size(), suppressed, cells, protection.value("suppressed_by_guard", 0),
             protection.value("earlier_releases_checked", 0), e["rules"]["k"].get<int>(),
             e["rules"].value("rounding_base", 1));
}

absl::StatusOr<nlohmann::json> VerifyEntrySignature(std::string_view line,
                                                    const Ed25519Verifier& hub_key) {
  nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (entry.is_discarded() || !entry.is_object() || entry.dump() != line) {
    return absl::DataLossError("not a release-log entry in canonical form");
  }
  if (absl::Status s = CheckSignature(entry, hub_key); !s.ok()) return s;
  return entry;
}

nlohmann::json ReleaseFile(const nlohmann::json& entry) {
  nlohmann::json file = entry.value("table", nlohmann::json::object());
  file["release"] = entry;
  file["release"].erase("table");
  return file;
}

absl::StatusOr<LoggedRelease> ReadReleaseEntry(const nlohmann::json& entry) {
  LoggedRelease out;
  out.seq = entry.value("seq", uint64_t{0});
  out.data_version = entry.value("data_version", std::string());
  auto table = AreaTable::FromJson(entry["table"]);
  if (!table.ok()) return table.status();
  out.released.table = *std::move(table);
  if (!entry.contains("request") || !entry["request"].is_object() ||
      !entry["request"].contains("spec")) {
    return absl::InvalidArgumentError("request.spec is missing");
  }
  auto spec = TableSpec::FromJson(entry["request"]["spec"]);
  if (!spec.ok()) return spec.status();
  out.released.spec = *std::move(spec);
  const nlohmann::json& rules = entry["rules"];
  if (!rules.is_object() || !rules.contains("k") || !rules["k"].is_number_integer()) {
    return absl::InvalidArgumentError("rules.k is missing");
  }
  DisclosureRules& r = out.rules;  // a rule the entry does not record was not applied
  r.k = rules["k"].get<int>();
  r.min_area_population = rules.value("min_area_population", 0);
  r.group_disclosure = rules.value("group_disclosure", false);
  r.rounding_base = rules.value("rounding_base", 1);
  r.protection_width = rules.value("protection_width", r.k);
  out.released.rounding_base = r.rounding_base;
  return out;
}

absl::Status AuditLoggedReleases(const std::vector<std::string>& lines, size_t* audited) {
  std::map<std::string, std::vector<LoggedRelease>> by_data;
  for (const auto& line : lines) {
    const nlohmann::json entry = nlohmann::json::parse(line);
    if (entry.value("type", "") != kEntryRelease) continue;
    auto logged = ReadReleaseEntry(entry);
    if (!logged.ok()) return logged.status();
    by_data[logged->data_version].push_back(*std::move(logged));
  }
  *audited = 0;
  for (const auto& [data_version, group] : by_data) {
    std::vector<ReleasedTable> tables;
    for (const auto& release : group) tables.push_back(release.released);
    *audited += tables.size();
    // The strictest rules of the group (a manifest change may have raised them).
    if (absl::Status s = AuditReleases(group.back().rules, tables); !s.ok()) {
      std::vector<uint64_t> seqs;
      for (const auto& release : group) seqs.push_back(release.seq);
      return absl::FailedPreconditionError(fmt::format("releases {} (one data state) together: {}",
                                                       fmt::join(seqs, ", "),
                                                       std::string(s.message())));
    }
  }
  return absl::OkStatus();
}

std::filesystem::path TreeHeadsPath(const std::filesystem::path& log) {
  return std::filesystem::path(log.string() + ".heads");
}

namespace {

absl::Status BadHead(size_t line, std::string_view what) {
  return absl::DataLossError(fmt::format("tree head on line {} is not valid: {}", line, what));
}

}  // namespace

absl::StatusOr<TreeHead> ParseTreeHead(std::string_view line, const Ed25519Verifier& hub_key) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.dump() != line) {
    return absl::DataLossError("a tree head is not a JSON object in canonical form");
  }
  TreeHead head;
  uint8_t sig[64];
  if (!j.contains("size") || !j["size"].is_number_unsigned() || !j.contains("root") ||
      !j["root"].is_string() || !j.contains("time") || !j["time"].is_string() ||
      !j.contains("signature") || !j["signature"].is_string() ||
      !FromHex(j["root"].get<std::string>(), head.root) ||
      !FromHex(j["signature"].get<std::string>(), sig)) {
    return absl::DataLossError("a tree head lacks size, root, time or signature");
  }
  if (!hub_key.Verify(kTreeHeadSignatureContext, SigningInput(j),
                      std::string_view(reinterpret_cast<const char*>(sig), sizeof(sig)))) {
    return absl::DataLossError("a tree head's signature does not verify with the hub's key");
  }
  head.size = j["size"].get<uint64_t>();
  head.time = j["time"].get<std::string>();
  head.line = std::string(line);
  return head;
}

std::string UtcNow() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::string Sha256Hex(std::string_view data) {
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return HexEncode(digest);
}

absl::StatusOr<LogVerification> VerifyReleaseLog(const std::filesystem::path& path,
                                                 const Ed25519Verifier& hub_key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open release log {}", path.string()));
  LogVerification result{0, kZeroHash};
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  while (pos < content.size()) {
    const size_t end = content.find('\n', pos);
    if (end == std::string::npos) return Bad(result.entries + 1, "the last line is not terminated");
    const std::string line = content.substr(pos, end - pos);
    if (absl::Status s = VerifyLine(line, result.entries + 1, result.head_sha256, hub_key);
        !s.ok()) {
      return s;
    }
    ++result.entries;
    result.head_sha256 = Sha256Hex(line);
    result.tree.Append(line);
    result.lines.push_back(line);
    pos = end + 1;
  }
  std::ifstream heads(TreeHeadsPath(path), std::ios::binary);
  std::string line;
  for (size_t number = 1; heads && std::getline(heads, line); ++number) {
    auto head = ParseTreeHead(line, hub_key);
    if (!head.ok()) return BadHead(number, std::string(head.status().message()));
    if (head->size > result.entries) {
      return BadHead(number, fmt::format("it covers {} entries, the log has {} (entries removed?)",
                                         head->size, result.entries));
    }
    if (result.latest_head && head->size < result.latest_head->size) {
      return BadHead(number, "the log shrank");
    }
    if (head->root != result.tree.Root(head->size)) {
      return BadHead(number, fmt::format("its root is not the root of the log's first {} entries "
                                         "(history rewritten)",
                                         head->size));
    }
    ++result.tree_heads;
    result.latest_head = std::move(*head);
  }
  return result;
}

ReleaseLogWriter::ReleaseLogWriter(std::filesystem::path path,
                                   std::unique_ptr<Ed25519Signer> signer, LogVerification state)
    : path_(std::move(path)), signer_(std::move(signer)), state_(std::move(state)) {}

absl::StatusOr<std::unique_ptr<ReleaseLogWriter>> ReleaseLogWriter::Open(
    const std::filesystem::path& path, std::unique_ptr<Ed25519Signer> signer) {
  LogVerification state{0, kZeroHash};
  if (std::filesystem::exists(path)) {
    auto own_key = Ed25519Verifier::FromBase64(signer->PublicKeyBase64());
    if (!own_key.ok()) return own_key.status();
    auto verified = VerifyReleaseLog(path, *own_key);
    if (!verified.ok()) {
      return absl::DataLossError(fmt::format(
          "refusing to extend {}: {}. Keep the file for the privacy officer and investigate.",
          path.string(), std::string(verified.status().message())));
    }
    state = std::move(*verified);
  }
  std::unique_ptr<ReleaseLogWriter> writer(
      new ReleaseLogWriter(path, std::move(signer), std::move(state)));
  // A stop between writing an entry and its head leaves the newest entries without one.
  const uint64_t covered = writer->state_.latest_head ? writer->state_.latest_head->size : 0;
  if (writer->state_.entries > covered) {
    if (absl::Status s = writer->AppendTreeHead(); !s.ok()) return s;
  }
  return writer;
}

uint64_t ReleaseLogWriter::entries() const {
  std::lock_guard lock(mu_);
  return state_.entries;
}

absl::StatusOr<std::string> ReleaseLogWriter::Append(nlohmann::json entry) {
  std::lock_guard lock(mu_);
  entry["seq"] = state_.entries + 1;
  entry["prev_sha256"] = state_.head_sha256;
  if (entry.contains("table")) entry["table_sha256"] = Sha256Hex(entry["table"].dump());
  entry.erase("signature");
  const Ed25519Signature sig = signer_->Sign(kReleaseLogSignatureContext, entry.dump());
  entry["signature"] = HexEncode(sig);
  const std::string line = entry.dump();

  if (absl::Status s = AppendLine(path_, line); !s.ok()) return s;
  ++state_.entries;
  state_.head_sha256 = Sha256Hex(line);
  state_.tree.Append(line);
  state_.lines.push_back(line);
  if (absl::Status s = AppendTreeHead(); !s.ok()) return s;
  return line;
}

namespace {
// How an entry of `type` says so in its canonical line: a cheap filter before parsing (inside
// a JSON string the quotes would be escaped, so only a "type" key can match).
std::string TypeMarker(std::string_view type) { return fmt::format("\"type\":\"{}\"", type); }
}  // namespace

std::optional<nlohmann::json> ReleaseLogWriter::LastEntryOfType(std::string_view type) const {
  std::lock_guard lock(mu_);
  const std::string marker = TypeMarker(type);
  for (auto it = state_.lines.rbegin(); it != state_.lines.rend(); ++it) {
    if (it->find(marker) == std::string::npos) continue;
    nlohmann::json entry = nlohmann::json::parse(*it);
    if (entry["type"] == type) return entry;
  }
  return std::nullopt;
}

std::vector<nlohmann::json> ReleaseLogWriter::EntriesOfType(std::string_view type) const {
  std::lock_guard lock(mu_);
  std::vector<nlohmann::json> out;
  const std::string marker = TypeMarker(type);
  for (const auto& line : state_.lines) {
    if (line.find(marker) == std::string::npos) continue;
    nlohmann::json entry = nlohmann::json::parse(line);
    if (entry["type"] == type) out.push_back(std::move(entry));
  }
  return out;
}

absl::Status ReleaseLogWriter::AppendTreeHead() {
  const Hash256 root = state_.tree.Root(state_.tree.size());
  nlohmann::json head = {
      {"size", state_.tree.size()}, {"root", HexEncode(root)}, {"time", UtcNow()}};
  const Ed25519Signature sig = signer_->Sign(kTreeHeadSignatureContext, head.dump());
  head["signature"] = HexEncode(sig);
  return AppendLine(TreeHeadsPath(path_), head.dump());
}

}  // namespace stapel
