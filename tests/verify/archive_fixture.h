// A populated archive for the verify and package tests, built directly through the OCFL store and
// the audit log with the files and entry fields of the write path (archive/ingest): each version
// holds record.xml, document.pdf, metadata.json; its "version-add"/"status-change" entry records
// the digests of metadata.json and, in detail, "sha512:<path>"/"sm3:<path>" of the other files.
#pragma once
#include "tests/support/io.h"
#include "tests/support/temp_dir.h"
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "archive/audit/log.h"
#include "archive/ocfl/json.h"
#include "archive/verify/verify.h"
#include "archive/ocfl/store.h"
#include "common/digest.h"

namespace verify_test {

using gk_test::slurp;
using gk_test::spit;
using gk_test::TempDir;
using gk_test::why;

namespace fs = std::filesystem;

// A PDF-like file: the header, an XMP packet declaring PDF/A-1b, `pages` page objects, filler.
inline std::string fake_pdf(const std::string& title, int pages, size_t filler, unsigned seed, bool pdfa = true) {
  std::string s = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n";
  s += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
       "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" +
       title + "</rdf:li></rdf:Alt></dc:title>";
  if (pdfa) s += "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
  s += "</rdf:Description></rdf:RDF></x:xmpmeta>\nendstream\nendobj\n";
  for (int p = 0; p < pages; ++p) s += std::to_string(p + 2) + " 0 obj\n<< /Type /Page /Parent 9 0 R >>\nendobj\n";
  std::mt19937 rng(seed);
  std::string fill(filler, '\0');
  for (auto& c : fill) c = static_cast<char>(rng());
  s += "stream\n" + fill + "\nendstream\n%%EOF\n";
  return s;
}

// A valid record (schema-checked by the package tests) from samples/notices/announcement.xml.
inline std::string make_record(const std::string& index_no, const std::string& title, const std::string& date,
                               const std::string& retention, const std::string& issuer = "青川市人民政府") {
  std::string r = slurp(std::string(GK_SOURCE_DIR) + "/samples/notices/announcement.xml");
  auto swap = [&](const std::string& tag, const std::string& value) {
    size_t a = r.find("<" + tag + ">") + tag.size() + 2, b = r.find("</" + tag + ">");
    r.replace(a, b - a, value);
  };
  swap("index-no", index_no);
  swap("title", title);
  swap("written-date", date);
  swap("published-date", date);
  swap("retention", retention);
  swap("issuer", issuer);
  return r;
}

struct Version {
  std::string record, pdf, status;
};

struct Archive {
  TempDir tmp;
  std::string root = tmp / "archive";
  std::string key_path = tmp / "signer.key";
  std::string pub_path;  // extensions/gongkai-signing/<fingerprint>.pem
  std::string config_path = root + "/extensions/gongkai-signing/config.json";
  std::optional<gk::audit::PrivateKey> key;

  // The signing files as `gongkai archive keygen` writes them (archive/ingest/audit_hook.h), the
  // private key outside the root, named by config.json so that writes (export) find it.
  Archive() {
    auto st = gk::ocfl::Store::init(root, {.durable = false});
    if (!st) throw std::runtime_error(why(st));
    fs::create_directories(root + "/extensions/gongkai-signing");
    std::string tmp_pub = root + "/extensions/gongkai-signing/new.tmp";
    auto pub = gk::audit::generate_keypair(key_path, tmp_pub);
    if (!pub) throw std::runtime_error(why(pub));
    pub_path = root + "/extensions/gongkai-signing/" + pub->fingerprint() + ".pem";
    fs::rename(tmp_pub, pub_path);
    gk::ocfl::Json::Object cfg;
    cfg["signing_key"] = key_path;
    cfg["public_key"] = "extensions/gongkai-signing/" + pub->fingerprint() + ".pem";
    spit(config_path, gk::ocfl::write_json(gk::ocfl::Json(std::move(cfg))));
    key = *gk::audit::PrivateKey::load(key_path);
  }

  static std::string metadata(const std::string& status, const std::map<std::string, std::string>& files) {
    gk::ocfl::Json::Object f, o;
    for (auto& [p, bytes] : files) {
      gk::ocfl::Json::Object d;
      d["sha512"] = gk::digest_hex(gk::DigestAlgorithm::sha512, bytes);
      d["sm3"] = gk::digest_hex(gk::DigestAlgorithm::sm3, bytes);
      f[p] = gk::ocfl::Json(std::move(d));
    }
    o["format"] = "gongkai-version-metadata/1";
    o["status"] = status;
    o["time"] = "2023-09-01T10:00:00+08:00";  // = the OCFL version's created, as the write path writes it
    o["files"] = gk::ocfl::Json(std::move(f));
    return gk::ocfl::write_json(gk::ocfl::Json(std::move(o)));
  }

