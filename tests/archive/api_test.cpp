// The ingest API: as-of dates, the audit log and its signing key, batches holding several
// versions of one object, concurrent writers, metadata round trips, the line diff.
#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "archive/audit/log.h"
#include "archive/ingest/history.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/store.h"
#include "archive_test_util.h"

using namespace archive_test;
using namespace gk::ingest;

namespace {

Archive open_archive(const std::string& root) {
  auto st = gk::ocfl::Store::init(root);
  BOOST_REQUIRE_MESSAGE(st, err(st));
  auto a = Archive::open(root);
  BOOST_REQUIRE_MESSAGE(a, err(a));
  return std::move(*a);
}

AddRequest request(const std::string& record, const std::string& time) {
  AddRequest rq;
  rq.record_path = record;
  rq.time = time;
  rq.user = {"李明", "mailto:li@example.gov.cn"};
  return rq;
}

// An empty archive with a signing key, made with the CLI as an office would.
std::string signed_archive(const TempDir& t) {
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root}).code == 0);
  return root;
}

// The archive at `root` opened with its signing key, the seed record added as v1.
std::optional<Archive> seeded_signing_archive(const std::string& root) {
  auto a = Archive::open(root);
  BOOST_REQUIRE_MESSAGE(a, err(a));
  auto key = load_signing_key(root);
  BOOST_REQUIRE(key && *key);
  a->set_signing_key(std::move(*key));
  BOOST_REQUIRE(a->add(request(seed_record(), "2024-03-01T09:00:00+08:00")));
  return std::move(*a);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_api)

BOOST_AUTO_TEST_CASE(as_of_picks_the_version_current_at_the_end_of_the_day) {
  TempDir t("asof");
  Archive a = open_archive(t / "root");
  // Published 2022-03-15 (record), archived only in 2024: v1 counts from its 发布日期.
  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  std::string r3 = variant(t / "v3.xml", {{"执行中遇到的问题", "执行时遇到的问题"}});
  BOOST_REQUIRE(a.add(request(seed_record(), "2024-01-10T10:00:00+08:00")));
  BOOST_REQUIRE(a.add(request(r2, "2024-02-01T23:30:00+08:00")));
  BOOST_REQUIRE(a.add(request(r3, "2024-02-02T00:10:00+08:00")));
  auto w = a.change_status(kSeedId, kWithdrawn, "撤回", {"赵", ""}, "2024-03-01T09:00:00+08:00");
  BOOST_REQUIRE_MESSAGE(w, err(w));
  auto& st = a.store();
  auto before = version_as_of(st, kSeedId, "2022-03-14");
  BOOST_REQUIRE(!before);
  BOOST_TEST(before.error().message ==
             "object '11519900MB1A28365X/2022-00012' did not exist yet at the end of 2022-03-14 (its first version takes effect on 2022-03-15)");
  std::pair<const char*, const char*> cases[] = {{"2022-03-15", "v1"}, {"2023-12-31", "v1"}, {"2024-01-31", "v1"},
                                                 {"2024-02-01", "v2"}, {"2024-02-02", "v3"}, {"2024-02-29", "v3"},
                                                 {"2024-03-01", "v4"}, {"2030-01-01", "v4"}};
  for (auto [day, want] : cases) {
    auto v = version_as_of(st, kSeedId, day);
    BOOST_REQUIRE_MESSAGE(v, err(v));
    BOOST_TEST(*v == want, day);
  }
  BOOST_TEST(!version_as_of(st, kSeedId, "2024-2-1"));
  // Through the CLI, byte for byte.
  auto r = run_gk({"archive", "get", t / "root", kSeedId, "--as-of", "2024-02-01", "--out", t / "got"});
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
  BOOST_TEST(slurp(t / "got/record.xml") == slurp(r2));
  BOOST_TEST(r.out.find("v2 of " + std::string(kSeedId) + " (修改, 2024-02-01T23:30:00+08:00), current at the end of 2024-02-01") !=
                 std::string::npos,
             r.out);
  // A day that does not exist is refused as search refuses it (it answered "current at the end
  // of 2023-02-30"), a usage error; nothing is written.
  BOOST_TEST(!version_as_of(st, kSeedId, "2024-02-30"));
  for (const char* d : {"yesterday", "2024-13-01", "2024-02-30", "2024-00-10", "2024-06-00"}) {
    auto bad = run_gk({"archive", "get", t / "root", kSeedId, "--as-of", d, "--out", t / "got2"});
    BOOST_TEST(bad.code == 2, d);
    BOOST_TEST(bad.err == "gongkai: --as-of '" + std::string(d) + "' is not a date (YYYY-MM-DD that exists)\n", bad.err);
    BOOST_TEST(!fs::exists(t / "got2"));
  }
}

