#include "archive/package/package_verify.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "archive/audit/entry.h"
#include "archive/audit/head.h"
#include "archive/audit/proof.h"
#include "archive/package/bag_statement.h"
#include "archive/package/bagit.h"
#include "archive/package/contents_check.h"
#include "archive/package/danghao.h"
#include "archive/verify/entries.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::package {

namespace {

struct Checker {
  Checker(std::string d, bagit::BagCheck b) : dir(std::move(d)), bag(std::move(b)) {}
  std::string dir;
  bagit::BagCheck bag;
  PackageReport r;
  std::vector<audit::PublicKey> keys;
  std::optional<audit::Head> head;    // verified
  std::optional<audit::Head> parsed;  // parsed, verified or not

  // bag-signature.txt: signed by a trusted key, and naming exactly this manifest, bag-info and head.
  void statement() {
    std::error_code ec;
    if (!fs::exists(dir + "/" + kStatementFile, ec))
      return problem(kStatementFile, "missing: nothing signed pins this bag's manifest and bag-info.txt, so its completeness, "
                                     "目录, 四性检测报告 and bag-info are unproven (exported without a signing key, or removed)");
    auto text = read_file(dir + "/" + kStatementFile);
    if (!text) return problem(kStatementFile, "cannot read");
    auto s = parse_bag_statement(*text);
    if (!s) return r.problems.push_back(s.error().str());
    if (auto v = verify_bag_statement(*s, keys); !v) return r.problems.push_back(v.error().str());
    r.sealed = true;
    r.key = s->key;  // the trusted key that signed it
    const char* resealed = "; edited and re-sealed after export";
    for (auto [file, want] : {std::pair<const char*, const std::string*>{"manifest-sha512.txt", &s->manifest_sha512},
                              {"bag-info.txt", &s->info_sha512}}) {
      auto d = digest_file_hex(DigestAlgorithm::sha512, dir + "/" + file);
      if (!d || *d != *want) problem(file, std::string("not the one the export signed (") + kStatementFile + ")" + resealed);
    }
    if (parsed && (parsed->size != s->head_size || audit::hash_hex(parsed->root) != s->head_root))
      problem("data/audit/tree-head.txt", std::string("not the tree head the export signed (") + kStatementFile + ")");
  }

  void problem(const std::string& file, const std::string& what) { r.problems.push_back(file + ": " + what); }

  // Every export writes tagmanifest-sha512.txt, and only it pins the files beside the payload
  // (BagIt makes tag manifests optional): without it, any file could be added there unseen.
  void tag_manifest() {
    std::error_code ec;
    if (fs::exists(dir + "/tagmanifest-sha512.txt", ec)) return;
    problem("tagmanifest-sha512.txt", "missing: every export writes one; without it nothing pins the files beside data/");
    const std::set<std::string> written = {"bagit.txt", "bag-info.txt", "manifest-sha512.txt", kStatementFile};
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string rel = it->path().lexically_relative(dir).string();
      if (it.depth() == 0 && rel == "data") {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_directory() && !written.count(rel)) problem(rel, "extra tag file (not written by the export)");
    }
  }

  std::string sha512_of(const std::string& rel) {
    if (auto it = bag.payload_sha512.find(rel); it != bag.payload_sha512.end()) return it->second;
    auto d = digest_file_hex(DigestAlgorithm::sha512, dir + "/" + rel);
    return d ? *d : "";
  }

