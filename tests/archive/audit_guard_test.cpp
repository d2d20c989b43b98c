// A signing writer refuses, before it commits anything, an audit log that lost its heads or
// itself: its signature would vouch for whatever the log then says (a black-box review emptied
// heads.jsonl under a forged entry, and the next clerk's write signed over it).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "archive/audit/head.h"
#include "archive/audit/log.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ocfl/store.h"
#include "archive_test_util.h"

using namespace archive_test;
namespace fs = std::filesystem;

namespace {

struct SignedArchive {
  TempDir t{"guard"};
  std::string root = t / "root";
  std::string log = root + "/extensions/gongkai-audit/log.jsonl";
  std::string heads = root + "/extensions/gongkai-audit/heads.jsonl";
  SignedArchive() {
    BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
    BOOST_REQUIRE(run_gk({"archive", "keygen", root}).code == 0);
    auto add = run_gk({"archive", "add", root, "--record", seed_record()});
    BOOST_REQUIRE_MESSAGE(add.code == 0, add.err);
  }
  // A clerk's ordinary write: must be refused with `message` and leave every file as it was.
  void refused(const std::string& message) {
    auto before = snapshot(root);
    auto r = run_gk({"archive", "status", root, kSeedId, "--status", "失效", "--message", "失效"});
    BOOST_TEST(r.code == 1, r.err);
    BOOST_TEST(r.err == "gongkai: " + message + "\n");
    BOOST_TEST((snapshot(root) == before));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_guard)

BOOST_AUTO_TEST_CASE(a_signing_writer_refuses_a_log_whose_heads_were_emptied) {
  SignedArchive a;
  spit(a.heads, "");
  a.refused("the audit log has 2 entries and no signed tree head, though this archive has a signing key (keygen signs one "
            "over its key-rotate entry): heads were removed, or keygen stopped before signing; nothing was written. Check the "
            "archive with `gongkai archive verify " + a.root + "`, then sign them with `gongkai audit recover " + a.root + "`");
  // Once the archive is checked, recover signs them and writers go on.
  auto rec = run_gk({"audit", "recover", a.root});
  BOOST_REQUIRE_MESSAGE(rec.code == 0, rec.err);
  auto r = run_gk({"archive", "status", a.root, kSeedId, "--status", "失效", "--message", "失效"});
  BOOST_TEST(r.code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(a_writer_refuses_a_log_removed_beside_its_heads) {
  SignedArchive a;
  fs::remove(a.log);
  a.refused(a.heads + ": log.jsonl is missing although its signed tree heads are here: the log was removed; nothing was "
                      "written. `gongkai archive verify " + a.root + "` names what changed");
  BOOST_TEST(!fs::exists(a.log));  // not recreated empty
}

BOOST_AUTO_TEST_CASE(a_signing_writer_refuses_an_archive_whose_log_was_removed) {
  SignedArchive a;
  fs::remove(a.log);
  fs::remove(a.heads);
  a.refused(a.root + "/extensions/gongkai-audit: log.jsonl and heads.jsonl are missing though this archive has a signing "
                     "key: the audit log was removed; nothing was written. `gongkai archive verify " + a.root +
            "` names what changed");
  BOOST_TEST(!fs::exists(a.log));
}

// A head line the archive's key did not sign (an attacker's own key, or a bad signature) is not
// a signed head: the writer refuses rather than sign over what it covers (a black-box review got
// a forged correction signed by the next clerk's write this way, and verify then passed).
BOOST_AUTO_TEST_CASE(a_signing_writer_refuses_a_latest_head_its_key_did_not_sign) {
  SignedArchive a;
  auto evil = gk::audit::generate_keypair(a.t / "evil.pem", a.t / "evil.pub");
  BOOST_REQUIRE(evil);
  auto evil_key = gk::audit::PrivateKey::load(a.t / "evil.pem");
  BOOST_REQUIRE(evil_key);
  gk::audit::Hash root{};
  {
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root), {true, false});
    BOOST_REQUIRE(log);
    root = log->root(log->size()).value();
  }
  auto head = gk::audit::sign_tree_head(2, root, *evil_key);
  BOOST_REQUIRE(head);
  spit(a.heads, slurp(a.heads) + head->json_line() + "\n");
  auto before = snapshot(a.root);
  auto r = run_gk({"archive", "status", a.root, kSeedId, "--status", "失效", "--message", "失效"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.rfind("gongkai: the latest tree head of the audit log is not signed by this archive's key (", 0) == 0u, r.err);
  BOOST_TEST(r.err.find("): a head was added or altered to cover entries; nothing was written. `gongkai archive verify " + a.root +
                        "` names it\n") != std::string::npos,
             r.err);
  BOOST_TEST((snapshot(a.root) == before));
}

// keygen killed after writing config.json, before logging its key: an empty log with a key.
// Writers refuse it, and `audit recover` logs the key and signs (it did nothing: a code review).
BOOST_AUTO_TEST_CASE(recover_finishes_a_keygen_stopped_before_its_entry) {
  TempDir t("keygen-killed");
  const std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root}).code == 0);
  spit(root + "/extensions/gongkai-audit/log.jsonl", "");
  spit(root + "/extensions/gongkai-audit/heads.jsonl", "");
  auto before = snapshot(root);
  auto r = run_gk({"archive", "add", root, "--record", seed_record()});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: the audit log is empty though this archive has a signing key: keygen stopped before logging "
                      "it, or the log was emptied; nothing was written. Check the archive with `gongkai archive verify " + root +
                          "`, then `gongkai audit recover " + root + "` logs the key and signs\n",
             r.err);
  BOOST_TEST((snapshot(root) == before));
  auto rec = run_gk({"audit", "recover", root});
  BOOST_REQUIRE_MESSAGE(rec.code == 0, rec.err);
  BOOST_TEST(rec.out == "logged the key-rotate entry of the signing key (keygen stopped before it) and signed a tree head\n",
             rec.out);
  auto add = run_gk({"archive", "add", root, "--record", seed_record()});
  BOOST_TEST(add.code == 0, add.err);
  auto v = run_gk({"archive", "verify", root, "--no-log"});
  BOOST_TEST(v.code == 0, v.out + v.err);
}