BOOST_AUTO_TEST_CASE(every_write_is_logged_and_signed) {
  TempDir t("audit");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  auto kg = run_gk({"archive", "keygen", root});
  BOOST_REQUIRE_MESSAGE(kg.code == 0, kg.err);
  std::string priv = t / "root.audit-key.pem";
  struct stat sb{};
  BOOST_REQUIRE(::stat(priv.c_str(), &sb) == 0);
  BOOST_TEST((sb.st_mode & 0777) == 0600);
  auto cfg = slurp(root + "/extensions/gongkai-signing/config.json");
  BOOST_TEST(cfg.find("\"signing_key\": \"../root.audit-key.pem\"") != std::string::npos, cfg);
  auto again = run_gk({"archive", "keygen", root});
  BOOST_TEST(again.code == 1);
  BOOST_TEST(again.err.find("already has a signing key") != std::string::npos, again.err);
  auto inside = run_gk({"archive", "keygen", t / "other"});
  BOOST_TEST(inside.code == 1);  // not a root

  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record(), "--user", "李明", "--address", "mailto:li@example.gov.cn"}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", r2, "--user", "王芳"}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "status", root, kSeedId, "--status", "废止", "--message", "已废止", "--user", "赵"}).code == 0);

  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  BOOST_REQUIRE_MESSAGE(log, err(log));
  BOOST_REQUIRE(log->size() == 4);
  // Entry 0: the key's arrival, signed by it, pinning config.json.
  auto k = log->entry(0);
  BOOST_REQUIRE(k);
  BOOST_TEST(k->action == "key-rotate");
  BOOST_TEST(k->object.empty());
  BOOST_TEST(k->digests.at("sha512") == gk::digest_hex(gk::DigestAlgorithm::sha512, cfg));
  BOOST_TEST(k->detail.at("digests-of") == "extensions/gongkai-signing/config.json");
  auto st = gk::ocfl::Store::open(root);
  const char* actions[] = {"version-add", "version-add", "status-change"};
  const char* actors[] = {"mailto:li@example.gov.cn", "王芳", "赵"};
  const char* statuses[] = {"发布", "修改", "废止"};
  for (uint64_t i = 0; i < 3; ++i) {
    auto e = log->entry(i + 1);
    BOOST_REQUIRE(e);
    std::string v = std::string("v").append(std::to_string(i + 1));
    BOOST_TEST(e->action == actions[i]);
    BOOST_TEST(e->actor == actors[i]);
    BOOST_TEST(e->object == kSeedId);
    BOOST_TEST(e->version == v);
    auto meta = st->read_file(kSeedId, v, "metadata.json");
    BOOST_REQUIRE(meta);
    BOOST_TEST(e->digests.at("sha512") == gk::digest_hex(gk::DigestAlgorithm::sha512, *meta));
    BOOST_TEST(e->digests.at("sm3") == gk::digest_hex(gk::DigestAlgorithm::sm3, *meta));
    BOOST_TEST(e->detail.at("status") == statuses[i]);
    auto rec = st->read_file(kSeedId, v, "record.xml");
    BOOST_TEST(e->detail.at("sha512:record.xml") == gk::digest_hex(gk::DigestAlgorithm::sha512, *rec));
  }
  // A signed head after every write, verifiable with the public key the archive carries.
  BOOST_REQUIRE(log->latest_head());
  BOOST_TEST(log->latest_head()->size == 4);
  std::string fp;
  for (auto& e : fs::directory_iterator(root + "/extensions/gongkai-signing"))
    if (e.path().extension() == ".pem") fp = e.path().string();
  auto pub = gk::audit::PublicKey::load(fp);
  BOOST_REQUIRE(pub);
  std::vector<gk::audit::PublicKey> trusted{*pub};
  auto rep = gk::audit::verify_log(gk::audit::audit_dir(root), trusted);
  BOOST_REQUIRE_MESSAGE(rep, err(rep));
  BOOST_TEST(rep->heads == 4);
  BOOST_TEST(rep->unsigned_entries == 0);
  // The storage root still validates (audit and signing directories are documented extensions).
  auto v = run_gk({"archive", "validate", root});
  BOOST_TEST(v.code == 0, v.out);
  BOOST_TEST(v.out.find("W016") == std::string::npos, v.out);

  // A key that is not this archive's is refused before anything is written.
  auto other = gk::audit::generate_keypair(t / "other.pem", t / "other.pub");
  BOOST_REQUIRE(other);
  auto before = snapshot(root);
  auto r3 = variant(t / "v3.xml", {{"执行中遇到的问题", "执行时遇到的问题"}});
  auto wrong = run_gk({"archive", "add", root, "--record", r3}, "NO_COLOR=1 GONGKAI_KEY=" + quote(t / "other.pem"));
  BOOST_TEST(wrong.code == 1);
  BOOST_TEST(wrong.err.find("is not one of this archive's public keys") != std::string::npos, wrong.err);
  BOOST_TEST((snapshot(root) == before));
}

