#include "archive/audit/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace gk::audit {
namespace {

// One fetched SHA-256 and one context per thread: the hot loops hash millions of tiny inputs.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct Ctx {
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(c); }
};

Hash sha256_parts(std::string_view a, std::string_view b, std::string_view c) {
  thread_local Ctx ctx;
  Hash out{};
  unsigned int n = 0;
  if (!ctx.c || EVP_DigestInit_ex(ctx.c, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.c, a.data(), a.size()) != 1 || EVP_DigestUpdate(ctx.c, b.data(), b.size()) != 1 ||
      EVP_DigestUpdate(ctx.c, c.data(), c.size()) != 1 || EVP_DigestFinal_ex(ctx.c, out.data(), &n) != 1 ||
      n != out.size())
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

std::string_view bytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

// Largest power of two strictly below n (n >= 2).
uint64_t split_point(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

Hash leaf_hash(std::string_view data) { return sha256_parts(std::string_view("\0", 1), data, {}); }

Hash node_hash(const Hash& left, const Hash& right) { return sha256_parts("\x01", bytes(left), bytes(right)); }

Hash empty_root() { return sha256_parts({}, {}, {}); }

std::string hash_hex(const Hash& h) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (unsigned char c : h) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

Result<Hash> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return make_error("expected 64 hex digits, got " + std::to_string(hex.size()) + " characters");
  Hash h{};
  for (size_t i = 0; i < 64; ++i) {
    char c = hex[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return make_error("not a lowercase hex digit at position " + std::to_string(i + 1));
    h[i / 2] = static_cast<unsigned char>(i % 2 ? (h[i / 2] | v) : (v << 4));
  }
  return h;
}

namespace {
Hash root_rec(std::span<const Hash> d) {
  if (d.size() == 1) return d[0];
  uint64_t k = split_point(d.size());
  return node_hash(root_rec(d.subspan(0, k)), root_rec(d.subspan(k)));
}
}  // namespace

Hash root_of(std::span<const Hash> leaves) { return leaves.empty() ? empty_root() : root_rec(leaves); }

void CompactRange::append(const Hash& leaf) {
  peaks_.push_back(leaf);
  // Each trailing one bit of the old size is a peak of equal height that now merges.
  for (uint64_t s = size_; s & 1; s >>= 1) {
    Hash merged = node_hash(peaks_[peaks_.size() - 2], peaks_.back());
    peaks_.pop_back();
    peaks_.back() = merged;
  }
  ++size_;
}

Hash CompactRange::root() const {
  if (peaks_.empty()) return empty_root();
  Hash r = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) r = node_hash(peaks_[i], r);
  return r;
}

MerkleTree::MerkleTree(unsigned cache_height) : cache_height_(std::max(1u, std::min(cache_height, 40u))) {}

MerkleTree::MerkleTree(std::vector<Hash> leaves, unsigned cache_height) : MerkleTree(cache_height) {
  std::vector<Hash> all = std::move(leaves);
  leaves_.reserve(all.size());
  for (const Hash& h : all) append(h);
}

void MerkleTree::append(const Hash& leaf) {
  leaves_.push_back(leaf);
  uint64_t block = uint64_t{1} << cache_height_;
  uint64_t n = leaves_.size();
  if (n % block != 0) return;
  // A new block of 2^cache_height leaves is complete: cache its root, then any parents it completes.
  uint64_t begin = n - block;
  Hash h = node_hash(perfect(begin, cache_height_ - 1), perfect(begin + block / 2, cache_height_ - 1));
  if (cache_.empty()) cache_.emplace_back();
  cache_[0].push_back(h);
  for (size_t j = 0; cache_[j].size() % 2 == 0; ++j) {
    if (cache_.size() == j + 1) cache_.emplace_back();
    const auto& lvl = cache_[j];
    Hash parent = node_hash(lvl[lvl.size() - 2], lvl.back());
    cache_[j + 1].push_back(parent);
  }
}

Hash MerkleTree::perfect(uint64_t begin, unsigned height) const {
  if (height == 0) return leaves_[begin];
  if (height >= cache_height_) return cache_[height - cache_height_][begin >> height];
  uint64_t half = uint64_t{1} << (height - 1);
  return node_hash(perfect(begin, height - 1), perfect(begin + half, height - 1));
}

Hash MerkleTree::range(uint64_t begin, uint64_t end) const {
  uint64_t n = end - begin;
  if (n == 0) return empty_root();
  if (std::has_single_bit(n) && begin % n == 0) return perfect(begin, static_cast<unsigned>(std::countr_zero(n)));
  uint64_t k = split_point(n);
  return node_hash(range(begin, begin + k), range(begin + k, end));
}

Hash MerkleTree::root(uint64_t size) const {
  if (size > leaves_.size()) throw std::out_of_range("MerkleTree::root: size beyond the tree");
  return range(0, size);
}

void MerkleTree::path(uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>& out) const {
  uint64_t n = end - begin;
  if (n <= 1) return;
  uint64_t k = split_point(n);
  if (m < k) {
    path(m, begin, begin + k, out);
    out.push_back(range(begin + k, end));
  } else {
    path(m - k, begin + k, end, out);
    out.push_back(range(begin, begin + k));
  }
}

void MerkleTree::subproof(uint64_t m, uint64_t begin, uint64_t end, bool whole, std::vector<Hash>& out) const {
  uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(range(begin, end));
    return;
  }
  uint64_t k = split_point(n);
  if (m <= k) {
    subproof(m, begin, begin + k, whole, out);
    out.push_back(range(begin + k, end));
  } else {
    subproof(m - k, begin + k, end, false, out);
    out.push_back(range(begin, begin + k));
  }
}

