// Writes and the catalogue: versions written in one second, and a catalogue kept elsewhere
// through a symlink.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "archive/catalogue/catalogue.h"
#include "archive/catalogue/checksum_vfs.h"
#include "archive/catalogue/internal.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/store.h"
#include "archive_test_util.h"

using namespace archive_test;
using namespace gk::ingest;
namespace fs = std::filesystem;

namespace {

AddRequest request_for(const TempDir& t, int i) {
  AddRequest rq;
  rq.record_path = variant(t / ("r" + std::to_string(i) + ".xml"),
                           {{"2022-00012</index-no>", "2022-00" + std::to_string(100 + i) + "</index-no>"}});
  rq.user = {"李明", "mailto:li@example.gov.cn"};
  return rq;
}

// An empty archive at `root`, opened for writing.
gk::Result<Archive> new_archive(const std::string& root) {
  BOOST_REQUIRE(gk::ocfl::Store::init(root));
  auto a = Archive::open(root);
  BOOST_REQUIRE_MESSAGE(a, err(a));
  return a;
}

ino_t inode_of(const std::string& path) {
  struct stat s{};
  BOOST_REQUIRE(::stat(path.c_str(), &s) == 0);
  return s.st_ino;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_writes)

// Until 2026-12-04 a version created in the second of the catalogue's newest group made the
// whole catalogue be rebuilt: 5 s per write at 5,000 documents, for a script adding records.
BOOST_AUTO_TEST_CASE(writes_in_one_second_append_to_the_catalogue_instead_of_rebuilding_it) {
  TempDir t("same_second");
  std::string root = t / "root";
  auto a = new_archive(root);
  a->set_wait_from_versions(1);  // as a large catalogue does
  {
    auto first = a->add(request_for(t, 0));
    BOOST_REQUIRE_MESSAGE(first, err(first));
  }
  const std::string cat = gk::catalogue::default_path(root);
  const ino_t inode = inode_of(cat);  // a rebuild renames a new file in
  // Start early in a second, so that the writes below would share it.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::this_thread::sleep_for(std::chrono::seconds(1) - (now % std::chrono::seconds(1)) + std::chrono::milliseconds(5));
  std::vector<std::string> created;
  for (int i = 1; i <= 3; ++i) {
    auto out = a->add(request_for(t, i));
    BOOST_REQUIRE_MESSAGE(out, err(out));
    BOOST_REQUIRE(!a->catalogue_error());
    auto inv = a->store().inventory(out->object_id);
    BOOST_REQUIRE(inv);
    created.push_back(inv->versions.at(1).created);
    BOOST_TEST(inode_of(cat) == inode, "write " << i << " rebuilt the catalogue");
  }
  BOOST_TEST(created[0] != created[1]);
  BOOST_TEST(created[1] != created[2]);
  auto rebuilt = gk::catalogue::rebuild(a->store(), (t / "check.sqlite"));
  BOOST_REQUIRE_MESSAGE(rebuilt, err(rebuilt));
  BOOST_TEST((slurp(cat) == slurp(t / "check.sqlite")));  // still the bytes of a rebuild
}

BOOST_AUTO_TEST_CASE(a_catalogue_behind_a_symlink_is_rebuilt_where_the_link_points) {
  TempDir t("linked");
  std::string root = t / "root";
  auto a = new_archive(root);
  {
    auto first = a->add(request_for(t, 0));
    BOOST_REQUIRE_MESSAGE(first, err(first));
  }
  const std::string cat = gk::catalogue::default_path(root);
  fs::create_directories(t / "ssd");
  fs::rename(cat, t / "ssd/cat.sqlite");
  fs::create_symlink("ssd/cat.sqlite", cat);  // relative, as `ln -s` makes it
  auto r = gk::catalogue::rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(r, err(r));
  BOOST_TEST(fs::is_symlink(cat));
  // A killed rebuild's scratch file is where the link points; writers remove it there too (it was
  // left until the next reindex, as large as the catalogue).
  spit(t / "ssd/cat.sqlite.rebuild-99999", "scratch of a killed rebuild");
  a->set_wait_from_versions(1);  // so that the write appends (a rebuild would clean up anyway)
  const ino_t inode = inode_of(t / "ssd/cat.sqlite");
  BOOST_REQUIRE(a->add(request_for(t, 1)));
  BOOST_TEST(inode_of(t / "ssd/cat.sqlite") == inode);
  BOOST_TEST(fs::is_symlink(cat));
  BOOST_TEST(!fs::exists(t / "ssd/cat.sqlite.rebuild-99999"));
  auto ix = gk::catalogue::Index::open(t / "ssd/cat.sqlite", false, true);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_TEST(*ix->version_count() == 2);
}

// A killed `reindex --check` left its scratch catalogue (as large as the catalogue) and its lock
// file beside the catalogue for good, until 2026-12-04. A check at work holds its lock, and its
// files stay.
BOOST_AUTO_TEST_CASE(scratch_files_of_killed_checks_are_removed_and_those_of_a_running_check_kept) {
  TempDir t("checks");
  std::string root = t / "root";
  auto a = new_archive(root);
  BOOST_REQUIRE(a->add(request_for(t, 0)));
  const std::string cat = gk::catalogue::default_path(root);
  const std::vector<std::string> killed{".check-99999", ".check-99999-journal", ".check-99999.rebuild-99999",
                                        ".check-99999.lock",  // this gongkai's: its lock left behind
                                        ".check-7", ".check-7.rebuild-7"};  // an earlier one's: no lock
  const std::vector<std::string> running{".check-4242", ".check-4242.rebuild-4242", ".check-4242.lock"};
  for (const auto& n : killed) spit(cat + n, std::string(4096, 'x'));
  spit(cat + ".rebuild-99999", std::string(4096, 'x'));  // of a killed reindex
  for (const auto& n : running) spit(cat + n, std::string(4096, 'x'));
  spit(cat + ".check-notes", "not a check's");
  spit(cat + ".check-2024.txt", "a user's");  // a pid, then a name no check makes
  spit(cat + ".check-20241204.sqlite", "a user's dated copy");
  int held = ::open((cat + ".check-4242.lock").c_str(), O_RDWR | O_CLOEXEC);
  BOOST_REQUIRE(held >= 0);
  BOOST_REQUIRE(::flock(held, LOCK_EX) == 0);

  auto r = gk::catalogue::check_rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(r, err(r));
  BOOST_TEST(r->current);
  BOOST_TEST(r->versions == 1);
  for (const auto& n : killed) BOOST_TEST(!fs::exists(cat + n), n);
  BOOST_TEST(!fs::exists(cat + ".rebuild-99999"));
  for (const auto& n : running) BOOST_TEST(fs::exists(cat + n), n);
  for (const char* n : {".check-notes", ".check-2024.txt", ".check-20241204.sqlite"}) BOOST_TEST(fs::exists(cat + n), n);
  const std::string own = fs::path(cat).filename().string() + ".check-" + std::to_string(::getpid());
  for (const auto& e : fs::directory_iterator(fs::path(cat).parent_path()))
    BOOST_TEST(e.path().filename().string().rfind(own, 0) != 0, e.path());  // its own files are gone

  // Once that check is gone (its lock free), the next writer removes its files.
  ::close(held);
  BOOST_REQUIRE(a->add(request_for(t, 1)));
  for (const auto& n : running) BOOST_TEST(!fs::exists(cat + n), n);
  BOOST_TEST(fs::exists(cat + ".check-notes"));
  // A catalogue that differs is told apart (the same check, one version behind).
  fs::copy_file(cat, t / "old.sqlite");
  BOOST_REQUIRE(a->add(request_for(t, 2)));
  fs::copy_file(t / "old.sqlite", cat, fs::copy_options::overwrite_existing);
  auto d = gk::catalogue::check_rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(d, err(d));
  BOOST_TEST(!d->current);
  BOOST_TEST(d->versions == 3);
}

// A writer that changed the catalogue while it was checked made the check report a difference
// (exit 1 for an inspector) where there was none (until 2026-12-04): the check goes again.
BOOST_AUTO_TEST_CASE(a_catalogue_written_during_a_check_is_checked_again) {
  TempDir t("check_during_write");
  std::string root = t / "root";
  auto a = new_archive(root);
  BOOST_REQUIRE(a->add(request_for(t, 0)));
  int rebuilds = 0, next = 1;
  auto r = gk::catalogue::check_rebuild(a->store(), "", [&] {
    if (++rebuilds == 1) BOOST_REQUIRE(a->add(request_for(t, next++)));  // after the rebuild read the store
  });
  BOOST_REQUIRE_MESSAGE(r, err(r));
  BOOST_TEST(r->current);
  BOOST_TEST(r->versions == 2);
  BOOST_TEST(rebuilds == 2);

  // Writers at work during every attempt: an error saying so, not a difference.
  auto busy = gk::catalogue::check_rebuild(a->store(), "", [&] { BOOST_REQUIRE(a->add(request_for(t, next++))); });
  BOOST_REQUIRE(!busy);
  BOOST_TEST(busy.error().str() == gk::catalogue::default_path(root) +
                                       ": changed during each of 3 checks (writers at work); run the check again when the archive is quiet");
  const std::string own = fs::path(gk::catalogue::default_path(root)).filename().string() + ".check-";
  for (const auto& e : fs::directory_iterator(t.path))
    BOOST_TEST(e.path().filename().string().rfind(own, 0) != 0, e.path());

  // A real difference stays one, and a catalogue of another format says so.
  const std::string cat = gk::catalogue::default_path(root);
  fs::copy_file(cat, t / "old.sqlite");
  BOOST_REQUIRE(a->add(request_for(t, next++)));
  fs::copy_file(t / "old.sqlite", cat, fs::copy_options::overwrite_existing);
  auto d = gk::catalogue::check_rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(d, err(d));
  BOOST_TEST(!d->current);
  BOOST_TEST(d->why == "it lacks 1 version of the store: not indexed yet, by a writer at work or one that stopped before indexing");
  auto cli = run_gk({"archive", "reindex", "--check", root});
  BOOST_TEST(cli.code == 1);
  BOOST_TEST(cli.err == "gongkai: catalogue " + cat +
                            " differs from a rebuild from the store (it lacks 1 version of the store: not indexed yet, by a "
                            "writer at work or one that stopped before indexing); run gongkai archive reindex\n");
  // Same versions, other bytes (a changed text): a difference without a known cause.
  BOOST_REQUIRE(gk::catalogue::rebuild(a->store()));
  {
    sqlite3* db = nullptr;  // through the checksum VFS: a plain write would fail the page's checksum
    BOOST_REQUIRE(gk::catalogue::register_checksum_vfs());
    BOOST_REQUIRE(sqlite3_open_v2(cat.c_str(), &db, SQLITE_OPEN_READWRITE, gk::catalogue::kChecksumVfs) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, "UPDATE texts SET text = text || '改' WHERE seq = 1", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto changed = gk::catalogue::check_rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(changed, err(changed));
  BOOST_TEST(!changed->current);
  BOOST_TEST(changed->why == "");
  {
    sqlite3* db = nullptr;  // through the checksum VFS: a plain write would fail page 1's checksum
    BOOST_REQUIRE(gk::catalogue::register_checksum_vfs());
    BOOST_REQUIRE(sqlite3_open_v2(cat.c_str(), &db, SQLITE_OPEN_READWRITE, gk::catalogue::kChecksumVfs) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, "PRAGMA user_version=12", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto cli12 = run_gk({"archive", "reindex", "--check", root});
  BOOST_TEST(cli12.code == 1);
  BOOST_TEST(cli12.err == "gongkai: catalogue " + cat +
                              " differs from a rebuild from the store (it was written by another version of gongkai (format 12; "
                              "this gongkai reads 16)); run gongkai archive reindex\n");
}

// Writers lock the catalogue through the path they are given; a check of the symlink's target
// (`--catalogue ssd/cat.sqlite`) locked another file, took a live rebuild's scratch beside the
// target for a killed one and removed it. One lock now, beside the file the link points to.
BOOST_AUTO_TEST_CASE(a_writer_through_a_symlink_and_a_check_of_its_target_share_one_lock) {
  TempDir t("linked_lock");
  std::string root = t / "root";
  auto a = new_archive(root);
  BOOST_REQUIRE(a->add(request_for(t, 0)));
  const std::string cat = gk::catalogue::default_path(root), target = t / "ssd/cat.sqlite";
  fs::create_directories(t / "ssd");
  fs::rename(cat, target);
  fs::create_symlink(fs::relative(target, fs::path(cat).parent_path()), cat);
  fs::remove(cat + ".lock");  // the first write's, before the catalogue moved
  const std::string live = target + ".rebuild-" + std::to_string(::getpid());
  {
    gk::catalogue::detail::WriteLock writer(cat);  // a writer at work through the link
    BOOST_REQUIRE(writer.ok());
    BOOST_TEST(!gk::catalogue::detail::WriteLock(target, /*wait=*/false).ok());
    spit(live, "scratch of a rebuild at work");
    auto check = gk::catalogue::check_rebuild(a->store(), target);
    BOOST_REQUIRE_MESSAGE(check, err(check));
    BOOST_TEST(check->current);
    BOOST_TEST(fs::exists(live));
  }
  BOOST_TEST(fs::exists(target + ".lock"));
  BOOST_TEST(!fs::exists(cat + ".lock"));
  fs::remove(live);
}

BOOST_AUTO_TEST_SUITE_END()
