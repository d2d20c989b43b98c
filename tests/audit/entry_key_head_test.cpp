// Canonical entries, Ed25519 keys, signed tree heads.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "archive/audit/entry.h"
#include "archive/audit/head.h"
#include "archive/audit/keys.h"
#include "audit_fixture.h"

using namespace gk::audit;
using audit_test::TempDir;

namespace {

Entry sample() {
  Entry e;
  e.seq = 7;
  e.time = "2025-01-31T08:00:00Z";
  e.actor = "mailto:li@example.gov.cn";
  e.action = kActionVersionAdd;
  e.object = "urn:gk:notice:2025-001";
  e.version = "v2";
  e.digests = {{"sm3", "ab"}, {"sha512", "0f"}};
  e.detail = {{"note", "年报 \"final\"\n\\/"}, {"a", "\x01"}};
  return e;
}

std::string bad_entry(const std::string& line) {
  auto r = parse_entry(line);
  return r.is_ok() ? "accepted" : r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_entry_key_head)

BOOST_AUTO_TEST_CASE(entry_canonical_form_is_exact) {
  std::string want =
      "{\"seq\":7,\"time\":\"2025-01-31T08:00:00Z\",\"actor\":\"mailto:li@example.gov.cn\",\"action\":\"version-add\","
      "\"object\":\"urn:gk:notice:2025-001\",\"version\":\"v2\",\"digests\":{\"sha512\":\"0f\",\"sm3\":\"ab\"},"
      "\"detail\":{\"a\":\"\\u0001\",\"note\":\"年报 \\\"final\\\"\\n\\\\/\"}}";
  BOOST_TEST(canonical_json(sample()) == want);
  auto back = parse_entry(want);
  BOOST_REQUIRE(back.is_ok());
  BOOST_TEST((*back == sample()));
  BOOST_TEST(validate_entry(sample()).is_ok());
}

BOOST_AUTO_TEST_CASE(non_canonical_lines_are_rejected_with_position) {
  std::string good = canonical_json(sample());
  auto variant = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return bad_entry(s);
  };
  BOOST_TEST(variant("\"seq\":7", "\"seq\": 7") == "not a canonical audit entry: expected an unsigned integer at byte 8");
  BOOST_TEST(variant("\"seq\":7", "\"seq\":07") == "not a canonical audit entry: leading zero in number at byte 8");
  {
    std::string s = good;
    s.replace(s.find("\\\\/"), 3, "\\/");  // JSON allows the escape \/ for "/", canonical form does not
    BOOST_TEST(bad_entry(s) == "not a canonical audit entry: non-canonical escape in string at byte " +
                                   std::to_string(s.find("\\/") + 1));
  }
  BOOST_TEST(variant("\\u0001", "\\u0041").find("non-canonical escape") != std::string::npos);
  BOOST_TEST(variant("\\n", "\\u000a").find("non-canonical escape") != std::string::npos);
  BOOST_TEST(variant("\\u0001", "\\u0001x\x01").find("raw control character") != std::string::npos);
  BOOST_TEST(variant("\"sha512\":\"0f\",\"sm3\":\"ab\"", "\"sm3\":\"ab\",\"sha512\":\"0f\"").find("keys not in sorted order") !=
             std::string::npos);
  BOOST_TEST(variant("\"time\"", "\"when\"").find("expected ',\"time\":'") != std::string::npos);
  BOOST_TEST(variant("mailto", "\xff" "ailto").find("not valid UTF-8") != std::string::npos);
  BOOST_TEST(bad_entry(good + " ").find("unexpected bytes after the value") != std::string::npos);
  BOOST_TEST(variant("\"0f\"", "\"0F\"") == "invalid audit entry: entry field 'digests' value for 'sha512' is not lowercase hex");
}

