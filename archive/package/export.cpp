// export_bag: select, number, copy with checks, then the lists, the reports and bag-info.
#include "archive/package/export.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "archive/audit/log.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ocfl/digests.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/json.h"
#include "archive/ocfl/store.h"
#include "archive/package/bag_statement.h"
#include "archive/package/bagit.h"
#include "archive/package/danghao.h"
#include "archive/package/four_properties.h"
#include "archive/package/lists.h"
#include "archive/verify/entries.h"
#include "archive/verify/verify.h"
#include "common/digest.h"
#include "common/files.h"
#include "generator/record/record.h"

namespace fs = std::filesystem;

namespace gk::package {

int pdf_page_count(std::string_view pdf) {
  int n = 0;
  for (std::string_view key : {"/Type /Page", "/Type/Page"}) {
    for (size_t at = pdf.find(key); at != std::string_view::npos; at = pdf.find(key, at + 1)) {
      size_t next = at + key.size();
      if (next >= pdf.size() || !std::isalpha(static_cast<unsigned char>(pdf[next]))) ++n;
    }
  }
  return n;
}

namespace {

struct Item {
  std::string id;
  record::Catalogue cat;  // of the head version
  std::string secrecy, status;
  std::vector<std::string> versions;  // all, oldest first
  std::string code, danghao;
  int number = 0;
  bool chosen = true;  // passes --category and --issuer (numbered either way)
};

// --category and --issuer; the year is checked apart: 档号 are numbered over the whole year.
bool selected(const record::Catalogue& c, const ExportOptions& o) {
  if (!o.issuer.empty() && c.issuer != o.issuer) return false;
  // 主题分类 equal to the category or below it (综合政务 holds 综合政务\政务公开; 综 holds nothing).
  auto under = [&](const std::string& s) { return s == o.category || s.rfind(o.category + "\\", 0) == 0; };
  if (!o.category.empty() && c.genre != o.category && !under(c.subject)) return false;
  return true;
}

std::string status_of(const std::string& metadata_json) {
  auto j = ocfl::parse_json(metadata_json);
  const ocfl::Json* s = j && j->is_object() ? j->find("status") : nullptr;
  return s && s->is_string() ? s->str() : "";
}

struct Exporter {
  explicit Exporter(const ExportOptions& opt) : o(opt) {}
  const ExportOptions& o;
  FondsConfig fonds;
  std::optional<ocfl::Store> store;
  std::optional<ocfl::fsx::FileLock> writing;  // the store's write lock, exclusive while selecting
  std::optional<audit::AuditLog> log;
  std::optional<verify::LogIndex> index;
  audit::Head head;
  std::vector<audit::PublicKey> keys;
  const audit::PublicKey* signer = nullptr;
  FourProperties rules;
  std::vector<Item> items;
  ExportSummary sum;

  Status open() {
    auto f = load_fonds(o.root, o.fonds);
    if (!f) return f.error();
    fonds = *f;
    auto st = ocfl::Store::open(o.root);
    if (!st) return st.error();
    store.emplace(std::move(*st));
    // Writers hold the write lock shared from their commit until its entries are logged. Held
    // exclusively from here to the end of select(), it makes the selection a snapshot of logged
    // versions: no version committed with its entry still on the way (reported as unlogged), none
    // added meanwhile. release_snapshot() then lets writers on for the long part, the copying.
    auto w = ocfl::fsx::FileLock::acquire(ocfl::Store::write_lock_path(o.root), true, true);
    if (!w) return w.error();
    writing.emplace(std::move(*w));
    auto l = audit::AuditLog::open(audit::audit_dir(o.root), {.read_only = true});
    if (!l) return l.error();
    if (!l->latest_head()) return make_error("the audit log has no signed tree head: an export needs one to prove its content", l->heads_path());
    head = *l->latest_head();
    keys = o.trusted;
    if (keys.empty()) {
      auto k = verify::archive_public_keys(o.root);
      if (!k) return k.error();
      keys = *k;
    }
    if (keys.empty()) return make_error("no public key to check the tree head (pass --key PUB)", o.root);
    if (auto s = audit::verify_head(head, keys, l->heads_path()); !s) return s.error();
    for (auto& k : keys)
      if (k.fingerprint() == head.key) signer = &k;
    auto v = audit::verify_log(audit::audit_dir(o.root), keys);
    if (!v) rules.fail("SEC-01", "log", v.error().str());
    if (l->size() > head.size)
      rules.fail("SEC-02", "log", std::to_string(l->size() - head.size) + " entries after the latest signed tree head");
    auto idx = verify::LogIndex::build(*l);
    if (!idx) return idx.error();
    index.emplace(std::move(*idx));
    // The write lock keeps version writers out until release_snapshot(); the log's lock would
    // only hold back appends that take no write lock (another export's entry, verify's, reindex's),
    // and select() can take longer than the 10 s they wait.
    l->release_lock();
    log.emplace(std::move(*l));
    return {};
  }

