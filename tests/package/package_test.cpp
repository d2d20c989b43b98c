// archive export -> package verify round trips, and every kind of bad bag named exactly.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>

#include "archive/ocfl/fsutil.h"
#include "archive/package/bagit.h"
#include "archive/package/danghao.h"
#include "archive/verify/verify.h"
#include "tests/package/bag_fixture.h"

using namespace package_test;

BOOST_AUTO_TEST_SUITE(package)

BOOST_AUTO_TEST_CASE(danghao_and_retention_codes) {
  BOOST_TEST(pk::make_danghao("Z109", "2023", "D30", 7) == "Z109-WS\u00b72023-D30-0007");
  BOOST_TEST(pk::valid_danghao("Z109-WS\u00b72023-D30-0007"));
  BOOST_TEST(!pk::valid_danghao("Z109-WS\u00b72023-D20-0007"));
  BOOST_TEST(!pk::valid_danghao("Z109-WS\u00b72023-Y-0000"));
  BOOST_TEST(!pk::valid_danghao("z109-WS\u00b72023-Y-0001"));
  BOOST_TEST(pk::retention_code("永久") == "Y");
  BOOST_TEST(pk::retention_code("定期30年") == "D30");
  BOOST_TEST(pk::retention_code("定期10年") == "D10");
  BOOST_TEST(pk::retention_code("长期") == "");
}

BOOST_AUTO_TEST_CASE(round_trip_current_versions) {
  Exported x;
  BOOST_TEST(joined(x.check()) == "");
  BOOST_TEST(x.sum.items == 5u);
  BOOST_TEST(x.sum.versions == 5u);
  BOOST_TEST(x.sum.failed_rules.empty(), joined(x.sum.failed_rules));
  // populate(5): retention by i % 3 = 永久, 定期10年, 定期30年, 永久, 定期10年.
  BOOST_TEST(x.sum.first == kY1);
  BOOST_TEST(x.sum.last == "Z109-WS\u00b72023-D10-0002");
  for (auto f : {"bagit.txt", "bag-info.txt", "manifest-sha512.txt", "tagmanifest-sha512.txt", "data/归档文件目录.csv",
                 "data/归档文件目录.pdf", "data/四性检测报告.json", "data/四性检测报告.pdf", "data/audit/tree-head.txt",
                 "data/audit/public-key.pem"})
    BOOST_TEST(fs::exists(x.bag + "/" + f), f);
  for (auto f : {"record.xml", "document.pdf", "metadata.json", "inclusion-proof.txt"})
    BOOST_TEST(fs::exists(x.doc(kY1) + "/" + f), f);
  // 件号 within 永久 follow 成文日期: object 0 is dated 2023-01-01, object 3 2023-04-22.
  BOOST_TEST(slurp(x.doc(kY1) + "/record.xml").find("2023-00100") != std::string::npos);
  std::string csv = slurp(x.bag + "/data/归档文件目录.csv");
  BOOST_TEST(csv.rfind("\xEF\xBB\xBF序号,档号,文号,责任者,题名,日期,密级,页数,备注\r\n", 0) == 0u);
  BOOST_TEST(csv.find("1," + kY1 + ",青府告〔2023〕3号,青川市人民政府,青川市人民政府关于第1号事项的公告,20230101,,1,修改\r\n") !=
             std::string::npos, csv);
  std::string info = slurp(x.bag + "/bag-info.txt");
  BOOST_TEST(info.rfind("Bagging-Date: 2024-01-15\nBag-Size: ", 0) == 0u, info);
  BOOST_TEST(info.find("\nX-全宗号: Z109\nX-年度: 2023\n") != std::string::npos, info);
  BOOST_TEST(info.find("X-四性检测结果: 通过\n") != std::string::npos, info);
  std::string report = slurp(x.bag + "/data/四性检测报告.json");
  BOOST_TEST(report.find("\"result\": \"fail\"") == std::string::npos, report);
  BOOST_TEST(report.find("\"id\": \"USAB-02\"") != std::string::npos);
  BOOST_TEST(slurp(x.bag + "/data/归档文件目录.pdf").rfind("%PDF-1.", 0) == 0u);
  BOOST_TEST(!fs::exists(x.bag + ".tmp"));
  for (auto& e : fs::directory_iterator(x.a.tmp.path))
    BOOST_TEST(e.path().filename().string().find(".tmp-") == std::string::npos, e.path());
}

