#include "ledger/merkle_tree.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

#include "encoding/hex.h"

namespace stapel {
namespace {

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  sodium_hex2bin(reinterpret_cast<uint8_t*>(out.data()), out.size(), hex.data(), hex.size(),
                 nullptr, &len, nullptr);
  out.resize(len);
  return out;
}

// The test vectors of RFC 6962's reference implementation (certificate-transparency): eight
// leaves and the root of every prefix, in a data file.
struct Vectors {
  std::vector<std::string> leaves;
  std::vector<std::string> roots;  // roots[i] is the root of the first i + 1 leaves
};

Vectors LoadVectors() {
  std::ifstream in(STAPEL_TESTDATA_DIR "/rfc6962_merkle_tree.txt");
  Vectors v;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string kind, value;
    fields >> kind >> value;
    if (kind == "leaf") v.leaves.push_back(value == "-" ? "" : Unhex(value));
    if (kind == "root") v.roots.push_back(value);
  }
  return v;
}

TEST(MerkleTreeTest, RootsMatchTheRfc6962ReferenceVectors) {
  const Vectors v = LoadVectors();
  ASSERT_EQ(v.leaves.size(), 8u);
  ASSERT_EQ(v.roots.size(), 8u);
  MerkleTree tree;
  EXPECT_EQ(HexEncode(tree.Root(0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (const auto& leaf : v.leaves) tree.Append(leaf);
  for (uint64_t n = 1; n <= 8; ++n) EXPECT_EQ(HexEncode(tree.Root(n)), v.roots[n - 1]) << n;
}

TEST(MerkleTreeTest, EveryInclusionProofVerifiesAndABitFlipBreaksIt) {
  MerkleTree tree;
  for (int i = 0; i < 13; ++i) tree.Append("entry " + std::to_string(i));
  for (uint64_t size = 1; size <= 13; ++size) {
    for (uint64_t i = 0; i < size; ++i) {
      const Hash256 leaf = MerkleLeafHash("entry " + std::to_string(i));
      auto proof = tree.InclusionProof(i, size);
      ASSERT_TRUE(VerifyInclusion(leaf, i, size, proof, tree.Root(size))) << i << "/" << size;
      EXPECT_FALSE(VerifyInclusion(leaf, i, size, proof, tree.Root(size == 1 ? 2 : size - 1)));
      for (auto& node : proof) {
        node[3] ^= 1;
        EXPECT_FALSE(VerifyInclusion(leaf, i, size, proof, tree.Root(size)));
        node[3] ^= 1;
      }
      Hash256 other = leaf;
      other[0] ^= 1;
      EXPECT_FALSE(VerifyInclusion(other, i, size, proof, tree.Root(size)));
    }
  }
}

TEST(MerkleTreeTest, EveryConsistencyProofVerifiesAndRewrittenHistoryFails) {
  MerkleTree tree;
  for (int i = 0; i < 13; ++i) tree.Append("entry " + std::to_string(i));
  for (uint64_t m = 1; m <= 13; ++m) {
    for (uint64_t n = m; n <= 13; ++n) {
      auto proof = tree.ConsistencyProof(m, n);
      ASSERT_TRUE(VerifyConsistency(m, n, tree.Root(m), tree.Root(n), proof)) << m << "->" << n;
      if (m == n) continue;
      for (auto& node : proof) {
        node[0] ^= 0x80;
        EXPECT_FALSE(VerifyConsistency(m, n, tree.Root(m), tree.Root(n), proof)) << m << "->" << n;
        node[0] ^= 0x80;
      }
    }
  }
  // A log whose entry 2 was edited after a head of size 5 was saved.
  MerkleTree rewritten;
  for (int i = 0; i < 13; ++i) rewritten.Append(i == 2 ? "edited" : "entry " + std::to_string(i));
  EXPECT_FALSE(VerifyConsistency(5, 13, tree.Root(5), rewritten.Root(13),
                                 rewritten.ConsistencyProof(5, 13)));
}

}  // namespace
}  // namespace stapel
