// archive keygen (black-box review): two keygens at once do not both succeed, and a private key
// path that reaches into the storage root through a symbolic link is refused like a plain one.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "archive/audit/log.h"
#include "archive/ingest/ingest.h"
#include "archive_test_util.h"

using namespace archive_test;

namespace {

std::vector<std::string> signing_files(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(root + "/extensions/gongkai-signing", ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t log_size(const std::string& root) {
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  return log ? log->size() : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_keygen)

// keygen holds the audit log's lock from its check for an existing key to its key-rotate entry:
// while another writer holds the lock it makes nothing, and of two waiting keygens the second is
// refused and leaves no file of its own.
BOOST_AUTO_TEST_CASE(concurrent_keygens_one_wins_the_other_is_refused) {
  TempDir t("keygen_race");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  std::string cfg = root + "/extensions/gongkai-signing/config.json";
  std::string key_a = t / "a.pem", key_b = t / "b.pem";
  Run ra, rb;
  std::thread ta, tb;
  {
    auto held = gk::audit::AuditLog::open(gk::audit::audit_dir(root));  // the lock every log writer takes
    BOOST_REQUIRE_MESSAGE(held, err(held));
    ta = std::thread([&] { ra = run_gk({"archive", "keygen", root, "--key", key_a}); });
    tb = std::thread([&] { rb = run_gk({"archive", "keygen", root, "--key", key_b}); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    // Both wait for the lock before making anything.
    BOOST_TEST(!fs::exists(cfg));
    BOOST_TEST(!fs::exists(key_a));
    BOOST_TEST(!fs::exists(key_b));
    BOOST_TEST(signing_files(root).empty());
  }
  ta.join();
  tb.join();
  BOOST_TEST_REQUIRE((ra.code == 0) != (rb.code == 0), "a: " << ra.code << " " << ra.err << " b: " << rb.code << " " << rb.err);
  const Run& lost = ra.code == 0 ? rb : ra;
  std::string won_key = ra.code == 0 ? key_a : key_b, lost_key = ra.code == 0 ? key_b : key_a;
  BOOST_TEST(lost.code == 1);
  BOOST_TEST(lost.err == "gongkai: " + cfg + ": this archive already has a signing key; keys are never replaced by keygen\n");
  BOOST_TEST(!fs::exists(lost_key));
  // One key, one config naming it, one key-rotate entry: the archive verifies.
  auto files = signing_files(root);
  BOOST_TEST_REQUIRE(files.size() == 2u);  // config.json and <fingerprint>.pem
  std::string pem = files[0] == "config.json" ? files[1] : files[0];
  BOOST_TEST(slurp(cfg).find("\"signing_key\": \"" + won_key + "\"") != std::string::npos, slurp(cfg));
  BOOST_TEST(slurp(cfg).find(pem) != std::string::npos, slurp(cfg));
  auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(root), {true, false});
  BOOST_REQUIRE_MESSAGE(log, err(log));
  BOOST_TEST(log->size() == 1u);
  auto e = log->entry(0);
  BOOST_REQUIRE(e);
  BOOST_TEST(e->action == "key-rotate");
  BOOST_TEST(e->detail.at("public-key") == "extensions/gongkai-signing/" + pem);
  auto v = run_gk({"archive", "verify", root, "--no-log"});
  BOOST_TEST(v.code == 0, v.out + v.err);
}

// The private key is refused inside the root however the path gets there: plainly, through a
// symlinked directory, or as a symlink itself; nothing is written, in the root or at the target.
BOOST_AUTO_TEST_CASE(private_key_path_through_a_symlink_into_the_root_is_refused) {
  TempDir t("keygen_link");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  std::string real_root = fs::canonical(root).string();
  fs::create_directory_symlink(root + "/extensions", t / "ext-link");
  fs::create_symlink(root + "/stolen.pem", t / "key-link.pem");  // dangling: would be created
  auto before = snapshot(root);
  const std::string why = ": the private key must be kept outside the storage root (the archive may be copied or published)";
  struct Case {
    std::string path, expected;
  } cases[] = {
      {root + "/k.pem", "gongkai: " + root + "/k.pem" + why + "\n"},
      {t / "ext-link/k.pem", "gongkai: " + t / "ext-link/k.pem" + why + "; this path resolves to " + real_root + "/extensions/k.pem\n"},
      {t / "key-link.pem", "gongkai: " + t / "key-link.pem" + why + "; this path resolves to " + real_root + "/stolen.pem\n"},
  };
  for (auto& c : cases) {
    auto r = run_gk({"archive", "keygen", root, "--key", c.path});
    BOOST_TEST(r.code == 1, c.path);
    BOOST_TEST(r.err == c.expected);
    BOOST_TEST((snapshot(root) == before), c.path);
    BOOST_TEST(!fs::exists(root + "/extensions/k.pem"));
    BOOST_TEST(!fs::exists(root + "/stolen.pem"));
    BOOST_TEST(log_size(root) == 0u);
  }
  // A symlinked directory outside the root is fine.
  fs::create_directory(t / "keys");
  fs::create_directory_symlink(t / "keys", t / "keys-link");
  auto ok = run_gk({"archive", "keygen", root, "--key", t / "keys-link/k.pem"});
  BOOST_TEST(ok.code == 0, ok.err);
  BOOST_TEST(fs::exists(t / "keys/k.pem"));
}

// Keys are never replaced: with config.json removed, the log's key-rotate entry still says the
// archive has one (review: keygen then added a second key that verify trusted).
BOOST_AUTO_TEST_CASE(keygen_refuses_when_the_log_already_introduced_a_key) {
  TempDir t("keygen_again");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root, "--key", t / "a.pem"}).code == 0);
  std::string cfg = root + "/extensions/gongkai-signing/config.json";
  fs::rename(cfg, t / "config.json");
  auto before = signing_files(root);
  auto r = run_gk({"archive", "keygen", root, "--key", t / "rogue.pem"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err == "gongkai: " + cfg + ": this archive already has a signing key (key-rotate entry seq 0, although "
                                          "config.json is missing); keys are never replaced by keygen\n");
  BOOST_TEST(!fs::exists(t / "rogue.pem"));
  BOOST_TEST(signing_files(root) == before, boost::test_tools::per_element());
  BOOST_TEST(log_size(root) == 1u);
}

// A writer that found no key (the archive had none) while keygen made one: it refuses before
// committing, instead of appending unsigned entries that every signed writer would then refuse.
BOOST_AUTO_TEST_CASE(a_writer_that_found_no_key_refuses_after_keygen) {
  TempDir t("keygen_writer");
  std::string root = t / "root";
  BOOST_REQUIRE(run_gk({"archive", "init", root}).code == 0);
  auto w = gk::ingest::Archive::open(root);
  BOOST_REQUIRE_MESSAGE(w, err(w));
  w->set_catalogue_enabled(false);
  BOOST_REQUIRE(run_gk({"archive", "keygen", root, "--key", t / "k.pem"}).code == 0);
  gk::ingest::AddRequest rq;
  rq.record_path = seed_record();
  rq.pdf_bytes = fake_pdf("a");
  auto r = w->add(rq);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().str() == root + ": a signing key was made for this archive after this command started; nothing was "
                                       "written: run it again");
  BOOST_TEST(!w->store().has_object(kSeedId));
  BOOST_TEST(log_size(root) == 1u);  // the key-rotate entry only
}

BOOST_AUTO_TEST_SUITE_END()
