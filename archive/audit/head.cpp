#include "archive/audit/head.h"

#include <vector>

#include "archive/audit/cjson.h"
#include "archive/audit/entry.h"
#include "common/files.h"

namespace gk::audit {
namespace {

constexpr std::string_view kMagic = "gongkai-tree-head v1";

bool is_hex64(std::string_view s) { return hash_from_hex(s).is_ok(); }

std::string short_fp(const std::string& fp) { return fp.substr(0, 16); }
// `fp` shortened, unless `other` starts the same: then in full (two keys alike in 16 digits).
std::string distinct_fp(const std::string& fp, const std::string& other) { return short_fp(fp) == short_fp(other) ? fp : short_fp(fp); }

// Field checks shared by both encodings: {0 time | 1 key | 2 signature, problem}, problem empty if fine.
std::pair<int, std::string> check_fields(const Head& h, std::string_view sig_b64) {
  if (!is_rfc3339_utc(h.time)) return {0, "time is not RFC 3339 UTC"};
  if (!is_hex64(h.key)) return {1, "key is not a 64-digit lowercase hex fingerprint"};
  auto sig = base64_decode(sig_b64);
  if (!sig || sig->size() != 64) return {2, "signature is not base64 of 64 bytes"};
  return {};
}

Result<uint64_t> parse_uint(std::string_view s) {
  cjson::Reader r(s);
  uint64_t v = 0;
  if (!r.uint(v) || !r.end()) return make_error("not a decimal number without leading zeros");
  return v;
}

}  // namespace

std::string Head::signed_text() const {
  return std::string(kMagic) + "\nsize " + std::to_string(size) + "\nroot " + hash_hex(root) + "\ntime " + time + "\n";
}

std::string Head::file_text() const { return signed_text() + "key " + key + "\nsignature " + base64_encode(signature) + "\n"; }

std::string Head::json_line() const {
  std::string out = "{\"size\":" + std::to_string(size) + ",\"root\":\"" + hash_hex(root) + "\",\"time\":";
  cjson::put_string(out, time);
  out += ",\"key\":\"" + key + "\",\"signature\":\"" + base64_encode(signature) + "\"}";
  return out;
}

Result<Head> sign_tree_head(uint64_t size, const Hash& root, const PrivateKey& key, std::string time) {
  Head h;
  h.size = size;
  h.root = root;
  h.time = time.empty() ? now_rfc3339_utc() : std::move(time);
  if (!is_rfc3339_utc(h.time)) return make_error("tree head time must be RFC 3339 UTC, got '" + h.time + "'");
  h.key = key.fingerprint();
  auto sig = key.sign(h.signed_text());
  if (!sig) return sig.error();
  h.signature = std::move(*sig);
  return h;
}

Result<Head> parse_head_file(std::string_view text, const std::string& where) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      return make_error("incomplete tree head: line " + std::to_string(lines.size() + 1) + " has no line end", where,
                        static_cast<int>(lines.size() + 1));
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  static const char* prefixes[] = {"", "size ", "root ", "time ", "key ", "signature "};
  if (lines.empty() || lines[0] != kMagic) return make_error("not a tree head: expected first line '" + std::string(kMagic) + "'", where, 1);
  for (size_t i = 1; i < 6; ++i) {
    int ln = static_cast<int>(i + 1);
    if (i >= lines.size()) return make_error("incomplete tree head: missing '" + std::string(prefixes[i]) + "...' line", where, ln);
    if (lines[i].substr(0, std::string_view(prefixes[i]).size()) != prefixes[i])
      return make_error("expected a line starting with '" + std::string(prefixes[i]) + "'", where, ln);
    lines[i].remove_prefix(std::string_view(prefixes[i]).size());
  }
  if (lines.size() > 6) return make_error("unexpected line after the signature", where, 7);
  Head h;
  auto size = parse_uint(lines[1]);
  if (!size) return make_error("size: " + size.error().message, where, 2);
  h.size = *size;
  auto root = hash_from_hex(lines[2]);
  if (!root) return make_error("root: " + root.error().message, where, 3);
  h.root = *root;
  h.time = std::string(lines[3]);
  h.key = std::string(lines[4]);
  if (auto [field, why] = check_fields(h, lines[5]); !why.empty()) return make_error(why, where, 4 + field);
  h.signature = *base64_decode(lines[5]);
  return h;
}

Result<Head> parse_head_json(std::string_view line, const std::string& where, int line_no) {
  Head h;
  std::string root, sig;
  cjson::Reader r(line);
  bool ok = r.literal("{\"size\":") && r.uint(h.size) && r.literal(",\"root\":") && r.string(root) &&
            r.literal(",\"time\":") && r.string(h.time) && r.literal(",\"key\":") && r.string(h.key) &&
            r.literal(",\"signature\":") && r.string(sig) && r.literal("}") && r.end();
  if (!ok) return make_error("not a canonical tree head line: " + r.where(), where, line_no);
  auto rh = hash_from_hex(root);
  if (!rh) return make_error("tree head root: " + rh.error().message, where, line_no);
  h.root = *rh;
  if (auto [field, why] = check_fields(h, sig); !why.empty()) return make_error("tree head " + why, where, line_no);
  h.signature = *base64_decode(sig);
  return h;
}

Result<Head> read_head_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  if (text->size() > 4096) return make_error("not a tree head: file too large", path);
  return parse_head_file(*text, path);
}

Status write_head_file(const std::string& path, const Head& head) { return write_file_atomic(path, head.file_text()); }

Status verify_head(const Head& head, std::span<const PublicKey> trusted, const std::string& where, int line_no) {
  if (trusted.empty()) return make_error("no trusted public key to check the tree head with", where, line_no);
  std::string text = head.signed_text();
  for (const PublicKey& k : trusted) {
    if (k.fingerprint() != head.key) continue;
    if (k.verify(text, head.signature)) return {};
    return make_error("signature does not verify with public key " + short_fp(k.fingerprint()) +
                          ": tree head text or signature altered",
                      where, line_no);
  }
  for (const PublicKey& k : trusted)
    if (k.verify(text, head.signature))
      return make_error("key line altered: it names key " + distinct_fp(head.key, k.fingerprint()) + " but trusted key " +
                            distinct_fp(k.fingerprint(), head.key) + " made the signature",
                        where, line_no);
  std::string names;
  for (const PublicKey& k : trusted) names += (names.empty() ? "" : ", ") + short_fp(k.fingerprint());
  return make_error("signed by another key: " + short_fp(head.key) + " is not a trusted public key (trusted: " + names + ")",
                    where, line_no);
}

Status verify_head(const Head& head, const PublicKey& trusted, const std::string& where, int line_no) {
  return verify_head(head, std::span<const PublicKey>(&trusted, 1), where, line_no);
}

}  // namespace gk::audit