BOOST_AUTO_TEST_CASE(round_trip_with_history_and_own_key) {
  Exported x(/*history=*/true, 3);
  BOOST_TEST(x.sum.versions == 6u);
  for (auto v : {"v1", "v2"})
    for (auto f : {"record.xml", "document.pdf", "metadata.json", "inclusion-proof.txt"})
      BOOST_TEST(fs::exists(x.doc(kY1) + "/" + v + "/" + f), v << "/" << f);
  auto key = gk::audit::PublicKey::load(x.a.pub_path);
  BOOST_TEST(joined(x.check({*key})) == "");
  auto r = pk::verify_package(x.bag, {*key});
  BOOST_TEST(r->proofs == 6u);
  BOOST_TEST(r->pdfs == 6u);
}

// Every operation is logged: a finished export appends an "export" entry pinning the bag (its tag
// manifest's digests) and signs a head with the archive's key; the archive still verifies.
BOOST_AUTO_TEST_CASE(export_is_logged_and_signed) {
  Exported x;
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(x.a.root), {.read_only = true});
  BOOST_REQUIRE(log.is_ok());
  BOOST_TEST(log->size() == 11u);  // 5 disclosures x 2 versions, then the export
  auto e = log->entry(10);
  BOOST_REQUIRE(e.is_ok());
  BOOST_TEST(e->action == "export");
  BOOST_TEST(e->object == "");
  std::string tag = slurp(x.bag + "/tagmanifest-sha512.txt");
  BOOST_TEST(e->digests.at("sha512") == gk::digest_hex(gk::DigestAlgorithm::sha512, tag));
  BOOST_TEST(e->digests.at("sm3") == gk::digest_hex(gk::DigestAlgorithm::sm3, tag));
  BOOST_TEST(e->detail.at("bag") == "bag");
  BOOST_TEST(e->detail.at("year") == "2023");
  BOOST_TEST(e->detail.at("items") == std::to_string(x.sum.items));
  BOOST_TEST(e->detail.at("tree-head-size") == "10");
  BOOST_REQUIRE(log->latest_head().has_value());
  BOOST_TEST(log->latest_head()->size == 11u);  // signed: nothing left unprotected
  auto v = gk::verify::verify_archive(x.a.root);
  BOOST_REQUIRE(v.is_ok());
  BOOST_TEST(v->problems.empty(), (v->problems.empty() ? "" : v->problems[0].str()));
}

// An export of a large archive copies for minutes, and clerks publish meanwhile. It selects its
// versions under the store's write lock, then lets go of that and of the log: a write during the
// copying commits and logs at once (the export's shared log lock used to hold its entry back
// and, after 10 s, fail it with the version committed but not logged), and the bag is the archive
// as of its tree head: the new version is neither exported nor reported as unlogged.
BOOST_AUTO_TEST_CASE(writers_go_on_during_an_export) {
  Exported x(/*history=*/true, 3);
  fs::remove_all(x.bag);
  const std::string id = "11519900008452170L/2023-00100";
  std::string record;
  {
    auto st = gk::ocfl::Store::open(x.a.root, {.durable = false});
    BOOST_REQUIRE(st.is_ok());
    record = *st->read_file(id, "", "record.xml");
  }
  std::string written, failure;
  bool lock_free = false;
  double seconds = -1;
  pk::ExportOptions o;
  o.root = x.a.root;
  o.out = x.bag;
  o.year = "2023";
  o.fonds = "Z109";
  o.history = true;
  o.bagging_date = "2024-01-15";
  // While it selects, the write lock holds writers back, but not the log's other appends
  // (another export's entry, verify's): they wait 10 s, and selecting a large archive takes longer.
  bool writers_held = false, log_free = false;
  o.test_hook = [&](const char* point) {
    if (std::string(point) != "selected") return;
    writers_held = !gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(x.a.root), false, false).is_ok();
    auto t0 = std::chrono::steady_clock::now();
    log_free = gk::audit::AuditLog::open(gk::audit::audit_dir(x.a.root)).is_ok() &&
               std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5);
  };
  o.progress = [&](size_t done, size_t) {
    if (done != 1) return;
    lock_free = gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(x.a.root), true, false).is_ok();
    if (!lock_free) return;  // the write below would wait for this export for ever
    auto t0 = std::chrono::steady_clock::now();
    try {
      written = x.a.add(id, {record, fake_pdf("更正", 1, 3000, 77), "修改"});
    } catch (const std::exception& e) {
      failure = e.what();
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  auto r = pk::export_bag(o);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(writers_held);
  BOOST_TEST(log_free);
  BOOST_TEST(lock_free);
  BOOST_TEST(failure == "");
  BOOST_TEST(written == "v3");
  BOOST_TEST(seconds < 5.0);
  BOOST_TEST(r->versions == 6u);  // v1 and v2 of three disclosures: not the v3 written meanwhile
  BOOST_TEST(r->failed_rules.empty(), joined(r->failed_rules));
  BOOST_TEST(!fs::exists(x.doc(kY1) + "/v3"));
  BOOST_TEST(joined(x.check()) == "");
  // The log holds the version, then the export; the archive verifies.
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(x.a.root), {.read_only = true});
  BOOST_REQUIRE(log.is_ok());
  BOOST_REQUIRE(log->size() == 9u);  // 6 versions, the export of the fixture, v3, this export
  BOOST_TEST(log->entry(7)->version == "v3");
  BOOST_TEST(log->entry(8)->action == "export");
  auto v = gk::verify::verify_archive(x.a.root);
  BOOST_REQUIRE(v.is_ok());
  BOOST_TEST(v->problems.empty(), (v->problems.empty() ? "" : v->problems[0].str()));
}