BOOST_AUTO_TEST_CASE(unsigned_archive_still_logs_every_version) {
  TempDir t("unsigned");
  Archive a = open_archive(t / "root");
  BOOST_REQUIRE(a.add(request(seed_record(), "")));
  BOOST_REQUIRE(a.change_status(kSeedId, kExpired, "", {"", ""}));
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(t / "root"), {true, false});
  BOOST_REQUIRE(log);
  BOOST_TEST(log->size() == 2);
  BOOST_TEST(!log->latest_head());
  auto m = read_metadata(a.store(), kSeedId);
  BOOST_REQUIRE(m);
  BOOST_TEST(m->message == "失效：" + m->catalogue.title);  // the default message
  BOOST_TEST(!m->user_name.empty());                       // the login name by default
}

BOOST_AUTO_TEST_CASE(a_batch_may_hold_several_versions_of_one_object) {
  TempDir t("batchapi");
  Archive a = open_archive(t / "root");
  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  std::string clash = variant(t / "clash.xml", {{"<issuer>青川市扶贫开发办公室</issuer>", "<issuer>别的机关</issuer>"}});
  std::vector<AddRequest> rqs = {request(seed_record(), ""), request(r2, ""), request(clash, ""), request(r2, ""),
                                 request(source("samples/notices/announcement.xml"), "")};
  size_t ticks = 0;
  a.set_group_versions(2);  // several commit groups
  auto rep = a.add_batch(rqs, [&] { ++ticks; });
  BOOST_TEST(ticks == rqs.size());
  BOOST_REQUIRE(rep.failed.size() == 1);
  BOOST_TEST(rep.failed[0].message.rfind("id collision", 0) == 0, rep.failed[0].str());
  BOOST_TEST(!rep.commit_error);
  BOOST_TEST(!rep.audit_error);
  BOOST_REQUIRE(rep.added.size() == 4);
  BOOST_TEST(rep.added[0].version == "v1");
  BOOST_TEST(rep.added[1].version == "v2");
  BOOST_TEST(rep.added[2].unchanged);  // the same record twice in one batch
  BOOST_TEST(rep.added[3].version == "v1");
  auto log = version_log(a.store(), kSeedId);
  BOOST_REQUIRE(log);
  BOOST_TEST(log->size() == 2);
  BOOST_TEST((*log)[1].status == "修改");
  // One call, one time: the catalogue indexes a batch as one group (catalogue.h).
  auto seed = a.store().inventory(kSeedId);
  auto other = a.store().inventory(rep.added[3].object_id);
  BOOST_REQUIRE(seed);
  BOOST_REQUIRE(other);
  BOOST_TEST(seed->versions.at(1).created == seed->versions.at(2).created);
  BOOST_TEST(seed->versions.at(1).created == other->versions.at(1).created);
}

