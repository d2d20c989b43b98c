// The export's signed statement that pins a bag. The tree head and the inclusion proofs prove
// each document, but not what the bag holds: a bag edited and re-sealed (manifests and
// Payload-Oxum recomputed) looked like the export. The statement signs the digests of
// manifest-sha512.txt (every payload byte: documents, 目录, 四性检测报告, tree head, key) and of
// bag-info.txt (the X- labels), with the archive's signing key, as tag file bag-signature.txt
// (outside data/, listed in tagmanifest-sha512.txt):
//   gongkai-bag-statement v1
//   manifest-sha512.txt <sha512 hex of its bytes>
//   bag-info.txt <sha512 hex of its bytes>
//   tree-head <size> <root hex>                 the head in data/audit/tree-head.txt
//   key <fingerprint>                           (not signed: picks the key)
//   signature <base64 of the Ed25519 signature of the first four lines>
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "archive/audit/keys.h"
#include "common/status.h"

namespace gk::package {

inline constexpr const char* kStatementFile = "bag-signature.txt";

struct BagStatement {
  std::string manifest_sha512, info_sha512;  // lowercase hex
  uint64_t head_size = 0;
  std::string head_root;  // lowercase hex
  std::string key;        // signer's fingerprint
  std::string signature;  // 64 raw bytes

  std::string signed_text() const;
  std::string file_text() const;
};

Result<BagStatement> sign_bag_statement(std::string_view manifest, std::string_view bag_info, uint64_t head_size,
                                        const std::string& head_root, const audit::PrivateKey& key);
// Strict: exactly the six lines above. Errors name kStatementFile and the line.
Result<BagStatement> parse_bag_statement(std::string_view text);
// Ok when one of `trusted` made the signature; the error cases are those of audit::verify_head.
Status verify_bag_statement(const BagStatement& s, std::span<const audit::PublicKey> trusted);

}  // namespace gk::package
