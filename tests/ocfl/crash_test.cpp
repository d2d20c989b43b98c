// Crash safety, concurrency and full disk.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "archive/ocfl/fsutil.h"
#include "common/files.h"
#include "ocfl_test_util.h"

using namespace gk::ocfl;
using namespace ocfl_test;

namespace {

// Content of version v of object o in the kill test: recomputable by the parent.
std::vector<NewFile> kill_files(int o, int v) {
  std::string seed = std::to_string(o) + ":" + std::to_string(v);
  return {NewFile::from_bytes("data.bin", pseudo_bytes(seed, 3000 + static_cast<size_t>(v % 5) * 700)),
          NewFile::from_bytes("fixed.txt", "unchanged " + std::to_string(o)),  // dedup path
          NewFile::from_bytes("dir/v.txt", seed)};
}

std::string kill_id(int o) { return "urn:gongkai:kill:" + std::to_string(o); }

std::string tree_listing(const fs::path& root) {
  std::vector<std::string> lines;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).generic_string();
    if (rel.rfind("extensions/gongkai-staging/locks", 0) == 0 || rel == "extensions/gongkai-staging/staging.lock") continue;
    lines.push_back(rel + (e.is_regular_file() ? " " + gk::read_file(e.path().string()).value() : ""));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ocfl_crash)

BOOST_AUTO_TEST_CASE(recovery_after_interrupted_commits_rolls_forward_or_back) {
  TempDir t("interrupt");
  auto s = Store::init(t.str());
  BOOST_REQUIRE(s);
  const std::string id = "urn:x:interrupted";
  BOOST_REQUIRE(s->add_version(id, {NewFile::from_bytes("a", "1")}, meta("v1")));
  for (int phase = 1; phase <= 3; ++phase) {
    int before = s->inventory(id)->head_number();
    fsx::set_crash_point_for_testing(phase);
    auto r = s->add_version(id, {NewFile::from_bytes("a", "p" + std::to_string(phase))}, meta("crash"));
    fsx::set_crash_point_for_testing(0);
    BOOST_REQUIRE(!r);
    auto again = Store::open(t.str());
    BOOST_REQUIRE_MESSAGE(again, err(again));
    const auto& acts = again->recovery().actions;
    BOOST_REQUIRE_MESSAGE(acts.size() == 1u, again->recovery().str());
    int after = again->inventory(id)->head_number();
    if (phase == 1) {  // staged only: the version is discarded
      BOOST_TEST((acts[0].kind == RecoveryAction::Kind::rolled_back));
      BOOST_TEST(after == before);
    } else {  // moved in (and maybe half switched): the version is completed
      BOOST_TEST((acts[0].kind == RecoveryAction::Kind::rolled_forward), again->recovery().str());
      BOOST_TEST(after == before + 1);
      BOOST_TEST(again->read_file(id, "", "a").value() == "p" + std::to_string(phase));
    }
    auto rep = validate_root(t.str());
    BOOST_TEST(rep.findings.empty(), rep.str());
  }
  // A new object interrupted before it was moved in leaves nothing behind.
  fsx::set_crash_point_for_testing(1);
  BOOST_TEST(!s->add_version("urn:x:never", {NewFile::from_bytes("a", "1")}, meta("v1")));
  fsx::set_crash_point_for_testing(0);
  auto again = Store::open(t.str());
  BOOST_REQUIRE(again);
  BOOST_TEST(!again->has_object("urn:x:never"));
  BOOST_TEST(again->recovery().str().find("rolled back") != std::string::npos, again->recovery().str());
  auto rep = validate_root(t.str());
  BOOST_TEST(rep.findings.empty(), rep.str());
}

// A batch is one commit: once phase 2 has moved one object in, recovery moves the rest from the
// staging. Until 2026-12-04 it settled each object alone: a writer killed halfway through the
// moves left the batch half archived, and a new object's tuple directories empty (E073).
BOOST_AUTO_TEST_CASE(a_batch_interrupted_among_its_moves_is_finished_whole) {
  TempDir t("batch_moves");
  auto s = Store::init(t.str());
  BOOST_REQUIRE(s);
  BOOST_REQUIRE(s->add_version("urn:x:old", {NewFile::from_bytes("a", "1")}, meta("v1")));
  std::vector<NewVersion> batch;
  for (const char* id : {"urn:x:b1", "urn:x:b2", "urn:x:b3"}) batch.push_back({id, {NewFile::from_bytes("a", id)}, meta("new"), 0});
  batch.push_back({"urn:x:old", {NewFile::from_bytes("a", "2")}, meta("v2"), 0});
  fsx::set_crash_point_for_testing(4);  // after the first object is moved in
  auto r = s->add_versions(batch);
  fsx::set_crash_point_for_testing(0);
  BOOST_REQUIRE(!r);
  auto again = Store::open(t.str());
  BOOST_REQUIRE_MESSAGE(again, err(again));
  for (const char* id : {"urn:x:b1", "urn:x:b2", "urn:x:b3"}) {
    BOOST_TEST(again->has_object(id), id << " lost: " << again->recovery().str());
    if (again->has_object(id)) BOOST_TEST(again->read_file(id, "", "a").value() == id);
  }
  BOOST_TEST(again->inventory("urn:x:old")->head_number() == 2, again->recovery().str());
  auto rep = validate_root(t.str());
  BOOST_TEST(rep.findings.empty(), rep.str());
}

