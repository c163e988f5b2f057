#include "ledger/merkle_tree.h"

#include "encoding/sha256.h"

namespace stapel {
namespace {

// The largest power of two smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

}  // namespace

Hash256 MerkleLeafHash(std::string_view entry) {
  Sha256Stream hash;
  hash.Update(std::string_view("\0", 1));
  hash.Update(entry);
  return hash.Final();
}

Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right) {
  Sha256Stream hash;
  hash.Update(std::string_view("\x01", 1));
  hash.Update(left);
  hash.Update(right);
  return hash.Final();
}

Hash256 MerkleTree::SubtreeRoot(uint64_t begin, uint64_t end) const {
  if (end - begin == 1) return leaves_[begin];
  const uint64_t k = SplitPoint(end - begin);
  return MerkleNodeHash(SubtreeRoot(begin, begin + k), SubtreeRoot(begin + k, end));
}

Hash256 MerkleTree::Root(uint64_t size) const {
  if (size == 0) return Sha256("");
  return SubtreeRoot(0, size);
}

void MerkleTree::Path(uint64_t index, uint64_t begin, uint64_t end,
                      std::vector<Hash256>* out) const {
  if (end - begin <= 1) return;
  const uint64_t k = SplitPoint(end - begin);
  if (index < k) {
    Path(index, begin, begin + k, out);
    out->push_back(SubtreeRoot(begin + k, end));
  } else {
    Path(index - k, begin + k, end, out);
    out->push_back(SubtreeRoot(begin, begin + k));
  }
}

std::vector<Hash256> MerkleTree::InclusionProof(uint64_t index, uint64_t size) const {
  std::vector<Hash256> out;
  if (index < size && size <= leaves_.size()) Path(index, 0, size, &out);
  return out;
}

void MerkleTree::SubProof(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                          std::vector<Hash256>* out) const {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out->push_back(SubtreeRoot(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, whole, out);
    out->push_back(SubtreeRoot(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, out);
    out->push_back(SubtreeRoot(begin, begin + k));
  }
}

std::vector<Hash256> MerkleTree::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  std::vector<Hash256> out;
  if (old_size > 0 && old_size < new_size && new_size <= leaves_.size()) {
    SubProof(old_size, 0, new_size, true, &out);
  }
  return out;
}

bool VerifyInclusion(const Hash256& leaf_hash, uint64_t index, uint64_t size,
                     std::span<const Hash256> proof, const Hash256& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Hash256 r = leaf_hash;
  for (const Hash256& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash256& old_root,
                       const Hash256& new_root, std::span<const Hash256> proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();  // the empty tree is a prefix of every tree
  if (proof.empty()) return false;
  std::vector<Hash256> path(proof.begin(), proof.end());
  if ((old_size & (old_size - 1)) == 0) path.insert(path.begin(), old_root);  // a power of two
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash256& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace stapel
