#include "archive/audit/proof.h"

#include "archive/audit/cjson.h"
#include "archive/audit/entry.h"
#include "common/files.h"

namespace gk::audit {
namespace {

constexpr std::string_view kInclusionMagic = "gongkai-inclusion-proof v1";
constexpr std::string_view kConsistencyMagic = "gongkai-consistency-proof v1";
constexpr size_t kMaxPath = 64;  // a tree of < 2^64 leaves has at most 64 levels

struct Lines {
  std::vector<std::string_view> v;
};

Result<Lines> split_lines(std::string_view text, const std::string& where) {
  Lines out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    int ln = static_cast<int>(out.v.size() + 1);
    if (nl == std::string_view::npos) return make_error("incomplete proof: last line has no line end", where, ln);
    out.v.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// "<name> <value>" at line i (0-based); returns the value.
Result<std::string_view> field(const Lines& l, size_t i, std::string_view name, const std::string& where) {
  int ln = static_cast<int>(i + 1);
  if (i >= l.v.size()) return make_error("incomplete proof: missing '" + std::string(name) + "' line", where, ln);
  std::string_view s = l.v[i];
  if (s.size() <= name.size() || s.substr(0, name.size()) != name || s[name.size()] != ' ')
    return make_error("expected a line starting with '" + std::string(name) + " '", where, ln);
  return s.substr(name.size() + 1);
}

Result<uint64_t> number(const Lines& l, size_t i, std::string_view name, const std::string& where) {
  auto v = field(l, i, name, where);
  if (!v) return v.error();
  cjson::Reader r(*v);
  uint64_t n = 0;
  if (!r.uint(n) || !r.end())
    return make_error(std::string(name) + ": not a decimal number without leading zeros", where, static_cast<int>(i + 1));
  return n;
}

Result<std::vector<Hash>> hashes(const Lines& l, size_t from, const std::string& where) {
  std::vector<Hash> out;
  for (size_t i = from; i < l.v.size(); ++i) {
    if (out.size() == kMaxPath) return make_error("more than 64 hash lines", where, static_cast<int>(i + 1));
    auto v = field(l, i, "hash", where);
    if (!v) return v.error();
    auto h = hash_from_hex(*v);
    if (!h) return make_error("hash: " + h.error().message, where, static_cast<int>(i + 1));
    out.push_back(*h);
  }
  return out;
}

std::string path_text(const std::vector<Hash>& path) {
  std::string s;
  for (const Hash& h : path) s += "hash " + hash_hex(h) + "\n";
  return s;
}

}  // namespace

std::string InclusionProof::text() const {
  return std::string(kInclusionMagic) + "\nsize " + std::to_string(size) + "\nindex " + std::to_string(index) + "\nentry " +
         entry + "\n" + path_text(path);
}

std::string ConsistencyProof::text() const {
  return std::string(kConsistencyMagic) + "\nold-size " + std::to_string(old_size) + "\nnew-size " +
         std::to_string(new_size) + "\n" + path_text(path);
}

Result<InclusionProof> parse_inclusion_proof(std::string_view text, const std::string& where) {
  auto l = split_lines(text, where);
  if (!l) return l.error();
  if (l->v.empty() || l->v[0] != kInclusionMagic)
    return make_error("not an inclusion proof: expected first line '" + std::string(kInclusionMagic) + "'", where, 1);
  InclusionProof p;
  auto size = number(*l, 1, "size", where);
  if (!size) return size.error();
  auto index = number(*l, 2, "index", where);
  if (!index) return index.error();
  auto entry = field(*l, 3, "entry", where);
  if (!entry) return entry.error();
  auto path = hashes(*l, 4, where);
  if (!path) return path.error();
  p.size = *size;
  p.index = *index;
  p.entry = std::string(*entry);
  p.path = std::move(*path);
  return p;
}

Result<ConsistencyProof> parse_consistency_proof(std::string_view text, const std::string& where) {
  auto l = split_lines(text, where);
  if (!l) return l.error();
  if (l->v.empty() || l->v[0] != kConsistencyMagic)
    return make_error("not a consistency proof: expected first line '" + std::string(kConsistencyMagic) + "'", where, 1);
  ConsistencyProof p;
  auto old_size = number(*l, 1, "old-size", where);
  if (!old_size) return old_size.error();
  auto new_size = number(*l, 2, "new-size", where);
  if (!new_size) return new_size.error();
  auto path = hashes(*l, 3, where);
  if (!path) return path.error();
  p.old_size = *old_size;
  p.new_size = *new_size;
  p.path = std::move(*path);
  return p;
}

Status verify_inclusion_proof(const InclusionProof& proof, const std::string& proof_where, const Head& head,
                              const std::string& head_where, std::span<const PublicKey> trusted) {
  if (Status s = verify_head(head, trusted, head_where); !s) return s;
  if (proof.size != head.size)
    return make_error("proof is for tree size " + std::to_string(proof.size) + " but the tree head " + head_where +
                          " has size " + std::to_string(head.size),
                      proof_where);
  auto entry = parse_entry(proof.entry);
  if (!entry) return make_error("entry line: " + entry.error().message, proof_where, 4);
  if (entry->seq != proof.index)
    return make_error("entry has seq " + std::to_string(entry->seq) + " but the proof is for index " + std::to_string(proof.index),
                      proof_where, 4);
  Status s = verify_inclusion(leaf_hash(proof.entry), proof.index, proof.size, proof.path, head.root);
  if (!s)
    return make_error("entry " + std::to_string(proof.index) + " is not proven in the tree head " + head_where + ": " +
                          s.error().message,
                      proof_where);
  return {};
}

Status verify_consistency_proof(const ConsistencyProof& proof, const std::string& proof_where, const Head& old_head,
                                const std::string& old_where, const Head& new_head, const std::string& new_where,
                                std::span<const PublicKey> trusted) {
  if (Status s = verify_head(old_head, trusted, old_where); !s) return s;
  if (Status s = verify_head(new_head, trusted, new_where); !s) return s;
  if (proof.old_size != old_head.size || proof.new_size != new_head.size)
    return make_error("proof is for sizes " + std::to_string(proof.old_size) + " -> " + std::to_string(proof.new_size) +
                          " but the tree heads have sizes " + std::to_string(old_head.size) + " -> " +
                          std::to_string(new_head.size),
                      proof_where);
  Status s = verify_consistency(proof.old_size, proof.new_size, old_head.root, new_head.root, proof.path);
  if (!s)
    return make_error("the log of tree head " + new_where + " does not extend that of " + old_where +
                          " (history rewritten?): " + s.error().message,
                      proof_where);
  return {};
}

Result<std::string> check_proof_file(const std::string& proof_path, std::span<const std::string> head_paths,
                                     std::span<const PublicKey> trusted) {
  auto text = read_file(proof_path);
  if (!text) return text.error();
  if (text->size() > kMaxEntryBytes + 8192) return make_error("not a proof: file too large", proof_path);
  std::vector<Head> heads;
  for (const std::string& p : head_paths) {
    auto h = read_head_file(p);
    if (!h) return h.error();
    heads.push_back(*h);
  }
  std::string_view first = std::string_view(*text).substr(0, text->find('\n'));
  if (first == kInclusionMagic) {
    if (heads.size() != 1) return make_error("an inclusion proof is checked against exactly one tree head", proof_path);
    auto p = parse_inclusion_proof(*text, proof_path);
    if (!p) return p.error();
    if (Status s = verify_inclusion_proof(*p, proof_path, heads[0], head_paths[0], trusted); !s) return s.error();
    Entry e = *parse_entry(p->entry);
    return "entry " + std::to_string(p->index) + " (" + e.time + " " + e.actor + " " + e.action +
           (e.object.empty() ? "" : " " + e.object) + (e.version.empty() ? "" : " " + e.version) +
           ") is in the log of tree head " + head_paths[0] + " (size " + std::to_string(heads[0].size) + ", " +
           heads[0].time + ", key " + heads[0].key.substr(0, 16) + ")";
  }
  if (first == kConsistencyMagic) {
    if (heads.size() != 2) return make_error("a consistency proof is checked against two tree heads: old, then new", proof_path);
    auto p = parse_consistency_proof(*text, proof_path);
    if (!p) return p.error();
    if (Status s = verify_consistency_proof(*p, proof_path, heads[0], head_paths[0], heads[1], head_paths[1], trusted); !s)
      return s.error();
    return "the log of tree head " + head_paths[1] + " (size " + std::to_string(heads[1].size) + ") extends that of " +
           head_paths[0] + " (size " + std::to_string(heads[0].size) + ") without rewriting it";
  }
  return make_error("not a gongkai proof: unknown first line", proof_path, 1);
}

}  // namespace gk::audit