  Status select() {
    auto ids = store->list_objects();
    if (!ids) return ids.error();
    for (auto& id : *ids) {
      auto inv = store->inventory(id);
      if (!inv) return inv.error();
      for (auto& [n, v] : inv->versions) index->mark(id, v.name);
      // An object without record.xml is not a disclosure record. One whose record cannot be read
      // may belong to this year: the bag would be silently incomplete, so the export stops.
      if (inv->versions.empty() || !inv->versions.rbegin()->second.logical_state().count("record.xml")) continue;
      auto unreadable = [&](const Error& e) {
        return make_error("object '" + id + "': its record cannot be read (" + e.str() + "), so whether it is a disclosure of " +
                          o.year + " is unknown; nothing was written. `gongkai archive verify " + o.root +
                          "` names the damage");
      };
      auto rec_bytes = store->read_file(id, "", "record.xml");
      if (!rec_bytes) return unreadable(rec_bytes.error());
      auto rec = record::load_record_from_memory(*rec_bytes, id + " record.xml");
      if (!rec) return unreadable(rec.error());
      if ((*rec)->catalogue().written_date.substr(0, 4) != o.year) continue;
      Item it;
      it.chosen = selected((*rec)->catalogue(), o);
      it.id = id;
      it.cat = (*rec)->catalogue();
      it.secrecy = (*rec)->doc().document_element().child("notice").child("secrecy").text().get();
      if (auto m = store->read_file(id, "", "metadata.json"); m) it.status = status_of(*m);
      for (auto& [n, v] : inv->versions) it.versions.push_back(v.name);
      it.code = retention_code(it.cat.retention);
      items.push_back(std::move(it));
    }
    // A logged version the store no longer has was deleted or rolled back (a withdrawal removed
    // and the older inventory put back): the archive is no longer what its log proves.
    for (uint64_t seq : index->unmarked()) {
      auto e = log->entry(seq);
      if (!e) return e.error();
      rules.fail("SEC-01", e->object + " " + e->version,
                 "log entry " + std::to_string(seq) + " (" + e->action + ") names a version the store does not have: deleted or rolled back");
    }
    // Classes in the order Y, D30, D10 (unknown periods last), then 成文日期, then 索引号.
    auto rank = [](const std::string& c) { return c == "Y" ? 0 : c == "D30" ? 1 : c == "D10" ? 2 : 3; };
    std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      return std::make_tuple(rank(a.code), a.cat.written_date, a.cat.index_no, a.id) <
             std::make_tuple(rank(b.code), b.cat.written_date, b.cat.index_no, b.id);
    });
    std::map<std::string, int> next;
    for (auto& it : items) {
      it.number = ++next[it.code];
      it.danghao = make_danghao(fonds.fonds, o.year, it.code, it.number);
    }
    // A part of the year (--category, --issuer) keeps the 档号 the whole year's export gives: one
    // 档号 names one document in every bag of the year.
    items.erase(std::remove_if(items.begin(), items.end(), [](const Item& it) { return !it.chosen; }), items.end());
    if (items.empty()) return make_error("nothing to export: no disclosure of " + o.year + " matches");
    return {};
  }

  // After select(): the selected versions' directories never change, nor do log entries below
  // the head, so no lock is needed to copy and prove them. (The export used to hold the log's
  // lock throughout: every writer that committed meanwhile waited, and after 10 s failed with its
  // version committed but not logged.)
  void release_snapshot() { writing.reset(); }