BOOST_AUTO_TEST_CASE(a_version_number_taken_meanwhile_is_refused_by_the_store) {
  TempDir t("conflict");
  auto st = gk::ocfl::Store::init(t / "root");
  BOOST_REQUIRE(st);
  gk::ocfl::NewVersion nv{"id-1", {gk::ocfl::NewFile::from_bytes("a.txt", "a")}, {}, 1};
  BOOST_REQUIRE(st->add_versions({nv}));
  auto before = snapshot(t / "root");
  nv.files[0].bytes = "b";  // a writer that read head v0 and expects to write v1
  auto r = st->add_versions({nv});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message ==
             "no version was added: object 'id-1' changed by another writer: expected to add v1 but the next version is v2");
  BOOST_TEST((snapshot(t / "root") == before));
  nv.expected_number = 2;
  BOOST_TEST(st->add_versions({nv}).is_ok());
}

BOOST_AUTO_TEST_CASE(two_processes_adding_to_one_object_get_consecutive_versions) {
  TempDir t("twoproc");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
  std::vector<std::string> recs;
  for (int i = 0; i < 8; ++i)
    recs.push_back(variant(t / ("r" + std::to_string(i) + ".xml"), {{"执行中遇到的问题", "执行中遇到的问题" + std::to_string(i)}}));
  // Two shells, each adding four versions, at the same time.
  std::string cmd;
  for (int p = 0; p < 2; ++p) {
    cmd += "(";
    for (int i = p; i < 8; i += 2) cmd += quote(GK_BINARY) + " archive add " + quote(root) + " --record " + quote(recs[i]) + " >/dev/null && ";
    cmd += "true) & ";
  }
  cmd += "wait";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  auto st = gk::ocfl::Store::open(root);
  auto log = version_log(*st, kSeedId);
  BOOST_REQUIRE(log);
  BOOST_TEST(log->size() == 9);
  for (size_t i = 0; i < log->size(); ++i) {
    auto m = read_metadata(*st, kSeedId, (*log)[i].version);
    BOOST_REQUIRE(m);
    BOOST_TEST(m->version == static_cast<int>(i + 1));  // metadata.json agrees with the OCFL version
  }
  auto audit = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  BOOST_TEST(audit->size() == 9);
  BOOST_TEST(run_gk({"archive", "validate", root}).code == 0);
}

BOOST_AUTO_TEST_CASE(metadata_round_trip_and_line_diff) {
  Metadata m;
  m.catalogue.index_no = "X/2024-00001";
  m.catalogue.title = "标题 \"引号\"";
  m.catalogue.keywords = {"一", "二"};
  m.status = kRepealed;
  m.version = 12;
  m.files["record.xml"] = {"aa", "bb"};
  m.template_file = "notice.xml";
  m.template_sha512 = "cc";
  m.time = "2024-05-01T08:30:00+08:00";
  m.user_name = "李";
  m.message = "多行\n消息";
  auto back = Metadata::from_json(m.to_json(), "test");
  BOOST_REQUIRE_MESSAGE(back, err(back));
  BOOST_TEST(back->to_json() == m.to_json());
  BOOST_TEST(back->version == 12);
  BOOST_TEST(!Metadata::from_json("{\"format\": \"other\"}", "x"));
  BOOST_TEST(line_diff({"a", "b", "c"}, {"a", "x", "c"}, false) == "  a\n- b\n+ x\n  c\n");
  BOOST_TEST(line_diff({"a"}, {"a", "b"}, false) == "  a\n+ b\n");
  std::vector<std::string> many(20, "same");
  auto changed = many;
  changed[10] = "other";
  BOOST_TEST(line_diff(many, changed, false) == "  … 8 unchanged line(s)\n  same\n  same\n- same\n+ other\n  same\n  same\n  … 7 unchanged line(s)\n");
}

