#include "ledger/log_reader.h"

#include <fmt/format.h>

#include <fstream>

#include "encoding/hex.h"
#include "encoding/sha256.h"
#include "ledger/log_format.h"

namespace stapel {
namespace {

absl::Status Bad(size_t line, std::string_view what) {
  return absl::DataLossError(
      fmt::format("release log entry on line {} is not valid: {}", line, what));
}

absl::Status BadHead(size_t line, std::string_view what) {
  return absl::DataLossError(fmt::format("tree head on line {} is not valid: {}", line, what));
}

// The hub's signature of a parsed entry.
absl::Status CheckSignature(const nlohmann::json& entry, const Ed25519Verifier& key) {
  if (!entry.contains("signature") || !entry["signature"].is_string()) {
    return absl::DataLossError("signature is missing or not text");
  }
  uint8_t sig[64];
  if (!HexDecode(entry["signature"].get<std::string>(), sig)) {
    return absl::DataLossError("signature is not 128 lowercase hex digits");
  }
  if (!key.Verify(kReleaseLogSignatureContext, SigningInput(entry),
                  std::string_view(reinterpret_cast<const char*>(sig), sizeof(sig)))) {
    return absl::DataLossError(
        "the hub's signature does not verify (altered, or signed by another key)");
  }
  return absl::OkStatus();
}

// Checks one line's format, place in the chain and signature.
absl::StatusOr<nlohmann::json> VerifyLine(const std::string& line, size_t number,
                                          const std::string& prev_hash,
                                          const Ed25519Verifier& key) {
  nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (entry.is_discarded() || !entry.is_object()) return Bad(number, "not a JSON object");
  if (entry.dump() != line) return Bad(number, "not in canonical form (edited?)");
  for (const char* field : {"seq", "type", "prev_sha256", "signature"}) {
    if (!entry.contains(field)) return Bad(number, fmt::format("field '{}' is missing", field));
  }
  if (!entry["type"].is_string() || !IsKnownEntryType(entry["type"].get<std::string>())) {
    return Bad(number, "unknown entry type");
  }
  const bool release = entry["type"] == kEntryRelease;
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
  return entry;
}

// Checks "<log>.heads" against the verified log in `result`.
absl::Status VerifyTreeHeads(const std::filesystem::path& path, const Ed25519Verifier& hub_key,
                             LogVerification* result) {
  std::ifstream heads(TreeHeadsPath(path), std::ios::binary);
  std::string line;
  for (size_t number = 1; heads && std::getline(heads, line); ++number) {
    auto head = ParseTreeHead(line, hub_key);
    if (!head.ok()) return BadHead(number, std::string(head.status().message()));
    if (head->size > result->entries) {
      return BadHead(number, fmt::format("it covers {} entries, the log has {} (entries removed?)",
                                         head->size, result->entries));
    }
    if (result->latest_head && head->size < result->latest_head->size) {
      return BadHead(number, "the log shrank");
    }
    if (head->root != result->tree.Root(head->size)) {
      return BadHead(number, fmt::format("its root is not the root of the log's first {} entries "
                                         "(history rewritten)",
                                         head->size));
    }
    ++result->tree_heads;
    result->latest_head = std::move(*head);
  }
  return absl::OkStatus();
}

}  // namespace

LogVerification EmptyLog() {
  LogVerification empty;
  empty.head_sha256 = std::string(kGenesisSha256);
  return empty;
}

absl::StatusOr<LogVerification> VerifyReleaseLog(const std::filesystem::path& path,
                                                 const Ed25519Verifier& hub_key,
                                                 const EntryCheck& check) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open release log {}", path.string()));
  LogVerification result = EmptyLog();
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  while (pos < content.size()) {
    const size_t end = content.find('\n', pos);
    if (end == std::string::npos) return Bad(result.entries + 1, "the last line is not terminated");
    const std::string line = content.substr(pos, end - pos);
    auto entry = VerifyLine(line, result.entries + 1, result.head_sha256, hub_key);
    if (!entry.ok()) return entry.status();
    if (check) {
      if (absl::Status s = check(*entry); !s.ok()) {
        return Bad(result.entries + 1, std::string(s.message()));
      }
    }
    ++result.entries;
    result.head_sha256 = Sha256Hex(line);
    result.tree.Append(line);
    result.lines.push_back(line);
    pos = end + 1;
  }
  if (absl::Status s = VerifyTreeHeads(path, hub_key, &result); !s.ok()) return s;
  return result;
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

}  // namespace stapel
