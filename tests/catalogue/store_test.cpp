// The catalogue of an OCFL store: incremental = reindex (bytes), filters, as-of, withdrawn items,
// stale / missing / damaged catalogues, and the CLI's errors.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "archive/catalogue/checksum_vfs.h"
#include "archive/catalogue/internal.h"
#include "archive/ingest/history.h"
#include "store_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;
namespace ocfl = gk::ocfl;

namespace {

// Garbage over a page in the middle of the file.
void damage_middle_page(const std::string& path, size_t size) {
  std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
  io.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
  std::string junk(4096, '\x5a');
  io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_store)

BOOST_AUTO_TEST_CASE(default_path_is_beside_the_root) {
  BOOST_TEST(default_path("/data/archive") == "/data/archive.catalogue.sqlite");
  BOOST_TEST(default_path("/data/archive/") == "/data/archive.catalogue.sqlite");
}

BOOST_AUTO_TEST_CASE(incremental_updates_and_reindex_give_identical_bytes) {
  StoreFixture f;
  Rng r(99);
  int minute = 0;
  for (int i = 0; i < 30; ++i) {
    Doc d = make_doc(r, i);
    int versions = 1 + static_cast<int>(r.below(3));
    for (int v = 1; v <= versions; ++v) {
      if (v > 1) d.paragraphs.push_back(paragraph(r, 8));
      auto info = add(*f.store, f.id(i), d, created_at(minute += 7), v == 1 ? "" : "修改", v);
      BOOST_REQUIRE_MESSAGE(info, err(info));
      // Some commits are indexed one by one, others in batches.
      if (i % 3 != 1 || v == versions) {
        std::vector<std::pair<std::string, int>> batch{{f.id(i), v}};
        if (i % 5 == 4 && i > 0) batch.push_back({f.id(i - 1), 1});
        auto s = index_versions(*f.store, batch);
        BOOST_REQUIRE_MESSAGE(s, err(s));
      }
    }
  }
  auto incremental = gk::read_file(f.cat());
  BOOST_REQUIRE(incremental);
  std::string other = (f.dir.path / "rebuilt.sqlite").string();
  auto rep = rebuild(*f.store, other);
  BOOST_REQUIRE_MESSAGE(rep, err(rep));
  BOOST_TEST(rep->objects == 30);
  auto rebuilt = gk::read_file(other);
  BOOST_REQUIRE(rebuilt);
  BOOST_TEST(incremental->size() == rebuilt->size());
  BOOST_TEST((*incremental == *rebuilt), "incremental and rebuilt catalogues differ");

  // A commit indexed late and out of order (an older created time) still ends byte-identical.
  Doc late = make_doc(r, 99);
  BOOST_REQUIRE(add(*f.store, f.id(99), late, "2022-12-31T23:00:00+08:00"));
  BOOST_REQUIRE(index_versions(*f.store, {{f.id(99), 1}}));
  std::filesystem::remove(other);
  BOOST_REQUIRE(rebuild(*f.store, other));
  BOOST_TEST((gk::read_file(f.cat()).value() == gk::read_file(other).value()));
  // Indexing again is a no-op.
  BOOST_REQUIRE(index_versions(*f.store, {{f.id(99), 1}, {f.id(0), 1}}));
  BOOST_TEST((gk::read_file(f.cat()).value() == gk::read_file(other).value()));
}

// SQLite's file change counter (header bytes 24-27): +1 per write transaction.
uint32_t change_counter(const std::string& path) {
  std::string h = gk::read_file(path).value().substr(24, 4);
  return (uint32_t(uint8_t(h[0])) << 24) | (uint32_t(uint8_t(h[1])) << 16) | (uint32_t(uint8_t(h[2])) << 8) | uint8_t(h[3]);
}

BOOST_AUTO_TEST_CASE(a_batch_with_one_created_time_is_one_transaction_and_equals_a_rebuild) {
  StoreFixture f;
  Rng r(17);
  auto batch = [&](int from, int to, const std::string& created) {
    std::vector<std::pair<std::string, int>> list;
    for (int i = from; i < to; ++i) {
      BOOST_REQUIRE(add(*f.store, f.id(i), make_doc(r, i), created));
      list.push_back({f.id(i), 1});
    }
    auto s = index_versions(*f.store, list);
    BOOST_REQUIRE_MESSAGE(s, err(s));
  };
  batch(0, 3, "2023-03-01T09:00:00+08:00");
  uint32_t before = change_counter(f.cat());
  batch(3, 8, "2023-03-01T10:00:00+08:00");
  BOOST_TEST(change_counter(f.cat()) == before + 1);  // five versions, one group
  std::string other = (f.dir.path / "rebuilt.sqlite").string();
  auto same_as_rebuild = [&]() {
    std::filesystem::remove(other);
    BOOST_REQUIRE(rebuild(*f.store, other));
    return gk::read_file(f.cat()).value() == gk::read_file(other).value();
  };
  BOOST_TEST(same_as_rebuild());
  // A later batch in the same second continues the last group: only a rebuild places it.
  batch(8, 10, "2023-03-01T10:00:00+08:00");
  BOOST_TEST(same_as_rebuild());
  batch(10, 12, "2023-03-01T11:00:00+08:00");
  BOOST_TEST(same_as_rebuild());
  auto ix = Index::open(f.cat(), false, true);
  BOOST_REQUIRE(ix);
  BOOST_TEST(ix->version_count().value() == 12);
}

BOOST_AUTO_TEST_CASE(stale_missing_and_damaged_catalogues_are_rebuilt) {
  StoreFixture f;
  Rng r(3);
  for (int i = 0; i < 12; ++i) {
    f.docs.push_back(make_doc(r, i));
    BOOST_REQUIRE(add(*f.store, f.id(i), f.docs.back(), created_at(i * 3)));
  }
  BOOST_REQUIRE(rebuild(*f.store));
  // A commit whose indexing never happened (a crash between the two).
  Doc extra = make_doc(r, 50);
  extra.title = "青川市关于独一无二标题的通知";
  BOOST_REQUIRE(add(*f.store, f.id(50), extra, created_at(100)));
  OpenReport rep;
  auto ix = open_checked(*f.store, "", rep);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_REQUIRE(rep.notices.size() == 1u);
  BOOST_TEST(rep.notices[0] == "catalogue " + f.cat() + " is older than the store (1 version not indexed); updating it");
  BOOST_TEST((ids_of(*ix, "独一无二") == std::set<std::string>{f.id(50)}));
  std::string good = gk::read_file(f.cat()).value();

  damage_middle_page(f.cat(), good.size());
  OpenReport rep2;
  auto ix2 = open_checked(*f.store, "", rep2);
  BOOST_REQUIRE_MESSAGE(ix2, err(ix2));
  BOOST_REQUIRE(rep2.notices.size() == 1u);
  BOOST_TEST(rep2.notices[0].rfind("catalogue " + f.cat() + " is damaged (", 0) == 0, rep2.notices[0]);
  BOOST_TEST(rep2.notices[0].find('\n') == std::string::npos, rep2.notices[0]);  // one line
  BOOST_TEST((gk::read_file(f.cat()).value() == good));

  // Not a catalogue at all.
  BOOST_REQUIRE(gk::write_file_atomic(f.cat(), "this is not a database", false));
  OpenReport rep3;
  BOOST_REQUIRE(open_checked(*f.store, "", rep3));
  BOOST_REQUIRE(rep3.notices.size() == 1u);
  BOOST_TEST(rep3.notices[0] == "catalogue " + f.cat() + " is damaged (file is not a database); rebuilding it from the store");
  BOOST_TEST((gk::read_file(f.cat()).value() == good));

  // An older format (3: bigrams of adjacent runs at consecutive positions; 4: one separator token for all) is rebuilt.
  {
    sqlite3* db = nullptr;  // through the checksum VFS: a plain write would fail page 1's checksum
    BOOST_REQUIRE(register_checksum_vfs());
    BOOST_REQUIRE(sqlite3_open_v2(f.cat().c_str(), &db, SQLITE_OPEN_READWRITE, kChecksumVfs) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, "PRAGMA user_version=3", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  OpenReport rep4;
  BOOST_REQUIRE(open_checked(*f.store, "", rep4));
  BOOST_REQUIRE(rep4.notices.size() == 1u);
  BOOST_TEST(rep4.notices[0] == "catalogue " + f.cat() +
                                    " was written by another version of gongkai (format 3; this gongkai reads 16); rebuilding it from the store");
  BOOST_TEST((gk::read_file(f.cat()).value() == good));

  // Scratch files of rebuilds that were killed go with the next rebuild (each can be as large as
  // the catalogue); other files beside it stay.
  for (const char* name : {".rebuild-99999", ".rebuild-99999-journal", ".rebuild-7"})
    BOOST_REQUIRE(gk::write_file_atomic(f.cat() + name, std::string(4096, 'x'), false));
  BOOST_REQUIRE(gk::write_file_atomic(f.cat() + ".rebuilt-notes", "keep", false));
  BOOST_REQUIRE(rebuild(*f.store));
  for (const char* name : {".rebuild-99999", ".rebuild-99999-journal", ".rebuild-7"})
    BOOST_TEST(!fs::exists(f.cat() + name), name);
  BOOST_TEST(fs::exists(f.cat() + ".rebuilt-notes"));

  // A rebuild that cannot switch its file in says why (the clean-up used to overwrite the error:
  // "cannot replace the catalogue: Success").
  // (At the default path: elsewhere a directory is refused before any rebuild, below.)
  std::string in_the_way = f.cat();
  fs::remove(in_the_way);
  fs::create_directories(in_the_way + "/x");
  auto blocked = rebuild(*f.store, in_the_way);
  BOOST_REQUIRE(!blocked);
  BOOST_TEST(blocked.error().str() == in_the_way + ": cannot replace the catalogue: Is a directory");
  for (const auto& e : fs::directory_iterator(f.dir.path))
    BOOST_TEST(e.path().filename().string().find(".rebuild-") == std::string::npos, e.path());
  std::string elsewhere = (f.dir.path / "dir.sqlite").string();
  fs::create_directories(elsewhere + "/x");
  auto refused = rebuild(*f.store, elsewhere);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().str() == elsewhere + ": is a directory, not a catalogue");
  // A search says what is wrong (it said "cannot open catalogue: disk I/O error"), and so does a
  // path whose directory does not exist.
  auto dir_in_place = run_cli("search " + q(f.root) + " 青川市");
  BOOST_TEST(dir_in_place.code == 1);
  BOOST_TEST(dir_in_place.err == "gongkai: " + in_the_way + ": is a directory where the catalogue belongs; remove it to have the "
                                 "catalogue built there\n");
  auto nowhere = run_cli("search " + q(f.root) + " 青川市 --catalogue " + q(f.dir.path.string() + "/none/x.sqlite"));
  BOOST_TEST(nowhere.code == 1);
  BOOST_TEST(nowhere.err == "gongkai: " + f.dir.path.string() + "/none/x.sqlite: cannot hold a catalogue: directory " +
                                f.dir.path.string() + "/none does not exist\n");
  auto file_root = run_cli("search " + q(f.root + "/0=ocfl_1.1") + " 青川市");
  BOOST_TEST(file_root.err.find(": not an OCFL storage root: a file, not a directory\n") != std::string::npos, file_root.err);
}

BOOST_AUTO_TEST_CASE(a_check_stamp_skips_the_full_check_until_the_catalogue_or_the_store_changes) {
  StoreFixture f;
  Rng r = f.add_docs(6, 8);
  BOOST_REQUIRE(rebuild(*f.store));
  const std::string stamp = f.cat() + ".checked";
  auto open = [&](OpenReport& rep) {
    auto ix = open_checked(*f.store, "", rep);
    BOOST_REQUIRE_MESSAGE(ix, err(ix));
    return std::move(*ix);
  };
  // Files written this instant: no stamp (a change within the same timestamp tick could keep the
  // mtime), so every open checks in full.
  OpenReport a;
  open(a);
  BOOST_TEST(a.full_check);
  BOOST_TEST(!fs::exists(stamp));
  const auto settle = std::chrono::milliseconds(2100);
  std::this_thread::sleep_for(settle);
  OpenReport b;
  open(b);
  BOOST_TEST(b.full_check);
  BOOST_TEST(b.notices.empty());
  BOOST_REQUIRE(fs::exists(stamp));
  OpenReport c;
  auto ix = open(c);
  BOOST_TEST(!c.full_check);
  BOOST_TEST(c.notices.empty());
  BOOST_TEST(ids_of(ix, "青川市").size() == 6u);

  // A stamp older than an hour is not honoured.
  std::string text = gk::read_file(stamp).value();
  size_t at = text.rfind(" at=");
  BOOST_REQUIRE(at != std::string::npos);
  long long when = std::stoll(text.substr(at + 4));
  BOOST_REQUIRE(gk::write_file_atomic(stamp, text.substr(0, at) + " at=" + std::to_string(when - 3601) + "\n", false));
  OpenReport old;
  open(old);
  BOOST_TEST(old.full_check);
  BOOST_TEST((gk::read_file(stamp).value() != text.substr(0, at) + " at=" + std::to_string(when - 3601) + "\n"));

  // A commit through the store (not indexed: a crash between the two) is seen at once.
  Doc extra = make_doc(r, 40);
  extra.title = "青川市关于盖章之后再提交的通知";
  BOOST_REQUIRE(add(*f.store, f.id(40), extra, created_at(60)));
  OpenReport d;
  ix = open(d);
  BOOST_TEST(d.full_check);
  BOOST_REQUIRE(d.notices.size() == 1u);
  BOOST_TEST(d.notices[0] == "catalogue " + f.cat() + " is older than the store (1 version not indexed); updating it");
  BOOST_TEST((ids_of(ix, "盖章之后") == std::set<std::string>{f.id(40)}));

  // Damage after a stamp is seen too (the file's mtime, ctime and size are in the stamp).
  std::this_thread::sleep_for(settle);
  OpenReport e;
  open(e);
  BOOST_REQUIRE(fs::exists(stamp));
  OpenReport e2;
  open(e2);
  BOOST_REQUIRE(!e2.full_check);
  std::string good = gk::read_file(f.cat()).value();
  damage_middle_page(f.cat(), good.size());
  OpenReport g;
  open(g);
  BOOST_TEST(g.full_check);
  BOOST_REQUIRE(g.notices.size() == 1u);
  BOOST_TEST(g.notices[0].rfind("catalogue " + f.cat() + " is damaged (", 0) == 0, g.notices[0]);
  BOOST_TEST((gk::read_file(f.cat()).value() == good));
}

// A newer mirror of the archive copied over it (rsync -a, a restore) sets mtimes back to the
// source's and may touch nothing at the root: one more version of an existing object and the
// audit log's new entry. Under a fresh stamp the catalogue answered without it, for an hour.
BOOST_AUTO_TEST_CASE(a_newer_mirror_copied_over_the_archive_is_seen_under_a_fresh_stamp) {
  StoreFixture f;
  f.add_docs(3, 9);
  const fs::path log = fs::path(f.root) / "extensions/gongkai-audit/log.jsonl";
  fs::create_directories(log.parent_path());
  std::ofstream(log) << "{\"entry\": 1}\n";
  BOOST_REQUIRE(rebuild(*f.store));
  // The mirror's source: the same archive with one more version of object 0 and its log entry.
  TempDir other("mirror");
  const fs::path source = other.path / "archive";
  fs::copy(f.root, source, fs::copy_options::recursive);
  {
    auto s = gk::ocfl::Store::open(source.string());
    BOOST_REQUIRE(s);
    Doc next = f.docs[0];
    next.title = "青川市关于镜像之后才有的通知";
    BOOST_REQUIRE(add(*s, f.id(0), next, created_at(30), "", 2));
    std::ofstream(source / "extensions/gongkai-audit/log.jsonl", std::ios::app) << "{\"entry\": 2}\n";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  OpenReport stamped, fresh;
  BOOST_REQUIRE(open_checked(*f.store, "", stamped));
  BOOST_REQUIRE(open_checked(*f.store, "", fresh));
  BOOST_REQUIRE(!fresh.full_check);
  // Copied over, as rsync -a does: the object's folder and the log, their source mtimes kept.
  const std::string object = f.store->object_path(f.id(0));
  const std::string relative = fs::relative(object, f.root).string();
  fs::copy(source / relative, object, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::copy_file(source / "extensions/gongkai-audit/log.jsonl", log, fs::copy_options::overwrite_existing);
  fs::last_write_time(log, fs::last_write_time(source / "extensions/gongkai-audit/log.jsonl"));
  OpenReport seen;
  auto ix = open_checked(*f.store, "", seen);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_TEST(seen.full_check);
  BOOST_REQUIRE(seen.notices.size() == 1u);
  BOOST_TEST(seen.notices[0] == "catalogue " + f.cat() + " is older than the store (1 version not indexed); updating it");
  BOOST_TEST((ids_of(*ix, "镜像之后") == std::set<std::string>{f.id(0)}));
}

// A search while a writer is between its commit and its catalogue update (holding the writers'
// lock): it waits for the writer and says nothing, instead of announcing "older than the store"
// and doing the writer's work again (16 such notices in one black-box run beside a publishing clerk).
BOOST_AUTO_TEST_CASE(a_search_beside_a_writer_at_work_waits_for_it_instead_of_updating) {
  StoreFixture f;
  Rng r = f.add_docs(3, 12);
  BOOST_REQUIRE(rebuild(*f.store));
  Doc late = make_doc(r, 3);
  late.title = "青川市关于写入之后正在编目的通知";
  BOOST_REQUIRE(add(*f.store, f.id(3), late, created_at(3)));  // committed, not indexed yet
  std::promise<void> locked;
  std::thread writer([&] {
    gk::catalogue::detail::WriteLock lock(f.cat());
    locked.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_CHECK(gk::catalogue::detail::rebuild_locked(*f.store, f.cat()));  // the writer's update
  });
  locked.get_future().wait();
  OpenReport rep;
  auto ix = open_checked(*f.store, "", rep);
  writer.join();
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_TEST(rep.notices.empty(), (rep.notices.empty() ? "" : rep.notices[0]));
  BOOST_TEST((ids_of(*ix, "正在编目") == std::set<std::string>{f.id(3)}));
}

// --catalogue FILE names the catalogue to read: a file that is not one is refused, never taken
// for a damaged catalogue and replaced (a mistyped path replaced the signing key with an SQLite
// file; one inside the root replaced 0=ocfl_1.1 and left lock files in the root). At the default
// path a damaged file is still rebuilt (nothing else lives there).
BOOST_AUTO_TEST_CASE(catalogue_option_never_replaces_other_files) {
  StoreFixture f;
  Rng r(5);
  BOOST_REQUIRE(add(*f.store, f.id(1), make_doc(r, 1), created_at(1), "发布"));
  std::string root = q(f.root);
  std::string key = (f.dir.path / "archive.audit-key.pem").string(), other_db = (f.dir.path / "other.db").string();
  BOOST_REQUIRE(gk::write_file_atomic(key, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n", false));
  {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(other_db.c_str(), &db) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  std::string declaration = f.root + "/0=ocfl_1.1";
  auto before = [&](const std::string& p) { return gk::read_file(p).value(); };
  const std::string key_bytes = before(key), db_bytes = before(other_db), decl_bytes = before(declaration);
  struct Case {
    std::string path, message;
  };
  for (const Case& c : {Case{key, key + ": is not a gongkai catalogue (not an SQLite database); refusing to replace it"},
                        Case{other_db, other_db + ": is an SQLite database of another application, not a gongkai catalogue; refusing"},
                        Case{declaration, declaration + ": is inside the storage root; a catalogue goes beside it"}}) {
    for (std::string cmd : {"search " + root + " 青川市 --catalogue " + q(c.path), "catalogue " + root + " --catalogue " + q(c.path),
                            "archive reindex " + root + " --catalogue " + q(c.path),
                            "archive reindex --check " + root + " --catalogue " + q(c.path)}) {
      auto res = run_cli(cmd);
      BOOST_TEST(res.code == 1, cmd);
      BOOST_TEST(res.err.rfind("gongkai: " + c.message, 0) == 0u, cmd << ": " << res.err);
    }
  }
  BOOST_TEST(before(key) == key_bytes);
  BOOST_TEST(before(other_db) == db_bytes);
  BOOST_TEST(before(declaration) == decl_bytes);
  for (const auto& e : fs::directory_iterator(f.root)) BOOST_TEST(e.path().extension() != ".lock", e.path());
  // The default path: a damaged file there is rebuilt, as before.
  BOOST_REQUIRE(gk::write_file_atomic(f.cat(), "not a database", false));
  auto healed = run_cli("search " + root + " 青川市");
  BOOST_TEST(healed.code == 0, healed.err);
  BOOST_TEST(healed.err.find("is damaged (") != std::string::npos, healed.err);
}

// A store restored from a backup and written again has other content under version numbers the
// catalogue has indexed: the write rebuilds the catalogue (it assumed v2 indexed, and searches
// found the lost v2's words, not the new one's, with no notice).
BOOST_AUTO_TEST_CASE(a_store_restored_from_a_backup_and_written_again_is_reindexed) {
  StoreFixture f;
  std::string root = q(f.root);
  auto seed = gk::read_file(std::string(GK_SOURCE_DIR) + "/samples/notices/seed-notice.xml").value();
  auto variant = [&](const std::string& word) {
    std::string x = seed;
    x.replace(x.find("执行中遇到的问题"), std::string("执行中遇到的问题").size(), word + "执行中遇到的问题");
    std::string file = (f.dir.path / (word + ".xml")).string();
    BOOST_REQUIRE(gk::write_file_atomic(file, x, false));
    return q(file);
  };
  std::string v1 = variant("甘蔗"), lost = variant("椰子"), now = variant("芒果");
  BOOST_REQUIRE(run_cli("archive add " + root + " --record " + v1).code == 0);
  fs::copy(f.root, f.dir.path / "backup", fs::copy_options::recursive);
  BOOST_REQUIRE(run_cli("archive add " + root + " --record " + lost).code == 0);
  fs::remove_all(f.root);
  fs::copy(f.dir.path / "backup", f.root, fs::copy_options::recursive);
  auto again = run_cli("archive add " + root + " --record " + now);
  BOOST_REQUIRE_MESSAGE(again.code == 0, again.err);
  BOOST_TEST(again.err == "", again.err);
  BOOST_TEST(run_cli("search " + root + " 芒果执行 --json").out.find("\"total\": 1") != std::string::npos);
  BOOST_TEST(run_cli("search " + root + " 椰子执行 --json").out.find("\"total\": 0") != std::string::npos);
  BOOST_TEST(run_cli("archive reindex --check " + root).code == 0);
}

// Archived text may hold control characters (XML 1.0 allows C1 and DEL): printed for a terminal
// they become U+FFFD (CSI U+009B would start an escape sequence), line breaks spaces.
BOOST_AUTO_TEST_CASE(control_characters_of_archived_text_never_reach_the_terminal) {
  StoreFixture f;
  Rng r(12);
  Doc d = make_doc(r, 1);
  d.title = "青川市关于\u009b31m红色\u007f标题的通知";
  d.paragraphs = {"正文\u0085说明\u009b2J内容。"};
  BOOST_REQUIRE(add(*f.store, f.id(1), d, created_at(1), "发布"));
  std::string root = q(f.root);
  auto res = run_cli("search " + root + " 红色");
  BOOST_TEST(res.code == 0, res.err);
  auto raw = [](const std::string& s) {
    for (const char* c : {"\u009b", "\u0085", "\u007f"})
      if (s.find(c) != std::string::npos) return true;
    return false;
  };
  BOOST_TEST(!raw(res.out), res.out);
  BOOST_TEST(res.out.find("青川市关于\uFFFD31m【红色】\uFFFD标题的通知") != std::string::npos, res.out);
  auto body = run_cli("search " + root + " 说明");
  BOOST_TEST(!raw(body.out), body.out);
  BOOST_TEST(body.out.find("正文\uFFFD【说明】\uFFFD2J内容") != std::string::npos, body.out);
  auto list = run_cli("archive list " + root);
  BOOST_TEST(list.code == 0, list.err);
  BOOST_TEST(!raw(list.out), list.out);
  BOOST_TEST(list.out.find("青川市关于\uFFFD31m红色\uFFFD标题的通知") != std::string::npos, list.out);
  auto json = run_cli("search " + root + " 红色 --json");  // data for programs: the title as archived
  BOOST_TEST(json.out.find("\"title\": \"" + d.title + "\"") != std::string::npos, json.out);
  // archive diff: the changed title and body lines, both sides.
  Doc d2 = d;
  d2.title = "青川市关于\u009b1m蓝色标题的通知";
  d2.paragraphs = {"正文\u007f更正\u009b2J内容。"};
  BOOST_REQUIRE(add(*f.store, f.id(1), d2, created_at(2), "发布"));
  auto diff = run_cli("archive diff " + root + " " + f.id(1) + " v1 v2");
  BOOST_TEST(diff.code == 0, diff.err);
  BOOST_TEST(!raw(diff.out), diff.out);
  BOOST_TEST(diff.out.find("青川市关于\uFFFD31m红色\uFFFD标题的通知 → 青川市关于\uFFFD1m蓝色标题的通知") != std::string::npos,
             diff.out);
  BOOST_TEST(diff.out.find("\n- 正文\uFFFD说明\uFFFD2J内容。\n") != std::string::npos, diff.out);
  BOOST_TEST(diff.out.find("\n+ 正文\uFFFD更正\uFFFD2J内容。\n") != std::string::npos, diff.out);
}

BOOST_AUTO_TEST_CASE(cli_search_catalogue_reindex_and_bad_input) {
  StoreFixture f;
  Rng r = f.add_docs(8, 11);
  std::string root = q(f.root);
  auto first = run_cli("search " + root + " 青川市 --json");
  BOOST_TEST(first.code == 0, first.err);
  BOOST_TEST(first.err == "gongkai: catalogue " + f.cat() + " is missing; building it from the store\n");
  BOOST_TEST(first.out.find("\"total\": 8") != std::string::npos, first.out);
  auto beyond = run_cli("search " + root + " 青川市 --json --per-page 3 --page 5");  // 3 pages of 3
  BOOST_TEST(beyond.out.find("\"hits\": []") != std::string::npos, beyond.out);
  BOOST_TEST(beyond.out.find("\"pages\": 3") != std::string::npos, beyond.out);
  auto table = run_cli("search " + root + " 青川市 --per-page 3 --page 2");
  BOOST_TEST(table.code == 0);
  BOOST_TEST(table.err == "");
  BOOST_TEST(table.out.find("共 8 条结果，第 2/3 页") == 0, table.out);
  BOOST_TEST(table.out.find("【青川市】") != std::string::npos);
  auto tree = run_cli("catalogue " + root);
  BOOST_TEST(tree.code == 0);
  BOOST_TEST(tree.out.find("公开目录 (8)") == 0, tree.out);
  auto tj = run_cli("catalogue " + root + " --json");
  BOOST_TEST(tj.out.find("\"count\": 8") != std::string::npos);
  auto re = run_cli("archive reindex " + root);
  BOOST_TEST(re.code == 0, re.err);
  BOOST_TEST(re.out == "indexed 8 versions of 8 objects into " + f.cat() + "\n");
  auto chk = run_cli("archive reindex --check " + root);
  BOOST_TEST(chk.code == 0, chk.err);
  // A 文号 typed with [2022]: nothing, as written; the answer says how documents write it.
  std::string typed = f.docs[0].doc_number, written = typed;
  typed.replace(typed.find("〔"), 3, "[");
  typed.replace(typed.find("〕"), 3, "]");
  auto bracket = run_cli("search " + root + " " + q(typed));
  BOOST_TEST(bracket.code == 0, bracket.err);
  BOOST_TEST(bracket.out.rfind("共 0 条结果\n提示：文号中的年份写作〔〕，搜索 " + written + " 有 ", 0) == 0u, bracket.out);
  auto bracket_json = run_cli("search " + root + " " + q(typed) + " --json");
  BOOST_TEST(bracket_json.out.find("\"suggestion\": {\n    \"query\": \"" + written + "\"") != std::string::npos, bracket_json.out);
  std::string wide;  // the year and number in full-width digits, as an input method may type them
  for (char c : typed) wide += c >= '0' && c <= '9' ? std::string{"\xEF\xBC"} + static_cast<char>(0x90 + (c - '0')) : std::string(1, c);
  auto wide_out = run_cli("search " + root + " " + q(wide));
  BOOST_TEST(wide_out.out.rfind("共 0 条结果\n提示：数字和字母用半角，文号中的年份写作〔〕，搜索 " + written + " 有 ", 0) == 0u, wide_out.out);
  // A Chinese quotation mark never closed: the phrase without it.
  auto half_quoted = run_cli("search " + root + " " + q("“青川市"));
  BOOST_TEST(half_quoted.out.rfind("共 0 条结果\n提示：引号未成对，搜索 青川市 有 8 条结果\n", 0) == 0u, half_quoted.out);
  auto nothing = run_cli("search " + root + " " + q("[1999]不存在"));
  BOOST_TEST(nothing.out == "共 0 条结果\n");

  struct Bad {
    std::string args;
    int code;
    std::string err;
  };
  std::vector<Bad> bad{
      {"search " + root + " ''", 2, "gongkai: empty query\n"},
      {"search " + root + " '，。、'", 2, "gongkai: query term '，。、' has no letters, digits or characters to search for\n"},
      {"search " + root + " '\"政务公开'", 2, "gongkai: unbalanced quotes in query: \"政务公开\n"},
      {"search " + root + " 扶贫 --mode 随便", 2,
       "gongkai: unknown 公开方式 (--mode) '随便' (one of: 不予公开, 主动公开, 依申请公开)\n"},
      {"search " + root + " 扶贫 --validity 永远", 2, "gongkai: unknown 有效性 (--validity) '永远' (one of: 失效, 废止, 有效)\n"},
      {"search " + root + " 扶贫 --from 2023-02-30", 2, "gongkai: --from '2023-02-30' is not a date (YYYY-MM-DD that exists)\n"},
      {"search " + root + " 扶贫 --as-of 2023-13-01", 2, "gongkai: --as-of '2023-13-01' is not a date (YYYY-MM-DD that exists)\n"},
      {"search " + root + " 扶贫 --year 20x3", 2, "gongkai: --year '20x3' is not a year\n"},
      {"search " + root + " 扶贫 --year 0999", 2, "gongkai: --year 0999 is not a year from 1000 to 9999\n"},
      {"search " + root + " 扶贫 --page 0", 2, "gongkai: --page '0' is not a number from 1 to 999999\n"},
      {"search " + root + " 扶贫 --page 1000000", 2, "gongkai: --page '1000000' is not a number from 1 to 999999\n"},
      {"search " + root + " 扶贫 --per-page 1001", 2, "gongkai: --per-page '1001' is not a number from 1 to 1000\n"},
      {"search " + root + " \"$(printf '政\\377务')\"", 2, "gongkai: query is not valid UTF-8 (byte 0xFF at byte 4)\n"},
      {"search " + root + " 扶贫 --issuer \"$(printf '\\033[2J')\"", 2, "gongkai: --issuer contains the control character U+001B (at byte 1)\n"},
      {"search " + q(f.root + "/nope") + " 扶贫", 1, "gongkai: " + f.root + "/nope: not an OCFL storage root: no such directory\n"},
      // An empty value (an unset shell variable) is not the option left out: --as-of "" used to
      // answer with the newest versions.
      {"search " + root + " 扶贫 --as-of ''", 2, "gongkai: --as-of needs a value, not an empty one\n"},
      {"search " + root + " 扶贫 --status ''", 2, "gongkai: --status needs a value, not an empty one\n"},
      {"search " + root + " 扶贫 --catalogue ''", 2, "gongkai: --catalogue needs a value, not an empty one\n"},
      {"catalogue " + root + " --as-of ''", 2, "gongkai: --as-of needs a value, not an empty one\n"},
      {"archive reindex " + root + " --catalogue ''", 2, "gongkai: --catalogue needs a value, not an empty one\n"},
  };
  for (const auto& b : bad) {
    auto res = run_cli(b.args);
    BOOST_TEST(res.code == b.code, b.args);
    BOOST_TEST(res.err == b.err, b.args);
    BOOST_TEST(res.out == "", b.args);
  }
  // Option errors come before the help text; "--" ends the options.
  for (auto [args, msg] : std::vector<std::pair<std::string, std::string>>{
           {"search " + root + " 扶贫 --issuer --json", "gongkai: option --issuer needs a value (--json is an option)\n"},
           {"search " + root + " 扶贫 --year 2021 --year 2022", "gongkai: option --year given twice\n"},
           {"catalogue " + root + " extra", "gongkai: catalogue takes one ROOT; unexpected 'extra'\n"}}) {
    auto res = run_cli(args);
    BOOST_TEST(res.code == 2, args);
    BOOST_TEST(res.err.rfind(msg + "usage: ", 0) == 0u, res.err);
  }
  // A 主题分类 the catalogue does not have is an unknown filter value (a typo), not an empty answer;
  // a class it has gives an empty answer when nothing matches.
  auto typo = run_cli("search " + root + " 青川市 --category 综合正务");
  BOOST_TEST(typo.code == 2, typo.err);
  BOOST_TEST(typo.err.rfind("gongkai: no 主题分类 (--category) '综合正务' in the catalogue (its classes: ", 0) == 0u, typo.err);
  BOOST_TEST(typo.err.find("综合政务") != std::string::npos, typo.err);
  BOOST_TEST(typo.out == "");
  auto none = run_cli("search " + root + " 不存在的词语 --category 综合政务");
  BOOST_TEST(none.code == 0, none.err);
  BOOST_TEST(none.out.rfind("共 0 条结果", 0) == 0u, none.out);
  auto dashes = run_cli("search " + root + " --per-page 3 -- 青川市");
  BOOST_TEST(dashes.code == 0, dashes.err);
  BOOST_TEST(dashes.out.rfind("共 8 条结果，第 1/3 页\n", 0) == 0u, dashes.out);
  // A page past the last one says so.
  auto past = run_cli("search " + root + " 青川市 --per-page 3 --page 4");
  BOOST_TEST(past.code == 0, past.err);
  BOOST_TEST(past.out == "共 8 条结果，第 4 页超出范围（共 3 页）\n", past.out);

  // Damaged file: rebuilt, said so, and the answer is the same as before.
  BOOST_REQUIRE(gk::write_file_atomic(f.cat(), std::string(8192, '\x01'), false));
  auto again = run_cli("search " + root + " 青川市 --json");
  BOOST_TEST(again.code == 0);
  BOOST_TEST(again.err.find("is damaged (") != std::string::npos, again.err);
  BOOST_TEST(again.out == first.out);

  // A write whose catalogue update fails still succeeds, and says so: the next search updates
  // the catalogue (here it cannot either, and fails saying why, rather than answer stale).
  fs::remove(f.cat() + ".lock");
  fs::create_directory(f.cat() + ".lock");
  Doc late = make_doc(r, 70);
  late.title = "青川市关于锁定之后再归档的通知";
  std::string rec = (f.dir.path / "late.xml").string();
  BOOST_REQUIRE(gk::write_file_atomic(rec, record_xml(late), false));
  auto added = run_cli("archive add " + root + " --record " + q(rec));
  BOOST_TEST(added.code == 0, added.err);
  BOOST_TEST(added.err == "gongkai: warning: the catalogue was not updated (" + f.cat() +
                              ".lock: cannot lock the catalogue: Is a directory); the next search brings it up to date\n");
  auto blocked = run_cli("search " + root + " 锁定之后");
  BOOST_TEST(blocked.code == 1);
  BOOST_TEST(blocked.out == "");
  BOOST_TEST(blocked.err.find(".lock: cannot lock the catalogue: Is a directory (the catalogue must be brought up to date "
                              "before it can answer, and that failed; `gongkai archive reindex ") !=
                 std::string::npos,
             blocked.err);
  // With --catalogue FILE the advice names that file (reindex alone rebuilds the default one).
  std::string other = (f.dir.path / "other.sqlite").string();
  fs::create_directory(other + ".lock");
  auto elsewhere = run_cli("search " + root + " 锁定之后 --catalogue " + q(other));
  BOOST_TEST(elsewhere.code == 1);
  BOOST_TEST(elsewhere.err.find("`gongkai archive reindex " + f.root + " --catalogue " + other + "` rebuilds it where it can be written") !=
                 std::string::npos,
             elsewhere.err);
  fs::remove(f.cat() + ".lock");
  auto healed = run_cli("search " + root + " 锁定之后");
  BOOST_TEST(healed.code == 0, healed.err);
  BOOST_TEST(healed.out.rfind("共 1 条结果", 0) == 0u, healed.out);
}

BOOST_AUTO_TEST_SUITE_END()
