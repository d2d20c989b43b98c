// Proof files an inspector checks offline with only the public key and the tree head(s).
// Text, LF line ends, every line ends with LF, hashes lowercase hex, at most 64 "hash" lines:
//
//   gongkai-inclusion-proof v1          entry `index` is leaf `index` of the tree of `size` leaves
//   size 8
//   index 5
//   entry {"seq":5,...}                 the canonical entry line itself (leaf = SHA-256(0x00 || line))
//   hash <hex>                          RFC 9162 §2.1.3 audit path, leaf level first
//   ...
//
//   gongkai-consistency-proof v1        the tree of new-size leaves extends the tree of old-size leaves
//   old-size 4
//   new-size 8
//   hash <hex>                          RFC 9162 §2.1.4 consistency path
//   ...
//
// An inclusion proof is checked against a signed head of the same size; a consistency proof
// against two signed heads (old and new). Heads are files as in head.h.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/audit/head.h"
#include "archive/audit/keys.h"
#include "archive/audit/merkle.h"
#include "common/status.h"

namespace gk::audit {

struct InclusionProof {
  uint64_t size = 0;
  uint64_t index = 0;
  std::string entry;  // canonical entry line, no newline
  std::vector<Hash> path;
  std::string text() const;
};

struct ConsistencyProof {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  std::vector<Hash> path;
  std::string text() const;
};

// Strict parsers; errors name `where` and the line.
Result<InclusionProof> parse_inclusion_proof(std::string_view text, const std::string& where);
Result<ConsistencyProof> parse_consistency_proof(std::string_view text, const std::string& where);

// Verify the head signature(s) with `trusted`, then the proof against the head root(s). Errors
// are reported on `proof_where` (or on the head's name when the head itself is bad).
Status verify_inclusion_proof(const InclusionProof& proof, const std::string& proof_where, const Head& head,
                              const std::string& head_where, std::span<const PublicKey> trusted);
Status verify_consistency_proof(const ConsistencyProof& proof, const std::string& proof_where, const Head& old_head,
                                const std::string& old_where, const Head& new_head, const std::string& new_where,
                                std::span<const PublicKey> trusted);

// One call for `gongkai audit check`: reads the proof file (kind from its first line) and the head
// files (one for inclusion; old then new for consistency), verifies everything, and returns a
// one-line summary of what was proven.
Result<std::string> check_proof_file(const std::string& proof_path, std::span<const std::string> head_paths,
                                     std::span<const PublicKey> trusted);

}  // namespace gk::audit
