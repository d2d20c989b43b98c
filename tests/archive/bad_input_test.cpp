// Bad input: each case checks the exact message and that the storage root is unchanged (every
// file and its sha512, before and after; no transaction left behind).
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "archive/ingest/ingest.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/layout.h"
#include "archive_test_util.h"

using namespace archive_test;

namespace {

// A root holding v1 of the seed notice (record + PDF).
struct Archived {
  TempDir dir{"bad"};
  std::string root = dir / "root";
  std::string pdf = dir / "in/seed.pdf";
  std::map<std::string, std::string> before;
  Archived() {
    spit(pdf, fake_pdf("seed") + std::string(100000, 'x'));
    BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
    auto r = run_gk({"archive", "add", root, "--record", seed_record(), "--pdf", pdf, "--user", "李明"});
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
    before = snapshot(root);
  }
  void unchanged() const {
    BOOST_TEST((snapshot(root) == before));
    BOOST_TEST(!has_transactions(root));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_bad_input)

BOOST_AUTO_TEST_CASE(record_without_index_number_is_a_schema_error) {
  Archived a;
  std::string rec = variant(a.dir / "in/noid.xml", {{"    <index-no>11519900MB1A28365X/2022-00012</index-no>\n", ""}});
  auto r = run_gk({"archive", "add", a.root, "--record", rec, "--pdf", a.pdf});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + rec + ":6: element 'title' is not expected here; expected index-no\n", r.err);
  BOOST_TEST(r.out.empty());
  a.unchanged();
  auto blank = variant(a.dir / "in/blank.xml", {{"<index-no>11519900MB1A28365X/2022-00012</index-no>", "<index-no> </index-no>"}});
  auto b = run_gk({"archive", "add", a.root, "--record", blank});
  BOOST_TEST(b.code == 1);
  BOOST_TEST(b.err.rfind("gongkai: " + blank + ":6: ", 0) == 0, b.err);
  a.unchanged();
}

// A 主题分类 with an empty level made a nameless class in the 公开目录 tree, a full-width ＼ a
// second top class (records already archived are still read: record.xsd is unchanged).
BOOST_AUTO_TEST_CASE(a_subject_that_is_no_class_path_is_refused) {
  Archived a;
  const std::string form =
      " is not a 主题分类 (levels from the top separated by \\, none empty or with spaces at its ends: 综合政务\\政务公开)\n";
  for (std::string bad : {"\\综合政务", "综合政务\\\\政务公开", "综合政务\\", "综合政务＼政务公开", "综合政务\\\u3000政务公开"}) {
    std::string rec = variant(a.dir / "in/subject.xml", {{"<subject>综合政务\\政务公开</subject>", "<subject>" + bad + "</subject>"}});
    auto r = run_gk({"archive", "add", a.root, "--record", rec, "--pdf", a.pdf});
    BOOST_TEST(r.code == 1, bad);
    BOOST_TEST(r.err == "gongkai: " + rec + ":11: element 'subject': '" + bad + "'" + form, r.err);
    a.unchanged();
  }
}

BOOST_AUTO_TEST_CASE(index_number_of_another_document_is_refused) {
  Archived a;
  std::string other = variant(a.dir / "in/other-issuer.xml", {{"<issuer>青川市扶贫开发办公室</issuer>", "<issuer>青川市民政局</issuer>"}});
  auto r = run_gk({"archive", "add", a.root, "--record", other});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + other +
                          ": id collision: 索引号 11519900MB1A28365X/2022-00012 is already used by another document "
                          "(发布机构 青川市扶贫开发办公室, 成文日期 2022-03-12; this record: 青川市民政局, 2022-03-12); "
                          "if this record corrects those fields, add it with --status 修改\n",
             r.err);
  a.unchanged();
  std::string date = variant(a.dir / "in/other-date.xml", {{"<written-date>2022-03-12</written-date>", "<written-date>2021-11-02</written-date>"}});
  auto d = run_gk({"archive", "add", a.root, "--record", date});
  BOOST_TEST(d.code == 1);
  BOOST_TEST(d.err.find("this record: 青川市扶贫开发办公室, 2021-11-02)") != std::string::npos, d.err);
  a.unchanged();
  // Declared as a correction of those fields, it is a new version.
  auto c = run_gk({"archive", "add", a.root, "--record", other, "--status", "修改", "--message", "更正发布机构"});
  BOOST_TEST(c.code == 0, c.err);
  BOOST_TEST(c.out.find("v2 (修改)") != std::string::npos, c.out);
  // The rule compares with the FIRST version, so a later add like v1 is still the same document.
  auto first = run_gk({"archive", "add", a.root, "--record", seed_record()});
  BOOST_TEST(first.code == 0, first.err);
  // Other changes (title, body) are ordinary corrections.
  auto title = variant(a.dir / "in/title.xml", {{"的通知</title>", "的通知（更正）</title>"}});
  BOOST_TEST(run_gk({"archive", "add", a.root, "--record", title}).code == 0);
  // A first version cannot be a correction or a withdrawal.
  auto fresh = run_gk({"archive", "add", a.root, "--record", source("samples/notices/traffic-notice.xml"), "--status", "撤回"});
  BOOST_TEST(fresh.code == 1);
  BOOST_TEST(fresh.err.find("is not in the archive yet: its first version cannot be 撤回") != std::string::npos, fresh.err);
  auto bogus = run_gk({"archive", "add", a.root, "--record", seed_record(), "--status", "删除"});
  BOOST_TEST(bogus.err == "gongkai: unknown status '删除' (one of 发布, 修改, 废止, 失效, 撤回)\n", bogus.err);
}