// keygen running between the export's look for a key (none) and its selection: the export would
// append its entry unsigned after the new key's signed head, and every signed writer would then
// refuse. It refuses instead, under the write lock keygen also takes, before writing anything.
BOOST_AUTO_TEST_CASE(export_refuses_after_a_concurrent_keygen) {
  Exported x(false, 2);
  fs::remove_all(x.bag);
  std::string config = slurp(x.a.config_path);
  fs::remove(x.a.config_path);
  auto log_before = slurp(gk::audit::audit_dir(x.a.root) + "/log.jsonl");
  pk::ExportOptions o;
  o.root = x.a.root;
  o.out = x.bag;
  o.year = "2023";
  o.fonds = "Z109";
  o.test_hook = [&](const char* point) {
    if (std::string(point) == "key-loaded") spit(x.a.config_path, config);  // keygen lands here
  };
  auto r = pk::export_bag(o);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().str() == x.a.root + ": a signing key was made for this archive after this command started; nothing "
                                           "was written: run it again");
  BOOST_TEST(!fs::exists(x.bag));
  BOOST_TEST(slurp(gk::audit::audit_dir(x.a.root) + "/log.jsonl") == log_before);
  o.test_hook = nullptr;
  auto again = pk::export_bag(o);  // run again: it finds the key
  BOOST_REQUIRE_MESSAGE(again.is_ok(), why(again));
  BOOST_TEST(again->sealed);
}

// A configured key that cannot be loaded stops the export before anything is written; without
// any key the entry is still appended, unsigned (as every other write does).
BOOST_AUTO_TEST_CASE(export_signing_key_handling) {
  Archive a;
  a.populate(2);
  pk::ExportOptions o;
  o.root = a.root;
  o.out = a.tmp / "bag";
  o.year = "2023";
  o.fonds = "Z109";
  o.signing_key = a.tmp / "no-such-key.pem";
  BOOST_TEST(why(pk::export_bag(o)).find("cannot load the signing key named by --signing-key") != std::string::npos, why(pk::export_bag(o)));
  BOOST_TEST(!fs::exists(o.out));
  auto size = [&] { return gk::audit::AuditLog::open(gk::audit::audit_dir(a.root), {.read_only = true})->size(); };
  BOOST_TEST(size() == 4u);
  o.signing_key.clear();
  fs::remove(a.config_path);
  auto r = pk::export_bag(o);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(size() == 5u);
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root), {.read_only = true});
  BOOST_TEST(log->latest_head()->size == 4u);  // the export's entry is not signed: no key
}

// An object whose record cannot be read may be a disclosure of the year: the export stops and
// names it (it was skipped, and the bag was silently incomplete).
BOOST_AUTO_TEST_CASE(an_unreadable_record_stops_the_export) {
  Archive a;
  a.populate(2);
  std::string id = "11519900008452170L/2023-00101";
  std::string file = a.object_dir(id) + "/v1/content/record.xml";
  BOOST_REQUIRE(fs::exists(file));
  fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
  spit(file, slurp(file) + " ");
  auto o = options_2023(a, a.tmp / "bag");
  auto r = pk::export_bag(o);
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(why(r).rfind("object '" + id + "': its record cannot be read (", 0) == 0, why(r));
  BOOST_TEST(why(r).find("), so whether it is a disclosure of 2023 is unknown; nothing was written. `gongkai archive verify " +
                         a.root + "` names the damage") != std::string::npos,
             why(r));
  BOOST_TEST(!fs::exists(o.out));
}