// Operations on the archive as a whole are logged too: verify (signed, with its result; not at
// all without a usable key or with --no-log) and reindex.
BOOST_AUTO_TEST_CASE(verify_and_reindex_runs_are_logged) {
  TempDir t("oplog");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  auto unkeyed = run_gk({"archive", "verify", root});
  BOOST_TEST(unkeyed.err.find("this verification was not logged: the archive has no signing key") != std::string::npos,
             unkeyed.err);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
  auto v1 = run_gk({"archive", "verify", root});
  BOOST_TEST(v1.code == 0, v1.out + v1.err);
  BOOST_TEST(v1.out.find("logged as audit entry 2\n") != std::string::npos, v1.out);
  auto v2 = run_gk({"archive", "verify", root});  // the signed entry is no problem for the next run
  BOOST_TEST(v2.code == 0, v2.out + v2.err);
  BOOST_TEST(v2.out.find("logged as audit entry 3\n") != std::string::npos, v2.out);
  BOOST_TEST(run_gk({"archive", "verify", root, "--no-log"}).out.find("logged") == std::string::npos);
  auto bad_threads = run_gk({"archive", "verify", root, "--threads", "0"});  // usage error, nothing run or logged
  BOOST_TEST(bad_threads.code == 2);
  BOOST_TEST(bad_threads.err.rfind("gongkai: --threads '0' is not a number from 1 to 256\n", 0) == 0, bad_threads.err);
  auto re = run_gk({"archive", "reindex", root});
  BOOST_TEST(re.code == 0, re.err);
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  BOOST_REQUIRE(log);
  BOOST_REQUIRE(log->size() == 5u);
  auto e = log->entry(2);
  BOOST_REQUIRE(e);
  BOOST_TEST(e->action == "verify");
  BOOST_TEST(e->detail.at("result") == "passed");
  BOOST_TEST(e->detail.at("versions") == "1");
  BOOST_TEST(log->entry(4)->action == "reindex");
  BOOST_TEST(log->entry(4)->detail.at("versions") == "1");
  BOOST_TEST(log->latest_head()->size == 5u);
}

