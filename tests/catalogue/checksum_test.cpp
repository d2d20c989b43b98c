// Page checksums (archive/catalogue/checksum_vfs.h): a changed bit anywhere in a page in use is
// found, by the full check and while answering, never answered from. And a catalogue of another
// store with the same objects is found by the inventories.
#include <sqlite3.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "archive/catalogue/checksum_vfs.h"
#include "archive/catalogue/search.h"
#include "catalogue_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;
namespace ocfl = gk::ocfl;

namespace {

struct Archive {
  TempDir dir{"cksum"};
  std::string root = (dir.path / "archive").string();
  std::optional<ocfl::Store> store;
  Archive() {
    auto s = ocfl::Store::init(root, {false});
    BOOST_REQUIRE(s);
    store.emplace(std::move(*s));
    Rng r(11);
    for (int i = 0; i < 10; ++i) {
      Doc d = make_doc(r, i);
      if (i == 4) d.paragraphs.push_back("本段含有独角兽，甲乙丙丁的说法。");
      char created[40];
      std::snprintf(created, sizeof created, "2023-05-%02dT10:00:00+08:00", 1 + i);
      BOOST_REQUIRE(add(*store, "urn:gk:" + std::to_string(i), d, created));
    }
    BOOST_REQUIRE(rebuild(*store));
  }
  std::string cat() const { return default_path(root); }
};

// The pages of b-trees (tables, indexes, overflow chains) of a catalogue: what answers read.
std::vector<int64_t> pages_in_use(const std::string& path) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat ORDER BY pageno", -1, &st, nullptr) == SQLITE_OK);
  std::vector<int64_t> out;
  while (sqlite3_step(st) == SQLITE_ROW) out.push_back(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void write_keeping_mtime(const std::string& path, const std::string& bytes) {
  struct stat before{};
  BOOST_REQUIRE(::stat(path.c_str(), &before) == 0);
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    io.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  BOOST_REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

// A writer killed in the middle of a commit: its changes are in the file and the journal that
// undoes them is beside it ("hot"). Done in a child that exits without committing.
void leave_hot_journal(const std::string& path) {
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    sqlite3* db = nullptr;
    if (!register_checksum_vfs() || sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, kChecksumVfs) != SQLITE_OK)
      ::_exit(2);
    // A tiny cache spills the changed pages into the file before the commit.
    if (sqlite3_exec(db, "PRAGMA cache_size=1; BEGIN; UPDATE texts SET text = 'overwritten'; UPDATE versions SET title = 'x';",
                     nullptr, nullptr, nullptr) != SQLITE_OK)
      ::_exit(3);
    ::_exit(0);  // no commit, no rollback, no close
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  BOOST_REQUIRE(std::filesystem::file_size(path + "-journal") > 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_checksums)

BOOST_AUTO_TEST_CASE(a_new_catalogue_reserves_room_for_checksums) {
  Archive a;
  std::string bytes = gk::read_file(a.cat()).value();
  BOOST_REQUIRE(bytes.size() > 100);
  BOOST_TEST(static_cast<int>(static_cast<unsigned char>(bytes[20])) == kChecksumReserve);  // header: reserved bytes
}

// Before checksums, quick_check passed most such changes (a bit of a stored text, of an FTS5
// leaf) and searches answered from them.
BOOST_AUTO_TEST_CASE(a_changed_bit_in_any_page_in_use_is_found_and_the_catalogue_rebuilt) {
  Archive a;
  const std::string good = gk::read_file(a.cat()).value();
  auto pages = pages_in_use(a.cat());
  BOOST_REQUIRE(pages.size() >= 20u);
  Rng r(5);
  for (int64_t p : pages) {
    std::string bytes = good;
    size_t at = static_cast<size_t>(p - 1) * 4096 + r.below(4096);
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << r.below(8)));
    write_keeping_mtime(a.cat(), bytes);
    std::filesystem::remove(a.cat() + ".checked");
    OpenReport rep;
    auto ix = open_checked(*a.store, "", rep);
    BOOST_REQUIRE_MESSAGE(ix, err(ix));
    BOOST_TEST_REQUIRE(rep.notices.size() == 1u, "page " << p << " byte " << at % 4096 << ": not found");
    BOOST_TEST(rep.notices[0].rfind("catalogue " + a.cat() + " is damaged (", 0) == 0, rep.notices[0]);
    BOOST_TEST((gk::read_file(a.cat()).value() == good), "page " << p << ": not rebuilt to the same bytes");
  }
}

BOOST_AUTO_TEST_CASE(a_damaged_page_met_while_answering_is_an_error_not_an_answer) {
  Archive a;
  SearchRequest req;
  req.query = "独角兽，甲乙";  // punctuation inside: checked against the stored text
  {
    auto ix = Index::open(a.cat(), false, false);
    BOOST_REQUIRE_MESSAGE(ix, err(ix));
    auto res = search(*ix, req);
    BOOST_REQUIRE_MESSAGE(res, err(res));
    BOOST_TEST(res->total == 1);
  }
  // Bit rot in the stored text: the file's size and times stay, so no stamp or check would see it.
  std::string bytes = gk::read_file(a.cat()).value();
  size_t at = bytes.find("独角兽，甲乙");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_REQUIRE(bytes.find("独角兽，甲乙", at + 1) == std::string::npos);
  bytes[at + 1] = static_cast<char>(bytes[at + 1] ^ 0x01);
  write_keeping_mtime(a.cat(), bytes);
  auto ix = Index::open(a.cat(), false, false);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  auto res = search(*ix, req);
  BOOST_REQUIRE_MESSAGE(!res, "answered from a damaged page: " << (res ? res->total : -1) << " results");
  const std::string page = std::to_string(at / 4096 + 1);
  BOOST_TEST(res.error().message == "damaged: page " + page + " of " + a.cat() + " fails its checksum");
}

// FTS5 reads its config page when a statement is prepared: damage there was "catalogue database
// error", which no caller took for damage, so every search failed until the stamp expired.
BOOST_AUTO_TEST_CASE(a_damaged_page_met_while_preparing_is_damage_too) {
  Archive a;
  int64_t root_page = 0;
  {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2(a.cat().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = 'fts_config'", -1, &st, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    root_page = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::string bytes = gk::read_file(a.cat()).value();
  size_t at = static_cast<size_t>(root_page - 1) * 4096 + 2000;
  bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
  write_keeping_mtime(a.cat(), bytes);
  auto ix = Index::open(a.cat(), false, false);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  SearchRequest req;
  req.query = "独角兽";
  auto res = search(*ix, req);
  BOOST_REQUIRE(!res);
  BOOST_TEST(res.error().message == "damaged: page " + std::to_string(root_page) + " of " + a.cat() + " fails its checksum",
             res.error().message);
}

BOOST_AUTO_TEST_CASE(the_cli_rebuilds_a_catalogue_damaged_under_a_fresh_stamp_and_answers_right) {
  Archive a;
  // A full check of a catalogue at least 2 s old leaves a stamp (check_stamp.h): the next
  // search trusts the file without reading it all, and meets the damage while answering.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto first = run_cli("search " + a.root + " " + q("独角兽，甲乙") + " --json");
  BOOST_REQUIRE_MESSAGE(first.code == 0, first.err);
  BOOST_REQUIRE(std::filesystem::exists(a.cat() + ".checked"));
  std::string bytes = gk::read_file(a.cat()).value();
  size_t at = bytes.find("独角兽，甲乙");
  BOOST_REQUIRE(at != std::string::npos);
  bytes[at + 1] = static_cast<char>(bytes[at + 1] ^ 0x01);
  write_keeping_mtime(a.cat(), bytes);
  auto second = run_cli("search " + a.root + " " + q("独角兽，甲乙") + " --json");
  BOOST_TEST(second.code == 0, second.err);
  BOOST_TEST(second.out == first.out);
  BOOST_TEST(second.err.find("is damaged (page ") != std::string::npos, second.err);
  BOOST_TEST(second.err.find("fails its checksum); rebuilding it from the store") != std::string::npos, second.err);
}

BOOST_AUTO_TEST_CASE(damage_messages_never_carry_raw_bytes_of_the_file) {
  Archive a;
  std::string bytes = gk::read_file(a.cat()).value();
  size_t at = bytes.find("PRIMARY KEY, value");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_REQUIRE(at < 4096 - kChecksumReserve);  // in page 1, the schema
  bytes.replace(at, 4, "\x1b[2J");
  // With a valid checksum (as a tool writing through SQLite would leave it): the schema parser
  // meets the bytes, and SQLite's message quotes them.
  uint64_t sum = XXH3_64bits_withSeed(bytes.data(), 4096 - kChecksumReserve, 1);
  std::memcpy(&bytes[4096 - kChecksumReserve], &sum, sizeof sum);
  write_keeping_mtime(a.cat(), bytes);
  auto ix = Index::open(a.cat(), false, true);
  BOOST_REQUIRE(!ix);
  const std::string& m = ix.error().message;
  BOOST_TEST(m.find('\x1b') == std::string::npos, m);
  BOOST_TEST(m.rfind("damaged: ", 0) == 0, m);
}

// Until format 12 the check compared object directories and head versions only: a catalogue
// copied from another store with the same objects answered with that store's texts.
BOOST_AUTO_TEST_CASE(a_catalogue_of_another_store_with_the_same_objects_is_rebuilt) {
  TempDir dir{"foreign"};
  auto make = [&](const std::string& name, const std::string& word) {
    std::string root = (dir.path / name).string();
    auto s = ocfl::Store::init(root, {false});
    BOOST_REQUIRE(s);
    Rng r(21);
    for (int i = 0; i < 3; ++i) {
      Doc d = make_doc(r, i);
      if (i == 1) d.paragraphs.push_back("本段只在" + word + "里。");
      BOOST_REQUIRE(add(*s, "urn:gk:" + std::to_string(i), d, "2023-06-0" + std::to_string(1 + i) + "T09:00:00+08:00"));
    }
    BOOST_REQUIRE(rebuild(*s));
    return std::move(*s);
  };
  ocfl::Store x = make("x", "甲库");
  ocfl::Store y = make("y", "乙库");
  const std::string own = gk::read_file(default_path(x.root())).value();
  BOOST_REQUIRE(gk::write_file_atomic(default_path(x.root()), gk::read_file(default_path(y.root())).value(), false));
  OpenReport rep;
  auto ix = open_checked(x, "", rep);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_REQUIRE(rep.notices.size() == 1u);
  BOOST_TEST(rep.notices[0].rfind("catalogue " + default_path(x.root()) + " does not match the store (the inventory of ", 0) == 0,
             rep.notices[0]);
  BOOST_TEST(ids_of(*ix, "乙库").empty());
  BOOST_TEST(ids_of(*ix, "甲库").size() == 1u);
  BOOST_TEST((gk::read_file(default_path(x.root())).value() == own));
}

BOOST_AUTO_TEST_CASE(a_reader_rolls_back_what_a_killed_writer_left_instead_of_failing) {
  Archive a;
  const std::string good = gk::read_file(a.cat()).value();
  leave_hot_journal(a.cat());
  BOOST_REQUIRE(gk::read_file(a.cat()).value() != good);  // the half-written commit is in the file
  // Until 2026-12-04 every reader failed ("attempt to write a readonly database"), rebuilt the
  // catalogue for nothing and failed again, until the next writer came.
  OpenReport rep;
  auto ix = open_checked(*a.store, "", rep);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_TEST(rep.notices.empty(), (rep.notices.empty() ? "" : rep.notices[0]));
  BOOST_TEST(!std::filesystem::exists(a.cat() + "-journal"));
  BOOST_TEST(ids_of(*ix, "独角兽").size() == 1u);
  BOOST_TEST(ids_of(*ix, "overwritten").empty());
  ix = gk::make_error("closed");
  BOOST_TEST((gk::read_file(a.cat()).value() == good));
}

BOOST_AUTO_TEST_CASE(a_rebuild_removes_the_old_files_journal_so_it_is_never_played_into_the_new_one) {
  Archive a;
  const std::string good = gk::read_file(a.cat()).value();
  leave_hot_journal(a.cat());
  BOOST_REQUIRE(gk::write_file_atomic(a.cat() + ".rebuild-999999", "scratch of a killed rebuild", false));
  auto r = rebuild(*a.store);
  BOOST_REQUIRE_MESSAGE(r, err(r));
  BOOST_TEST(!std::filesystem::exists(a.cat() + "-journal"));
  BOOST_TEST(!std::filesystem::exists(a.cat() + ".rebuild-999999"));
  auto ix = Index::open(a.cat(), /*writable=*/true, /*check=*/true);  // would play a journal back
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  ix = gk::make_error("closed");
  BOOST_TEST((gk::read_file(a.cat()).value() == good));
}

BOOST_AUTO_TEST_CASE(every_writer_removes_scratch_files_of_killed_rebuilds) {
  Archive a;
  BOOST_REQUIRE(gk::write_file_atomic(a.cat() + ".rebuild-999999", "scratch of a killed rebuild", false));
  Rng r(9);
  BOOST_REQUIRE(add(*a.store, "urn:gk:new", make_doc(r, 40), "2023-08-01T10:00:00+08:00"));
  auto s = index_versions(*a.store, {{"urn:gk:new", 1}});
  BOOST_REQUIRE_MESSAGE(s, err(s));
  BOOST_TEST(!std::filesystem::exists(a.cat() + ".rebuild-999999"));
}

// A batch updates the catalogue once at its end: a check meanwhile finds versions the catalogue
// lacks. While the store keeps changing, the check goes again (it compared with a store that
// was gone); once it stays, the difference is reported with its cause.
BOOST_AUTO_TEST_CASE(a_check_goes_again_while_the_store_changes_and_says_what_the_catalogue_lacks) {
  Archive a;
  Rng r(5);
  BOOST_REQUIRE(add(*a.store, "urn:gk:batch1", make_doc(r, 50), "2023-08-01T10:00:00+08:00"));  // committed, not indexed
  int rebuilds = 0;
  auto c = check_rebuild(*a.store, "", [&] {
    if (++rebuilds == 1) BOOST_REQUIRE(add(*a.store, "urn:gk:batch2", make_doc(r, 51), "2023-08-01T10:00:00+08:00"));
  });
  BOOST_REQUIRE_MESSAGE(c, err(c));
  BOOST_TEST(rebuilds == 2);
  BOOST_TEST(!c->current);
  BOOST_TEST(c->versions == 12);
  BOOST_TEST(c->why == "it lacks 2 versions of the store: not indexed yet, by a writer at work or one that stopped before indexing");
  auto s = index_versions(*a.store, {{"urn:gk:batch1", 1}, {"urn:gk:batch2", 1}});
  BOOST_REQUIRE_MESSAGE(s, err(s));
  auto now = check_rebuild(*a.store);
  BOOST_REQUIRE_MESSAGE(now, err(now));
  BOOST_TEST(now->current);
}

// SQLite takes a page from the mapping before it looks in its cache, and inside a write
// transaction it may keep a newer cached copy: the file's bytes there need not be a valid page
// (without secure_delete, a page freed unwritten and reused since). Such a page is read from the
// cache, not failed (a 100k build failed so); a damaged page SQLite really reads still fails.
BOOST_AUTO_TEST_CASE(a_mapped_page_that_sqlite_replaces_from_its_cache_is_not_an_error) {
  TempDir dir("cksum-map");
  const std::string path = (dir.path / "t.sqlite").string();
  BOOST_REQUIRE(register_checksum_vfs());
  auto open = [&](sqlite3** db) {
    BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, kChecksumVfs) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(*db, "PRAGMA secure_delete=OFF; PRAGMA mmap_size=268435456", nullptr, nullptr, nullptr) == SQLITE_OK);
  };
  const std::string blob = "zeroblob(20000)";
  sqlite3* db = nullptr;
  open(&db);
  int reserve = kChecksumReserve;
  BOOST_REQUIRE(sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(db, ("PRAGMA page_size=4096; CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8) "
                                  "INSERT INTO t SELECT i, " + blob + " FROM n; DELETE FROM t WHERE id > 2;").c_str(),
                             nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  // The free pages' bytes in the file are no pages at all (as if never written); not the
  // freelist's trunk page (header offset 32), which SQLite reads to take them.
  std::vector<int64_t> used = pages_in_use(path);
  const std::string header = gk::read_file(path).value().substr(0, 100);
  const int64_t trunk = (int64_t{static_cast<unsigned char>(header[32])} << 24) | (static_cast<unsigned char>(header[33]) << 16) |
                        (static_cast<unsigned char>(header[34]) << 8) | static_cast<unsigned char>(header[35]);
  BOOST_REQUIRE(trunk > 1);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  int spoiled = 0;
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(4096, '\xAB');
    for (int64_t pg = 2; pg * 4096 <= size; ++pg) {
      if (pg == trunk || std::binary_search(used.begin(), used.end(), pg)) continue;
      io.seekp((pg - 1) * 4096);
      io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
      ++spoiled;
    }
  }
  BOOST_REQUIRE(spoiled > 20);
  open(&db);
  auto sum = [&]() {
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(db, "SELECT sum(length(b)) FROM t", -1, &st, nullptr) == SQLITE_OK);
    int rc = sqlite3_step(st);
    BOOST_TEST_MESSAGE("rc " << rc << " " << sqlite3_errmsg(db));
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -rc;
    sqlite3_finalize(st);
    return v;
  };
  // The new rows take the free pages without reading them; the query reads them mapped.
  BOOST_REQUIRE_MESSAGE(sqlite3_exec(db, ("BEGIN; INSERT INTO t SELECT id + 10, " + blob + " FROM t;").c_str(), nullptr, nullptr, nullptr) == SQLITE_OK,
                        sqlite3_errmsg(db));
  BOOST_TEST(sum() == 4 * 20000);
  BOOST_REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  open(&db);
  BOOST_TEST(sum() == 4 * 20000);
  sqlite3_close(db);
  // A page in use damaged in the file is still an error, through the mapping as through reads.
  used = pages_in_use(path);
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp((used.back() - 1) * 4096 + 100);
    io.put('\x5A');
  }
  open(&db);
  BOOST_TEST(sum() == -SQLITE_IOERR);
  BOOST_TEST(last_checksum_failure().find("page " + std::to_string(used.back()) + " of ") == 0);
  sqlite3_close(db);
}

BOOST_AUTO_TEST_SUITE_END()