BOOST_AUTO_TEST_CASE(ids_unsafe_in_paths_are_hashed) {
  Archived a;
  // 索引号 always contain '/': the object directory is the sha256 of the id, never the id.
  gk::ocfl::HashedNTupleLayout layout;
  std::string rel = layout.object_path(kSeedId);
  BOOST_TEST(fs::exists(a.root + "/" + rel + "/0=ocfl_object_1.1"));
  BOOST_TEST(rel.find_first_not_of("0123456789abcdef/") == std::string::npos, rel);
  for (auto& e : fs::recursive_directory_iterator(a.root)) {
    std::string name = e.path().filename().string();
    BOOST_TEST(name.find("2022-00012") == std::string::npos, e.path().string());
    BOOST_TEST(name.find("MB1A28365X") == std::string::npos, e.path().string());
  }
  for (std::string id : {"../../etc/passwd", "/", "..", "a\nb"}) {
    auto r = run_gk({"archive", "show", a.root, id});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("no object with id '" + id + "'") != std::string::npos, r.err);
  }
  a.unchanged();
}

BOOST_AUTO_TEST_CASE(missing_or_wrong_pdf_and_attachment) {
  Archived a;
  auto r = run_gk({"archive", "add", a.root, "--record", seed_record(), "--pdf", a.dir / "in/missing.pdf"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + (a.dir / "in/missing.pdf") + ": PDF file does not exist\n", r.err);
  a.unchanged();
  spit(a.dir / "in/text.pdf", "just text");
  auto t = run_gk({"archive", "add", a.root, "--record", seed_record(), "--pdf", a.dir / "in/text.pdf"});
  BOOST_TEST(t.err == "gongkai: " + (a.dir / "in/text.pdf") + ": not a PDF file (no %PDF- header)\n", t.err);
  auto d = run_gk({"archive", "add", a.root, "--record", seed_record(), "--pdf", a.dir / "in"});
  BOOST_TEST(d.err == "gongkai: " + (a.dir / "in") + ": PDF file is not a regular file\n", d.err);
  auto att = run_gk({"archive", "add", a.root, "--record", seed_record(), "--attach", a.dir / "in/nope.docx"});
  BOOST_TEST(att.err == "gongkai: " + (a.dir / "in/nope.docx") + ": attachment does not exist\n", att.err);
  auto missing_record = run_gk({"archive", "add", a.root, "--record", a.dir / "in/none.xml"});
  BOOST_TEST(missing_record.code == 1);
  a.unchanged();
}

// Until 2026-12-04 a batch left out what was not a regular file: "archived 1 of 1", exit 0.
BOOST_AUTO_TEST_CASE(a_broken_link_in_a_batch_is_a_failed_record_not_a_silent_gap) {
  Archived a;
  std::string dir = a.dir / "batch";
  variant(dir + "/ok.xml", {{"2022-00012</index-no>", "2022-00300</index-no>"}});
  std::filesystem::create_symlink("/nonexistent/x.xml", dir + "/lost.xml");
  auto r = run_gk({"archive", "add", a.root, "--records", dir, "--user", "李明"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + dir + "/lost.xml: cannot read: No such file or directory\n", r.err);
  BOOST_TEST(r.out.find("archived 1 of 2 records into ") == 0, r.out);
  // A FIFO would block the read forever (nobody writes to it): a failed record, not a hang.
  std::filesystem::remove(dir + "/lost.xml");
  BOOST_REQUIRE(::mkfifo((dir + "/pipe.xml").c_str(), 0600) == 0);
  auto f = run_gk({"archive", "add", a.root, "--records", dir, "--user", "李明"});
  BOOST_TEST(f.code == 1);
  BOOST_TEST(f.err == "gongkai: " + dir + "/pipe.xml: not a regular file (a FIFO, socket or device)\n", f.err);
  BOOST_TEST(f.out.find("archived 1 of 2 records into ") == 0, f.out);
}

BOOST_AUTO_TEST_CASE(roots_that_are_not_ocfl_or_newer) {
  TempDir t("roots");
  // An ordinary directory with files.
  spit(t / "plain/notes.txt", "hello");
  auto before = snapshot(t / "plain");
  auto r = run_gk({"archive", "add", t / "plain", "--record", seed_record()});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + (t / "plain") + ": not an OCFL storage root: no 0=ocfl_1.1 declaration\n", r.err);
  BOOST_TEST((snapshot(t / "plain") == before));
  auto i = run_gk({"archive", "init", t / "plain"});
  BOOST_TEST(i.err == "gongkai: " + (t / "plain") + ": directory is not empty and is not an OCFL storage root\n", i.err);
  BOOST_TEST((snapshot(t / "plain") == before));
  // Missing.
  auto m = run_gk({"archive", "list", t / "missing"});
  BOOST_TEST(m.err == "gongkai: " + (t / "missing") + ": not an OCFL storage root: no such directory\n", m.err);
  BOOST_TEST(!fs::exists(t / "missing"));
  // A root of a newer OCFL version: refused, untouched.
  BOOST_REQUIRE(run_gk({"archive", "init", t / "newer"}).code == 0);
  fs::rename(t / "newer/0=ocfl_1.1", t / "newer/0=ocfl_1.2");
  spit(t / "newer/0=ocfl_1.2", "ocfl_1.2\n");
  auto nb = snapshot(t / "newer");
  auto n = run_gk({"archive", "add", t / "newer", "--record", seed_record()});
  BOOST_TEST(n.code == 1);
  BOOST_TEST(n.err == "gongkai: " + (t / "newer") +
                          ": storage root declares OCFL 1.2, newer than OCFL 1.1 supported by this program; use a newer gongkai\n",
             n.err);
  BOOST_TEST((snapshot(t / "newer") == nb));
  BOOST_TEST(run_gk({"archive", "status", t / "newer", kSeedId, "--status", "撤回", "--message", "x"}).code == 1);
  BOOST_TEST(run_gk({"publish", t / "newer", "--template", source("templates/notice.xml"), "--record", seed_record()}).code == 1);
  BOOST_TEST(run_gk({"archive", "keygen", t / "newer"}).code == 1);
  BOOST_TEST((snapshot(t / "newer") == nb));
}

// Messages a black-box review found misleading: each names what is wrong, and values wrong
// whatever the archive holds are usage errors (exit 2) as search reports them.
BOOST_AUTO_TEST_CASE(messages_name_what_is_wrong) {
  Archived a;
  TempDir t("msgs");
  auto e = run_gk({"archive", "export", t / "missing", "--year", "2022", "--out", t / "bag"});
  BOOST_TEST(e.code == 1);
  BOOST_TEST(e.err == "gongkai: " + (t / "missing") + ": not an OCFL storage root: no such directory\n", e.err);
  auto y = run_gk({"archive", "export", a.root, "--year", "20x3", "--out", t / "bag"});
  BOOST_TEST(y.code == 2);
  BOOST_TEST(y.err == "gongkai: --year must be four digits, not '20x3'\n", y.err);
  auto f = run_gk({"archive", "export", a.root, "--year", "2022", "--fonds", "Z 109", "--out", t / "bag"});
  BOOST_TEST(f.code == 2);
  BOOST_TEST(f.err == "gongkai: 全宗号 'Z 109' is not 1-4 characters of 0-9 and A-Z\n", f.err);
  BOOST_TEST(!fs::exists(t / "bag"));
  auto v = run_gk({"archive", "verify", a.root, "extra"});
  BOOST_TEST(v.code == 2);
  BOOST_TEST(v.err.rfind("gongkai: unexpected argument 'extra'\n", 0) == 0u, v.err);
  auto r = run_gk({"archive", "reindex", a.root, "extra"});
  BOOST_TEST(r.err.rfind("gongkai: unexpected argument 'extra'\n", 0) == 0u, r.err);
  auto h = run_gk({"audit", "recover", a.root, "extra"});
  BOOST_TEST(h.err.rfind("gongkai: unexpected argument 'extra'\n", 0) == 0u, h.err);
  spit(t / "afile", "x");
  auto i = run_gk({"archive", "init", t / "afile"});
  BOOST_TEST(i.code == 1);
  BOOST_TEST(i.err == "gongkai: " + (t / "afile") + ": is a file, not a directory: a storage root is made in a new or empty directory\n",
             i.err);
  BOOST_TEST(slurp(t / "afile") == "x");
  a.unchanged();
  // The head's version directory removed: damage, not "not archived by gongkai?".
  auto st = gk::ocfl::Store::open(a.root);
  BOOST_REQUIRE(st);
  gk::ocfl::fsx::remove_tree(st->object_path(kSeedId) + "/v1");
  auto g = run_gk({"archive", "get", a.root, kSeedId, "--out", t / "got"});
  BOOST_TEST(g.code == 1);
  BOOST_TEST(g.err.rfind("gongkai: object '" + std::string(kSeedId) + "' head v1: metadata.json, listed in its inventory, cannot be read (", 0) ==
                 0u,
             g.err);
  BOOST_TEST(g.err.find("): the store is damaged; `gongkai archive verify " + a.root + "` names what is wrong\n") != std::string::npos, g.err);
  BOOST_TEST(!fs::exists(t / "got"));
  // archive list names it and lists the others (it stopped at the first such object).
  auto more = run_gk({"archive", "add", a.root, "--record", source("samples/notices/announcement.xml")});
  BOOST_REQUIRE_MESSAGE(more.code == 0, more.err);
  auto l = run_gk({"archive", "list", a.root});
  BOOST_TEST(l.code == 1);
  BOOST_TEST(l.err.find("gongkai: object '" + std::string(kSeedId) + "' head v1: metadata.json, listed in its inventory, cannot be read") !=
                 std::string::npos,
             l.err);
  BOOST_TEST(std::count(l.out.begin(), l.out.end(), '\n') == 1, l.out);  // the announcement
}

BOOST_AUTO_TEST_CASE(full_disk_leaves_the_store_unchanged) {
  Archived a;
  auto archive = gk::ingest::Archive::open(a.root);
  BOOST_REQUIRE(archive);
  std::string rec2 = variant(a.dir / "in/v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  spit(a.dir / "in/v2.pdf", fake_pdf("v2") + std::string(100000, 'y'));
  gk::ingest::AddRequest rq;
  rq.record_path = rec2;
  rq.pdf_path = a.dir / "in/v2.pdf";
  rq.user = {"李明", "mailto:li@example.gov.cn"};
  for (long long budget : {0LL, 1LL, 4096LL, 20000LL, 90000LL}) {
    gk::ocfl::fsx::set_write_budget_for_testing(budget);
    auto r = archive->add(rq);
    gk::ocfl::fsx::set_write_budget_for_testing(-1);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.rfind("no version was added: ", 0) == 0, r.error().str());
    BOOST_TEST(r.error().message.find("No space left on device") != std::string::npos, r.error().str());
    a.unchanged();
  }
  // A new object under a full disk: nothing of it appears either.
  gk::ocfl::fsx::set_write_budget_for_testing(100);
  rq.record_path = source("samples/notices/traffic-notice.xml");
  auto n = archive->add(rq);
  gk::ocfl::fsx::set_write_budget_for_testing(-1);
  BOOST_TEST(!n);
  a.unchanged();
  // Space again: the add goes through.
  rq.record_path = rec2;
  auto ok = archive->add(rq);
  BOOST_REQUIRE_MESSAGE(ok, err(ok));
  BOOST_TEST(ok->version == "v2");
  BOOST_TEST(run_gk({"archive", "validate", a.root}).code == 0);
}

BOOST_AUTO_TEST_CASE(configured_key_that_cannot_be_loaded_stops_the_write) {
  Archived a;
  BOOST_REQUIRE(run_gk({"archive", "keygen", a.root}).code == 0);
  std::string key = a.dir / "root.audit-key.pem";
  BOOST_REQUIRE(fs::exists(key));
  fs::rename(key, a.dir / "moved.pem");
  a.before = snapshot(a.root);
  std::string rec2 = variant(a.dir / "in/v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  auto r = run_gk({"archive", "add", a.root, "--record", rec2});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.rfind("gongkai: cannot load the signing key named by " + a.root + "/extensions/gongkai-signing/config.json: ", 0) == 0,
             r.err);
  a.unchanged();
  // The same key given explicitly works.
  auto ok = run_gk({"archive", "add", a.root, "--record", rec2, "--key", a.dir / "moved.pem"});
  BOOST_TEST(ok.code == 0, ok.err);
}

BOOST_AUTO_TEST_SUITE_END()