// An operation's entry (export, verify, reindex) waits for the store's write lock, which `audit
// recover` and keygen hold exclusively while they scan with the log locked: it used to go
// straight for the log and fail after 10 s, the operation done but not logged.
BOOST_AUTO_TEST_CASE(operation_entries_wait_for_the_write_lock) {
  TempDir t("opwait");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  std::atomic<bool> done{false};
  std::optional<gk::Result<uint64_t>> logged;
  {
    auto held = gk::ocfl::fsx::FileLock::acquire(gk::ocfl::Store::write_lock_path(root), true, true);
    BOOST_REQUIRE(held.is_ok());
    std::thread op([&] {
      gk::audit::Entry e;
      e.action = "reindex";
      e.detail = {{"versions", "0"}};
      logged.emplace(log_operation(root, e, nullptr));
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    BOOST_TEST(!done);  // waiting, not appended past the holder
    held = gk::ocfl::fsx::FileLock();
    op.join();
  }
  BOOST_REQUIRE(logged.has_value());
  BOOST_TEST(logged->is_ok());
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  BOOST_REQUIRE(log);
  BOOST_TEST(log->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit_upkeep)

// Entries after the last signed head (a crash between an append and its signature, or heads
// removed to hide an altered entry) are never covered by a writer's head: signing them would
// launder the change. The writer refuses before it commits; `audit recover` signs them.
BOOST_AUTO_TEST_CASE(a_signing_writer_refuses_entries_no_head_covers) {
  TempDir t("tail");
  std::string root = signed_archive(t);
  auto a = seeded_signing_archive(root);
  gk::audit::Entry crash;  // appended, then the process died before signing
  crash.action = gk::audit::kActionReindex;
  auto seq = log_operation(root, crash, nullptr);
  BOOST_REQUIRE(seq);
  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  auto refused = a->add(request(r2, "2024-03-02T09:00:00+08:00"));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().message ==
             "the audit log has 1 entry after its last signed head (seq " + std::to_string(*seq) +
                 "), left by a crash between an append and its signature or by removing heads; nothing was written. "
                 "Check the archive with `gongkai archive verify " + root + "`, then sign them with `gongkai audit recover " +
                 root + "`");
  BOOST_TEST(a->store().inventory(kSeedId)->head_number() == 1);  // nothing committed
  auto rec = run_gk({"audit", "recover", root});
  BOOST_REQUIRE_MESSAGE(rec.code == 0, rec.err);
  BOOST_TEST(rec.out.find("signed a tree head over 1 entry that no head covered\n") != std::string::npos, rec.out);
  auto again = a->add(request(r2, "2024-03-02T09:00:00+08:00"));
  BOOST_REQUIRE_MESSAGE(again, err(again));
  BOOST_TEST(again->version == "v2");
  auto v = run_gk({"archive", "verify", root, "--no-log"});
  BOOST_TEST(v.code == 0, v.out + v.err);
}

// An entry altered under a signed head: the log no longer opens for writing. The writer used to
// commit the version and only then fail to log it; it refuses first.
BOOST_AUTO_TEST_CASE(a_signing_writer_refuses_a_log_altered_under_its_head) {
  TempDir t("altered");
  std::string root = signed_archive(t);
  auto a = seeded_signing_archive(root);
  std::string log_path = root + "/extensions/gongkai-audit/log.jsonl";
  std::string log = gk::read_file(log_path).value();
  auto at = log.rfind("\"sha512\":\"");
  BOOST_REQUIRE(at != std::string::npos);
  at += 10;
  log[at] = log[at] == '0' ? '1' : '0';  // one hex digit of the last entry's digest
  std::ofstream(log_path, std::ios::binary | std::ios::trunc) << log;
  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  auto refused = a->add(request(r2, "2024-03-02T09:00:00+08:00"));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().message.find("does not match log.jsonl: logged entries were altered or replaced (verify locates them); "
                                          "nothing was written. `gongkai archive verify " + root + "` names what changed") !=
                 std::string::npos,
             refused.error().message);
  BOOST_TEST(a->store().inventory(kSeedId)->head_number() == 1);  // nothing committed
}

// A crash between a commit and its audit append (simulated: the audit step switched off) leaves
// versions that verify reports as unlogged; `audit recover` logs them from their metadata.json,
// the one made a moment ago too (writers hold the write lock until their entry is appended, and
// recover holds it exclusively: a 10-minute grace left a crashed publish failing verify).
BOOST_AUTO_TEST_CASE(recover_logs_versions_a_crash_left_without_an_entry) {
  TempDir t("recover");
  std::string root = signed_archive(t);
  auto a = seeded_signing_archive(root);
  a->set_audit_enabled(false);
  std::string r2 = variant(t / "v2.xml", {{"执行中遇到的问题", "执行过程中遇到的问题"}});
  BOOST_REQUIRE(a->add(request(r2, "2024-03-02T09:00:00+08:00")));
  BOOST_REQUIRE(a->change_status(kSeedId, kExpired, "", {"王芳", ""}, "2024-03-03T09:00:00+08:00"));
  std::string r4 = variant(t / "v4.xml", {{"执行中遇到的问题", "执行时遇到的问题"}});
  BOOST_REQUIRE(a->add(request(r4, "")));  // made just now
  a.reset();  // closed

  auto before = run_gk({"archive", "verify", root});
  BOOST_TEST(before.code == 1);
  for (const char* v : {"v2", "v3", "v4"})
    BOOST_TEST(before.out.find(std::string("unlogged: ") + kSeedId + " " + v + ":") != std::string::npos, before.out);

  auto r = run_gk({"audit", "recover", root});
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.err);
  BOOST_TEST(r.out.find(std::string("logged: ") + kSeedId + " v2 (version-add)") != std::string::npos, r.out);
  BOOST_TEST(r.out.find(std::string("logged: ") + kSeedId + " v3 (status-change)") != std::string::npos, r.out);
  BOOST_TEST(r.out.find(std::string("logged: ") + kSeedId + " v4 (version-add)") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("3 version(s) had no audit entry and are now logged, under a signed tree head") != std::string::npos, r.out);

  // The entries are what the writer would have appended, plus the note that they came late.
  {  // (the read lock is dropped before the next writer)
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
    BOOST_REQUIRE(log);
    // key-rotate, v1, the verify run, then v2, v3 and v4 in order of creation, under a signed head.
    BOOST_REQUIRE(log->size() == 6);
    BOOST_TEST(log->latest_head()->size == 6);
    BOOST_TEST(log->entry(5)->version == "v4");
    auto st = gk::ocfl::Store::open(root);
    BOOST_REQUIRE(st);
    const char* actors[] = {"mailto:li@example.gov.cn", "王芳"};
    for (uint64_t i = 3; i < 5; ++i) {
      auto e = log->entry(i);
      BOOST_REQUIRE(e);
      std::string v = i == 3 ? "v2" : "v3";
      BOOST_TEST(e->version == v);
      BOOST_TEST(e->actor == actors[i - 3]);
      auto meta = st->read_file(kSeedId, v, "metadata.json");
      BOOST_REQUIRE(meta);
      BOOST_TEST(e->digests.at("sha512") == gk::digest_hex(gk::DigestAlgorithm::sha512, *meta));
      BOOST_TEST(e->digests.at("sm3") == gk::digest_hex(gk::DigestAlgorithm::sm3, *meta));
      BOOST_TEST(e->detail.at("status") == (i == 3 ? "修改" : "失效"));
      auto rec = st->read_file(kSeedId, v, "record.xml");
      BOOST_TEST(e->detail.at("sha512:record.xml") == gk::digest_hex(gk::DigestAlgorithm::sha512, *rec));
      const std::string& note = e->detail.at("recovered");
      BOOST_TEST(note.find("logged after a crash between commit (2024-03-0") == 0, note);
      BOOST_TEST(note.find(i == 3 ? "; action inferred from the files (changed)" : "; action inferred from the files (the same as the previous version's)") !=
                     std::string::npos,
                 note);
    }
  }
  auto after = run_gk({"archive", "verify", root});
  BOOST_TEST(after.out.find("unlogged: " + std::string(kSeedId) + " v2") == std::string::npos, after.out);
  BOOST_TEST(after.out.find("unlogged: " + std::string(kSeedId) + " v3") == std::string::npos, after.out);
  BOOST_TEST(after.out.find("unlogged: " + std::string(kSeedId) + " v4") == std::string::npos, after.out);
  BOOST_TEST(after.code == 0, after.out);
  BOOST_TEST(after.out.find("changed") == std::string::npos, after.out);

  // Again: nothing more to log, nothing appended (7: the second verify run is logged too).
  auto again = run_gk({"audit", "recover", root});
  BOOST_TEST(again.code == 0);
  BOOST_TEST(again.out.find("every version has its audit entry: nothing written") != std::string::npos, again.out);
  BOOST_TEST(gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false})->size() == 7);
}

