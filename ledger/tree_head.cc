#include "ledger/tree_head.h"

#include <nlohmann/json.hpp>

#include "encoding/hex.h"
#include "encoding/utc_time.h"
#include "ledger/log_format.h"

namespace stapel {

std::string SignTreeHead(const MerkleTree& tree, const Ed25519Signer& signer) {
  nlohmann::json head = {
      {"size", tree.size()}, {"root", HexEncode(tree.Root(tree.size()))}, {"time", UtcNow()}};
  head["signature"] = HexEncode(signer.Sign(kTreeHeadSignatureContext, head.dump()));
  return head.dump();
}

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
      !HexDecode(j["root"].get<std::string>(), head.root) ||
      !HexDecode(j["signature"].get<std::string>(), sig)) {
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

}  // namespace stapel
