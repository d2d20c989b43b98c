#include "archive/package/bag_statement.h"

#include <vector>

#include "archive/audit/merkle.h"
#include "common/digest.h"

namespace gk::package {
namespace {

constexpr std::string_view kMagic = "gongkai-bag-statement v1";

bool is_hex(std::string_view s, size_t len) {
  return s.size() == len && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string short_fp(const std::string& fp) { return fp.substr(0, 16); }
// `fp` shortened, unless `other` starts the same: then in full (two keys alike in 16 digits).
std::string distinct_fp(const std::string& fp, const std::string& other) { return short_fp(fp) == short_fp(other) ? fp : short_fp(fp); }

}  // namespace

std::string BagStatement::signed_text() const {
  return std::string(kMagic) + "\nmanifest-sha512.txt " + manifest_sha512 + "\nbag-info.txt " + info_sha512 + "\ntree-head " +
         std::to_string(head_size) + " " + head_root + "\n";
}

std::string BagStatement::file_text() const {
  return signed_text() + "key " + key + "\nsignature " + audit::base64_encode(signature) + "\n";
}

Result<BagStatement> sign_bag_statement(std::string_view manifest, std::string_view bag_info, uint64_t head_size,
                                        const std::string& head_root, const audit::PrivateKey& key) {
  BagStatement s;
  s.manifest_sha512 = digest_hex(DigestAlgorithm::sha512, manifest);
  s.info_sha512 = digest_hex(DigestAlgorithm::sha512, bag_info);
  s.head_size = head_size;
  s.head_root = head_root;
  s.key = key.fingerprint();
  auto sig = key.sign(s.signed_text());
  if (!sig) return sig.error();
  s.signature = std::move(*sig);
  return s;
}

Result<BagStatement> parse_bag_statement(std::string_view text) {
  const std::string where = kStatementFile;
  std::vector<std::string_view> lines;
  for (size_t a = 0; a < text.size();) {
    size_t nl = text.find('\n', a);
    if (nl == std::string_view::npos) return make_error("last line has no line end", where, static_cast<int>(lines.size() + 1));
    lines.push_back(text.substr(a, nl - a));
    a = nl + 1;
  }
  static const char* prefixes[] = {"", "manifest-sha512.txt ", "bag-info.txt ", "tree-head ", "key ", "signature "};
  if (lines.empty() || lines[0] != kMagic) return make_error("not a bag statement: expected '" + std::string(kMagic) + "'", where, 1);
  for (size_t i = 1; i < 6; ++i) {
    int ln = static_cast<int>(i + 1);
    std::string_view p = prefixes[i];
    if (i >= lines.size() || lines[i].substr(0, p.size()) != p)
      return make_error("expected a line starting with '" + std::string(p) + "'", where, ln);
    lines[i].remove_prefix(p.size());
  }
  if (lines.size() > 6) return make_error("unexpected line after the signature", where, 7);
  BagStatement s;
  s.manifest_sha512 = std::string(lines[1]);
  s.info_sha512 = std::string(lines[2]);
  if (!is_hex(s.manifest_sha512, 128)) return make_error("not a lowercase sha512", where, 2);
  if (!is_hex(s.info_sha512, 128)) return make_error("not a lowercase sha512", where, 3);
  std::string_view head = lines[3];
  size_t sp = head.find(' ');
  std::string_view size = head.substr(0, sp);
  if (sp == std::string_view::npos || size.empty() || size.size() > 19 ||
      size.find_first_not_of("0123456789") != std::string_view::npos || (size.size() > 1 && size[0] == '0') ||
      !is_hex(head.substr(sp + 1), 64))
    return make_error("expected 'tree-head <size> <root hex>'", where, 4);
  s.head_size = std::stoull(std::string(size));
  s.head_root = std::string(head.substr(sp + 1));
  s.key = std::string(lines[4]);
  if (!is_hex(s.key, 64)) return make_error("key is not a 64-digit lowercase hex fingerprint", where, 5);
  auto sig = audit::base64_decode(lines[5]);
  if (!sig || sig->size() != 64) return make_error("signature is not base64 of 64 bytes", where, 6);
  s.signature = std::move(*sig);
  return s;
}

Status verify_bag_statement(const BagStatement& s, std::span<const audit::PublicKey> trusted) {
  const std::string where = kStatementFile;
  if (trusted.empty()) return make_error("no trusted public key to check the statement with", where);
  std::string text = s.signed_text();
  for (auto& k : trusted) {
    if (k.fingerprint() != s.key) continue;
    if (k.verify(text, s.signature)) return {};
    return make_error("signature does not verify with public key " + short_fp(k.fingerprint()) + ": statement or signature altered",
                      where);
  }
  for (auto& k : trusted)
    if (k.verify(text, s.signature))
      return make_error("key line altered: it names key " + distinct_fp(s.key, k.fingerprint()) + " but trusted key " +
                            distinct_fp(k.fingerprint(), s.key) + " made the signature",
                        where);
  std::string names;
  for (auto& k : trusted) names += (names.empty() ? "" : ", ") + short_fp(k.fingerprint());
  return make_error("signed by another key: " + short_fp(s.key) + " is not a trusted public key (trusted: " + names + ")", where);
}

}  // namespace gk::package