  // One version directory: rel like "data/documents/<档号>" or ".../v2".
  void unit(const std::string& rel) {
    ++r.documents;
    std::string proof_rel = rel + "/inclusion-proof.txt";
    std::set<std::string> files;  // relative to the unit
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir + "/" + rel, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory()) {
        // A version directory inside a 档号 directory is a unit of its own (history).
        if (it.depth() == 0 && verify::version_number(it->path().filename().string()) > 0) it.disable_recursion_pending();
        continue;
      }
      if (it->is_symlink()) continue;  // reported by the bag check, never followed
      files.insert(it->path().lexically_relative(dir + "/" + rel).string());
    }
    if (!files.count("inclusion-proof.txt")) return problem(rel, "no inclusion-proof.txt: nothing ties these files to the audit log");
    if (!head) return;  // already reported
    auto text = read_file(dir + "/" + proof_rel);
    if (!text) return problem(proof_rel, "cannot read");
    auto p = audit::parse_inclusion_proof(*text, proof_rel);
    if (!p) return problem(proof_rel, p.error().message);
    if (auto s = audit::verify_inclusion_proof(*p, proof_rel, *head, "data/audit/tree-head.txt", keys); !s)
      return r.problems.push_back(s.error().str());
    ++r.proofs;
    auto e = audit::parse_entry(p->entry);
    if (!e) return problem(proof_rel, e.error().message);
    std::string who = " (log entry " + std::to_string(e->seq) + ": " + e->object + " " + e->version + ")";
    std::set<std::string> recorded = {"inclusion-proof.txt"};
    if (auto m = e->digests.find("sha512"); m != e->digests.end()) {
      recorded.insert("metadata.json");
      if (!files.count("metadata.json")) problem(rel + "/metadata.json", "missing; the log entry records its digest" + who);
      else if (sha512_of(rel + "/metadata.json") != m->second)
        problem(rel + "/metadata.json", "sha512 differs from the digest the log entry recorded" + who);
    }
    for (auto& [k, hex] : e->detail) {
      if (k.rfind("sha512:", 0) != 0) continue;
      std::string f = k.substr(7);
      recorded.insert(f);
      if (!files.count(f)) {
        problem(rel + "/" + f, "missing; the log entry records its digest" + who);
        continue;
      }
      if (sha512_of(rel + "/" + f) != hex) problem(rel + "/" + f, "sha512 differs from the digest the log entry recorded" + who);
      else if (f == "document.pdf") ++r.pdfs;  // counted only when it matches
    }
    for (auto& f : files)
      if (!recorded.count(f)) problem(rel + "/" + f, "file the log entry does not record" + who);
  }

  void documents() {
    std::error_code ec;
    std::string docs = dir + "/data/documents";
    if (!fs::is_directory(docs, ec)) return problem("data/documents", "missing");
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(docs, ec)) {
      if (!e.is_directory()) {
        problem("data/documents/" + e.path().filename().string(), "not a 档号 directory");
        continue;
      }
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (auto& n : names) {
      std::string rel = "data/documents/" + n;
      if (!valid_danghao(n)) problem(rel, "not a 档号 of the form 全宗号-WS·年度-Y|D30|D10-件号");
      std::vector<std::string> versions;
      for (auto& e : fs::directory_iterator(dir + "/" + rel, ec))
        if (e.is_directory() && verify::version_number(e.path().filename().string()) > 0)
          versions.push_back(e.path().filename().string());
      if (fs::exists(dir + "/" + rel + "/inclusion-proof.txt") || versions.empty()) unit(rel);
      std::sort(versions.begin(), versions.end());
      for (auto& v : versions) unit(rel + "/" + v);
    }
  }
};

}  // namespace

Result<PackageReport> verify_package(const std::string& dir, const std::vector<audit::PublicKey>& keys_in) {
  auto bag = bagit::check_bag(dir);
  if (!bag) return bag.error();
  Checker c(dir, std::move(*bag));
  for (auto& p : c.bag.problems) c.r.problems.push_back(p.str());
  c.tag_manifest();
  if (auto f = c.bag.info.find("X-四性检测结果"); f != c.bag.info.end()) c.r.four_properties = f->second;
  c.keys = keys_in;
  if (c.keys.empty()) {
    auto k = audit::PublicKey::load(dir + "/data/audit/public-key.pem");
    if (!k)
      return make_error("no key to check the bag with: data/audit/public-key.pem in the bag cannot be used (" + k.error().message +
                            "); pass --key PUB, the archive's public key",
                        dir);
    c.keys.push_back(*k);
  }
  c.r.key = c.keys.front().fingerprint();
  auto head = audit::read_head_file(dir + "/data/audit/tree-head.txt");
  if (head) c.parsed = *head;
  if (!head) {
    c.problem("data/audit/tree-head.txt", head.error().message);
  } else if (auto s = audit::verify_head(*head, c.keys, "data/audit/tree-head.txt"); !s) {
    c.r.problems.push_back(s.error().str());
  } else {
    c.head = *head;
  }
  c.statement();
  c.documents();
  check_contents(dir, c.bag.info, c.parsed ? &*c.parsed : nullptr, c.r.problems);
  return std::move(c.r);
}

}  // namespace gk::package