// Without a key too, a writer refuses a log whose heads file was removed (it committed, then
// failed to log: a code review).
BOOST_AUTO_TEST_CASE(a_writer_without_a_key_refuses_a_log_whose_heads_were_removed) {
  TempDir t("keyless-heads");
  const std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
  const std::string heads = root + "/extensions/gongkai-audit/heads.jsonl";
  fs::remove(heads);
  auto before = snapshot(root);
  auto r = run_gk({"archive", "status", root, kSeedId, "--status", "失效", "--message", "失效"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + heads + ": heads.jsonl is missing although log.jsonl holds entries: the signed tree heads "
                      "were removed; nothing was written. Check the archive with `gongkai archive verify " + root +
                          "`, then `gongkai audit recover " + root + "` signs the log again\n",
             r.err);
  BOOST_TEST((snapshot(root) == before));
}

// audit recover around removed log files (a black-box review): removed heads are a headless log,
// signed once checked; a removed log beside its heads lost its history (refused, nothing made);
// both removed while the store holds versions: refused unless --lost-log starts a new log.
BOOST_AUTO_TEST_CASE(recover_around_removed_log_files) {
  {
    SignedArchive a;
    fs::remove(a.heads);
    auto rec = run_gk({"audit", "recover", a.root});
    BOOST_TEST(rec.code == 0, rec.err);
    BOOST_TEST(rec.out.find("signed a tree head over 2 entries that no head covered\n") != std::string::npos, rec.out);
    BOOST_TEST(run_gk({"archive", "verify", a.root, "--no-log"}).code == 0);
  }
  {
    SignedArchive a;
    fs::remove(a.log);
    auto before = snapshot(a.root);
    auto rec = run_gk({"audit", "recover", a.root});
    BOOST_TEST(rec.code == 1);
    BOOST_TEST(rec.err == "gongkai: " + a.heads + ": log.jsonl is missing although its signed tree heads are here: the log's "
                          "history is lost; restore it from a backup (nothing was written)\n",
               rec.err);
    BOOST_TEST((snapshot(a.root) == before));
  }
  {
    SignedArchive a;
    fs::remove(a.log);
    fs::remove(a.heads);
    auto before = snapshot(a.root);
    auto rec = run_gk({"audit", "recover", a.root});
    BOOST_TEST(rec.code == 1);
    BOOST_TEST(rec.err == "gongkai: the audit log is empty but the store holds 1 object(s): the log was removed or emptied and "
                          "its history is lost; restore log.jsonl and heads.jsonl from a backup, or start a new log from the "
                          "store with `gongkai audit recover " + a.root + " --lost-log` (every entry marked recovered); nothing "
                          "was written\n",
               rec.err);
    BOOST_TEST((snapshot(a.root) == before));
    auto lost = run_gk({"audit", "recover", a.root, "--lost-log"});
    BOOST_TEST(lost.code == 0, lost.err);
    BOOST_TEST(lost.out.find("started a new audit log (the old one was lost)") != std::string::npos, lost.out);
    BOOST_TEST(lost.out.find("1 version(s) had no audit entry and are now logged, under a signed tree head") != std::string::npos,
               lost.out);
    BOOST_TEST(slurp(a.log).find("\"recovered\":\"logged into a new audit log (the old one was lost) for the commit of ") !=
               std::string::npos);
    auto v = run_gk({"archive", "verify", a.root, "--no-log"});
    BOOST_TEST(v.code == 0, v.out + v.err);
  }
}

// A number the log records and the store has by now is another writer's commit: a conflict the
// writer retries, not a lost version (a batch beside a second writer failed: a code review).
BOOST_AUTO_TEST_CASE(a_logged_number_the_store_has_is_a_conflict_not_a_loss) {
  SignedArchive a;
  auto st = gk::ocfl::Store::open(a.root);
  BOOST_REQUIRE(st);
  gk::ocfl::NewVersion nv;
  nv.object_id = kSeedId;
  nv.expected_number = 1;  // prepared before the other writer's v1
  auto s = gk::ingest::check_versions_not_logged(*st, {nv});
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find(gk::ocfl::kConcurrentChange) != std::string::npos, s.error().message);
  nv.expected_number = 2;
  BOOST_TEST(static_cast<bool>(gk::ingest::check_versions_not_logged(*st, {nv})));
}