// A writer killed inside `mkdir -p` of a new object's tuple directories made only the first
// level; recovery removed empty parents from the deepest level up and stopped at the first one
// missing, so root/768 stayed (E073, verify FAILED).
BOOST_AUTO_TEST_CASE(tuple_directories_made_in_part_are_removed) {
  TempDir t("tuple_part");
  auto s = Store::init(t.str());
  BOOST_REQUIRE(s);
  std::filesystem::create_directories(t.str() + "/768");
  fsx::remove_empty_parents(t.str() + "/768/a1f/03c", t.str());
  BOOST_TEST(!std::filesystem::exists(t.str() + "/768"));
  BOOST_TEST(std::filesystem::exists(t.str()));
  std::filesystem::create_directories(t.str() + "/769/b2e");
  BOOST_REQUIRE(gk::write_file_atomic(t.str() + "/769/keep", "x", false));
  fsx::remove_empty_parents(t.str() + "/769/b2e/04d", t.str());
  BOOST_TEST(!std::filesystem::exists(t.str() + "/769/b2e"));
  BOOST_TEST(std::filesystem::exists(t.str() + "/769/keep"));  // not empty: kept
  auto rep = validate_root(t.str());
  BOOST_TEST(rep.str().find("E073") == std::string::npos, rep.str());
}

BOOST_AUTO_TEST_CASE(sigkill_at_random_moments_never_loses_a_committed_version) {
  TempDir t("kill");
  BOOST_REQUIRE(Store::init(t.str()));
  std::mt19937 rng(20240501);
  std::map<int, int> committed;  // object -> highest version reported committed
  int rolled_forward = 0, rolled_back = 0, kills = 0;
  for (int round = 0; round < 100; ++round) {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto s = Store::open(t.str());
      if (!s) ::_exit(3);
      std::mt19937 crng(static_cast<unsigned>(round));
      for (;;) {
        int o = static_cast<int>(crng() % 4);
        int next = s->has_object(kill_id(o)) ? s->inventory(kill_id(o))->head_number() + 1 : 1;
        auto r = s->add_version(kill_id(o), kill_files(o, next), meta("kill " + std::to_string(next)));
        if (!r) ::_exit(4);
        std::string line = std::to_string(o) + " " + std::to_string(r->number) + "\n";
        if (::write(fds[1], line.data(), line.size()) < 0) ::_exit(5);
      }
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(5000 + rng() % 60000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    kills += WIFSIGNALED(status);
    BOOST_TEST(WIFSIGNALED(status), "child exited with " << WEXITSTATUS(status));
    std::string reported;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) reported.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    std::istringstream in(reported);
    for (int o, v; in >> o >> v;) committed[o] = std::max(committed[o], v);

    auto s = Store::open(t.str());
    BOOST_REQUIRE_MESSAGE(s, err(s));
    for (const auto& a : s->recovery().actions) {
      rolled_forward += a.kind == RecoveryAction::Kind::rolled_forward;
      rolled_back += a.kind != RecoveryAction::Kind::rolled_forward;
    }
    for (const auto& [o, v] : committed) {
      auto inv = s->inventory(kill_id(o));
      BOOST_REQUIRE_MESSAGE(inv, err(inv));
      BOOST_TEST(inv->head_number() >= v);
      for (int k = std::max(1, v - 1); k <= v; ++k)  // the newest reported versions, byte for byte
        for (const auto& f : kill_files(o, k))
          BOOST_TEST(s->read_file(kill_id(o), "v" + std::to_string(k), f.logical_path).value() == f.bytes);
    }
    if (round % 10 == 9) {
      auto rep = validate_root(t.str());
      BOOST_TEST(rep.findings.empty(), "round " << round << ":\n" << rep.str());
    }
  }
  auto s = Store::open(t.str());
  BOOST_REQUIRE(s);
  for (const auto& [o, v] : committed)  // every version ever reported, at the end
    for (int k = 1; k <= v; ++k)
      for (const auto& f : kill_files(o, k))
        BOOST_TEST(s->read_file(kill_id(o), "v" + std::to_string(k), f.logical_path).value() == f.bytes);
  auto rep = validate_root(t.str());
  BOOST_TEST(rep.findings.empty(), rep.str());
  BOOST_TEST(kills == 100);
  BOOST_TEST_MESSAGE("kill test: versions committed " << [&] { int n = 0; for (auto& [o, v] : committed) n += v; return n; }()
                     << ", recovery rolled forward " << rolled_forward << ", rolled back " << rolled_back);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_on_one_object_do_not_interleave) {
  TempDir t("concurrent");
  BOOST_REQUIRE(Store::init(t.str()));
  const std::string id = "urn:x:shared";
  const int per_writer = 15;
  // Two processes...
  std::vector<pid_t> pids;
  for (int w = 0; w < 2; ++w) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto s = Store::open(t.str());
      if (!s) {
        std::fprintf(stderr, "writer %d: %s\n", w, s.error().str().c_str());
        ::_exit(1);
      }
      for (int i = 0; i < per_writer; ++i) {
        auto r = s->add_version(id, {NewFile::from_bytes("w", std::to_string(w) + "/" + std::to_string(i))}, meta("p"));
        if (!r) {
          std::fprintf(stderr, "writer %d: %s\n", w, r.error().str().c_str());
          ::_exit(1);
        }
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  // ...and two threads of this process at the same time.
  auto s = Store::open(t.str());
  BOOST_REQUIRE(s);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 2; w < 4; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i)
        if (!s->add_version(id, {NewFile::from_bytes("w", std::to_string(w) + "/" + std::to_string(i))}, meta("t")))
          ++failures;
    });
  for (auto& th : threads) th.join();
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  BOOST_TEST(failures == 0);
  auto inv = s->inventory(id);
  BOOST_REQUIRE(inv);
  BOOST_TEST(inv->head_number() == 4 * per_writer);
  BOOST_TEST(static_cast<int>(inv->versions.size()) == 4 * per_writer);  // v1..v60, no gaps
  std::set<std::string> contents;
  for (const auto& [n, v] : inv->versions) contents.insert(s->read_file(id, v.name, "w").value());
  BOOST_TEST(contents.size() == size_t(4 * per_writer));  // every write landed exactly once
  auto rep = validate_root(t.str());
  BOOST_TEST(rep.findings.empty(), rep.str());
}

