// The audit log on disk: appends, heads, proofs, and each kind of damage named exactly.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "archive/audit/log.h"
#include "common/files.h"
#include "audit_fixture.h"

using namespace gk::audit;
using audit_test::TempDir;
namespace fs = std::filesystem;

namespace {

Entry op(int i) {
  Entry e;
  e.time = "2025-03-01T10:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + "Z";
  e.actor = "mailto:clerk" + std::to_string(i % 3) + "@example.gov.cn";
  e.action = i % 2 ? kActionStatusChange : kActionVersionAdd;
  e.object = "urn:gk:notice:" + std::to_string(i);
  e.version = "v" + std::to_string(1 + i % 4);
  e.digests = {{"sha512", std::string(128, "0123456789abcdef"[i % 16])}};
  if (i % 2) e.detail = {{"from", "draft"}, {"to", "published"}};
  return e;
}

struct Fixture {
  TempDir t;
  std::string dir = audit_dir(t.path.string());
  std::optional<PublicKey> pub;
  std::optional<PrivateKey> key;
  std::vector<PublicKey> trusted;
  Fixture() {
    pub = *generate_keypair(t / "signer.key", t / "signer.pub");
    key = *PrivateKey::load(t / "signer.key");
    trusted = {*pub};
  }
  std::string log() const { return (fs::path(dir) / "log.jsonl").string(); }
  std::string heads() const { return (fs::path(dir) / "heads.jsonl").string(); }
  // n entries, each followed by a signed head (every write ends with a tree head).
  void write(int n, int first = 0) {
    auto log = AuditLog::open(dir);
    BOOST_REQUIRE_MESSAGE(log.is_ok(), audit_test::why(log));
    for (int i = first; i < first + n; ++i) {
      BOOST_REQUIRE(log->append(op(i)).is_ok());
      BOOST_REQUIRE(log->sign_head(*key, "2025-03-01T11:00:00Z").is_ok());
    }
  }
  std::string open_error(OpenOptions o = {}) const {
    auto log = AuditLog::open(dir, o);
    return log.is_ok() ? "opened" : log.error().str();
  }
  std::string verify_error() const {
    auto r = verify_log(dir, trusted);
    return r.is_ok() ? "verified" : r.error().str();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_log)

BOOST_FIXTURE_TEST_CASE(append_sign_reopen_read_back, Fixture) {
  BOOST_TEST(dir == t / "extensions/gongkai-audit");
  {
    auto log = AuditLog::open(dir);
    BOOST_REQUIRE(log.is_ok());
    BOOST_TEST(log->size() == 0u);
    BOOST_TEST(!log->latest_head().has_value());
    Entry e = op(0);
    e.seq = 99;  // ignored: the log assigns seq
    BOOST_TEST(*log->append(e) == 0u);
    BOOST_TEST(*log->append(op(1)) == 1u);
    Entry untimed = op(2);
    untimed.time.clear();
    BOOST_TEST(*log->append(untimed) == 2u);
    Entry bad = op(3);
    bad.actor.clear();
    BOOST_TEST(log->append(bad).error().str() == log->log_path() + ": cannot append: entry field 'actor' is empty");
    auto head = log->sign_head(*key, "2025-03-01T11:00:00Z");
    BOOST_REQUIRE(head.is_ok());
    BOOST_TEST(head->size == 3u);
    BOOST_TEST(hash_hex(head->root) == hash_hex(*log->root(3)));
  }
  std::string text = audit_test::slurp(log());
  Entry first = op(0);
  BOOST_TEST(audit_test::line_of(text, 1) == canonical_json(first));
  auto log = AuditLog::open(dir, {.read_only = true});
  BOOST_REQUIRE(log.is_ok());
  BOOST_TEST(log->size() == 3u);
  BOOST_TEST(log->latest_head()->size == 3u);
  BOOST_TEST(log->recovery_note().empty());
  Entry second = op(1);
  second.seq = 1;
  BOOST_TEST((*log->entry(1) == second));
  BOOST_TEST(is_rfc3339_utc(log->entry(2)->time));
  int seen = 0;
  BOOST_TEST(log->for_each_entry([&](const Entry& e) { return e.seq == static_cast<uint64_t>(seen++) ? gk::Status() : gk::make_error("order"); }).is_ok());
  BOOST_TEST(seen == 3);
  BOOST_TEST(log->append(op(3)).error().message == "audit log was opened read-only");
  auto rep = verify_log(dir, trusted);
  BOOST_REQUIRE_MESSAGE(rep.is_ok(), audit_test::why(rep));
  BOOST_TEST(rep->entries == 3u);
  BOOST_TEST(rep->heads == 1u);
  BOOST_TEST(rep->unsigned_entries == 0u);
  // Only the extension sub-directory appears under extensions/ (OCFL E112).
  int n = 0;
  for (auto& d : fs::directory_iterator(t.path / "extensions")) {
    BOOST_TEST(d.path().filename() == "gongkai-audit");
    ++n;
  }
  BOOST_TEST(n == 1);
}

// A long reader (an export) drops its lock after reading what it needs: a writer then appends at
// once, while the reader still reads its entries and proves them against its head.
BOOST_FIXTURE_TEST_CASE(released_lock_lets_a_writer_append, Fixture) {
  write(5);
  auto reader = AuditLog::open(dir, {.read_only = true});
  BOOST_REQUIRE(reader.is_ok());
  reader->release_lock();
  {
    auto writer = AuditLog::open(dir);  // waited 10 s and failed while the reader held its lock
    BOOST_REQUIRE_MESSAGE(writer.is_ok(), audit_test::why(writer));
    BOOST_TEST(*writer->append(op(5)) == 5u);
    BOOST_REQUIRE(writer->sign_head(*key, "2025-03-01T12:00:00Z").is_ok());
  }
  BOOST_TEST(reader->size() == 5u);
  BOOST_TEST(reader->entry(4)->seq == 4u);
  auto p = reader->inclusion_proof(4, 5);
  BOOST_REQUIRE(p.is_ok());
  BOOST_TEST(verify_inclusion_proof(*p, "p", *reader->latest_head(), "h", trusted).is_ok());
  auto w = AuditLog::open(dir);
  BOOST_REQUIRE(w.is_ok());
  w->release_lock();
  BOOST_TEST(w->append(op(6)).error().message == "the audit log's lock was released; reopen it to write");
}

BOOST_FIXTURE_TEST_CASE(proofs_for_every_entry_and_every_older_head, Fixture) {
  write(24);
  auto log = AuditLog::open(dir, {.read_only = true});
  BOOST_REQUIRE(log.is_ok());
  int bad = 0;
  for (uint64_t size = 1; size <= 24; ++size) {
    auto head = log->find_head(size);
    BOOST_REQUIRE(head.is_ok());
    for (uint64_t seq = 0; seq < size; ++seq) {
      auto p = log->inclusion_proof(seq, size);
      auto parsed = parse_inclusion_proof(p->text(), "p");
      if (!parsed || !verify_inclusion_proof(*parsed, "p", *head, "h", trusted)) ++bad;
    }
    for (uint64_t old = 0; old <= size; ++old) {
      auto c = log->consistency_proof(old, size);
      auto parsed = parse_consistency_proof(c->text(), "c");
      Head old_head = old ? *log->find_head(old) : Head{};
      if (old == 0) continue;  // no signed head of size 0 to check against
      if (!parsed || !verify_consistency_proof(*parsed, "c", old_head, "o", *head, "n", trusted)) ++bad;
    }
  }
  BOOST_TEST(bad == 0);
  BOOST_TEST(log->inclusion_proof(24).error().message == "entry seq 24 is not covered by a tree of size 24");
  BOOST_TEST(log->find_head(25).error().message == "no signed tree head of size 25");
}

BOOST_FIXTURE_TEST_CASE(proof_files_checked_offline, Fixture) {
  write(10);
  auto log = AuditLog::open(dir, {.read_only = true});
  auto latest = *log->latest_head();
  BOOST_REQUIRE(write_head_file(t / "new.head", latest).is_ok());
  BOOST_REQUIRE(write_head_file(t / "old.head", *log->find_head(4)).is_ok());
  auto ip = log->inclusion_proof(6);
  audit_test::spit(t / "incl.proof", ip->text());
  auto cp = log->consistency_proof(4);
  audit_test::spit(t / "cons.proof", cp->text());
  std::string incl = t / "incl.proof", cons = t / "cons.proof", oldh = t / "old.head", newh = t / "new.head";
  std::vector<std::string> one = {newh}, two = {oldh, newh};

  BOOST_TEST(ip->text().find("gongkai-inclusion-proof v1\nsize 10\nindex 6\nentry {\"seq\":6,") == 0);
  BOOST_TEST(cp->text().find("gongkai-consistency-proof v1\nold-size 4\nnew-size 10\nhash ") == 0);
  auto ok = check_proof_file(incl, one, trusted);
  BOOST_REQUIRE_MESSAGE(ok.is_ok(), audit_test::why(ok));
  BOOST_TEST(*ok == "entry 6 (2025-03-01T10:00:06Z mailto:clerk0@example.gov.cn version-add urn:gk:notice:6 v3) is in the log of tree head " +
                        newh + " (size 10, 2025-03-01T11:00:00Z, key " + pub->fingerprint().substr(0, 16) + ")");
  auto ok2 = check_proof_file(cons, two, trusted);
  BOOST_REQUIRE_MESSAGE(ok2.is_ok(), audit_test::why(ok2));
  BOOST_TEST(*ok2 == "the log of tree head " + newh + " (size 10) extends that of " + oldh + " (size 4) without rewriting it");

  // A flipped hex digit in a proof hash.
  std::string text = ip->text();
  size_t h = text.find("hash ") + 5;
  text[h] = text[h] == '0' ? '1' : '0';
  audit_test::spit(incl, text);
  BOOST_TEST(check_proof_file(incl, one, trusted).error().str() ==
             incl + ": entry 6 is not proven in the tree head " + newh + ": inclusion proof: the hashes do not lead to the root hash");
  // An altered entry inside the proof.
  text = ip->text();
  text.replace(text.find("clerk0"), 6, "clerk9");
  audit_test::spit(incl, text);
  BOOST_TEST(check_proof_file(incl, one, trusted).error().message.find("is not proven") != std::string::npos);
  // Wrong index for the entry.
  text = ip->text();
  text.replace(text.find("index 6"), 7, "index 5");
  audit_test::spit(incl, text);
  BOOST_TEST(check_proof_file(incl, one, trusted).error().str() == incl + ":4: entry has seq 6 but the proof is for index 5");
  // Consistency proof with a flipped byte, and heads swapped.
  text = cp->text();
  h = text.rfind("hash ") + 9;
  text[h] = text[h] == 'a' ? 'b' : 'a';
  audit_test::spit(cons, text);
  BOOST_TEST(check_proof_file(cons, two, trusted).error().str() ==
             cons + ": the log of tree head " + newh + " does not extend that of " + oldh +
                 " (history rewritten?): consistency proof: the hashes do not lead to the new root hash");
  audit_test::spit(cons, cp->text());
  std::vector<std::string> swapped = {newh, oldh};
  BOOST_TEST(check_proof_file(cons, swapped, trusted).error().str() ==
             cons + ": proof is for sizes 4 -> 10 but the tree heads have sizes 10 -> 4");
  // Truncated proof file and a proof checked against a head signed by another key.
  audit_test::spit(incl, ip->text().substr(0, ip->text().size() - 3));
  BOOST_TEST(check_proof_file(incl, one, trusted).error().str().find(incl + ":") == 0);
  audit_test::spit(incl, ip->text());
  auto other = *generate_keypair(t / "other.key", t / "other.pub");
  std::vector<PublicKey> wrong = {other};
  BOOST_TEST(check_proof_file(incl, one, wrong).error().str().find(newh + ": signed by another key: ") == 0);
}

BOOST_FIXTURE_TEST_CASE(tampered_entry_byte_is_located, Fixture) {
  write(6);
  BOOST_TEST(verify_error() == "verified");
  audit_test::edit_line(log(), 4, "clerk0", "clerk1");  // seq 3, still canonical JSON
  BOOST_TEST(verify_error() == log() + ":4: entry seq 3 altered: it does not match the signed tree head heads.jsonl:4 (size 4)");
  BOOST_TEST(open_error() == heads() + ":6: the latest signed tree head (size 6) does not match log.jsonl: logged entries "
                                        "were altered or replaced (verify locates them)");
  audit_test::edit_line(log(), 4, "clerk1", "clerk0");
  BOOST_TEST(verify_error() == "verified");
  audit_test::edit_line(log(), 2, "\"seq\":1,", "\"seq\":1 ,");  // breaks canonical form
  BOOST_TEST(verify_error() == log() + ":2: not a canonical audit entry: expected ',\"time\":' at byte 9");
}

BOOST_FIXTURE_TEST_CASE(reordered_or_missing_entries, Fixture) {
  write(5);
  std::string text = audit_test::slurp(log());
  std::string l2 = audit_test::line_of(text, 2), l3 = audit_test::line_of(text, 3);
  text.replace(audit_test::line_start(text, 2), l2.size() + 1 + l3.size(), l3 + "\n" + l2);
  audit_test::spit(log(), text);
  BOOST_TEST(verify_error() == log() + ":2: seq 2 where 1 was expected: an entry is missing, duplicated or out of order");
}

BOOST_FIXTURE_TEST_CASE(truncated_log_is_detected, Fixture) {
  write(5);
  std::string text = audit_test::slurp(log());
  audit_test::spit(log(), text.substr(0, audit_test::line_start(text, 5)));  // drop the whole last line
  BOOST_TEST(verify_error() == log() + ": truncated: the signed tree head heads.jsonl:5 covers 5 entries but the log has only 4 complete entries");
  BOOST_TEST(open_error() == log() + ": truncated: the latest signed tree head (heads.jsonl:5) covers 5 entries but only 4 complete entries remain");
  // Cut inside the last line: still truncation, and recovery refuses to "repair" signed data.
  audit_test::spit(log(), text.substr(0, text.size() - 10));
  BOOST_TEST(open_error({.recover = true}) ==
             log() + ": truncated: the latest signed tree head (heads.jsonl:5) covers 5 entries but only 4 complete entries remain and an incomplete final line");
  BOOST_TEST(verify_error() == log() + ": truncated: the signed tree head heads.jsonl:5 covers 5 entries but the log has only 4 complete entries and an incomplete final line");
  BOOST_TEST(audit_test::slurp(log()).size() == text.size() - 10);  // untouched
  // Deleting the heads file leaves the entries unprotected.
  audit_test::spit(log(), text);
  fs::remove(heads());
  BOOST_TEST(verify_error() == heads() + ": no signed tree head: none of the 5 entries is protected");
  BOOST_TEST(open_error() == heads() + ": missing although log.jsonl exists: the signed tree heads were removed");
  BOOST_TEST(!fs::exists(heads()));  // not silently recreated
}

BOOST_FIXTURE_TEST_CASE(torn_last_line_is_reported_then_recovered, Fixture) {
  write(3);
  std::string text = audit_test::slurp(log());
  std::string torn = canonical_json(op(3)).substr(0, 17);
  audit_test::spit(log(), text + torn);  // a crash in the middle of the fourth append
  std::string msg = log() + ":4: incomplete final line (17 bytes, no line end): an append was interrupted; no signed tree head covers it, so opening with recovery removes it";
  BOOST_TEST(open_error() == msg);
  BOOST_TEST(open_error({.read_only = true}) == msg);
  BOOST_TEST(verify_error() == msg);
  {
    auto log = AuditLog::open(dir, {.recover = true});
    BOOST_REQUIRE(log.is_ok());
    BOOST_TEST(log->recovery_note() ==
               "log.jsonl:4: removed an incomplete final line (17 bytes) left by an interrupted append; no signed tree head covered it");
    BOOST_TEST(log->size() == 3u);
    BOOST_TEST(*log->append(op(3)) == 3u);
    BOOST_TEST(log->sign_head(*key).is_ok());
  }
  BOOST_TEST(verify_error() == "verified");
  // The same for an interrupted head signing.
  std::string heads_text = audit_test::slurp(heads());
  audit_test::spit(heads(), heads_text + "{\"size\":4,\"ro");
  BOOST_TEST(open_error() == heads() + ":5: incomplete final line (13 bytes, no line end): signing a tree head was interrupted; open with recovery to remove it");
  BOOST_TEST(verify_error() == heads() + ":5: incomplete final line (13 bytes, no line end): signing a tree head was interrupted; open with recovery to remove it");
  auto log = AuditLog::open(dir, {.recover = true});
  BOOST_REQUIRE(log.is_ok());
  BOOST_TEST(log->recovery_note() == "heads.jsonl:5: removed an incomplete final line (13 bytes) left by an interrupted tree head signing");
  BOOST_TEST(audit_test::slurp(heads()) == heads_text);
}

BOOST_FIXTURE_TEST_CASE(head_signed_by_another_key, Fixture) {
  write(3);
  generate_keypair(t / "intruder.key", t / "intruder.pub");
  auto intruder = *PrivateKey::load(t / "intruder.key");
  {
    auto log = AuditLog::open(dir);
    log->append(op(3));
    log->sign_head(intruder, "2025-03-01T11:00:00Z");
  }
  BOOST_TEST(verify_error() == heads() + ":4: signed by another key: " + intruder.fingerprint().substr(0, 16) +
                                   " is not a trusted public key (trusted: " + pub->fingerprint().substr(0, 16) + ")");
  // After a key rotation both keys are trusted and the log verifies.
  trusted.push_back(intruder.public_key());
  BOOST_TEST(verify_error() == "verified");
}

BOOST_FIXTURE_TEST_CASE(tampered_head_text_is_detected, Fixture) {
  write(4);
  auto log = AuditLog::open(dir, {.read_only = true});
  std::string root2 = hash_hex(*log->root(2));
  std::string flipped = root2;
  flipped[10] = flipped[10] == 'f' ? 'e' : 'f';
  audit_test::edit_line(heads(), 2, root2, flipped);
  BOOST_TEST(verify_error() == heads() + ":2: signature does not verify with public key " + pub->fingerprint().substr(0, 16) +
                                   ": tree head text or signature altered");
  audit_test::edit_line(heads(), 2, flipped, root2);
  audit_test::edit_line(heads(), 3, "\"time\":\"2025-03-01T11", "\"time\":\"2025-03-01T12");
  BOOST_TEST(verify_error() == heads() + ":3: signature does not verify with public key " + pub->fingerprint().substr(0, 16) +
                                   ": tree head text or signature altered");
  audit_test::edit_line(heads(), 3, "\"time\":\"2025-03-01T12", "\"time\":\"2025-03-01T11");
  audit_test::edit_line(heads(), 3, "\"size\":3", "\"size\":03");
  BOOST_TEST(verify_error() == heads() + ":3: not a canonical tree head line: leading zero in number at byte 9");
}

BOOST_FIXTURE_TEST_CASE(large_log_streams_with_sparse_offsets, Fixture) {
  // Write 5000 entries directly (one fsync per append would make the test slow), then sign.
  fs::create_directories(dir);
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    Entry e = op(i);
    e.seq = static_cast<uint64_t>(i);
    text += canonical_json(e) + "\n";
  }
  audit_test::spit(log(), text);
  audit_test::spit(heads(), "");
  {
    auto log = AuditLog::open(dir);
    BOOST_REQUIRE_MESSAGE(log.is_ok(), audit_test::why(log));
    BOOST_TEST(log->size() == 5000u);
    BOOST_REQUIRE(log->sign_head(*key).is_ok());
    for (uint64_t seq : {0u, 1u, 1023u, 1024u, 1025u, 2048u, 4999u}) {
      auto e = log->entry(seq);
      BOOST_REQUIRE_MESSAGE(e.is_ok(), audit_test::why(e));
      BOOST_TEST(e->seq == seq);
      BOOST_TEST(e->object == "urn:gk:notice:" + std::to_string(seq));
    }
    BOOST_TEST(*log->append(op(5000)) == 5000u);
    BOOST_TEST(log->entry(5000)->object == "urn:gk:notice:5000");
    BOOST_REQUIRE(log->sign_head(*key).is_ok());
    auto p = log->inclusion_proof(4321);
    BOOST_TEST(verify_inclusion_proof(*p, "p", *log->latest_head(), "h", trusted).is_ok());
  }
  auto rep = verify_log(dir, trusted);
  BOOST_REQUIRE_MESSAGE(rep.is_ok(), audit_test::why(rep));
  BOOST_TEST(rep->entries == 5001u);
  BOOST_TEST(rep->heads == 2u);
}

BOOST_FIXTURE_TEST_CASE(unsigned_tail_is_reported_not_hidden, Fixture) {
  write(2);
  {
    auto log = AuditLog::open(dir);
    log->append(op(2));  // crash before sign_head
  }
  auto rep = verify_log(dir, trusted);
  BOOST_REQUIRE(rep.is_ok());
  BOOST_TEST(rep->entries == 3u);
  BOOST_TEST(rep->unsigned_entries == 1u);
  BOOST_TEST(rep->latest->size == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// A batch is written with one write and one fsync; it must be the same log, byte for byte, as
// appending its entries one at a time, and all-or-nothing when one entry is invalid.
BOOST_FIXTURE_TEST_CASE(append_all_equals_one_by_one_and_is_all_or_nothing, Fixture) {
  TempDir other;
  std::string one_dir = audit_dir(other.path.string());
  {
    auto single = AuditLog::open(one_dir);
    BOOST_REQUIRE(single.is_ok());
    for (int i = 0; i < 5; ++i) BOOST_REQUIRE(single->append(op(i)).is_ok());
  }
  auto batched = AuditLog::open(dir);
  BOOST_REQUIRE(batched.is_ok());
  std::vector<Entry> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(op(i));
  auto first = batched->append_all(batch);
  BOOST_REQUIRE_MESSAGE(first.is_ok(), audit_test::why(first));
  BOOST_TEST(*first == 0u);
  BOOST_TEST(batched->size() == 5u);
  BOOST_TEST(*gk::read_file(log()) == *gk::read_file((fs::path(one_dir) / "log.jsonl").string()));
  BOOST_TEST(batched->entry(3)->object == op(3).object);

  // One bad entry in the middle: nothing of the batch is appended.
  std::string before = *gk::read_file(log());
  std::vector<Entry> bad = {op(5), op(6), op(7)};
  bad[1].action = "Not A Token";
  auto r = batched->append_all(bad);
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().message.find("action") != std::string::npos);
  BOOST_TEST(batched->size() == 5u);
  BOOST_TEST(*gk::read_file(log()) == before);
  BOOST_REQUIRE(batched->sign_head(*key, "2025-03-01T11:00:00Z").is_ok());
  batched = gk::make_error("closed");  // release the lock, then check with only the public key
  BOOST_TEST(verify_error() == "verified");
}