// An entry edited under its signed head: verify cannot tell which side of a difference between
// the entry and the inventory was changed, and said "(inventory altered)"; its summary counted
// 0 signed heads though all were there (found by a black-box review).
BOOST_AUTO_TEST_CASE(verify_blames_no_side_when_the_log_failed_its_checks) {
  SignedArchive a;
  std::string log = slurp(a.log);
  auto at = log.rfind("\"message\":\"");
  BOOST_REQUIRE(at != std::string::npos);
  at += 11;
  std::string edited = log.substr(0, at) + "X" + log.substr(at);
  spit(a.log, edited);
  auto v = run_gk({"archive", "verify", a.root, "--no-log"});
  BOOST_TEST(v.code == 1);
  BOOST_TEST(v.out.find("(inventory or log entry altered: no verified signature covers the entry)") != std::string::npos, v.out);
  BOOST_TEST(v.out.find("(inventory altered)") == std::string::npos, v.out);
  const std::string heads_file = slurp(a.heads);
  const auto heads = std::count(heads_file.begin(), heads_file.end(), '\n');
  BOOST_TEST(heads == 2);  // keygen's and the add's
  BOOST_TEST(v.out.find("2 log entries, 2 signed heads; ") != std::string::npos, v.out);
  // The same edit in an entry after the last head: the log verifies, but no signature covers it.
  spit(a.log, edited);
  spit(a.heads, heads_file.substr(0, heads_file.find('\n') + 1));  // keygen's head only
  auto tail = run_gk({"archive", "verify", a.root, "--no-log"});
  BOOST_TEST(tail.out.find("1 entries after the latest signed tree head are not protected") != std::string::npos, tail.out);
  BOOST_TEST(tail.out.find("(inventory or log entry altered: no verified signature covers the entry)") != std::string::npos, tail.out);
  BOOST_TEST(tail.out.find("(inventory altered)") == std::string::npos, tail.out);
}