// A writer that committed removes its txn directory, possibly between recovery listing the
// staging area and locking the txn (Store::open in one process while another commits: the
// concurrent test above failed so about once in ten runs). Such an entry is skipped. A dangling
// symlink plays the directory that was listed and is gone.
BOOST_AUTO_TEST_CASE(a_transaction_that_finished_while_recovery_looked_is_skipped) {
  TempDir t("vanished");
  const std::string id = "urn:x:vanished";
  {
    auto s = Store::init(t.str());
    BOOST_REQUIRE(s);
    BOOST_REQUIRE(s->add_version(id, {NewFile::from_bytes("w", "1")}, meta("one")));
  }
  fs::create_directory_symlink(t.path / "gone", t.path / "extensions/gongkai-staging/txn-finished");
  auto s = Store::open(t.str());
  BOOST_REQUIRE_MESSAGE(s, err(s));
  BOOST_TEST(s->inventory(id)->head == "v1");
  BOOST_REQUIRE(s->add_version(id, {NewFile::from_bytes("w", "2")}, meta("two")));
}

BOOST_AUTO_TEST_CASE(full_disk_leaves_the_store_unchanged) {
  TempDir t("full");
  auto s = Store::init(t.str());
  BOOST_REQUIRE(s);
  BOOST_REQUIRE(s->add_version("urn:x:full", record_files("1"), meta("v1")));
  std::string before = tree_listing(t.path);
  fsx::set_write_budget_for_testing(30000);  // the next version needs ~45 KB
  auto r = s->add_versions({{"urn:x:full", record_files("2"), meta("v2")}, {"urn:x:other", record_files("3"), meta("v1")}});
  fsx::set_write_budget_for_testing(-1);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("No space left on device") != std::string::npos, r.error().str());
  BOOST_TEST(r.error().message.find("no version was added") != std::string::npos, r.error().str());
  BOOST_TEST(tree_listing(t.path) == before);
  BOOST_TEST(s->add_version("urn:x:full", record_files("2"), meta("v2")).is_ok());
}

BOOST_AUTO_TEST_CASE(full_tmpfs_leaves_the_store_unchanged) {
  TempDir t("tmpfs");
  if (::mount("tmpfs", t.str().c_str(), "tmpfs", 0, "size=1m") != 0) {
    BOOST_TEST_MESSAGE("tmpfs mount not permitted here; covered by full_disk_leaves_the_store_unchanged");
    return;
  }
  {
    auto s = Store::init(t.str());
    BOOST_REQUIRE(s);
    std::string before;
    gk::Result<VersionInfo> r = gk::make_error("not run");
    for (int i = 0; i < 100; ++i) {
      before = tree_listing(t.path);
      r = s->add_version("urn:x:tmpfs:" + std::to_string(i), record_files(std::to_string(i)), meta("v1"));
      if (!r) break;
    }
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().message.find("No space left on device") != std::string::npos, r.error().str());
    BOOST_TEST(tree_listing(t.path) == before);
    auto rep = validate_root(t.str());
    BOOST_TEST(rep.findings.empty(), rep.str());
  }
  BOOST_TEST(::umount(t.str().c_str()) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
