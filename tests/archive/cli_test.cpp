// The archive commands end to end through the gongkai binary: round trips over several versions,
// dedup, status changes, list/log/show JSON, diff, get, batches, validate, usage and help.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <sstream>

#include "archive_test_util.h"

using namespace archive_test;

namespace {

// An empty storage root in t/root, and the three sample notices in t/recs with PDFs in t/pdfs.
std::string batch_root(const TempDir& t) {
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  fs::create_directories(t / "recs");
  for (auto name : {"announcement", "seed-notice", "traffic-notice"}) {
    fs::copy_file(source(std::string("samples/notices/") + name + ".xml"), t / ("recs/" + std::string(name) + ".xml"),
                  fs::copy_options::overwrite_existing);
    spit(t / ("pdfs/" + std::string(name) + ".pdf"), fake_pdf(name));
  }
  return root;
}

Poco::Dynamic::Var parse_json(const std::string& text) {
  Poco::JSON::Parser p;
  return p.parse(text);
}

// An archive with three versions of the seed notice: v1 record+pdf+attachment, v2 corrected
// record (same pdf, same attachment), v3 new pdf.
struct History {
  TempDir dir{"hist"};
  std::string root = dir / "root";
  std::string rec1 = seed_record(), rec2, pdf1, pdf2, att;
  History() {
    rec2 = variant(dir / "in/seed-v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
    pdf1 = dir / "in/v1.pdf";
    pdf2 = dir / "in/v2.pdf";
    att = dir / "in/附件 名单.xlsx";
    spit(pdf1, fake_pdf("one"));
    spit(pdf2, fake_pdf("two"));
    spit(att, std::string("PK\x03\x04\0\x01\xff", 7) + "binary");
    require(run_gk({"archive", "init", root}));
    require(run_gk({"archive", "add", root, "--record", rec1, "--pdf", pdf1, "--attach", att, "--user", "李明", "--address",
                "mailto:li@example.gov.cn", "--message", "首次发布"}));
    require(run_gk({"archive", "add", root, "--record", rec2, "--pdf", pdf1, "--attach", att, "--user", "王芳", "--address",
                "mailto:wang@example.gov.cn", "--message", "更正第二段"}));
    require(run_gk({"archive", "add", root, "--record", rec2, "--pdf", pdf2, "--attach", att, "--user", "王芳", "--address",
                "mailto:wang@example.gov.cn", "--message", "重新排版"}));
  }
  static void require(const Run& r) { BOOST_REQUIRE_MESSAGE(r.code == 0, r.err + r.out); }
};

// An archive of one record at t/ro/root in a directory others may enter, and how to run gongkai
// as someone who may not write there: as root permissions do not bind, so then as nobody, from a
// copy of the binary and schemas (nobody may not reach the checkout: mktemp -d is 0700).
struct ReadOnlyArchive {
  std::string root, bin = GK_BINARY, as;
  explicit ReadOnlyArchive(const TempDir& t) : root(t / "ro/root") {
    fs::permissions(t.path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                                fs::perms::others_exec);
    fs::create_directories(t / "ro");
    BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
    BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
    fs::remove(t / "ro/root.catalogue.sqlite.lock");
    if (::geteuid() == 0) {
      bin = t / "gongkai";
      fs::copy_file(GK_BINARY, bin);
      fs::create_directories(t / "data");
      fs::copy(std::string(GK_SOURCE_DIR) + "/schemas", t / "data/schemas", fs::copy_options::recursive);
      as = "GONGKAI_DATA=" + quote(t / "data") + " setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_cli)

BOOST_AUTO_TEST_CASE(round_trip_of_every_version_byte_for_byte) {
  History h;
  struct Want {
    std::string v, rec, pdf;
  } wants[] = {{"v1", h.rec1, h.pdf1}, {"v2", h.rec2, h.pdf1}, {"v3", h.rec2, h.pdf2}};
  for (auto& w : wants) {
    std::string out = h.dir / ("get-" + w.v);
    auto r = run_gk({"archive", "get", h.root, kSeedId, "--version", w.v, "--out", out});
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
    BOOST_TEST((slurp(out + "/record.xml") == slurp(w.rec)), w.v);
    BOOST_TEST((slurp(out + "/document.pdf") == slurp(w.pdf)), w.v);
    BOOST_TEST((slurp(out + "/attachments/附件 名单.xlsx") == slurp(h.att)), w.v);
    BOOST_TEST(fs::exists(out + "/metadata.json"));
    BOOST_TEST(std::distance(fs::recursive_directory_iterator(out), {}) == 5);  // 4 files + attachments/
  }
  // The head by default; an occupied output directory is refused.
  auto head = run_gk({"archive", "get", h.root, kSeedId, "--out", h.dir / "get-head"});
  BOOST_REQUIRE_MESSAGE(head.code == 0, head.err);
  BOOST_TEST(slurp(h.dir / "get-head/document.pdf") == slurp(h.pdf2));
  auto again = run_gk({"archive", "get", h.root, kSeedId, "--out", h.dir / "get-head"});
  BOOST_TEST(again.code == 1);
  BOOST_TEST(again.err.find("output directory exists and is not empty") != std::string::npos, again.err);
  auto v = run_gk({"archive", "validate", h.root});
  BOOST_TEST(v.code == 0, v.out + v.err);
  BOOST_TEST(v.out.find("valid: 1 object(s), 0 error(s)") != std::string::npos, v.out);
}

BOOST_AUTO_TEST_CASE(unchanged_pdf_is_not_stored_again) {
  History h;
  std::string obj;
  for (auto& e : fs::recursive_directory_iterator(h.root))
    if (e.path().filename() == "0=ocfl_object_1.1") obj = e.path().parent_path().string();
  BOOST_REQUIRE(!obj.empty());
  auto listing = [&](const std::string& v) {
    std::set<std::string> files;
    std::error_code ec;
    for (auto& e : fs::recursive_directory_iterator(obj + "/" + v + "/content", ec))
      if (e.is_regular_file()) files.insert(fs::relative(e.path(), obj + "/" + v + "/content").string());
    return files;
  };
  BOOST_TEST((listing("v1") == std::set<std::string>{"attachments/附件 名单.xlsx", "document.pdf", "metadata.json", "record.xml"}));
  BOOST_TEST((listing("v2") == std::set<std::string>{"metadata.json", "record.xml"}));  // same PDF, same attachment
  BOOST_TEST((listing("v3") == std::set<std::string>{"document.pdf", "metadata.json"}));
  // Adding exactly the head again adds nothing.
  auto r = run_gk({"archive", "add", h.root, "--record", h.rec2, "--pdf", h.pdf2, "--attach", h.att});
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(r.out.find("unchanged: " + std::string(kSeedId) + " is identical to its head version") != std::string::npos, r.out);
  BOOST_TEST(!fs::exists(obj + "/v4"));
}

// Reading commands never write to the archive, so a read-only copy can be read: with the staging
// area gone, list/log/show/get/diff/search work and leave the root as they found it.
BOOST_AUTO_TEST_CASE(reading_commands_write_nothing_into_the_root) {
  History h;
  fs::remove_all(h.root + "/extensions/gongkai-staging");
  TempDir out("readout");
  for (std::vector<std::string> cmd : {std::vector<std::string>{"archive", "list", h.root},
                                       {"archive", "log", h.root, kSeedId},
                                       {"archive", "show", h.root, kSeedId},
                                       {"archive", "diff", h.root, kSeedId, "v1", "v2"},
                                       {"archive", "get", h.root, kSeedId, "--out", out / "got"},
                                       {"search", h.root, "扶贫"}}) {
    auto r = run_gk(cmd);
    BOOST_TEST(r.code == 0, cmd[1] + ": " + r.err);
    BOOST_TEST(!fs::exists(h.root + "/extensions/gongkai-staging"), cmd[1]);
  }
}

// `archive init` places an empty catalogue beside a new root, so adds append to it (no scan of
// the store); the result is still exactly what a rebuild from the store gives.
BOOST_AUTO_TEST_CASE(init_creates_the_catalogue_and_adds_keep_it_equal_to_a_rebuild) {
  TempDir t("initcat");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_TEST(fs::exists(t / "root.catalogue.sqlite"));
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "status", root, kSeedId, "--status", "失效", "--message", "已失效"}).code == 0);
  auto chk = run_gk({"archive", "reindex", "--check", root});
  BOOST_TEST(chk.code == 0, chk.err);
  BOOST_TEST(chk.out.find("is current (2 versions)") != std::string::npos, chk.out);
  auto again = run_gk({"archive", "init", root});  // an existing root: the catalogue is left alone
  BOOST_TEST(again.code == 0);
  BOOST_TEST(run_gk({"archive", "reindex", "--check", root}).code == 0);
}

// An inspector checks a read-only copy: `reindex --check` rebuilds into the temp directory when
// the catalogue's directory is not writable (it failed: "cannot lock the catalogue: Permission
// denied"). As root, permissions do not bind, so the check then runs as nobody, from a copy of
// the binary that nobody can reach.
BOOST_AUTO_TEST_CASE(reindex_check_works_on_a_read_only_copy) {
  TempDir t("rocheck");
  ReadOnlyArchive a(t);
  const std::string &root = a.root, &bin = a.bin, &as = a.as;
  auto before = snapshot(t / "ro");
  fs::permissions(t / "ro", fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  std::string out = t / "check.out";
  int st = std::system(("NO_COLOR=1 " + as + quote(bin) + " archive reindex --check " + quote(root) + " >" + quote(out) + " 2>&1").c_str());
  fs::permissions(t / "ro", fs::perms::owner_write, fs::perm_options::add);
  BOOST_TEST(WIFEXITED(st));
  BOOST_TEST(WEXITSTATUS(st) == 0, slurp(out));
  BOOST_TEST(slurp(out) == "catalogue " + t / "ro/root.catalogue.sqlite" + " is current (1 version)\n");
  BOOST_TEST((snapshot(t / "ro") == before));
}

// An archive handed over on read-only media: its catalogue can only be built elsewhere. reindex
// opened the store for writing ("staging.lock: cannot open lock file: Read-only file system"),
// and a search that must rebuild advised exactly that reindex.
BOOST_AUTO_TEST_CASE(a_read_only_archive_is_indexed_into_a_catalogue_elsewhere) {
  TempDir t("roindex");
  ReadOnlyArchive a(t);
  const std::string &root = a.root, &bin = a.bin, &as = a.as;
  fs::remove(t / "ro/root.catalogue.sqlite");  // as if copied without it
  fs::create_directories(t / "rw");
  fs::permissions(t / "rw", fs::perms::all);
  // Not writable below ro/, for nobody (and for root, whose search is run as nobody too).
  for (const auto& e : fs::recursive_directory_iterator(t / "ro"))
    fs::permissions(e.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(t / "ro", fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  auto before = snapshot(t / "ro");
  auto run = [&](const std::string& args, const std::string& name) {
    std::string out = t / (name + ".out"), errf = t / (name + ".err");
    int st = std::system(("NO_COLOR=1 " + as + quote(bin) + " " + args + " >" + quote(out) + " 2>" + quote(errf)).c_str());
    return Run{WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(errf)};
  };
  auto failed = run("search " + quote(root) + " 扶贫", "search");
  BOOST_TEST(failed.code == 1);
  BOOST_TEST(failed.err.find("its directory is not writable: `gongkai archive reindex " + root +
                             " --catalogue FILE` builds one in a FILE that can be written, for searches with --catalogue FILE") !=
                 std::string::npos,
             failed.err);
  std::string cat = t / "rw/cat.sqlite";
  auto built = run("archive reindex " + quote(root) + " --catalogue " + quote(cat), "reindex");
  BOOST_TEST(built.code == 0, built.err);
  BOOST_TEST(built.out == "indexed 1 versions of 1 objects into " + cat + "\n");
  BOOST_TEST(built.err == "gongkai: note: the reindex was not logged (the storage root is not writable)\n");
  auto found = run("search " + quote(root) + " 扶贫 --catalogue " + quote(cat), "found");
  BOOST_TEST(found.code == 0, found.err);
  BOOST_TEST(found.out.find("共 1 条结果") != std::string::npos, found.out);
  // An export is logged in the archive: refused, saying why, and nothing is written.
  auto exported = run("archive export " + quote(root) + " --year 2022 --fonds X001 --out " + quote(t / "rw/bag"), "export");
  BOOST_TEST(exported.code == 1);
  BOOST_TEST(exported.err == "gongkai: " + root +
                                 ": is not writable: an export is logged in the archive's audit log, so it needs a writable "
                                 "archive (copy one on read-only media first; gongkai archive verify checks it where it is)\n");
  BOOST_TEST(!fs::exists(t / "rw/bag"));
  for (const auto& e : fs::recursive_directory_iterator(t / "ro"))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  fs::permissions(t / "ro", fs::perms::owner_write, fs::perm_options::add);
  BOOST_TEST((snapshot(t / "ro") == before));
}

BOOST_AUTO_TEST_CASE(status_changes_are_versions_without_new_content) {
  History h;
  // 发布 again before any withdrawal is refused: the new version would read as a second first
  // publication in the history; nothing is written.
  auto early = run_gk({"archive", "add", h.root, "--record", h.rec2, "--pdf", h.pdf2, "--attach", h.att, "--status", "发布"});
  BOOST_TEST(early.code == 1);
  BOOST_TEST(early.err == "gongkai: " + h.rec2 + ": 索引号 " + kSeedId +
                              " is already in the archive (v3, 修改): --status 发布 re-publishes a withdrawn (撤回) "
                              "document only; a new version of a published one is 修改 (the default)\n");
  BOOST_TEST(run_gk({"archive", "log", h.root, kSeedId}).out.find("v4") == std::string::npos);
  auto r = run_gk({"archive", "status", h.root, kSeedId, "--status", "撤回", "--message", "内容有误，撤回", "--user", "赵",
               "--address", "mailto:zhao@example.gov.cn"});
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
  BOOST_TEST(r.out.find("archived " + std::string(kSeedId) + " v4 (撤回): 1 file(s) stored, 3 already in the object") !=
                 std::string::npos,
             r.out);
  auto show = run_gk({"archive", "show", h.root, kSeedId, "--json"});
  auto m = parse_json(show.out).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(m->getValue<std::string>("status") == "撤回");
  BOOST_TEST(m->getValue<std::string>("version") == "v4");
  BOOST_TEST(m->getValue<std::string>("message") == "内容有误，撤回");
  // The withdrawn version still has the files of v3.
  auto g = run_gk({"archive", "get", h.root, kSeedId, "--out", h.dir / "withdrawn"});
  BOOST_TEST(slurp(h.dir / "withdrawn/document.pdf") == slurp(h.pdf2));
  BOOST_TEST(g.out.find("(撤回,") != std::string::npos, g.out);

  auto twice = run_gk({"archive", "status", h.root, kSeedId, "--status", "撤回", "--message", "again"});
  BOOST_TEST(twice.code == 1);
  BOOST_TEST(twice.err == "gongkai: object '" + std::string(kSeedId) + "' already has status 撤回 (v4)\n");
  auto bad = run_gk({"archive", "status", h.root, kSeedId, "--status", "作废", "--message", "x"});
  BOOST_TEST(bad.code == 2);  // a usage error, as search's --status
  BOOST_TEST(bad.err == "gongkai: a status change takes --status 废止, 失效, 撤回 or 修改, not '作废'\n");
  auto none = run_gk({"archive", "status", h.root, "11519900MB1A28365X/2099-00001", "--status", "废止", "--message", "x"});
  BOOST_TEST(none.code == 1);
  BOOST_TEST(none.err.find("no object with id '11519900MB1A28365X/2099-00001'") != std::string::npos, none.err);
  auto nomsg = run_gk({"archive", "status", h.root, kSeedId, "--status", "废止"});
  BOOST_TEST(nomsg.code == 2);
  // Names and messages are one line of text: `archive log` prints them one version per line.
  for (auto [args, err] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--message", ""}, "gongkai: --message must not be empty\n"},
           {{"--message", "x", "--user", ""}, "gongkai: --user must not be empty\n"},
           {{"--message", "a\x1b[2Jb"}, "gongkai: --message contains the control character U+001B (at byte 2)\n"},
           {{"--message", "x\nforged line"}, "gongkai: --message contains the control character U+000A (at byte 2)\n"},
           {{"--message", "x", "--user", "\xff"}, "gongkai: --user is not valid UTF-8 (byte 0xFF at byte 1)\n"}}) {
    std::vector<std::string> argv{"archive", "status", h.root, kSeedId, "--status", "废止"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r2 = run_gk(argv);
    BOOST_TEST(r2.code == 2, err);
    BOOST_TEST(r2.err == err);
  }
  // Re-publication after a withdrawal: the same files with an explicit status.
  auto rep = run_gk({"archive", "add", h.root, "--record", h.rec2, "--pdf", h.pdf2, "--attach", h.att, "--status", "发布"});
  BOOST_TEST(rep.code == 0, rep.err);
  BOOST_TEST(rep.out.find("v5 (发布): 1 file(s) stored") != std::string::npos, rep.out);
}

BOOST_AUTO_TEST_CASE(list_log_and_show_json) {
  History h;
  std::string traffic = source("samples/notices/traffic-notice.xml");
  BOOST_REQUIRE(run_gk({"archive", "add", h.root, "--record", traffic}).code == 0);
  auto list = run_gk({"archive", "list", h.root, "--json"});
  BOOST_REQUIRE_MESSAGE(list.code == 0, list.err);
  auto arr = parse_json(list.out).extract<Poco::JSON::Array::Ptr>();
  BOOST_REQUIRE(arr->size() == 2);
  bool found = false;
  for (size_t i = 0; i < arr->size(); ++i) {
    auto o = arr->getObject(static_cast<unsigned>(i));
    if (o->getValue<std::string>("id") != kSeedId) continue;
    found = true;
    BOOST_TEST(o->getValue<std::string>("head") == "v3");
    BOOST_TEST(o->getValue<std::string>("status") == "修改");
    BOOST_TEST(o->getValue<std::string>("title") == "青川市扶贫开发办公室关于印发《扶贫办创建政务公开活动方案》的通知");
    BOOST_TEST(o->getValue<std::string>("published-date") == "2022-03-15");
  }
  BOOST_TEST(found);

  auto log = run_gk({"archive", "log", h.root, kSeedId, "--json"});
  BOOST_REQUIRE_MESSAGE(log.code == 0, log.err);
  auto versions = parse_json(log.out).extract<Poco::JSON::Array::Ptr>();
  BOOST_REQUIRE(versions->size() == 3);
  const char* statuses[] = {"发布", "修改", "修改"};
  const char* messages[] = {"首次发布", "更正第二段", "重新排版"};
  const char* users[] = {"李明", "王芳", "王芳"};
  for (unsigned i = 0; i < 3; ++i) {
    auto v = versions->getObject(i);
    BOOST_TEST(v->getValue<std::string>("version") == std::string("v").append(std::to_string(i + 1)));
    BOOST_TEST(v->getValue<std::string>("status") == statuses[i]);
    BOOST_TEST(v->getValue<std::string>("message") == messages[i]);
    BOOST_TEST(v->getObject("user")->getValue<std::string>("name") == users[i]);
    BOOST_TEST(v->getValue<std::string>("created").size() >= 20);
  }
  auto text = run_gk({"archive", "log", h.root, kSeedId});
  BOOST_TEST(text.out.find("v2  ") == text.out.find('\n') + 1, text.out);
  BOOST_TEST(text.out.find("修改  王芳 <mailto:wang@example.gov.cn>  更正第二段") != std::string::npos, text.out);

  auto show = run_gk({"archive", "show", h.root, kSeedId, "--version", "v1", "--json"});
  BOOST_REQUIRE_MESSAGE(show.code == 0, show.err);
  auto m = parse_json(show.out).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(m->getValue<std::string>("format") == "gongkai-version-metadata/1");
  BOOST_TEST(m->getValue<std::string>("version") == "v1");
  BOOST_TEST(m->getValue<std::string>("status") == "发布");
  BOOST_TEST(m->getObject("user")->getValue<std::string>("address") == "mailto:li@example.gov.cn");
  auto cat = m->getObject("catalogue");
  BOOST_TEST(cat->getValue<std::string>("index-no") == kSeedId);
  BOOST_TEST(cat->getValue<std::string>("issuer") == "青川市扶贫开发办公室");
  BOOST_TEST(cat->getValue<std::string>("written-date") == "2022-03-12");
  BOOST_TEST(cat->getArray("keywords")->size() == 3);
  auto files = m->getObject("files");
  BOOST_TEST(files->getObject("record.xml")->getValue<std::string>("sha512") ==
             gk::digest_hex(gk::DigestAlgorithm::sha512, slurp(h.rec1)));
  BOOST_TEST(files->getObject("document.pdf")->getValue<std::string>("sm3") ==
             gk::digest_hex(gk::DigestAlgorithm::sm3, slurp(h.pdf1)));
  BOOST_TEST(files->has("attachments/附件 名单.xlsx"));
  BOOST_TEST(!files->has("metadata.json"));
  BOOST_TEST(m->isNull("template"));
  // Keys sorted, so equal metadata gives equal bytes.
  BOOST_TEST(show.out.find("\"catalogue\"") < show.out.find("\"files\""));
  auto plain = run_gk({"archive", "show", h.root, kSeedId});
  BOOST_TEST(plain.out.find("status: 修改\n") != std::string::npos, plain.out);
  // A version the object does not have: said once, plainly (it used to be wrapped in a
  // "no readable metadata.json … (not archived by gongkai?)" message repeating it).
  auto v9 = run_gk({"archive", "show", h.root, kSeedId, "--version", "v9"});
  BOOST_TEST(v9.code == 1);
  BOOST_TEST(v9.err == "gongkai: " + h.root + ": object '" + kSeedId + "' has no version v9\n");
  // A flag given a value is a usage error saying so, not "unknown option".
  auto flag = run_gk({"archive", "list", h.root, "--json=1"});
  BOOST_TEST(flag.code == 2);
  BOOST_TEST(flag.err.rfind("gongkai: option --json takes no value (--json=1)\n", 0) == 0, flag.err);
}

BOOST_AUTO_TEST_CASE(diff_shows_fields_and_body_lines) {
  History h;
  auto d = run_gk({"archive", "diff", h.root, kSeedId, "v1", "v2"});
  BOOST_REQUIRE_MESSAGE(d.code == 0, d.err);
  BOOST_TEST(d.out.find("  status: 发布 → 修改\n") != std::string::npos, d.out);
  BOOST_TEST(d.out.find("  record.xml: sha512 ") != std::string::npos, d.out);
  BOOST_TEST(d.out.find("document.pdf:") == std::string::npos, d.out);  // unchanged
  BOOST_TEST(d.out.find("- 执行中遇到的问题，请及时向办政务公开领导小组办公室反映。\n+ 执行过程中遇到的问题，请及时向办政务公开领导小组办公室反映。\n") !=
                 std::string::npos,
             d.out);
  BOOST_TEST(d.out.find("unchanged line(s)") != std::string::npos, d.out);
  BOOST_TEST(d.out.find("\033[") == std::string::npos);  // NO_COLOR, and not a terminal
  auto same = run_gk({"archive", "diff", h.root, kSeedId, "v2", "v3"});
  BOOST_TEST(same.out.find("body text (v2 → v3):\n  (unchanged)\n") != std::string::npos, same.out);
  BOOST_TEST(same.out.find("  document.pdf: sha512 ") != std::string::npos, same.out);
  auto bad = run_gk({"archive", "diff", h.root, kSeedId, "v1", "v9"});
  BOOST_TEST(bad.code == 1);
  BOOST_TEST(bad.err.find("has no version v9") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(batch_reports_the_bad_record_and_archives_the_rest) {
  TempDir t("batch");
  std::string root = batch_root(t);
  variant(t / "recs/broken.xml", {{"    <index-no>11519900MB1A28365X/2022-00012</index-no>\n", ""}});
  spit(t / "pdfs/broken.pdf", fake_pdf("broken"));
  auto r = run_gk({"archive", "add", root, "--records", t / "recs", "--pdfs", t / "pdfs", "--user", "批量", "--address",
               "mailto:batch@example.gov.cn"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + (t / "recs/broken.xml") + ":6: element 'title' is not expected here; expected index-no\n",
             r.err);
  BOOST_TEST(r.out.find("archived 3 of 4 records into " + root + ": 3 new version(s), 0 unchanged, 1 failed") !=
                 std::string::npos,
             r.out);
  auto list = run_gk({"archive", "list", root});
  BOOST_TEST(std::count(list.out.begin(), list.out.end(), '\n') == 3, list.out);
  // Running the same batch again is idempotent: nothing new.
  fs::remove(t / "recs/broken.xml");
  auto again = run_gk({"archive", "add", root, "--records", t / "recs", "--pdfs", t / "pdfs"});
  BOOST_TEST(again.code == 0, again.err);
  BOOST_TEST(again.out.find("0 new version(s), 3 unchanged, 0 failed") != std::string::npos, again.out);
  // A record whose PDF is missing fails alone.
  fs::remove(t / "pdfs/traffic-notice.pdf");
  auto missing = run_gk({"archive", "add", root, "--records", t / "recs", "--pdfs", t / "pdfs"});
  BOOST_TEST(missing.code == 1);
  BOOST_TEST(missing.err == "gongkai: " + (t / "pdfs/traffic-notice.pdf") + ": PDF file does not exist\n", missing.err);
  BOOST_TEST(run_gk({"archive", "validate", root}).code == 0);
}

BOOST_AUTO_TEST_CASE(validate_reports_codes_and_fails_on_errors) {
  History h;
  auto ok = run_gk({"archive", "validate", h.root, kSeedId});
  BOOST_TEST(ok.code == 0, ok.out);
  BOOST_TEST(ok.out.find("valid: object '" + std::string(kSeedId) + "', 0 error(s)") != std::string::npos, ok.out);
  // Damage one content file.
  for (auto& e : fs::recursive_directory_iterator(h.root))
    if (e.path().filename() == "document.pdf" && e.path().string().find("/v3/") != std::string::npos) {
      fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
      spit(e.path().string(), fake_pdf("tampered"));
    }
  auto bad = run_gk({"archive", "validate", h.root});
  BOOST_TEST(bad.code == 1);
  BOOST_TEST(bad.out.find("E092 ") != std::string::npos, bad.out);
  BOOST_TEST(bad.out.find("INVALID: 1 object(s), ") != std::string::npos, bad.out);
  auto get = run_gk({"archive", "get", h.root, kSeedId, "--out", h.dir / "x"});
  BOOST_TEST(get.code == 1);
  BOOST_TEST(get.err.find("does not match its sha512 digest") != std::string::npos, get.err);
  auto none = run_gk({"archive", "validate", h.root, "no/such/id"});
  BOOST_TEST(none.code == 1);
}

BOOST_AUTO_TEST_CASE(publish_renders_and_archives_in_one_step) {
  TempDir t("publish");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  auto r = run_gk({"publish", root, "--template", source("templates/notice.xml"), "--record", seed_record(), "--user", "李明",
               "--address", "mailto:li@example.gov.cn", "--pdf-out", t / "out.pdf"});
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
  BOOST_TEST(r.out.find("archived " + std::string(kSeedId) + " v1 (发布): 3 file(s) stored") != std::string::npos, r.out);
  auto g = run_gk({"archive", "get", root, kSeedId, "--out", t / "got"});
  BOOST_TEST(slurp(t / "got/document.pdf") == slurp(t / "out.pdf"));
  BOOST_TEST(slurp(t / "got/document.pdf").rfind("%PDF-", 0) == 0);
  auto m = parse_json(slurp(t / "got/metadata.json")).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(m->getObject("template")->getValue<std::string>("file") == "notice.xml");
  BOOST_TEST(m->getObject("template")->getValue<std::string>("sha512") ==
             gk::digest_hex(gk::DigestAlgorithm::sha512, slurp(source("templates/notice.xml"))));
  // Publishing the same record again renders the same bytes: nothing new.
  auto again = run_gk({"publish", root, "--template", source("templates/notice.xml"), "--record", seed_record()});
  BOOST_TEST(again.code == 0, again.err);
  BOOST_TEST(again.out.find("unchanged") != std::string::npos, again.out);
}

// --pdf-out never destroys an input or the archive (it replaced the record, the signing key, files
// inside the root), and is written only once the version is: a failed publish left a PDF that
// looked published.
BOOST_AUTO_TEST_CASE(publish_pdf_out_never_overwrites_inputs_or_the_archive) {
  TempDir t("pdfout");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root}).code == 0);
  std::string rec = t / "rec.xml", tpl = t / "notice.xml", map = t / "fontmap.xml";
  spit(rec, slurp(seed_record()));
  spit(tpl, slurp(source("templates/notice.xml")));
  spit(map, slurp(source("fonts/fontmap.xml")));
  BOOST_REQUIRE(fs::exists(t / "root.catalogue.sqlite"));
  const std::vector<std::pair<std::string, std::string>> targets{
      {rec, ": is also the --record input; refusing to overwrite it"},
      {tpl, ": is also the --template input; refusing to overwrite it"},
      {map, ": is also the --fonts input; refusing to overwrite it"},
      {t / "root.audit-key.pem", ": is also the --key input; refusing to overwrite it"},
      {root + "/0=ocfl_1.1", ": is inside the storage root " + root + "; refusing to write there"},
      {root + "/new.pdf", ": is inside the storage root " + root + "; refusing to write there"},
      {t / "root.catalogue.sqlite", ": is one of the archive's own files beside " + root + "; refusing to overwrite it"}};
  for (const auto& [target, message] : targets) {
    bool existed = fs::exists(target);
    std::string before = existed ? slurp(target) : "";
    auto r = run_gk({"publish", root, "--template", tpl, "--record", rec, "--fonts", map, "--pdf-out", target});
    BOOST_TEST(r.code == 2, target);
    BOOST_TEST(r.err == "gongkai: " + target + message + "\n");
    BOOST_TEST(fs::exists(target) == existed, target);
    if (existed) BOOST_TEST((slurp(target) == before), target);
  }
  BOOST_TEST(run_gk({"archive", "list", root}).out == "");  // nothing was archived
  BOOST_TEST(run_gk({"archive", "verify", root}).code == 0);
  // A publish that fails writes no PDF: the same 索引号 under another 发布机构 is refused.
  BOOST_REQUIRE(run_gk({"publish", root, "--template", tpl, "--record", rec, "--fonts", map}).code == 0);
  std::string other = variant(t / "other.xml", {{"<issuer>青川市扶贫开发办公室</issuer>", "<issuer>青川市财政局</issuer>"}});
  auto refused = run_gk({"publish", root, "--template", tpl, "--record", other, "--fonts", map, "--pdf-out", t / "other.pdf"});
  BOOST_TEST(refused.code == 1, refused.err);
  BOOST_TEST(!fs::exists(t / "other.pdf"));
}

BOOST_AUTO_TEST_CASE(usage_errors_and_help) {
  TempDir t("usage");
  for (auto sub : {"init", "keygen", "add", "status", "list", "log", "show", "get", "diff", "validate"}) {
    auto h = run_gk({"archive", sub, "--help"});
    BOOST_TEST(h.code == 0, sub);
    BOOST_TEST(h.out.rfind(std::string("usage: gongkai archive ") + sub, 0) == 0, h.out);
  }
  BOOST_TEST(run_gk({"publish", "--help"}).code == 0);
  BOOST_TEST(run_gk({"archive", "add"}).code == 2);
  BOOST_TEST(run_gk({"archive", "add", t.str()}).code == 2);
  auto both = run_gk({"archive", "add", t.str(), "--record", "a.xml", "--records", "d"});
  BOOST_TEST(both.code == 2);
  BOOST_TEST(both.err.rfind("gongkai: archive add takes --record or --records, not both\n", 0) == 0, both.err);
  BOOST_TEST(run_gk({"archive", "add", t.str(), "--records", "d", "--pdf", "x.pdf"}).code == 2);
  BOOST_TEST(run_gk({"archive", "get", t.str(), "id"}).code == 2);
  BOOST_TEST(run_gk({"archive", "get", t.str(), "id", "--out", "o", "--version", "v1", "--as-of", "2024-01-01"}).code == 2);
  BOOST_TEST(run_gk({"archive", "list", t.str(), "--bogus"}).code == 2);
  BOOST_TEST(run_gk({"archive", "diff", t.str(), "id", "v1"}).code == 2);
  BOOST_TEST(run_gk({"archive", "frobnicate"}).code == 2);
}

// W005 ("id is not a URI") holds for every object, as 索引号 ids are not URIs: validate shows a
// warning code three times and counts the rest, so that errors are not buried.
BOOST_AUTO_TEST_CASE(validate_counts_a_warning_found_in_every_object) {
  TempDir t("w005");
  std::string root = batch_root(t);
  for (auto n : {"91", "92"}) {
    variant(t / ("recs/seed-" + std::string(n) + ".xml"), {{"2022-00012", std::string("2022-000") + n}});
    spit(t / ("pdfs/seed-" + std::string(n) + ".pdf"), fake_pdf(n));
  }
  auto add = run_gk({"archive", "add", root, "--records", t / "recs", "--pdfs", t / "pdfs"});
  BOOST_REQUIRE_MESSAGE(add.code == 0, add.out + add.err);
  auto lines_starting = [](const std::string& out, const std::string& prefix) {
    size_t n = 0;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0;
    return n;
  };
  auto v = run_gk({"archive", "validate", root});
  BOOST_TEST(v.code == 0, v.out + v.err);
  // Per object: W005 in the root inventory and in v1's, W008 (no user address) in both too.
  BOOST_TEST(lines_starting(v.out, "W005 " + root) == 3, v.out);
  BOOST_TEST(lines_starting(v.out, "W008 " + root) == 3, v.out);
  BOOST_TEST(v.out.find("\nW005 in 7 more place(s) (--all-warnings lists them)\n") != std::string::npos, v.out);
  BOOST_TEST(v.out.find("\nW008 in 7 more place(s) (--all-warnings lists them)\n") != std::string::npos, v.out);
  BOOST_TEST(v.out.find("valid: 5 object(s), 0 error(s), 20 warning(s)") != std::string::npos, v.out);
  auto all = run_gk({"archive", "validate", root, "--all-warnings"});
  BOOST_TEST(all.code == 0, all.out + all.err);
  BOOST_TEST(lines_starting(all.out, "W005 " + root) == 10, all.out);
  BOOST_TEST(lines_starting(all.out, "W008 " + root) == 10, all.out);
  BOOST_TEST(all.out.find("more place(s)") == std::string::npos, all.out);
}

BOOST_AUTO_TEST_SUITE_END()
