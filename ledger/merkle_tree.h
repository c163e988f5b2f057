#ifndef STAPEL_LEDGER_MERKLE_TREE_H_
#define STAPEL_LEDGER_MERKLE_TREE_H_

// An RFC 6962 / RFC 9162 Merkle tree over log entries: leaf hash SHA-256(0x00 ‖ entry), node
// hash SHA-256(0x01 ‖ left ‖ right). Inclusion proofs show that an entry is in a tree of a
// given size and root; consistency proofs show that a tree is an append-only extension of an
// earlier one, so a saved tree head lets a privacy officer detect any rewritten history.
// Thread-compatible.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "encoding/sha256.h"

namespace stapel {

using Hash256 = Sha256Digest;

Hash256 MerkleLeafHash(std::string_view entry);
Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right);

class MerkleTree {
 public:
  void Append(std::string_view entry) { leaves_.push_back(MerkleLeafHash(entry)); }
  uint64_t size() const { return leaves_.size(); }

  // The root of the first `size` leaves (size <= this->size(); SHA-256("") for 0).
  Hash256 Root(uint64_t size) const;
  // The audit path of leaf `index` in the tree of the first `size` leaves.
  std::vector<Hash256> InclusionProof(uint64_t index, uint64_t size) const;
  // The proof that the tree of `old_size` leaves is a prefix of the one of `new_size`.
  std::vector<Hash256> ConsistencyProof(uint64_t old_size, uint64_t new_size) const;

 private:
  Hash256 SubtreeRoot(uint64_t begin, uint64_t end) const;
  void Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash256>* out) const;
  void SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash256>* out) const;
  std::vector<Hash256> leaves_;
};

// RFC 9162 section 2.1.3.2.
bool VerifyInclusion(const Hash256& leaf_hash, uint64_t index, uint64_t size,
                     std::span<const Hash256> proof, const Hash256& root);
// RFC 9162 section 2.1.4.2.
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash256& old_root,
                       const Hash256& new_root, std::span<const Hash256> proof);

}  // namespace stapel

#endif  // STAPEL_LEDGER_MERKLE_TREE_H_
