#ifndef STAPEL_LEDGER_TREE_HEAD_H_
#define STAPEL_LEDGER_TREE_HEAD_H_

// Signed tree heads: one JSON line {"root", "size", "time", "signature"} per append in
// "<log>.heads", the signature over "stapel-tree-head-v1\n" and the head without "signature".

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "keys/signing.h"
#include "ledger/merkle_tree.h"

namespace stapel {

inline constexpr std::string_view kTreeHeadSignatureContext = "stapel-tree-head-v1\n";

struct TreeHead {
  uint64_t size = 0;
  Hash256 root{};
  std::string time;
  std::string line;  // the signed JSON line as written
};

// The signed head line of the first `tree.size()` entries, stamped now.
std::string SignTreeHead(const MerkleTree& tree, const Ed25519Signer& signer);

// Parses and checks one signed tree head line (canonical form, signature). DATA_LOSS otherwise.
absl::StatusOr<TreeHead> ParseTreeHead(std::string_view line, const Ed25519Verifier& hub_key);

}  // namespace stapel

#endif  // STAPEL_LEDGER_TREE_HEAD_H_