  // Copies one version into the bag with every per-file check; returns the PDF page count.
  Result<int> copy_version(bagit::BagWriter& bag, const Item& it, const std::string& vname, const std::string& prefix,
                           const ocfl::Inventory& inv) {
    const ocfl::Version* v = inv.find_version(vname);
    std::map<std::string, std::string> sm3_of;  // content path -> sm3
    if (auto f = inv.fixity.find("sm3"); f != inv.fixity.end())
      for (auto& [d, paths] : f->second)
        for (auto& p : paths) sm3_of[p] = ocfl::lower(d);
    std::string item = it.danghao + (o.history ? " " + vname : "");
    std::map<std::string, std::string> sha;  // logical path -> sha512 as exported
    int pages = 0;
    for (auto& [path, digest] : v->logical_state()) {
      auto bytes = store->read_file(it.id, vname, path);
      if (!bytes) {
        rules.fail("AUTH-01", item + " " + path, bytes.error().message);
        continue;
      }
      if (auto cp = inv.content_path(digest); cp && sm3_of.count(*cp) &&
                                              digest_hex(DigestAlgorithm::sm3, *bytes) != sm3_of[*cp])
        rules.fail("AUTH-01", item + " " + path, "sm3 differs from the fixity block");
      auto d = bag.add_payload(prefix + path, *bytes);
      if (!d) return d.error();
      sha[path] = *d;
      ++sum.files;
      sum.bytes += bytes->size();
      if (path == "record.xml") {
        if (auto r = record::load_record_from_memory(*bytes, item + " record.xml"); !r) rules.fail("USAB-01", item, r.error().str());
      } else if (path == "document.pdf") {
        pages = pdf_page_count(*bytes);
        bool header = bytes->rfind("%PDF-1.", 0) == 0;
        bool part = bytes->find("<pdfaid:part>1</pdfaid:part>") != std::string::npos ||
                    bytes->find("pdfaid:part=\"1\"") != std::string::npos;
        bool conf = bytes->find("<pdfaid:conformance>B</pdfaid:conformance>") != std::string::npos ||
                    bytes->find("pdfaid:conformance=\"B\"") != std::string::npos;
        if (!header || !part || !conf)
          rules.fail("USAB-02", item, !header ? "no %PDF-1.x header" : "XMP does not declare pdfaid:part 1, conformance B");
        if (bytes->find("/Encrypt") != std::string::npos) rules.fail("USAB-03", item, "the PDF is encrypted (/Encrypt)");
        if (vname == it.versions.back() && bytes->find(it.cat.title) == std::string::npos)
          rules.fail("AUTH-05", item, "the PDF metadata does not carry the 题名 " + it.cat.title);
      } else if (path == "metadata.json") {
        auto j = ocfl::parse_json(*bytes);
        const ocfl::Json* files = j && j->is_object() ? j->find("files") : nullptr;
        if (files && files->is_object())
          for (auto& [p, x] : files->object())
            if (!v->logical_state().count(p)) rules.fail("INTEG-02", item, "metadata.json lists " + p + " but the version has no such file");
      }
    }
    for (const char* need : {"record.xml", "document.pdf"})
      if (!sha.count(need)) rules.fail("INTEG-02", item, std::string("no ") + need);

    auto seqs = index->find(it.id, vname);
    if (seqs.size() != 1) {
      rules.fail("AUTH-02", item, seqs.empty() ? "no log entry" : "several log entries");
      return pages;
    }
    auto e = log->entry(seqs[0]);
    if (!e) return e.error();
    if (auto m = e->digests.find("sha512"); m != e->digests.end() && sha.count("metadata.json") && m->second != sha["metadata.json"])
      rules.fail("AUTH-04", item + " metadata.json", "sha512 differs from log entry " + std::to_string(e->seq));
    for (auto& [k, hex] : e->detail)
      if (k.rfind("sha512:", 0) == 0 && (!sha.count(k.substr(7)) || sha[k.substr(7)] != hex))
        rules.fail("AUTH-04", item + " " + k.substr(7), "differs from (or missing against) log entry " + std::to_string(e->seq));
    if (seqs[0] >= head.size) {
      rules.fail("AUTH-02", item, "log entry " + std::to_string(seqs[0]) + " is not covered by the signed tree head");
      return pages;
    }
    auto proof = log->inclusion_proof(seqs[0], head.size);
    if (!proof) return proof.error();
    if (auto s = audit::verify_inclusion_proof(*proof, "inclusion-proof.txt", head, "tree-head.txt", keys); !s)
      rules.fail("AUTH-02", item, s.error().str());
    if (auto d = bag.add_payload(prefix + "inclusion-proof.txt", proof->text()); !d) return d.error();
    return pages;
  }

