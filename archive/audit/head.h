// Signed tree heads: "the log had N entries with Merkle root R at time T", signed with Ed25519.
//
// Signed bytes (exactly; LF line ends, lowercase hex root):
//   gongkai-tree-head v1\nsize N\nroot HEX\ntime T\n
// Head file (what is published or handed to an inspector) = those four lines, then two more:
//   key <fingerprint of the signing key, 64 hex>       (a hint to pick the key; not signed)
//   signature <base64 of the 64-byte Ed25519 signature>
// In the log's history (heads.jsonl, see log.h) the same head is one canonical JSON line:
//   {"size":N,"root":"HEX","time":"T","key":"FP","signature":"BASE64"}
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "archive/audit/keys.h"
#include "archive/audit/merkle.h"
#include "common/status.h"

namespace gk::audit {

struct Head {
  uint64_t size = 0;
  Hash root{};
  std::string time;       // RFC 3339 UTC
  std::string key;        // signer's fingerprint
  std::string signature;  // 64 raw bytes

  std::string signed_text() const;
  std::string file_text() const;
  std::string json_line() const;  // without the newline
  bool operator==(const Head&) const = default;
};

// Signs (size, root, time); an empty time means now.
Result<Head> sign_tree_head(uint64_t size, const Hash& root, const PrivateKey& key, std::string time = {});

// Strict parsers; errors carry `where` and the 1-based line of the problem.
Result<Head> parse_head_file(std::string_view text, const std::string& where);
Result<Head> parse_head_json(std::string_view line, const std::string& where, int line_no);
Result<Head> read_head_file(const std::string& path);
Status write_head_file(const std::string& path, const Head& head);  // atomic, durable

// Ok when the signature is valid under one of `trusted`. Otherwise the error (file `where`, line
// `line_no`) says which case it is:
//   "signed by another key: ..."          the head names a key that is not trusted and no trusted key verifies it
//   "signature does not verify with ..."  the named trusted key rejects it: head text or signature altered
//   "key line altered: ..."               a trusted key verifies it but the key line names another key
Status verify_head(const Head& head, std::span<const PublicKey> trusted, const std::string& where, int line_no = 0);
Status verify_head(const Head& head, const PublicKey& trusted, const std::string& where, int line_no = 0);

}  // namespace gk::audit