BOOST_AUTO_TEST_CASE(entry_field_rules) {
  auto why = [](auto edit) {
    Entry e = sample();
    edit(e);
    auto s = validate_entry(e);
    return s.is_ok() ? std::string("ok") : s.error().message;
  };
  BOOST_TEST(why([](Entry& e) { e.time = "2025-02-30T00:00:00Z"; }).find("entry field 'time'") == 0);
  BOOST_TEST(why([](Entry& e) { e.time = "2025-01-31T08:00:00+08:00"; }).find("entry field 'time'") == 0);
  BOOST_TEST(why([](Entry& e) { e.time = "2024-02-29T23:59:60Z"; }) == "ok");
  BOOST_TEST(why([](Entry& e) { e.actor.clear(); }) == "entry field 'actor' is empty");
  BOOST_TEST(why([](Entry& e) { e.action = "Add"; }).find("entry field 'action'") == 0);
  BOOST_TEST(why([](Entry& e) { e.version = "2"; }).find("entry field 'version'") == 0);
  BOOST_TEST(why([](Entry& e) { e.version = "v0003"; }) == "ok");
  BOOST_TEST(why([](Entry& e) { e.digests["SHA"] = "00"; }) == "entry field 'digests' has a bad algorithm name 'SHA'");
  BOOST_TEST(why([](Entry& e) { e.detail[""] = "x"; }) == "entry field 'detail' has an empty key");
  BOOST_TEST(why([](Entry& e) { e.detail["big"] = std::string(kMaxEntryBytes, 'x'); }).find("longer than") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(keygen_modes_no_overwrite_sign_verify) {
  TempDir t;
  auto pub = generate_keypair(t / "a.key", t / "a.pub");
  BOOST_REQUIRE_MESSAGE(pub.is_ok(), audit_test::why(pub));
  struct stat st{};
  ::stat((t / "a.key").c_str(), &st);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(audit_test::slurp(t / "a.key").find("-----BEGIN PRIVATE KEY-----") == 0);
  BOOST_TEST(audit_test::slurp(t / "a.pub").find("-----BEGIN PUBLIC KEY-----") == 0);
  auto again = generate_keypair(t / "a.key", t / "b.pub");
  BOOST_TEST(again.error().str() == (t / "a.key") + ": already exists; a key is never overwritten");

  auto priv = PrivateKey::load(t / "a.key");
  auto loaded = PublicKey::load(t / "a.pub");
  BOOST_REQUIRE(priv.is_ok());
  BOOST_REQUIRE(loaded.is_ok());
  BOOST_TEST(priv->fingerprint() == pub->fingerprint());
  BOOST_TEST(loaded->fingerprint() == pub->fingerprint());
  BOOST_TEST(pub->fingerprint().size() == 64u);
  auto sig = priv->sign("hello");
  BOOST_TEST(sig->size() == 64u);
  BOOST_TEST(loaded->verify("hello", *sig));
  BOOST_TEST(!loaded->verify("hellO", *sig));
  BOOST_TEST(loaded->pem() == audit_test::slurp(t / "a.pub"));

  ::chmod((t / "a.key").c_str(), 0644);
  BOOST_TEST(PrivateKey::load(t / "a.key").error().str() ==
             (t / "a.key") + ": private key file is accessible to group or others (mode 0644); chmod 600 it");
  BOOST_TEST(PublicKey::from_pem("junk", "arg").error().str() == "arg: not a PEM public key");
}

BOOST_AUTO_TEST_CASE(base64_strict) {
  for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string(64, '\xfe')})
    BOOST_TEST(*base64_decode(base64_encode(s)) == s);
  BOOST_TEST(base64_encode("abcd") == "YWJjZA==");
  BOOST_TEST(!base64_decode("YWJjZB==").is_ok());  // non-zero unused bits
  BOOST_TEST(!base64_decode("YWJj ZA=").is_ok());
  BOOST_TEST(!base64_decode("YW=jZA==").is_ok());
  BOOST_TEST(!base64_decode("YWJjZA=").is_ok());
}

