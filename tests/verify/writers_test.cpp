// archive verify beside writers (black-box review): a write in progress (a version whose entry is
// not appended yet, an entry appended after its object was read, a version moved into its object
// before the root inventory names it) is not a problem. The test plays the writer: it holds the
// store's write lock as ingest does, and finishes its write from the "recheck" hook, in a thread
// that releases the lock only when done, so verify's re-check can only see the finished write.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "archive/audit/log.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/fsutil.h"
#include "archive/verify/verify.h"
#include "archive_fixture.h"

using namespace verify_test;

namespace {

const std::string kId = "11519900008452170L/2023-00100";  // populate()'s first object

std::string lines(const gk::verify::VerifyReport& r) {
  std::string out;
  for (auto& p : r.problems) out += p.str() + "\n";
  return out;
}

Version third(const std::string& status = "废止") {
  std::string rec = make_record(kId, "青川市人民政府关于第1号事项的公告", "2023-01-01", "永久");
  return {rec, fake_pdf("第三版", 1, 2000, 77), status};
}

// Two objects, one PDF byte flipped: a real problem for verify to find.
void flip_a_pdf_byte(Archive& a) {
  a.populate(2);
  std::string pdf = a.object_dir("11519900008452170L/2023-00101") + "/v1/content/document.pdf";
  std::string bytes = slurp(pdf);
  bytes[bytes.size() / 2] ^= 0x01;
  spit(pdf, bytes);
}

// The writer's shared hold on the store's write lock, as ingest takes it from before its commit
// until its entries are appended.
gk::ocfl::fsx::FileLock hold_write_lock(const std::string& root) {
  auto l = gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(root), false, true);
  if (!l) throw std::runtime_error(why(l));
  return std::move(*l);
}

// Runs verify; at "recheck" starts `finish` on a thread that then releases `lock`. The thread
// first gives verify a moment to read on (300 ms, cut short when it does): verify must not, as
// the writer still holds the lock. `early` counts reads of the re-check before the write ended.
struct Run {
  std::thread writer;
  int rechecks = 0, early = 0;
  std::mutex mu;
  std::condition_variable cv;
  bool reread = false, written = false;
  gk::Result<gk::verify::VerifyReport> verify(const std::string& root, gk::ocfl::fsx::FileLock lock,
                                              std::function<void()> finish) {
    gk::verify::VerifyOptions o;
    auto held = std::make_shared<gk::ocfl::fsx::FileLock>(std::move(lock));
    o.test_hook = [&, held](const char* point, int pass) {
      std::lock_guard l(mu);
      if (std::string(point) == "recheck") {
        ++rechecks;
        writer = std::thread([this, held, finish] {
          {
            std::unique_lock l(mu);
            cv.wait_for(l, std::chrono::milliseconds(300), [&] { return reread; });
          }
          finish();
          std::lock_guard l(mu);
          written = true;
          *held = gk::ocfl::fsx::FileLock();  // the write is logged: let verify in
        });
      } else if (pass == 2) {
        reread = true;
        early += written ? 0 : 1;
        cv.notify_all();
      }
    };
    auto r = gk::verify::verify_archive(root, o);
    if (writer.joinable()) writer.join();
    return r;
  }
};

// The last entry of the log.
gk::audit::Entry last_entry(const std::string& root) {
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {.read_only = true});
  if (!log) throw std::runtime_error(why(log));
  auto e = log->entry(log->size() - 1);
  if (!e) throw std::runtime_error(why(e));
  return *e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_verify_writers)

// A version committed whose entry the writer has yet to append: "unlogged" at the first reading,
// logged by the time the re-check reads it (the writer's lock held it back). Nothing is reported
// and the run's log entry says passed.
BOOST_AUTO_TEST_CASE(version_whose_entry_is_on_its_way_is_not_unlogged) {
  Archive a;
  a.populate(2);
  std::string v = a.add(kId, third(), /*log_it=*/false);
  BOOST_REQUIRE_EQUAL(v, "v3");
  Run run;
  auto r = run.verify(a.root, hold_write_lock(a.root), [&] { a.append(Archive::entry(kId, "v3", third())); });
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(lines(*r) == "");
  BOOST_TEST(run.rechecks == 1);
  BOOST_TEST(run.early == 0);  // the re-check waited for the writer
  BOOST_TEST(r->rechecked);
  BOOST_TEST(r->unconfirmed == 1u);  // the unlogged v3 of the first reading
  BOOST_TEST(r->versions == 5u);
  BOOST_TEST(r->files > 0u);

  // The run's own entry records the confirmed result.
  auto seq = gk::ingest::log_operation(a.root, gk::verify::run_entry(*r), &*a.key);
  BOOST_REQUIRE_MESSAGE(seq, why(seq));
  auto e = last_entry(a.root);
  BOOST_TEST(e.action == gk::audit::kActionVerify);
  BOOST_TEST(e.detail["result"] == "passed");
  BOOST_TEST(e.detail["problems"] == "0");
  BOOST_TEST(e.detail["rechecked"] == "1");
  auto again = gk::verify::verify_archive(a.root);
  BOOST_REQUIRE(again);
  BOOST_TEST(lines(*again) == "");
  BOOST_TEST(!again->rechecked);  // a sound archive is read once
}