BOOST_AUTO_TEST_CASE(recover_refuses_bad_input_and_writes_nothing) {
  TempDir t("recover-bad");
  auto usage = run_gk({"audit", "recover"});
  BOOST_TEST(usage.code == 2);
  BOOST_TEST(usage.err.find("audit recover needs ROOT") != std::string::npos, usage.err);
  fs::create_directories(t / "plain");
  auto before = snapshot(t / "plain");
  auto r = run_gk({"audit", "recover", t / "plain"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.find("gongkai: ") == 0, r.err);
  BOOST_TEST((snapshot(t / "plain") == before));
}


// keygen's key-rotate entry records the digests of config.json; verify compares them, so a
// signing_key path changed in keygen's own form is caught (the form check alone cannot see it).
BOOST_AUTO_TEST_CASE(verify_compares_config_json_with_its_key_rotate_entry) {
  TempDir t("signcfg");
  std::string root = signed_archive(t);
  BOOST_REQUIRE(run_gk({"archive", "add", root, "--record", seed_record()}).code == 0);
  auto clean = run_gk({"archive", "verify", root});
  BOOST_TEST(clean.code == 0, clean.out + clean.err);
  std::string cfg_path = root + "/extensions/gongkai-signing/config.json";
  std::string cfg = slurp(cfg_path);
  spit(cfg_path, replace(cfg, "../root.audit-key.pem", "../other-key.pem"));
  auto r = run_gk({"archive", "verify", root});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out.find("changed: extensions/gongkai-signing/config.json: differs from the digests its key-rotate entry (seq 0) records: sha512 ") !=
                 std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("signing configuration altered") == std::string::npos, r.out);  // the form is keygen's
  spit(cfg_path, cfg);
  auto back = run_gk({"archive", "verify", root});
  BOOST_TEST(back.code == 0, back.out + back.err);
}

BOOST_AUTO_TEST_SUITE_END()
