// Merkle tree: RFC 9162 test vectors, and every proof for sizes 1..64 against a naive recursive
// implementation written here from the RFC text (hashing through common/digest, not the library).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "archive/audit/merkle.h"
#include "common/digest.h"

using namespace gk::audit;

namespace {

// ---- naive reference, straight from RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 ----
using Bytes = std::string;  // 32-byte binary hashes
using Leaves = std::vector<Bytes>;

Bytes sha(const std::string& s) { return gk::digest_binary(gk::DigestAlgorithm::sha256, s); }
Bytes ref_leaf(const std::string& data) { return sha(std::string(1, '\0') + data); }
Bytes ref_node(const Bytes& l, const Bytes& r) { return sha("\x01" + l + r); }
uint64_t ref_k(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
Leaves slice(const Leaves& d, uint64_t a, uint64_t b) { return Leaves(d.begin() + a, d.begin() + b); }
Bytes ref_mth(const Leaves& d) {
  if (d.empty()) return sha("");
  if (d.size() == 1) return d[0];
  uint64_t k = ref_k(d.size());
  return ref_node(ref_mth(slice(d, 0, k)), ref_mth(slice(d, k, d.size())));
}
Leaves ref_path(uint64_t m, const Leaves& d) {
  if (d.size() <= 1) return {};
  uint64_t k = ref_k(d.size());
  Leaves out;
  if (m < k) {
    out = ref_path(m, slice(d, 0, k));
    out.push_back(ref_mth(slice(d, k, d.size())));
  } else {
    out = ref_path(m - k, slice(d, k, d.size()));
    out.push_back(ref_mth(slice(d, 0, k)));
  }
  return out;
}
Leaves ref_subproof(uint64_t m, const Leaves& d, bool b) {
  if (m == d.size()) return b ? Leaves{} : Leaves{ref_mth(d)};
  uint64_t k = ref_k(d.size());
  Leaves out;
  if (m <= k) {
    out = ref_subproof(m, slice(d, 0, k), b);
    out.push_back(ref_mth(slice(d, k, d.size())));
  } else {
    out = ref_subproof(m - k, slice(d, k, d.size()), false);
    out.push_back(ref_mth(slice(d, 0, k)));
  }
  return out;
}

Hash H(const Bytes& b) {
  Hash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}
std::vector<Hash> Hs(const Leaves& v) {
  std::vector<Hash> out;
  for (auto& b : v) out.push_back(H(b));
  return out;
}

// Distinct leaf data "leaf-0", "leaf-1", ...
Leaves make_leaves(size_t n) {
  Leaves d;
  for (size_t i = 0; i < n; ++i) d.push_back(ref_leaf("leaf-" + std::to_string(i)));
  return d;
}

const std::vector<std::string> kRfcLeaves = {
    "",
    std::string(1, '\x00'),
    "\x10",
    "\x20\x21",
    "\x30\x31",
    "\x40\x41\x42\x43",
    "\x50\x51\x52\x53\x54\x55\x56\x57",
    "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_merkle)

BOOST_AUTO_TEST_CASE(rfc9162_test_vectors) {
  MerkleTree tree;
  std::vector<std::string> roots;  // roots[n] = root of the first n leaves
  roots.push_back(hash_hex(tree.root()));
  for (auto& d : kRfcLeaves) {
    tree.append(leaf_hash(d));
    roots.push_back(hash_hex(tree.root()));
  }
  auto starts_ends = [](const std::string& hex, const std::string& head, const std::string& tail) {
    return hex.size() == 64 && hex.substr(0, head.size()) == head && hex.substr(64 - tail.size()) == tail;
  };
  // standards.md §8 gives these abbreviated (first/last 8 hex digits) ...
  BOOST_TEST(starts_ends(roots[0], "e3b0c442", "7852b855"));
  BOOST_TEST(starts_ends(roots[1], "6e340b9c", "17afa01d"));
  BOOST_TEST(starts_ends(roots[2], "fac54203", "00e3c125"));
  BOOST_TEST(starts_ends(roots[4], "d37ee418", "209614b7"));
  // ... and the size-8 root in full.
  BOOST_TEST(roots[8] == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  BOOST_TEST(roots[0] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // SHA-256("")
  // Every prefix agrees with the naive reference too.
  Leaves d;
  for (size_t n = 0; n <= kRfcLeaves.size(); ++n) {
    BOOST_TEST(roots[n] == gk::to_hex(ref_mth(d)));
    if (n < kRfcLeaves.size()) d.push_back(ref_leaf(kRfcLeaves[n]));
  }
}

BOOST_AUTO_TEST_CASE(hash_hex_round_trip_and_rejects) {
  Hash h = leaf_hash("x");
  BOOST_TEST(hash_hex(*hash_from_hex(hash_hex(h))) == hash_hex(h));
  BOOST_TEST(!hash_from_hex("abc").is_ok());
  std::string upper = hash_hex(h);
  upper[0] = 'A';
  BOOST_TEST(!hash_from_hex(upper).is_ok());
}

BOOST_AUTO_TEST_CASE(roots_agree_for_every_prefix_and_cache_height) {
  Leaves d = make_leaves(300);
  std::vector<Hash> hs = Hs(d);
  std::vector<MerkleTree> trees;
  for (unsigned ch : {1u, 2u, 3u, 8u}) trees.emplace_back(hs, ch);
  CompactRange cr;
  int bad = 0;
  std::string first;
  for (size_t n = 0; n <= d.size(); ++n) {
    std::string want = gk::to_hex(ref_mth(slice(d, 0, n)));
    std::vector<std::string> got = {hash_hex(cr.root()), hash_hex(root_of(std::span(hs).first(n)))};
    for (auto& t : trees) got.push_back(hash_hex(t.root(n)));
    for (auto& g : got)
      if (g != want && bad++ == 0) first = "size " + std::to_string(n);
    if (n < d.size()) cr.append(hs[n]);
  }
  BOOST_TEST(bad == 0, "first mismatch at " << first);
  MerkleTree grown(2);
  for (auto& h : hs) grown.append(h);
  BOOST_TEST(hash_hex(grown.root()) == hash_hex(trees[0].root()));
}

BOOST_AUTO_TEST_CASE(inclusion_every_size_1_to_64_every_index) {
  Leaves d = make_leaves(64);
  for (unsigned ch : {1u, 3u, 8u}) {
    MerkleTree tree(Hs(d), ch);
    int checked = 0, bad = 0;
    std::string first;
    auto fail = [&](const std::string& what) {
      if (bad++ == 0) first = what;
    };
    for (uint64_t n = 1; n <= 64; ++n) {
      Leaves prefix = slice(d, 0, n);
      Hash root = H(ref_mth(prefix));
      for (uint64_t i = 0; i < n; ++i) {
        std::string at = "ch " + std::to_string(ch) + " size " + std::to_string(n) + " index " + std::to_string(i);
        auto proof = tree.inclusion_proof(i, n);
        if (!proof.is_ok()) {
          fail(at + ": " + proof.error().str());
          continue;
        }
        if (*proof != Hs(ref_path(i, prefix))) fail(at + ": differs from the naive PATH");
        if (!verify_inclusion(H(d[i]), i, n, *proof, root)) fail(at + ": does not verify");
        for (size_t p = 0; p < proof->size(); ++p) {
          auto bent = *proof;
          bent[p][(p * 7 + i) % 32] ^= 0x01;
          if (verify_inclusion(H(d[i]), i, n, bent, root)) fail(at + ": flipped byte in hash " + std::to_string(p) + " verifies");
        }
        for (uint64_t j = 0; j <= n; ++j)
          if (j != i && verify_inclusion(H(d[i]), j, n, *proof, root))
            fail(at + ": verifies at wrong index " + std::to_string(j));
        if (verify_inclusion(H(d[(i + 1) % 64]), i, n, *proof, root)) fail(at + ": wrong leaf verifies");
        auto longer = *proof;
        longer.push_back(root);
        if (verify_inclusion(H(d[i]), i, n, longer, root)) fail(at + ": extra hash verifies");
        if (!proof->empty()) {
          auto shorter = *proof;
          shorter.pop_back();
          if (verify_inclusion(H(d[i]), i, n, shorter, root)) fail(at + ": truncated proof verifies");
        }
        ++checked;
      }
    }
    BOOST_TEST(checked == 64 * 65 / 2);
    BOOST_TEST(bad == 0, bad << " failures; first: " << first);
  }
  MerkleTree tree(Hs(d));
  BOOST_TEST(!tree.inclusion_proof(5, 5).is_ok());
  BOOST_TEST(!tree.inclusion_proof(0, 65).is_ok());
}

BOOST_AUTO_TEST_CASE(consistency_every_old_size_for_sizes_1_to_64) {
  Leaves d = make_leaves(64);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= 64; ++n) roots.push_back(H(ref_mth(slice(d, 0, n))));
  for (unsigned ch : {1u, 3u, 8u}) {
    MerkleTree tree(Hs(d), ch);
    int checked = 0, bad = 0;
    std::string first;
    auto fail = [&](const std::string& what) {
      if (bad++ == 0) first = what;
    };
    for (uint64_t n = 1; n <= 64; ++n) {
      for (uint64_t m = 0; m <= n; ++m) {
        std::string at = "ch " + std::to_string(ch) + " " + std::to_string(m) + " -> " + std::to_string(n);
        auto proof = tree.consistency_proof(m, n);
        if (!proof.is_ok()) {
          fail(at + ": " + proof.error().str());
          continue;
        }
        Leaves want = (m == 0 || m == n) ? Leaves{} : ref_subproof(m, slice(d, 0, n), true);
        if (*proof != Hs(want)) fail(at + ": differs from the naive PROOF");
        if (!verify_consistency(m, n, roots[m], roots[n], *proof)) fail(at + ": does not verify");
        for (size_t p = 0; p < proof->size(); ++p) {
          auto bent = *proof;
          bent[p][(p * 11 + m) % 32] ^= 0x80;
          if (verify_consistency(m, n, roots[m], roots[n], bent)) fail(at + ": flipped byte in hash " + std::to_string(p) + " verifies");
        }
        if (m > 0 && m < n) {
          // A wrong old size (with its own true root), wrong roots, or a cut/extended proof fail.
          for (uint64_t w = 1; w < n; ++w)
            if (w != m && verify_consistency(w, n, roots[w], roots[n], *proof))
              fail(at + ": verifies as old size " + std::to_string(w));
          if (verify_consistency(m, n, roots[m - 1], roots[n], *proof)) fail(at + ": wrong old root verifies");
          if (verify_consistency(m, n, roots[m], roots[n - 1], *proof)) fail(at + ": wrong new root verifies");
          auto shorter = *proof;
          shorter.pop_back();
          if (verify_consistency(m, n, roots[m], roots[n], shorter)) fail(at + ": truncated proof verifies");
          auto longer = *proof;
          longer.push_back(roots[n]);
          if (verify_consistency(m, n, roots[m], roots[n], longer)) fail(at + ": extra hash verifies");
        } else if (m == n && verify_consistency(m, n, roots[m], roots[n - 1], *proof)) {
          fail(at + ": equal sizes with different roots verify");
        }
        ++checked;
      }
    }
    BOOST_TEST(checked == 64 * 65 / 2 + 64);
    BOOST_TEST(bad == 0, bad << " failures; first: " << first);
  }
  MerkleTree tree(Hs(d));
  BOOST_TEST(!tree.consistency_proof(6, 5).is_ok());
  BOOST_TEST(!tree.consistency_proof(1, 65).is_ok());
  BOOST_TEST(!verify_consistency(5, 4, roots[5], roots[4], {}));
}

BOOST_AUTO_TEST_CASE(cached_proofs_match_uncached_on_larger_trees) {
  Leaves d = make_leaves(1100);
  MerkleTree small_cache(Hs(d), 1), big_cache(Hs(d), 5), default_cache(Hs(d));
  std::mt19937_64 rng(42);
  int bad = 0;
  for (int t = 0; t < 300; ++t) {
    uint64_t n = 1 + rng() % 1100, i = rng() % n, m = rng() % (n + 1);
    auto want = Hs(ref_path(i, slice(d, 0, n)));
    for (MerkleTree* tr : {&small_cache, &big_cache, &default_cache}) {
      if (*tr->inclusion_proof(i, n) != want) ++bad;
      auto c = tr->consistency_proof(m, n);
      if (!verify_consistency(m, n, tr->root(m), tr->root(n), *c)) ++bad;
    }
  }
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE(million_leaves_not_quadratic) {
  const uint64_t n = 1'000'000;
  auto t0 = std::chrono::steady_clock::now();
  MerkleTree tree;
  tree.reserve(n);
  CompactRange cr;
  for (uint64_t i = 0; i < n; ++i) {
    Hash h = leaf_hash(std::to_string(i));
    tree.append(h);
    cr.append(h);
  }
  BOOST_TEST(hash_hex(tree.root()) == hash_hex(cr.root()));
  auto t1 = std::chrono::steady_clock::now();
  std::mt19937_64 rng(7);
  int bad = 0;
  for (int t = 0; t < 2000; ++t) {
    uint64_t size = n - rng() % 1000, i = rng() % size, m = 1 + rng() % size;
    Hash root = tree.root(size);
    auto p = tree.inclusion_proof(i, size);
    if (!verify_inclusion(tree.leaf(i), i, size, *p, root)) ++bad;
    auto c = tree.consistency_proof(m, size);
    if (!verify_consistency(m, size, tree.root(m), root, *c)) ++bad;
  }
  auto t2 = std::chrono::steady_clock::now();
  BOOST_TEST(bad == 0);
  double proofs_s = std::chrono::duration<double>(t2 - t1).count();
  BOOST_TEST_MESSAGE("1e6 leaves: build " << std::chrono::duration<double>(t1 - t0).count() << " s, 2000 x (2 roots + 2 proofs) "
                                          << proofs_s << " s");
  BOOST_TEST(proofs_s < 10.0);  // O(n) per proof would be ~4000 x 1e6 hashes, far beyond this
}

BOOST_AUTO_TEST_SUITE_END()
