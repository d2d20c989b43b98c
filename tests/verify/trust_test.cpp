// archive verify (black-box review): which public keys are trusted. A key file dropped into
// extensions/gongkai-signing/ is reported and does not vouch for heads.
#include <boost/test/unit_test.hpp>

#include "archive/verify/verify.h"
#include "archive_fixture.h"

using namespace verify_test;

namespace {

bool any_line(const std::vector<std::string>& v, const std::string& line) { return std::find(v.begin(), v.end(), line) != v.end(); }

// Every file under the root with its bytes: verify must change nothing.
std::map<std::string, std::string> contents(const std::string& root) {
  std::map<std::string, std::string> m;
  for (auto& e : fs::recursive_directory_iterator(root))
    m[fs::relative(e.path(), root).string()] = e.is_regular_file() ? slurp(e.path().string()) : "dir";
  return m;
}

// The key-rotate entry `archive keygen` appends for the fixture's key, signed by it.
void log_key_rotate(Archive& a) {
  std::string cfg = slurp(a.config_path), fp = a.key->fingerprint();
  gk::audit::Entry e;
  e.time = "2023-09-01T01:00:00Z";
  e.actor = "clerk";
  e.action = gk::audit::kActionKeyRotate;
  e.digests = {{"sha512", gk::digest_hex(gk::DigestAlgorithm::sha512, cfg)}, {"sm3", gk::digest_hex(gk::DigestAlgorithm::sm3, cfg)}};
  e.detail = {{"fingerprint", fp}, {"public-key", "extensions/gongkai-signing/" + fp + ".pem"}, {"digests-of", gk::audit::kSigningConfig}};
  a.append(e);
}

struct Rogue {
  TempDir dir;
  std::string fingerprint, file;  // file: relative to the root, once dropped in
  std::optional<gk::audit::PrivateKey> key;
  // A key pair outside the archive, its public half dropped into the signing directory.
  explicit Rogue(const Archive& a) {
    auto pub = gk::audit::generate_keypair(dir / "k", dir / "k.pub");
    if (!pub) throw std::runtime_error(why(pub));
    fingerprint = pub->fingerprint();
    file = "extensions/gongkai-signing/" + fingerprint + ".pem";
    fs::copy_file(dir / "k.pub", a.root + "/" + file);
    key = *gk::audit::PrivateKey::load(dir / "k");
  }
  // Extends the log with one entry under a head it signs; returns that head's line.
  int sign_one_more(const Archive& a) {
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root));
    if (!log) throw std::runtime_error(why(log));
    gk::audit::Entry e;
    e.time = "2023-09-02T00:00:00Z";
    e.actor = "intruder";
    e.action = gk::audit::kActionVerify;
    e.detail = {{"result", "passed"}};
    if (!log->append(e) || !log->sign_head(*key, "2023-09-02T00:00:01Z")) throw std::runtime_error("cannot extend the log");
    std::string heads = slurp(log->heads_path());
    return static_cast<int>(std::count(heads.begin(), heads.end(), '\n'));
  }
};

const std::string kNotIntroduced = " that no key-rotate entry introduced";

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_verify_trust)

// A log with key-rotate entries: only the keys they introduce are trusted.
BOOST_AUTO_TEST_CASE(a_key_no_key_rotate_entry_introduced_is_reported_and_not_trusted) {
  Archive a;
  log_key_rotate(a);
  a.populate(2);
  BOOST_REQUIRE_MESSAGE(problem_lines(a.root).empty(), joined_lines(problem_lines(a.root)));
  Rogue r(a);
  auto before = contents(a.root);
  auto p = problem_lines(a.root);
  BOOST_TEST(joined_lines(p) == "extra: " + r.file + ": public key " + r.fingerprint + kNotIntroduced + "\n");
  BOOST_TEST((contents(a.root) == before));  // read-only: the file stays for the operator to judge

  // Heads it signs are not accepted, although the signature itself is valid.
  int line = r.sign_one_more(a);
  p = problem_lines(a.root);
  std::string heads = "extensions/gongkai-audit/heads.jsonl";
  // (Problems are sorted by object, version, file.)
  BOOST_TEST(joined_lines(p) == "log: " + heads + ":" + std::to_string(line) + ": signed by key " + r.fingerprint + " (" + r.file +
                              "), which no key-rotate entry that this head covers introduced: not trusted\n" + "extra: " + r.file +
                              ": public key " + r.fingerprint + kNotIntroduced + "\n");

  // The configuration its key-rotate entry pins may not disappear either.
  fs::rename(a.config_path, r.dir / "config.json");
  BOOST_TEST(any_line(problem_lines(a.root), "missing: extensions/gongkai-signing/config.json: its key-rotate entry (seq 0) records its digests"));
  fs::rename(r.dir / "config.json", a.config_path);

  // An inspector's --key is trusted as given; the dropped file is still reported.
  gk::verify::VerifyOptions o;
  o.trusted = {*gk::audit::PublicKey::load(a.pub_path), *gk::audit::PublicKey::load(r.dir / "k.pub")};
  BOOST_TEST(joined_lines(problem_lines(a.root, o)) == "extra: " + r.file + ": public key " + r.fingerprint + kNotIntroduced + "\n");
}