// A version deleted from the store, its older inventory put back (a withdrawal undone), or a
// whole object deleted: the log still names them, so SEC-01 fails. The export passed every rule.
BOOST_AUTO_TEST_CASE(a_version_or_object_deleted_from_the_store_fails_sec_01) {
  for (bool whole : {false, true}) {
    Archive a;
    a.populate(2);
    std::string id = "11519900008452170L/2023-00101";
    std::string dir = a.object_dir(id);
    if (whole) {
      fs::remove_all(dir);
    } else {
      fs::remove_all(dir + "/v2");
      for (std::string f : {"inventory.json", "inventory.json.sha512"}) {
        fs::remove(dir + "/" + f);
        fs::copy_file(dir + "/v1/" + f, dir + "/" + f);
      }
    }
    auto o = options_2023(a, a.tmp / "bag");
    auto r = pk::export_bag(o);
    BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
    BOOST_TEST(joined(r->failed_rules) == (whole ? "SEC-01 (2)\n" : "SEC-01 (1)\n"));
    std::string report = slurp(o.out + "/data/四性检测报告.json");
    BOOST_TEST(report.find("\"item\": \"" + id + " v2\",") != std::string::npos, report);
    BOOST_TEST(report.find(") names a version the store does not have: deleted or rolled back\"") != std::string::npos, report);
  }
}

// Entries after the last signed head (a crash between an append and its signature, or heads
// removed): a signing export could not log itself, and wrote its bag first ("the bag is complete,
// but the export could not be logged … nothing was written", the bag left behind). Now it
// refuses before writing.
BOOST_AUTO_TEST_CASE(a_log_that_cannot_take_the_entry_stops_the_export_first) {
  Archive a;
  a.populate(2);
  auto e = Archive::entry("11519900008452170L/2023-00100", "v3", {"x", "", "修改"});
  a.append(e, /*sign=*/false);
  auto o = options_2023(a, a.tmp / "bag");
  auto r = pk::export_bag(o);
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(why(r).rfind("the audit log has 1 entry after its last signed head (seq 4), left by a crash", 0) == 0u, why(r));
  BOOST_TEST(why(r).find("nothing was written") != std::string::npos, why(r));
  for (auto& f : fs::directory_iterator(a.tmp.path)) BOOST_TEST(f.path().filename().string().rfind("bag", 0) != 0u, f.path());
}

// An export killed midway leaves its work directory <out>.tmp-TOKEN and lock file: the next export
// to the same place removes them once no export holds the lock, and says so. The work directory
// of a running export (lock held), or one without a lock file, is left alone.
BOOST_AUTO_TEST_CASE(work_directories_of_interrupted_exports_are_removed) {
  Archive a;
  a.populate(1);
  std::string out = a.tmp / "bag";
  for (std::string t : {"dead", "running", "nolock"}) {
    fs::create_directories(out + ".tmp-" + t + "/data");
    spit(out + ".tmp-" + t + "/data/record.xml", "<x/>");
    if (t != "nolock") spit(out + ".tmp-" + t + ".lock", "");
  }
  auto running = gk::ocfl::fsx::FileLock::acquire(out + ".tmp-running.lock", true, false);
  BOOST_REQUIRE(running.is_ok());
  auto r = pk::export_bag(options_2023(a, out));
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(joined(r->removed) == out + ".tmp-dead\n");
  BOOST_TEST(!fs::exists(out + ".tmp-dead"));
  BOOST_TEST(!fs::exists(out + ".tmp-dead.lock"));
  BOOST_TEST(fs::exists(out + ".tmp-running/data/record.xml"));
  BOOST_TEST(fs::exists(out + ".tmp-nolock/data/record.xml"));
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(a.tmp.path)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  BOOST_TEST(joined(names) == "archive\nbag\nbag.tmp-nolock\nbag.tmp-running\nbag.tmp-running.lock\nsigner.key\n");
  // A successful export removes no ".lock" of the working directory (its clean-up removed the
  // relative path ".lock"), and creates missing parents of --out.
  const auto cwd = fs::current_path();
  fs::current_path(a.tmp.path);
  spit(".lock", "another tool's");
  auto deep = pk::export_bag(options_2023(a, a.tmp / "new/sub/bag"));
  BOOST_TEST(fs::exists(".lock"));
  fs::current_path(cwd);
  BOOST_REQUIRE_MESSAGE(deep.is_ok(), why(deep));
  BOOST_TEST(fs::exists(a.tmp / "new/sub/bag/bagit.txt"));
}