// A writer commits and logs a version after verify read its object but before it read the log:
// the first reading has an entry without its version ("orphan-entry"); the re-check does not.
BOOST_AUTO_TEST_CASE(entry_appended_after_its_object_was_read_is_no_orphan) {
  Archive a;
  a.populate(1);
  std::mutex mu;
  std::condition_variable cv;
  bool object_read = false;
  gk::verify::VerifyOptions o;
  o.threads = 1;  // one object: read before the log thread is let go
  o.test_hook = [&](const char* point, int pass) {
    if (pass != 1) return;
    std::unique_lock l(mu);
    if (std::string(point) == "object") {
      object_read = true;
      cv.notify_all();
    } else if (std::string(point) == "log") {
      cv.wait(l, [&] { return object_read; });
      a.add(kId, third());  // committed, logged and signed between the two reads
    }
  };
  auto r = gk::verify::verify_archive(a.root, o);
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(lines(*r) == "");
  BOOST_TEST(r->rechecked);
  BOOST_TEST(r->unconfirmed == 1u);
  BOOST_TEST(r->versions == 3u);
  BOOST_TEST(gk::verify::run_entry(*r).detail["result"] == "passed");
}

// A commit between moving its version directory into the object and switching the root
// inventory (phase 2 of the commit protocol): v3's files are named by no inventory yet.
BOOST_AUTO_TEST_CASE(version_moved_in_before_the_root_inventory_names_it_is_not_extra) {
  Archive a;
  a.populate(1);
  std::string obj = a.object_dir(kId);
  std::string old_inv = slurp(obj + "/inventory.json"), old_side = slurp(obj + "/inventory.json.sha512");
  a.add(kId, third(), /*log_it=*/false);
  std::string new_inv = slurp(obj + "/inventory.json"), new_side = slurp(obj + "/inventory.json.sha512");
  spit(obj + "/inventory.json", old_inv);
  spit(obj + "/inventory.json.sha512", old_side);
  Run run;
  auto r = run.verify(a.root, hold_write_lock(a.root), [&] {
    spit(obj + "/inventory.json", new_inv);  // phase 3: switch, sidecar last
    spit(obj + "/inventory.json.sha512", new_side);
    a.append(Archive::entry(kId, "v3", third()));
  });
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(lines(*r) == "");
  BOOST_TEST(r->rechecked);
  BOOST_TEST(run.early == 0);
  BOOST_TEST(r->unconfirmed >= 1u);  // extra v3 files (and validator findings) at the first reading
  BOOST_TEST(r->versions == 3u);
}

// A writer stuck while holding the write lock (its process stopped, a hung disk): the re-check
// waits lock_wait_seconds, then the first reading stands and the report says so. It waited for
// ever.
BOOST_AUTO_TEST_CASE(a_stuck_writer_does_not_hang_verify) {
  Archive a;
  flip_a_pdf_byte(a);
  auto held = hold_write_lock(a.root);
  gk::verify::VerifyOptions o;
  o.lock_wait_seconds = 1;
  auto t0 = std::chrono::steady_clock::now();
  auto r = gk::verify::verify_archive(a.root, o);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(r->recheck_skipped);
  BOOST_TEST(!r->rechecked);
  BOOST_TEST(lines(*r).find("document.pdf") != std::string::npos, lines(*r));
  BOOST_TEST(waited < 30.0);
}