  // Adds a version of `id` and logs it (signing a head unless sign is false).
  std::string add(const std::string& id, const Version& v, bool log_it = true, bool sign = true) {
    auto st = gk::ocfl::Store::open(root, {.durable = false});
    if (!st) throw std::runtime_error(why(st));
    std::map<std::string, std::string> files{{"record.xml", v.record}};
    if (!v.pdf.empty()) files["document.pdf"] = v.pdf;
    std::string meta = metadata(v.status, files);
    std::vector<gk::ocfl::NewFile> nf;
    for (auto& [p, b] : files) nf.push_back(gk::ocfl::NewFile::from_bytes(p, b));
    nf.push_back(gk::ocfl::NewFile::from_bytes("metadata.json", meta));
    auto info = st->add_version(id, nf, {"2023-09-01T10:00:00+08:00", v.status, "clerk", "mailto:clerk@example.gov.cn"});
    if (!info) throw std::runtime_error(why(info));
    if (log_it) append(entry(id, info->version, v), sign);
    return info->version;
  }

  // The entry the write path appends for version `version` of `id` holding `v`.
  static gk::audit::Entry entry(const std::string& id, const std::string& version, const Version& v) {
    std::map<std::string, std::string> files{{"record.xml", v.record}};
    if (!v.pdf.empty()) files["document.pdf"] = v.pdf;
    std::string meta = metadata(v.status, files);
    gk::audit::Entry e;
    e.time = "2023-09-01T02:00:00Z";
    e.actor = "mailto:clerk@example.gov.cn";
    e.action = version == "v1" ? gk::audit::kActionVersionAdd : gk::audit::kActionStatusChange;
    e.object = id;
    e.version = version;
    e.digests = {{"sha512", gk::digest_hex(gk::DigestAlgorithm::sha512, meta)},
                 {"sm3", gk::digest_hex(gk::DigestAlgorithm::sm3, meta)}};
    e.detail["status"] = v.status;
    e.detail["user"] = "clerk";
    e.detail["message"] = v.status;
    for (auto& [p, b] : files) {
      e.detail["sha512:" + p] = gk::digest_hex(gk::DigestAlgorithm::sha512, b);
      e.detail["sm3:" + p] = gk::digest_hex(gk::DigestAlgorithm::sm3, b);
    }
    return e;
  }

  void append(const gk::audit::Entry& e, bool sign = true) {
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root));
    if (!log) throw std::runtime_error(why(log));
    if (auto s = log->append(e); !s) throw std::runtime_error(why(s));
    if (sign)
      if (auto h = log->sign_head(*key, "2023-09-01T02:00:01Z"); !h) throw std::runtime_error(why(h));
  }

  std::string object_dir(const std::string& id) const {
    auto st = gk::ocfl::Store::open(root, {.durable = false});
    return st ? st->object_path(id) : std::string();
  }

  // `n` disclosures of 2023 (two retention classes), each published then corrected once.
  void populate(int n, size_t pdf_bytes = 3000) {
    const char* ret[] = {"永久", "定期10年", "定期30年"};
    for (int i = 0; i < n; ++i) {
      char idx[64], date[16];
      std::snprintf(idx, sizeof idx, "11519900008452170L/2023-%05d", 100 + i);
      std::snprintf(date, sizeof date, "2023-%02d-%02d", 1 + (i * 5) % 12, 1 + (i * 7) % 28);
      std::string title = "青川市人民政府关于第" + std::to_string(i + 1) + "号事项的公告";
      std::string rec = make_record(idx, title, date, ret[i % 3]);
      add(idx, {rec, fake_pdf(title, 1 + i % 3, pdf_bytes, i), "发布"});
      add(idx, {rec, fake_pdf(title, 1 + i % 3, pdf_bytes, 1000 + i), "修改"});
    }
  }
};

// verify's problems as their report lines ("error: …" when verify itself fails).
inline std::vector<std::string> problem_lines(const std::string& root, gk::verify::VerifyOptions o = {}) {
  auto r = gk::verify::verify_archive(root, o);
  if (!r) return {"error: " + r.error().str()};
  std::vector<std::string> out;
  for (auto& p : r->problems) out.push_back(p.str());
  return out;
}

inline std::string joined_lines(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += x + "\n";
  return s;
}

}  // namespace verify_test