Result<std::vector<Hash>> MerkleTree::inclusion_proof(uint64_t index, uint64_t size) const {
  if (size > leaves_.size())
    return make_error("tree size " + std::to_string(size) + " is beyond the log's " + std::to_string(leaves_.size()) + " entries");
  if (index >= size)
    return make_error("entry " + std::to_string(index) + " is not in a tree of size " + std::to_string(size));
  std::vector<Hash> out;
  path(index, 0, size, out);
  return out;
}

Result<std::vector<Hash>> MerkleTree::consistency_proof(uint64_t old_size, uint64_t new_size) const {
  if (new_size > leaves_.size())
    return make_error("tree size " + std::to_string(new_size) + " is beyond the log's " + std::to_string(leaves_.size()) + " entries");
  if (old_size > new_size)
    return make_error("old size " + std::to_string(old_size) + " is larger than new size " + std::to_string(new_size));
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  subproof(old_size, 0, new_size, true, out);
  return out;
}

Status verify_inclusion(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof,
                        const Hash& root) {
  if (index >= size)
    return make_error("inclusion proof: index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return make_error("inclusion proof: more hashes than the tree has levels");
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1, sn >>= 1;
  }
  if (sn != 0) return make_error("inclusion proof: too few hashes for tree size " + std::to_string(size));
  if (r != root) return make_error("inclusion proof: the hashes do not lead to the root hash");
  return {};
}

Status verify_consistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                          std::span<const Hash> proof) {
  if (old_size > new_size)
    return make_error("consistency proof: old size " + std::to_string(old_size) + " is larger than new size " +
                      std::to_string(new_size));
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) return make_error("consistency proof: must be empty for these sizes");
    if (old_size == 0 && old_root != empty_root()) return make_error("consistency proof: old root is not the empty root");
    if (old_size == new_size && old_root != new_root) return make_error("consistency proof: equal sizes but different roots");
    return {};
  }
  if (proof.empty()) return make_error("consistency proof: empty");
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) fn >>= 1, sn >>= 1;
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return make_error("consistency proof: more hashes than the tree has levels");
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1, sn >>= 1;
  }
  if (sn != 0) return make_error("consistency proof: too few hashes for new size " + std::to_string(new_size));
  if (fr != old_root) return make_error("consistency proof: the hashes do not lead to the old root hash");
  if (sr != new_root) return make_error("consistency proof: the hashes do not lead to the new root hash");
  return {};
}

}  // namespace gk::audit