  Result<std::vector<ListRow>> write_items(bagit::BagWriter& bag) {
    std::vector<ListRow> rows;
    std::map<std::string, std::string> seen;
    size_t done = 0;
    for (auto& it : items) {
      auto inv = store->inventory(it.id);
      if (!inv) return inv.error();
      for (auto& v : it.versions)
        if (index->find(it.id, v).size() != 1) rules.fail("SEC-01", it.danghao + " " + v, "version without exactly one log entry");
      if (!valid_danghao(it.danghao)) rules.fail("AUTH-03", it.danghao, "档号 not of the form 全宗号-WS·年度-Y|D30|D10-件号");
      if (!seen.emplace(it.danghao, it.id).second) rules.fail("AUTH-03", it.danghao, "档号 used twice");
      const record::Catalogue& c = it.cat;
      for (auto [name, value] : {std::pair<const char*, const std::string*>{"索引号", &c.index_no}, {"题名", &c.title},
                                 {"责任者", &c.issuer}, {"成文日期", &c.written_date}, {"保管期限", &c.retention}})
        if (value->empty()) rules.fail("INTEG-01", it.danghao, std::string(name) + " is empty");
      if (!c.retention.empty() && it.code.empty()) rules.fail("INTEG-01", it.danghao, "保管期限 '" + c.retention + "' is not 永久, 定期30年 or 定期10年");
      std::string base = "documents/" + it.danghao + "/";
      int pages = 0;
      std::vector<std::string> versions = o.history ? it.versions : std::vector<std::string>{it.versions.back()};
      for (auto& v : versions) {
        auto p = copy_version(bag, it, v, o.history ? base + v + "/" : base, *inv);
        if (!p) return p.error();
        pages = *p;  // the last (current) version's
        ++sum.versions;
      }
      std::string remark = it.status.empty() || it.status == "发布" ? "" : it.status;
      if (o.history && it.versions.size() > 1)
        remark += (remark.empty() ? "" : "；") + std::string("共") + std::to_string(it.versions.size()) + "版";
      rows.push_back({it.number, it.danghao, c.doc_number, c.issuer, c.title, c.written_date, it.secrecy, pages, remark,
                      c.retention, it.code});
      if (o.progress) o.progress(++done, items.size());
    }
    // The checks below hold by construction; they are here so a regression shows in the report.
    std::map<std::string, std::vector<int>> numbers;
    for (auto& r : rows) numbers[r.code].push_back(r.seq);
    for (auto& [code, ns] : numbers)
      for (size_t i = 0; i < ns.size(); ++i)
        if (ns[i] != static_cast<int>(i) + 1)
          rules.fail("INTEG-03", code, "件号 " + std::to_string(ns[i]) + " where " + std::to_string(i + 1) + " was due");
    if (rows.size() != items.size()) rules.fail("INTEG-04", "目录", "rows and exported items differ in number");
    return rows;
  }
};

}  // namespace

namespace {

Status log_export(const ExportOptions& o, const std::string& out, const ExportSummary& sum, const std::string& fonds,
                  uint64_t head_size, const audit::PrivateKey* key) {
  auto tag = read_file(out + "/tagmanifest-sha512.txt");
  if (!tag) return tag.error();
  audit::Entry e;
  const char* user = std::getenv("USER");
  e.actor = !o.actor.empty() ? o.actor : user && *user ? user : "gongkai";
  e.action = audit::kActionExport;
  e.digests = {{"sha512", digest_hex(DigestAlgorithm::sha512, *tag)}, {"sm3", digest_hex(DigestAlgorithm::sm3, *tag)}};
  e.detail = {{"bag", fs::path(out).filename().string()},
              {"year", o.year},
              {"fonds", fonds},
              {"history", o.history ? "yes" : "no"},
              {"items", std::to_string(sum.items)},
              {"versions", std::to_string(sum.versions)},
              {"range", sum.first + " — " + sum.last},
              {"tree-head-size", std::to_string(head_size)},
              {"digests-of", "tagmanifest-sha512.txt"}};
  if (!o.category.empty()) e.detail["category"] = o.category;
  if (!o.issuer.empty()) e.detail["issuer"] = o.issuer;
  if (auto r = ingest::log_operation(o.root, std::move(e), key); !r) return r.error();
  return {};
}

}  // namespace