// An archive replaced whole by an older copy (log and heads included) is consistent in itself;
// a head an inspector kept shows it (`verify --kept-head`): verify passed it before.
BOOST_AUTO_TEST_CASE(verify_with_a_kept_head_finds_an_archive_replaced_by_an_older_copy) {
  SignedArchive a;
  fs::copy(a.root, a.t / "old", fs::copy_options::recursive);
  auto more = run_gk({"archive", "status", a.root, kSeedId, "--status", "失效", "--message", "失效"});
  BOOST_REQUIRE_MESSAGE(more.code == 0, more.err);
  const std::string kept = a.t / "kept-head.txt";
  BOOST_REQUIRE(run_gk({"audit", "head", a.root, "--out", kept}).code == 0);
  auto now = run_gk({"archive", "verify", a.root, "--no-log", "--kept-head", kept});
  BOOST_TEST(now.code == 0, now.out + now.err);  // the archive that head signed
  fs::remove_all(a.root);
  fs::copy(a.t / "old", a.root, fs::copy_options::recursive);
  auto plain = run_gk({"archive", "verify", a.root, "--no-log"});
  BOOST_TEST(plain.code == 0, plain.out);  // consistent in itself
  auto v = run_gk({"archive", "verify", a.root, "--no-log", "--kept-head", kept});
  BOOST_TEST(v.code == 1);
  BOOST_TEST(v.out.find("rolled-back: extensions/gongkai-audit/log.jsonl: the head kept in " + kept + " (3 entries, signed ") !=
                 std::string::npos,
             v.out);
  BOOST_TEST(v.out.find(" covers more than the log's 2 entries: this archive is older than the one that head signed") !=
                 std::string::npos,
             v.out);
  // A head of another archive, or not a head at all.
  SignedArchive other;
  auto foreign = run_gk({"archive", "verify", other.root, "--no-log", "--kept-head", kept});
  BOOST_TEST(foreign.code == 1);
  BOOST_TEST(foreign.out.find("log: " + kept + ": the kept head: ") != std::string::npos, foreign.out);
  // A head this archive's key signed over another history (its first entry not this log's).
  auto key = gk::audit::PrivateKey::load(a.root + ".audit-key.pem");
  BOOST_REQUIRE(key);
  auto forged = gk::audit::sign_tree_head(1, gk::audit::Hash{}, *key);
  BOOST_REQUIRE(forged);
  BOOST_REQUIRE(gk::audit::write_head_file(a.t / "other-history.txt", *forged));
  auto rewritten = run_gk({"archive", "verify", a.root, "--no-log", "--kept-head", a.t / "other-history.txt"});
  BOOST_TEST(rewritten.code == 1);
  BOOST_TEST(rewritten.out.find("rolled-back: extensions/gongkai-audit/log.jsonl: the log's first 1 entries do not have the root of the head kept in ") !=
                 std::string::npos,
             rewritten.out);
  spit(a.t / "junk.txt", "not a head\n");
  auto junk = run_gk({"archive", "verify", a.root, "--no-log", "--kept-head", a.t / "junk.txt"});
  BOOST_TEST(junk.code == 1);
  BOOST_TEST(junk.out.find("the kept head cannot be read: ") != std::string::npos, junk.out);
}

// An object put back to an older state (its v2 gone from the store, still in the log): a new
// version would take the number v2 again, and the logged v2 could never be restored. Refused, the
// same without a key; once v2 is back, writers go on.
BOOST_AUTO_TEST_CASE(a_writer_refuses_a_version_number_the_log_already_records) {
  SignedArchive a;
  auto v2 = run_gk({"archive", "add", a.root, "--record",
                    variant(a.t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}})});
  BOOST_REQUIRE_MESSAGE(v2.code == 0, v2.err);
  auto st = gk::ocfl::Store::open(a.root);
  BOOST_REQUIRE(st);
  const std::string obj = st->object_path(kSeedId);
  fs::copy(obj, a.t / "backup", fs::copy_options::recursive);
  for (const char* f : {"inventory.json", "inventory.json.sha512"}) {
    fs::remove(obj + "/" + f);
    fs::copy_file(obj + "/v1/" + f, obj + "/" + f);
  }
  fs::remove_all(obj + "/v2");
  const std::string seq = "2";  // key-rotate 0, v1 1, v2 2
  a.refused("the audit log already records v2 of object '" + std::string(kSeedId) + "' (entry seq " + seq +
            "), which the store does not have: the object was put back from an older copy or the version removed; "
            "nothing was written. Restore the version from a backup (`gongkai archive verify " + a.root +
            "` names what is missing)");
  fs::remove_all(obj);
  fs::copy(a.t / "backup", obj, fs::copy_options::recursive);
  auto r = run_gk({"archive", "status", a.root, kSeedId, "--status", "失效", "--message", "失效"});
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(r.out.find("v3") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