BOOST_AUTO_TEST_CASE(export_refusals) {
  Archive a;
  a.populate(1);
  pk::ExportOptions o;
  o.root = a.root;
  o.out = a.tmp / "bag";
  o.year = "2023";
  BOOST_TEST(why(pk::export_bag(o)) == "no 全宗号: pass --fonds or set \"fonds\" in extensions/gongkai-package/config.json");
  o.fonds = "z-1";
  BOOST_TEST(why(pk::export_bag(o)) == "全宗号 'z-1' is not 1-4 characters of 0-9 and A-Z");
  o.fonds = "Z109";
  o.year = "2022";
  BOOST_TEST(why(pk::export_bag(o)) == "nothing to export: no disclosure of 2022 matches");
  o.year = "23";
  BOOST_TEST(why(pk::export_bag(o)) == "--year must be four digits, not '23'");
  o.year = "2023";
  fs::create_directories(o.out);
  BOOST_TEST(why(pk::export_bag(o)) == o.out + ": already exists; an export never overwrites");
  {
    pk::ExportOptions inside = o;
    inside.out = a.root + "/bag";
    BOOST_TEST(why(pk::export_bag(inside)) ==
               inside.out + ": is inside the storage root; a bag goes outside it (the root holds only OCFL content)");
    BOOST_TEST(!fs::exists(inside.out));
  }
  // The fonds from the archive's config.
  fs::remove(o.out);
  o.fonds.clear();
  fs::create_directories(a.root + "/extensions/gongkai-package");
  spit(a.root + "/extensions/gongkai-package/config.json",
       "{\"fonds\": \"A01\", \"fonds-name\": \"青川市人民政府\", \"labels\": {\"Contact-Email\": \"da@example.gov.cn\"}}");
  auto r = pk::export_bag(o);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(r->first == "A01-WS\u00b72023-Y-0001");
  BOOST_TEST(slurp(o.out + "/bag-info.txt").find("Contact-Email: da@example.gov.cn\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failed_rules_are_reported_not_hidden) {
  Archive a;
  std::string rec = make_record("11519900008452170L/2023-09999", "不合规的文件", "2023-05-05", "永久");
  a.add("11519900008452170L/2023-09999", {rec, fake_pdf("别的题名", 1, 100, 1, /*pdfa=*/false), "发布"});
  auto o = options_2023(a, a.tmp / "bag");
  auto r = pk::export_bag(o);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(joined(r->failed_rules) == "AUTH-05 (1)\nUSAB-02 (1)\n");
  std::string report = slurp(o.out + "/data/四性检测报告.json");
  BOOST_TEST(report.find("\"item\": \"" + kY1 + "\",") != std::string::npos, report);
  BOOST_TEST(report.find("\"reason\": \"XMP does not declare pdfaid:part 1, conformance B\"") != std::string::npos, report);
  BOOST_TEST(slurp(o.out + "/bag-info.txt").find("X-四性检测结果: 未通过（2项）\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_bags_are_named) {
  Exported x(false, 2);
  std::string pdf = x.doc(kY1) + "/document.pdf", orig = slurp(pdf);
  std::string rel_pdf = "data/documents/" + kY1 + "/document.pdf";

  spit(pdf, orig.substr(0, 50) + "X" + orig.substr(51));
  auto p = x.check();
  BOOST_TEST(has(p, rel_pdf + ": sha512 differs from manifest-sha512.txt"), joined(p));
  BOOST_TEST(has(p, rel_pdf + ": sha512 differs from the digest the log entry recorded (log entry 1: "
                        "11519900008452170L/2023-00100 v2)"), joined(p));
  // Consistent at the bag level (manifests rewritten): the statement and the log still catch it.
  x.reseal();
  p = x.check();
  BOOST_TEST(joined(p) == "manifest-sha512.txt: not the one the export signed (bag-signature.txt); edited and re-sealed "
                          "after export\n" +
                              rel_pdf + ": sha512 differs from the digest the log entry recorded (log entry 1: "
                                        "11519900008452170L/2023-00100 v2)\n");
  spit(pdf, orig);
  x.reseal();
  BOOST_TEST(joined(x.check()) == "");

  fs::rename(pdf, x.a.tmp / "away.pdf");
  p = x.check();
  BOOST_TEST(has(p, rel_pdf + ": missing payload file (listed in manifest-sha512.txt)"), joined(p));
  fs::rename(x.a.tmp / "away.pdf", pdf);

  spit(x.bag + "/data/extra.txt", "x");
  p = x.check();
  BOOST_TEST(has(p, "data/extra.txt: extra payload file (not in manifest-sha512.txt)"), joined(p));
  fs::remove(x.bag + "/data/extra.txt");
  BOOST_TEST(joined(x.check()) == "");
  // Beside the payload too: a tag file no tag manifest pins (a forged note to the inspector).
  spit(x.bag + "/检查说明.txt", "all checked");
  p = x.check();
  BOOST_TEST(joined(p) == "检查说明.txt: extra tag file (not in tagmanifest-sha512.txt)\n");
  fs::remove(x.bag + "/检查说明.txt");
  BOOST_TEST(joined(x.check()) == "");

  std::string info = slurp(x.bag + "/bag-info.txt");
  size_t at = info.find("Payload-Oxum: ") + 14;
  std::string bad = info;
  bad.insert(at, "1");
  spit(x.bag + "/bag-info.txt", bad);
  p = x.check();
  BOOST_TEST(has(p, "bag-info.txt: sha512 differs from tagmanifest-sha512.txt"), joined(p));
  std::string oxum = info.substr(at, info.find('\n', at) - at);
  BOOST_TEST(has(p, "bag-info.txt: wrong Payload-Oxum: 1" + oxum + ", the payload is " + oxum), joined(p));
  spit(x.bag + "/bag-info.txt", info);

  std::string manifest = slurp(x.bag + "/manifest-sha512.txt");
  spit(x.bag + "/manifest-sha512.txt", manifest + std::string(128, 'a') + "  data/../bagit.txt\n");
  p = x.check();
  int line = static_cast<int>(std::count(manifest.begin(), manifest.end(), '\n')) + 1;
  BOOST_TEST(has(p, "manifest-sha512.txt:" + std::to_string(line) + ": path outside data/: data/../bagit.txt"), joined(p));
  spit(x.bag + "/manifest-sha512.txt", manifest + std::string(128, 'a') + "  bagit.txt\n");
  p = x.check();
  BOOST_TEST(has(p, "manifest-sha512.txt:" + std::to_string(line) + ": path outside data/: bagit.txt"), joined(p));
  spit(x.bag + "/manifest-sha512.txt", manifest);
  BOOST_TEST(joined(x.check()) == "");
}

BOOST_AUTO_TEST_CASE(bad_heads_proofs_and_keys_are_named) {
  Exported x(false, 2);
  std::string head = x.bag + "/data/audit/tree-head.txt", orig = slurp(head);
  std::string bad = orig;
  bad.replace(bad.find("size ") + 5, 1, "9");
  spit(head, bad);
  x.reseal();
  auto p = x.check();
  BOOST_TEST(joined(p).find("data/audit/tree-head.txt: signature does not verify with") != std::string::npos, joined(p));
  spit(head, orig);
  x.reseal();

  TempDir other;
  auto k = gk::audit::generate_keypair(other / "k", other / "k.pub");
  p = x.check({*k});
  BOOST_TEST(joined(p).find("data/audit/tree-head.txt: signed by another key") != std::string::npos, joined(p));

  std::string proof = x.doc(kY1) + "/inclusion-proof.txt", po = slurp(proof);
  std::string bp = po;
  size_t h = bp.find("\nhash ") + 6;
  bp[h] = bp[h] == '0' ? '1' : '0';
  spit(proof, bp);
  x.reseal();
  p = x.check();
  BOOST_TEST(joined(p).find("data/documents/" + kY1 + "/inclusion-proof.txt") != std::string::npos, joined(p));
  BOOST_TEST(p.size() == 2u, joined(p));  // and the manifest the statement names
  spit(proof, po);
  fs::remove(proof);
  x.reseal();
  p = x.check();
  BOOST_TEST(has(p, "data/documents/" + kY1 + ": no inclusion-proof.txt: nothing ties these files to the audit log"), joined(p));
  BOOST_TEST(p.size() == 3u, joined(p));  // and the manifest and bag-info (Payload-Oxum) the statement names
}

// --category takes a 体裁 or a 主题分类 and what is filed below it, by whole classes: `综` and
// `综合政务\政` matched `综合政务\政务公开` as string prefixes. An empty option value is a usage
// error: `--category ''` exported everything.
BOOST_AUTO_TEST_CASE(category_filter_matches_whole_classes) {
  Archive a;
  a.populate(2);  // every record: 体裁 公告, 主题分类 综合政务\政务公开
  auto count = [&](const std::string& category) -> std::string {
    auto o = options_2023(a, a.tmp / ("bag-" + std::to_string(std::hash<std::string>{}(category))));
    o.category = category;
    auto r = pk::export_bag(o);
    return r ? std::to_string(r->items) : why(r);
  };
  BOOST_TEST(count("综合政务") == "2");
  BOOST_TEST(count("综合政务\\政务公开") == "2");
  BOOST_TEST(count("公告") == "2");
  BOOST_TEST(count("综") == "nothing to export: no disclosure of 2023 matches");
  BOOST_TEST(count("综合政务\\政") == "nothing to export: no disclosure of 2023 matches");
  BOOST_TEST(count("公") == "nothing to export: no disclosure of 2023 matches");
  for (std::string opt : {"--category", "--issuer", "--out"}) {
    std::string out = a.tmp / "empty.txt", bag = a.tmp / "bag-empty";
    std::string args = opt == "--out" ? " --out ''" : " --out " + bag + " " + opt + " ''";
    int st = std::system((std::string(GK_BINARY) + " archive export " + a.root + " --year 2023 --fonds Z109" + args + " > " + out +
                          " 2>&1").c_str());
    BOOST_TEST(WEXITSTATUS(st) == 2, opt);
    BOOST_TEST(slurp(out) == "gongkai: " + opt + " needs a value, not an empty one\n");
    BOOST_TEST(!fs::exists(bag));
  }
}

// A part of the year (--issuer, --category) keeps the 档号 of the whole year's bag, and says it is
// a part: 档号 were numbered within the part, so one 档号 named different documents in two bags
// of the same year, and a part read as the whole year.
BOOST_AUTO_TEST_CASE(a_part_of_the_year_keeps_the_years_danghao_and_says_so) {
  Archive a;
  const char* issuers[] = {"青川市人民政府", "青川市交通运输局", "青川市人民政府", "青川市交通运输局"};
  for (int i = 0; i < 4; ++i) {
    std::string id = "11519900008452170L/2023-0020" + std::to_string(i);
    a.add(id, {make_record(id, "第" + std::to_string(i) + "号公告", "2023-0" + std::to_string(i + 1) + "-10", "永久", issuers[i]),
               fake_pdf("第" + std::to_string(i) + "号公告", 1, 100, i), "发布"});
  }
  auto danghao_of = [](const std::string& bag) {
    std::map<std::string, std::string> m;  // 题名 -> 档号, from the 目录
    std::string csv = slurp(bag + "/data/归档文件目录.csv");
    for (size_t at = csv.find("\r\n") + 2; at < csv.size(); at = csv.find("\r\n", at) + 2) {
      std::string row = csv.substr(at, csv.find("\r\n", at) - at);
      std::vector<std::string> f;
      for (size_t p = 0, q; p <= row.size(); p = q + 1) {
        q = row.find(',', p);
        if (q == std::string::npos) q = row.size();
        f.push_back(row.substr(p, q - p));
      }
      m[f[4]] = f[1];
    }
    return m;
  };
  auto whole = options_2023(a, a.tmp / "whole");
  BOOST_REQUIRE(pk::export_bag(whole).is_ok());
  auto part = options_2023(a, a.tmp / "part");
  part.issuer = "青川市交通运输局";
  auto r = pk::export_bag(part);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(r->items == 2u);
  auto w = danghao_of(whole.out), p = danghao_of(part.out);
  BOOST_REQUIRE(p.size() == 2u);
  for (auto& [title, dh] : p) BOOST_TEST(dh == w[title], title);
  BOOST_TEST(p["第1号公告"] == "Z109-WS\u00b72023-Y-0002");
  std::string info = slurp(part.out + "/bag-info.txt");
  BOOST_TEST(info.find("X-选取范围: 发布机构 青川市交通运输局\n") != std::string::npos, info);
  BOOST_TEST(info.find("2023年度政府信息公开文件归档移交包（部分：发布机构 青川市交通运输局）") != std::string::npos, info);
  BOOST_TEST(slurp(whole.out + "/bag-info.txt").find("X-选取范围: 全年\n") != std::string::npos);
  BOOST_TEST(joined(pk::verify_package(part.out)->problems) == "");
}

BOOST_AUTO_TEST_CASE(cli_round_trip) {
  Archive a;
  a.populate(2);
  std::string g = GK_BINARY, bag = a.tmp / "bag";
  std::string cmd = g + " archive export " + a.root + " --year 2023 --fonds Z109 --out " + bag + " > " + a.tmp / "out.txt";
  BOOST_TEST(std::system(cmd.c_str()) == 0, slurp(a.tmp / "out.txt"));
  BOOST_TEST(slurp(a.tmp / "out.txt").find("四性检测: all rules pass\n") != std::string::npos);
  cmd = g + " package verify " + bag + " --key " + a.pub_path + " > " + a.tmp / "out.txt";
  BOOST_TEST(std::system(cmd.c_str()) == 0, slurp(a.tmp / "out.txt"));
  BOOST_TEST(slurp(a.tmp / "out.txt").rfind("verified: 2 document(s), 2 inclusion proof(s), 2 PDF(s) matching the log, key ", 0) == 0u);
  spit(bag + "/data/extra.txt", "x");
  BOOST_TEST(WEXITSTATUS(std::system(cmd.c_str())) == 1);
  std::string out = slurp(a.tmp / "out.txt");
  BOOST_TEST(out.rfind("data/extra.txt: extra payload file (not in manifest-sha512.txt)\nbag-info.txt: wrong Payload-Oxum: ", 0) == 0u, out);
  BOOST_TEST(out.find("\nFAILED: 2 document(s), 2 inclusion proof(s), 2 PDF(s) matching the log, key ") != std::string::npos, out);
}

// What package verify says about bags it cannot fully vouch for: a changed PDF is not counted as
// "matching the log" (it was); a bag whose own 四性检测 failed says so beside "verified"; a bag
// without its public key names the file; an empty directory or a file is "not a bag".
BOOST_AUTO_TEST_CASE(cli_verify_reports_what_it_found) {
  Archive a;
  a.populate(2);
  std::string g = GK_BINARY, bag = a.tmp / "bag", out = a.tmp / "out.txt";
  BOOST_REQUIRE(std::system((g + " archive export " + a.root + " --year 2023 --fonds Z109 --out " + bag + " > " + out).c_str()) == 0);
  auto verify = [&](const std::string& dir, const std::string& opts = "") {
    int st = std::system((g + " package verify " + dir + opts + " > " + out + " 2>&1").c_str());
    return std::pair{WEXITSTATUS(st), slurp(out)};
  };
  std::string pdf = bag + "/data/documents/" + kY1 + "/document.pdf", orig = slurp(pdf);
  spit(pdf, orig.substr(0, 40) + (orig[40] == 'x' ? "y" : "x") + orig.substr(41));
  auto [c1, o1] = verify(bag, " --key " + a.pub_path);
  BOOST_TEST(c1 == 1);
  BOOST_TEST(o1.find("\nFAILED: 2 document(s), 2 inclusion proof(s), 1 PDF(s) matching the log, key ") != std::string::npos, o1);
  spit(pdf, orig);
  fs::remove(bag + "/data/audit/public-key.pem");
  auto [c2, o2] = verify(bag);
  BOOST_TEST(c2 == 1);
  BOOST_TEST(o2.rfind("gongkai: " + bag + ": no key to check the bag with: data/audit/public-key.pem in the bag cannot be used (", 0) == 0u,
             o2);
  BOOST_TEST(o2.find("); pass --key PUB, the archive's public key\n") != std::string::npos, o2);
  fs::create_directories(a.tmp / "empty");
  BOOST_TEST(verify(a.tmp / "empty").second == "gongkai: " + a.tmp / "empty" + ": not a bag: no bagit.txt and no data/ directory\n");
  BOOST_TEST(verify(a.root + "/0=ocfl_1.1").second == "gongkai: " + a.root + "/0=ocfl_1.1: not a bag: a bag is a directory, this is a file\n");

  Archive b;
  std::string rec = make_record("11519900008452170L/2023-09999", "不合规的文件", "2023-05-05", "永久");
  b.add("11519900008452170L/2023-09999", {rec, fake_pdf("别的题名", 1, 100, 1, /*pdfa=*/false), "发布"});
  std::string bag2 = b.tmp / "bag";
  std::system((g + " archive export " + b.root + " --year 2023 --fonds Z109 --out " + bag2 + " > " + out + " 2>&1").c_str());
  auto [c3, o3] = verify(bag2, " --key " + b.pub_path);
  BOOST_TEST(c3 == 0, o3);
  BOOST_TEST(o3.find("verified: 1 document(s)") == 0u, o3);
  BOOST_TEST(o3.find("\n四性检测 at export: 未通过（2项） (the failed rules are in data/四性检测报告.json)\n") != std::string::npos, o3);
}

// The private key for the export's own audit entry can be named on the command line.
BOOST_AUTO_TEST_CASE(cli_export_signing_key_option) {
  Archive a;
  a.populate(2);
  std::string g = GK_BINARY, bag = a.tmp / "bag", out = a.tmp / "out.txt";
  auto run = [&](const std::string& extra) {
    std::string cmd = "GONGKAI_KEY= " + g + " archive export " + a.root + " --year 2023 --fonds Z109 --out " + bag + extra +
                      " > " + out + " 2>&1";
    return WEXITSTATUS(std::system(cmd.c_str()));
  };
  auto log = [&] { return gk::audit::AuditLog::open(gk::audit::audit_dir(a.root), {.read_only = true}); };
  BOOST_TEST(run(" --signing-key " + a.tmp / "missing.pem") == 1);
  BOOST_TEST(slurp(out).find("cannot load the signing key named by --signing-key") != std::string::npos, slurp(out));
  BOOST_TEST(!fs::exists(bag));
  BOOST_TEST(log()->size() == 4u);
  fs::remove(a.config_path);  // now only the option names the key
  BOOST_TEST(run(" --signing-key " + a.key_path) == 0, slurp(out));
  BOOST_TEST(log()->size() == 5u);
  BOOST_TEST(log()->latest_head()->size == 5u);  // the export's entry is signed
}

BOOST_AUTO_TEST_SUITE_END()