// Work directories <out>.tmp-TOKEN of exports to `out` killed midway (kill -9, power loss): their
// lock file <out>.tmp-TOKEN.lock is no longer held. Removed, with their lock files; a work
// directory without a lock file, or one whose export still runs, is left alone.
std::vector<std::string> remove_abandoned(const std::string& out) {
  std::vector<std::string> removed;
  std::error_code ec;
  fs::path parent = fs::path(out).parent_path();
  const std::string prefix = fs::path(out).filename().string() + ".tmp-";
  std::vector<fs::path> locks;
  for (auto& e : fs::directory_iterator(parent, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0) locks.push_back(e.path());
  }
  for (auto& lock : locks) {
    auto held = ocfl::fsx::FileLock::acquire(lock.string(), true, false);
    if (!held) continue;  // busy: an export is writing there
    std::string work = lock.string().substr(0, lock.string().size() - 5);
    if (fs::exists(work, ec)) {
      ocfl::fsx::remove_tree(work);
      removed.push_back(work);
    }
    fs::remove(lock, ec);
  }
  return removed;
}

Result<ExportSummary> export_bag(const ExportOptions& o) {
  if (o.year.size() != 4 || o.year.find_first_not_of("0123456789") != std::string::npos)
    return make_error("--year must be four digits, not '" + o.year + "'");
  std::error_code ec;
  std::string out = fs::absolute(o.out, ec).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (fs::exists(out, ec)) return make_error("already exists; an export never overwrites", out);
  if (is_within(out, o.root))
    return make_error("is inside the storage root; a bag goes outside it (the root holds only OCFL content)", out);
  // A root that is not there, or not an archive, is said so before it is asked to be writable.
  if (auto st = ocfl::Store::open(o.root, {.read_only = true}); !st) return st.error();
  // An export is logged in the archive's audit log: on read-only media it failed on a lock file
  // ("staging.lock: cannot open lock file: Read-only file system").
  if (::access(o.root.c_str(), W_OK) != 0)
    return make_error("is not writable: an export is logged in the archive's audit log, so it needs a writable archive "
                      "(copy one on read-only media first; gongkai archive verify checks it where it is)",
                      o.root);
  // Loaded first: a configured key that does not load must stop the export before it writes.
  auto key = ingest::load_signing_key(o.root, o.signing_key, "--signing-key");
  if (!key) return key.error();
  if (o.test_hook) o.test_hook("key-loaded");
  Exporter x(o);
  if (auto s = x.open(); !s) return s.error();
  // Checked under the write lock, which keygen takes too: a key made since ours was looked for
  // would leave our entry unsigned after signed heads, and every signed writer would refuse.
  if (!key->has_value() && fs::exists(o.root + "/" + audit::kSigningConfig, ec))
    return make_error("a signing key was made for this archive after this command started; nothing was written: run it again",
                      o.root);
  // A signing export appends its entry last: a log that cannot take it (entries after the last
  // signed head) would leave a finished bag unlogged, so it is refused before anything is written.
  if (auto s = ingest::check_log_before_write(o.root, key->has_value() ? &**key : nullptr); !s) return s.error();
  if (auto s = x.select(); !s) return s.error();
  if (o.test_hook) o.test_hook("selected");
  x.release_snapshot();
  // The statement's key must be the one in the bag (the head's signer), or the bag names two keys.
  if (key->has_value() && (*key)->fingerprint() != x.head.key)
    return make_error("the signing key " + (*key)->fingerprint().substr(0, 16) + " did not sign the latest tree head (" +
                      x.head.key.substr(0, 16) + "); the bag's statement must be signed by the key its tree head names: "
                      "export with that key, or check the archive with gongkai archive verify",
                      o.root);

  x.sum.removed = remove_abandoned(out);
  std::string tmp = out + ".tmp-" + ocfl::fsx::random_token();
  // Held while the bag is built: an export that finds the work directory unlocked knows that
  // its writer was killed (remove_abandoned).
  if (auto s = ocfl::fsx::make_dirs(fs::path(out).parent_path().string()); !s) return s.error();  // as make_dirs(tmp) did
  auto working = ocfl::fsx::FileLock::acquire(tmp + ".lock", true, false);
  if (!working) return working.error();
  if (auto s = ocfl::fsx::make_dirs(tmp); !s) return s.error();
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (dir.empty()) return;  // success: the bag is in place, its lock file removed below
      ocfl::fsx::remove_tree(dir);
      std::error_code ec;
      fs::remove(dir + ".lock", ec);
    }
  } cleanup{tmp};

  bagit::BagWriter bag(tmp);
  auto rows = x.write_items(bag);
  if (!rows) return rows.error();
  std::string date = o.bagging_date.empty() ? audit::now_rfc3339_utc().substr(0, 10) : o.bagging_date;
  if (auto d = bag.add_payload("归档文件目录.csv", list_csv(*rows)); !d) return d.error();
  pugi::xml_document list;
  list_xml(*rows, x.fonds.fonds, x.fonds.fonds_name, o.year, date, list);
  auto list_pdf = render_generated("archive-list.xml", list, "归档文件目录");
  if (!list_pdf) return list_pdf.error();
  if (auto d = bag.add_payload("归档文件目录.pdf", *list_pdf); !d) return d.error();
  if (auto d = bag.add_payload("audit/tree-head.txt", x.head.file_text()); !d) return d.error();
  if (x.signer)
    if (auto d = bag.add_payload("audit/public-key.pem", x.signer->pem()); !d) return d.error();

  FourProperties::Context ctx;
  ctx.fonds = x.fonds.fonds;
  ctx.fonds_name = x.fonds.fonds_name;
  ctx.year = o.year;
  ctx.date = date;
  ctx.items = x.items.size();
  ctx.files = x.sum.files;
  ctx.head_size = x.head.size;
  ctx.head_root = audit::hash_hex(x.head.root);
  if (auto d = bag.add_payload("四性检测报告.json", x.rules.to_json(ctx)); !d) return d.error();
  pugi::xml_document report;
  x.rules.to_xml(ctx, report);
  auto report_pdf = render_generated("four-properties.xml", report, "四性检测报告");
  if (!report_pdf) return report_pdf.error();
  if (auto d = bag.add_payload("四性检测报告.pdf", *report_pdf); !d) return d.error();

  x.sum.items = x.items.size();
  x.sum.first = rows->front().danghao;
  x.sum.last = rows->back().danghao;
  for (auto& r : x.rules.rules())
    if (!r.passed()) x.sum.failed_rules.push_back(r.id + " (" + std::to_string(r.failures.size()) + ")");
  bag.add_info("Source-Organization", x.fonds.fonds_name.empty() ? x.items.front().cat.issuer : x.fonds.fonds_name);
  // A part of the year says so: otherwise it reads as the whole year's bag.
  std::string part;
  if (!o.category.empty()) part = "主题分类或体裁 " + o.category;
  if (!o.issuer.empty()) part += (part.empty() ? "" : "；") + std::string("发布机构 ") + o.issuer;
  bag.add_info("External-Description", o.year + "年度政府信息公开文件归档移交包" + (part.empty() ? "" : "（部分：" + part + "）") +
                                           "（归档文件目录、文件、四性检测报告、审计日志证明）");
  bag.add_info("X-全宗号", x.fonds.fonds);
  bag.add_info("X-年度", o.year);
  bag.add_info("X-选取范围", part.empty() ? "全年" : part);
  bag.add_info("X-档号范围", x.sum.first + " — " + x.sum.last);
  bag.add_info("X-件数", std::to_string(x.sum.items));
  bag.add_info("X-四性检测结果", x.rules.failed_rules() == 0 ? "通过" : "未通过（" + std::to_string(x.rules.failed_rules()) + "项）");
  bag.add_info("X-Tree-Head-Size", std::to_string(x.head.size));
  bag.add_info("X-Tree-Head-Root", audit::hash_hex(x.head.root));
  bag.add_info("X-Signing-Key", x.head.key);
  for (auto& [k, v] : x.fonds.labels) bag.add_info(k, v);
  bagit::BagWriter::TagSigner seal;
  if (key->has_value())  // without a key the bag has no statement: package verify reports that
    seal = [&](const std::string& manifest, const std::string& info) -> Result<std::pair<std::string, std::string>> {
      auto st = sign_bag_statement(manifest, info, x.head.size, audit::hash_hex(x.head.root), **key);
      if (!st) return st.error();
      return std::pair<std::string, std::string>{kStatementFile, st->file_text()};
    };
  x.sum.sealed = static_cast<bool>(seal);
  if (auto s = bag.finish(date, seal); !s) return s.error();
  if (auto s = ocfl::fsx::sync_filesystem(tmp); !s) return s.error();
  if (auto s = ocfl::fsx::rename_path(tmp, out); !s) return s.error();
  cleanup.dir.clear();
  fs::remove(tmp + ".lock", ec);
  if (auto s = ocfl::fsx::fsync_path(fs::path(out).parent_path().string()); !s) return s.error();
  x.log.reset();  // closes the log's files before our own entry is appended
  if (auto s = log_export(o, out, x.sum, x.fonds.fonds, x.head.size, key->has_value() ? &**key : nullptr); !s)
    return make_error("the bag is complete, but the export could not be logged: " + s.error().str(), out);
  return x.sum;
}

}  // namespace gk::package