// A key is trusted from the key-rotate entry that introduces it on: a head that does not cover
// that entry cannot have been signed by the key. And a key-rotate entry after the archive's first
// one (signed only by the key it names, so anyone able to write the log could add one) counts
// only once a head of the trusted key covers it (review: it vouched for itself).
BOOST_AUTO_TEST_CASE(a_key_rotate_entry_introduces_its_key_for_later_heads_only) {
  Archive a;
  log_key_rotate(a);
  a.populate(1);
  Rogue r(a);
  int line = r.sign_one_more(a);  // a head by the rogue key before its key-rotate entry
  gk::audit::Entry e;
  e.time = "2023-09-03T00:00:00Z";
  e.actor = "intruder";
  e.action = gk::audit::kActionKeyRotate;
  e.detail = {{"fingerprint", r.fingerprint}, {"public-key", r.file}};
  {
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root));
    BOOST_REQUIRE(log->append(e));
    BOOST_REQUIRE(log->sign_head(*r.key, "2023-09-03T00:00:01Z"));
  }
  auto p = problem_lines(a.root);
  BOOST_TEST(joined_lines(p) == "log: extensions/gongkai-audit/heads.jsonl:" + std::to_string(line) + ": signed by key " +
                              r.fingerprint + " (" + r.file + "), which no key-rotate entry that this head covers introduced: not trusted\n" +
                              "extra: " + r.file + ": public key " + r.fingerprint + kNotIntroduced + "\n");
}

BOOST_AUTO_TEST_CASE(a_later_key_rotate_entry_does_not_vouch_for_itself) {
  Archive a;
  log_key_rotate(a);
  a.populate(1);
  Rogue r(a);
  gk::audit::Entry e;
  e.time = "2023-09-03T00:00:00Z";
  e.actor = "intruder";
  e.action = gk::audit::kActionKeyRotate;
  e.detail = {{"fingerprint", r.fingerprint}, {"public-key", r.file}};
  uint64_t seq = 0;
  int line = 0;
  {
    auto log = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root));
    auto appended = log->append(e);
    BOOST_REQUIRE(appended);
    seq = *appended;
    BOOST_REQUIRE(log->sign_head(*r.key, "2023-09-03T00:00:01Z"));
  }
  line = static_cast<int>(std::count(std::istreambuf_iterator<char>(std::ifstream(a.root + "/extensions/gongkai-audit/heads.jsonl").rdbuf()),
                                     std::istreambuf_iterator<char>(), '\n'));
  BOOST_TEST(joined_lines(problem_lines(a.root)) == "log: extensions/gongkai-audit/heads.jsonl:" + std::to_string(line) + ": signed by key " +
                                             r.fingerprint + " (" + r.file + "), which a later key-rotate entry (seq " +
                                             std::to_string(seq) + ") introduced that no head of the archive's trusted key covers: not trusted\n" +
                                             "extra: " + r.file + ": public key " + r.fingerprint + kNotIntroduced + "\n");
}

// A log without key-rotate entries (keys from before keygen logged them, or written by hand as
// this fixture does): the key config.json names is trusted, another key file is not.
BOOST_AUTO_TEST_CASE(without_key_rotate_entries_the_configured_key_is_trusted) {
  Archive a;
  a.populate(2);
  BOOST_REQUIRE_MESSAGE(problem_lines(a.root).empty(), joined_lines(problem_lines(a.root)));
  Rogue r(a);
  const std::string extra =
      "extra: " + r.file + ": public key " + r.fingerprint + " that config.json does not name (the log has no key-rotate entry)\n";
  BOOST_TEST(joined_lines(problem_lines(a.root)) == extra);
  int line = r.sign_one_more(a);
  BOOST_TEST(joined_lines(problem_lines(a.root)) == "log: extensions/gongkai-audit/heads.jsonl:" + std::to_string(line) +
                                             ": signed by key " + r.fingerprint + " (" + r.file +
                                             "), which no key-rotate entry that this head covers introduced: not trusted\n" + extra);
  // Export trusts the same keys: the latest head, signed by the dropped key, is refused.
  auto keys = gk::verify::archive_public_keys(a.root);
  BOOST_REQUIRE(keys);
  BOOST_TEST_REQUIRE(keys->size() == 1u);
  BOOST_TEST(keys->front().fingerprint() == a.key->fingerprint());
}

BOOST_AUTO_TEST_SUITE_END()
