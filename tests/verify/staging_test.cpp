// archive verify (black-box review): extensions/gongkai-staging/ holds only what the store puts
// there; stray files are extra, and an interrupted transaction names the command that recovers it.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/file.h>

#include "archive/ocfl/fsutil.h"
#include "archive/verify/verify.h"
#include "archive_fixture.h"

using namespace verify_test;

namespace {

std::string problems(const std::string& root) {
  auto r = gk::verify::verify_archive(root);
  if (!r) return "error: " + r.error().str();
  std::string out;
  for (auto& p : r->problems) out += p.str() + "\n";
  return out;
}

std::map<std::string, std::string> contents(const std::string& root) {
  std::map<std::string, std::string> m;
  for (auto& e : fs::recursive_directory_iterator(root))
    m[fs::relative(e.path(), root).string()] = e.is_regular_file() ? slurp(e.path().string()) : "dir";
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_verify_staging)

// extensions/gongkai-staging/ holds its README, staging.lock, locks/<3 hex>.lock and the txn-*
// directories of live writers; anything else is extra, and an interrupted transaction says which
// command finishes it.
BOOST_AUTO_TEST_CASE(staging_area_holds_only_what_the_store_puts_there) {
  Archive a;
  a.populate(1);
  const std::string st = a.root + "/extensions/gongkai-staging";
  BOOST_REQUIRE(fs::exists(st + "/staging.lock"));
  BOOST_REQUIRE(!fs::is_empty(st + "/locks"));
  BOOST_REQUIRE_MESSAGE(problems(a.root) == "", problems(a.root));
  const std::string not_ours = ": not part of the store's staging area (README.txt, staging.lock, locks/, txn-*/, quarantine/)\n";
  spit(st + "/notes.txt", "hidden");
  fs::create_directories(st + "/txn-x/sub");
  spit(st + "/locks/abc.lock", "data");
  spit(st + "/locks/zz.lock", "");
  fs::create_directories(st + "/quarantine/0a1-v2-0123456789abcdef");
  auto before = contents(a.root);
  BOOST_TEST(problems(a.root) ==
             "extra: extensions/gongkai-staging/locks/abc.lock" + not_ours + "extra: extensions/gongkai-staging/locks/zz.lock" + not_ours +
                 "extra: extensions/gongkai-staging/notes.txt" + not_ours +
                 "extra: extensions/gongkai-staging/quarantine/0a1-v2-0123456789abcdef: version directory that recovery moved out "
                 "of its object as unusable (kept as evidence): inspect it, then remove it\n"
                 "extra: extensions/gongkai-staging/txn-x" + not_ours);
  BOOST_TEST((contents(a.root) == before));
  for (auto* f : {"/notes.txt", "/txn-x", "/locks/abc.lock", "/locks/zz.lock", "/quarantine"}) fs::remove_all(st + f);
  BOOST_REQUIRE(problems(a.root) == "");

  // A write interrupted after staging: its transaction is reported with the command to run.
  gk::ocfl::fsx::set_crash_point_for_testing(1);
  auto w = gk::ocfl::Store::open(a.root, {.durable = false});
  BOOST_REQUIRE(w);
  BOOST_REQUIRE(!w->add_version("11519900008452170L/2023-00100", {gk::ocfl::NewFile::from_bytes("record.xml", "x")}, {}));
  gk::ocfl::fsx::set_crash_point_for_testing(0);
  std::string txn;
  for (auto& e : fs::directory_iterator(st))
    if (e.path().filename().string().rfind("txn-", 0) == 0) txn = e.path().filename().string();
  BOOST_REQUIRE(!txn.empty());
  BOOST_TEST(problems(a.root) == "extra: extensions/gongkai-staging/" + txn +
                                             ": transaction left by an interrupted write (no writer holds its lock); `gongkai audit "
                                             "recover " + a.root + "` finishes or discards it\n");
  BOOST_TEST(fs::exists(st + "/" + txn));  // verify leaves it to recovery

  // While a writer holds the transaction's lock it is its own business.
  int fd = ::open((st + "/" + txn + "/lock").c_str(), O_RDWR | O_CLOEXEC);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::flock(fd, LOCK_EX) == 0);
  BOOST_TEST(problems(a.root) == "");
  ::close(fd);

  // Opening the store (what audit recover does first) discards it; nothing else changed.
  auto rec = gk::ocfl::Store::open(a.root, {.durable = false});
  BOOST_REQUIRE(rec);
  BOOST_TEST(rec->recovery().str().find("rolled back") != std::string::npos, rec->recovery().str());
  BOOST_TEST(!fs::exists(st + "/" + txn));
  BOOST_TEST(problems(a.root) == "");
}

BOOST_AUTO_TEST_SUITE_END()