BOOST_AUTO_TEST_CASE(tree_head_text_sign_verify_and_tamper) {
  TempDir t;
  auto pa = generate_keypair(t / "a.key", t / "a.pub");
  auto pb = generate_keypair(t / "b.key", t / "b.pub");
  auto ka = PrivateKey::load(t / "a.key");
  auto kb = PrivateKey::load(t / "b.key");
  Hash root = leaf_hash("x");
  auto head = sign_tree_head(42, root, *ka, "2025-01-31T08:00:00Z");
  BOOST_REQUIRE(head.is_ok());
  std::string signed_text = "gongkai-tree-head v1\nsize 42\nroot " + hash_hex(root) + "\ntime 2025-01-31T08:00:00Z\n";
  BOOST_TEST(head->signed_text() == signed_text);
  BOOST_TEST(head->file_text() == signed_text + "key " + pa->fingerprint() + "\nsignature " + base64_encode(head->signature) + "\n");
  BOOST_TEST(pa->verify(signed_text, head->signature));

  std::string file = t / "h.head";
  BOOST_REQUIRE(write_head_file(file, *head).is_ok());
  auto back = read_head_file(file);
  BOOST_REQUIRE(back.is_ok());
  BOOST_TEST((*back == *head));
  BOOST_TEST(verify_head(*back, *pa, file).is_ok());
  auto from_json = parse_head_json(head->json_line(), "heads.jsonl", 1);
  BOOST_REQUIRE(from_json.is_ok());
  BOOST_TEST((*from_json == *head));

  std::string fa = pa->fingerprint().substr(0, 16), fb = pb->fingerprint().substr(0, 16);
  // Signed by another key.
  auto other = sign_tree_head(42, root, *kb, "2025-01-31T08:00:00Z");
  BOOST_REQUIRE(write_head_file(t / "other.head", *other).is_ok());
  BOOST_TEST(verify_head(*read_head_file(t / "other.head"), *pa, t / "other.head").error().str() ==
             (t / "other.head") + ": signed by another key: " + fb + " is not a trusted public key (trusted: " + fa + ")");
  // Tampered text: size, root, time; each breaks the signature.
  for (auto [from, to] : {std::pair<std::string, std::string>{"size 42", "size 43"},
                          {"root " + hash_hex(root).substr(0, 2), "root " + std::string(hash_hex(root)[0] == '0' ? "1" : "0") + hash_hex(root).substr(1, 1)},
                          {"T08:00", "T09:00"}}) {
    std::string text = audit_test::slurp(file);
    text.replace(text.find(from), from.size(), to);
    audit_test::spit(t / "bad.head", text);
    auto bad = read_head_file(t / "bad.head");
    BOOST_REQUIRE_MESSAGE(bad.is_ok(), audit_test::why(bad));
    BOOST_TEST(verify_head(*bad, *pa, t / "bad.head").error().str() ==
               (t / "bad.head") + ": signature does not verify with public key " + fa + ": tree head text or signature altered");
  }
  // The key line is a hint, but altering it is still detected.
  Head relabelled = *head;
  relabelled.key = pb->fingerprint();
  BOOST_TEST(verify_head(relabelled, *pa, "h").error().str() ==
             "h: key line altered: it names key " + fb + " but trusted key " + fa + " made the signature");
  // Altered past its 16th digit, the two keys are named in full (shortened, they read the same).
  std::string full = pa->fingerprint(), near = full.substr(0, 20) + (full[20] == '0' ? "1" : "0") + full.substr(21);
  relabelled.key = near;
  BOOST_TEST(verify_head(relabelled, *pa, "h").error().str() ==
             "h: key line altered: it names key " + near + " but trusted key " + full + " made the signature");
  // A set of trusted keys (key rotation) accepts either signer.
  std::vector<PublicKey> both = {*pa, *pb};
  BOOST_TEST(verify_head(*other, both, "h").is_ok());
  BOOST_TEST(verify_head(*head, both, "h").is_ok());
}

BOOST_AUTO_TEST_CASE(head_file_parse_errors_name_the_line) {
  TempDir t;
  generate_keypair(t / "a.key", t / "a.pub");
  auto head = sign_tree_head(3, leaf_hash("y"), *PrivateKey::load(t / "a.key"), "2025-01-31T08:00:00Z");
  std::string text = head->file_text();
  auto err = [](const std::string& s) {
    auto r = parse_head_file(s, "x.head");
    return r.is_ok() ? std::string("accepted") : r.error().str();
  };
  BOOST_TEST(err(text) == "accepted");
  BOOST_TEST(err(text.substr(0, text.size() - 1)) == "x.head:6: incomplete tree head: line 6 has no line end");
  BOOST_TEST(err(text.substr(0, text.find("key "))) == "x.head:5: incomplete tree head: missing 'key ...' line");
  BOOST_TEST(err("gongkai-tree-head v2\n") == "x.head:1: not a tree head: expected first line 'gongkai-tree-head v1'");
  std::string s = text;
  s.replace(s.find("size 3"), 6, "size 03");
  BOOST_TEST(err(s) == "x.head:2: size: not a decimal number without leading zeros");
  s = text;
  s.replace(s.find("root "), 6, "root X");
  BOOST_TEST(err(s) == "x.head:3: root: not a lowercase hex digit at position 1");
  s = text;
  s.replace(s.find("Z\n"), 1, "+08:00");
  BOOST_TEST(err(s) == "x.head:4: time is not RFC 3339 UTC");
  BOOST_TEST(err(text + "extra\n") == "x.head:7: unexpected line after the signature");
  s = text;
  s.replace(s.find("signature ") + 10, 4, "!!!!");
  BOOST_TEST(err(s) == "x.head:6: signature is not base64 of 64 bytes");
}

BOOST_AUTO_TEST_SUITE_END()