// Without the write lock's file (an archive copied without its staging area) the first reading
// stands: nothing to wait for, and the report does not claim a re-check it could not make.
BOOST_AUTO_TEST_CASE(no_lock_file_no_recheck) {
  Archive a;
  flip_a_pdf_byte(a);
  fs::remove(gk::ocfl::Store::write_lock_path(a.root));
  auto r = gk::verify::verify_archive(a.root, {});
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(!r->rechecked);
  bool changed = false;
  for (auto& p : r->problems) changed |= p.kind == "changed" && p.file.find("document.pdf") != std::string::npos;
  BOOST_TEST(changed);
}

// A real problem is still reported while a writer runs, once, and the entry says failed; the
// writer's version in progress is not among the problems.
BOOST_AUTO_TEST_CASE(flipped_byte_is_reported_while_a_writer_runs) {
  Archive a;
  a.populate(2);
  std::string other = "11519900008452170L/2023-00101";
  std::string pdf = a.object_dir(other) + "/v1/content/document.pdf";
  std::string bytes = slurp(pdf);
  bytes[bytes.size() / 2] ^= 0x01;
  spit(pdf, bytes);
  a.add(kId, third(), /*log_it=*/false);
  Run run;
  auto r = run.verify(a.root, hold_write_lock(a.root), [&] { a.append(Archive::entry(kId, "v3", third())); });
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_REQUIRE_EQUAL(r->problems.size(), 1u);
  BOOST_TEST(r->problems[0].kind == "changed");
  BOOST_TEST(r->problems[0].object == other);
  BOOST_TEST(r->problems[0].file == fs::relative(pdf, a.root).string());
  BOOST_TEST(r->unconfirmed == 1u);
  BOOST_TEST(run.early == 0);
  auto e = gk::verify::run_entry(*r);
  BOOST_TEST(e.detail["result"] == "failed");
  BOOST_TEST(e.detail["problems"] == "1");
}

// The writer's side (ingest): it holds the write lock shared from before its commit until its
// entry is appended, so verify's exclusive hold cannot fall between the two. The test holds the
// log's lock, which keeps the writer (no signing key: no check of the log before it commits)
// waiting between its commit and its append.
BOOST_AUTO_TEST_CASE(writer_holds_the_write_lock_from_its_commit_to_its_entry) {
  Archive a;
  a.populate(1);
  const std::string id = "11519900008452170L/2023-00900";  // a new object (the fixture's metadata is not ingest's)
  std::string rec = a.tmp / "new.xml";
  spit(rec, make_record(id, "青川市人民政府关于新事项的公告", "2023-03-01", "永久"));
  auto w = gk::ingest::Archive::open(a.root, {.durable = false});
  BOOST_REQUIRE_MESSAGE(w, why(w));
  w->set_catalogue_enabled(false);
  std::optional<gk::audit::AuditLog> log;
  auto l = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root));
  BOOST_REQUIRE_MESSAGE(l, why(l));
  log.emplace(std::move(*l));
  gk::ingest::AddRequest rq;
  rq.record_path = rec;
  rq.pdf_bytes = third().pdf;
  rq.user = {"clerk", "mailto:clerk@example.gov.cn"};
  auto added = std::async(std::launch::async, [&] { return w->add(rq); });
  // Wait for the commit to end (the writer then waits for the log, up to 10 s).
  auto reader = gk::ocfl::Store::open(a.root, {.read_only = true});
  BOOST_REQUIRE(reader);
  for (;;) {
    if (reader->has_object(id)) {
      // The object's stripe lock is free once add_versions has returned.
      std::string rel = fs::relative(reader->object_path(id), a.root).string();
      auto stripe = gk::ocfl::fsx::FileLock::acquire(a.root + "/extensions/gongkai-staging/locks/" + rel.substr(0, 3) + ".lock",
                                                     true, true);
      BOOST_REQUIRE_MESSAGE(stripe, why(stripe));
      break;
    }
    if (added.wait_for(std::chrono::milliseconds(1)) != std::future_status::timeout) {
      auto early = added.get();
      BOOST_FAIL("the writer ended before its commit was seen: " + (early ? early->version : why(early)));
    }
  }
  BOOST_TEST(!gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(a.root), true, false),
             "verify's exclusive hold got in between a commit and its entry");
  log.reset();
  auto r = added.get();
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(r->version == "v1");
  auto e = last_entry(a.root);
  BOOST_TEST(e.object == id);
  BOOST_TEST(e.version == "v1");
  BOOST_TEST(static_cast<bool>(gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(a.root), true, false)));
}

BOOST_AUTO_TEST_SUITE_END()
