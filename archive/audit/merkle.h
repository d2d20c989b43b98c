// Merkle tree hashing of RFC 9162 (Certificate Transparency 2.0) §2.1, SHA-256 through OpenSSL.
//   leaf hash  = SHA-256(0x00 || data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k = largest power of two < n
// Everything here works on leaf hashes; callers hash their entries with leaf_hash() first.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gk::audit {

using Hash = std::array<unsigned char, 32>;

Hash leaf_hash(std::string_view data);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();

std::string hash_hex(const Hash& h);
// Exactly 64 lowercase hex digits; anything else is an error.
Result<Hash> hash_from_hex(std::string_view hex);

// MTH of a leaf-hash array, O(n) time, O(log n) stack. No caching; for one-off roots.
Hash root_of(std::span<const Hash> leaves);

// Streaming root: the perfect subtrees of the prefix seen so far (at most 64 hashes).
// Used to check many prefix roots in one pass over a log without keeping the leaves.
class CompactRange {
 public:
  void append(const Hash& leaf);
  uint64_t size() const { return size_; }
  Hash root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // left to right; peak i covers the i-th set bit of size_ from the top
};

// Leaf hashes plus a cache of perfect-subtree roots of height >= cache_height, so that roots and
// proofs for any prefix cost O(2^cache_height * log n) hashes instead of O(n).
// Memory: 32 bytes per leaf + about 64 / 2^cache_height bytes per leaf for the cache.
class MerkleTree {
 public:
  explicit MerkleTree(unsigned cache_height = 8);
  MerkleTree(std::vector<Hash> leaves, unsigned cache_height = 8);

  void append(const Hash& leaf);
  void reserve(uint64_t n) { leaves_.reserve(n); }
  uint64_t size() const { return leaves_.size(); }
  const Hash& leaf(uint64_t i) const { return leaves_[i]; }

  Hash root() const { return root(size()); }
  // Root of the first `size` leaves; size <= this->size() (else the empty root is not returned:
  // the call is a programming error and throws std::out_of_range).
  Hash root(uint64_t size) const;

  // RFC 9162 §2.1.3.1 PATH(index, D[0:size]): sibling hashes from the leaf upwards.
  // Errors when index >= size or size > this->size().
  Result<std::vector<Hash>> inclusion_proof(uint64_t index, uint64_t size) const;
  // RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size]). Empty when old_size is 0 or equals
  // new_size. Errors when old_size > new_size or new_size > this->size().
  Result<std::vector<Hash>> consistency_proof(uint64_t old_size, uint64_t new_size) const;

 private:
  Hash perfect(uint64_t begin, unsigned height) const;  // root of leaves [begin, begin + 2^height)
  Hash range(uint64_t begin, uint64_t end) const;       // MTH(D[begin:end]), begin aligned
  void path(uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>& out) const;
  void subproof(uint64_t m, uint64_t begin, uint64_t end, bool whole, std::vector<Hash>& out) const;

  unsigned cache_height_;
  std::vector<Hash> leaves_;
  std::vector<std::vector<Hash>> cache_;  // cache_[j][i] = perfect(i << h, h), h = cache_height_ + j
};

// RFC 9162 §2.1.3.2. Ok, or an error saying why the proof does not lead to `root`.
Status verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof,
                        const Hash& root);
// RFC 9162 §2.1.4.2, extended: old_size 0 (anything extends the empty tree) and old_size ==
// new_size (empty proof, equal roots) are accepted.
Status verify_consistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                          std::span<const Hash> proof);

}  // namespace gk::audit
