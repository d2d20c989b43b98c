// archive verify: a clean archive verifies; every kind of damage is found and named.
#include <boost/test/unit_test.hpp>

#include <random>

#include "archive/verify/verify.h"
#include "archive_fixture.h"

using namespace verify_test;
using gk::verify::verify_archive;

namespace {

bool any_contains(const std::vector<std::string>& v, const std::string& needle) {
  for (auto& x : v)
    if (x.find(needle) != std::string::npos) return true;
  return false;
}

// Every file of the archive with at least one byte, relative to the root. The signing
// configuration is checked for form only (its own test below): a flip inside its private-key
// path keeps that form, and nothing records the path.
std::vector<std::string> archive_files(const std::string& root) {
  std::vector<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).string();
    if (e.is_regular_file() && e.file_size() > 0 && rel != "extensions/gongkai-signing/config.json") out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::string kId = "11519900008452170L/2023-00100";

}  // namespace

BOOST_AUTO_TEST_SUITE(archive_verify)

BOOST_AUTO_TEST_CASE(clean_archive_verifies) {
  Archive a;
  a.populate(4);
  auto r = verify_archive(a.root);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(joined_lines(problem_lines(a.root)) == "");
  BOOST_TEST(r->objects == 4u);
  BOOST_TEST(r->versions == 8u);
  BOOST_TEST(r->entries == 8u);
  BOOST_TEST(r->heads == 8u);
  BOOST_TEST(r->files == 8u + 8u + 4u);  // 8 PDFs, 8 metadata, 4 records (deduplicated)
}

BOOST_AUTO_TEST_CASE(not_an_archive) {
  TempDir t;
  BOOST_TEST(why(verify_archive(t / "nope")) == t / "nope" + ": not an archive: no such directory");
  BOOST_TEST(why(verify_archive(t.path.string())) == t.path.string() + ": not an OCFL storage root (no 0=ocfl_1.1)");
}

// One random byte of one random file, 240 times; every flip must be found. Restored each time.
BOOST_AUTO_TEST_CASE(every_flipped_byte_is_detected) {
  Archive a;
  a.populate(3, 600);
  BOOST_REQUIRE(problem_lines(a.root).empty());
  auto files = archive_files(a.root);
  BOOST_TEST_MESSAGE(files.size() << " files");
  std::mt19937 rng(20240601);
  std::map<std::string, int> flipped;
  for (int i = 0; i < 240; ++i) {
    const std::string& rel = files[rng() % files.size()];
    std::string path = a.root + "/" + rel, orig = slurp(path);
    size_t at = rng() % orig.size();
    std::string bad = orig;
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    spit(path, bad);
    auto p = problem_lines(a.root);
    BOOST_CHECK_MESSAGE(!p.empty(), "flip of byte " << at << " of " << rel << " went unnoticed");
    spit(path, orig);
    ++flipped[rel.substr(0, rel.find('/'))];
  }
  BOOST_TEST(problem_lines(a.root).empty());
  for (auto& [k, n] : flipped) BOOST_TEST_MESSAGE(k << ": " << n << " flips");
}

BOOST_AUTO_TEST_CASE(changed_content_is_named_by_object_version_and_file) {
  Archive a;
  a.populate(2);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  std::string pdf = obj + "/v2/content/document.pdf";
  std::string t = slurp(pdf);
  t[100] ^= 1;
  spit(pdf, t);
  auto p = problem_lines(a.root);
  BOOST_TEST_REQUIRE(p.size() == 1u, joined_lines(p));
  BOOST_TEST(p[0].rfind("changed: " + kId + " v2 " + rel + "/v2/content/document.pdf: sha512 is ", 0) == 0u, p[0]);
  BOOST_TEST(p[0].find(", the manifest records ") != std::string::npos);
}

// An inventory re-sealed (both inventories and sidecars rewritten consistently) with another
// created time, user or message for a version: the log entry and metadata.json, which the signed
// log pins, say otherwise.
BOOST_AUTO_TEST_CASE(resealed_inventory_metadata_is_caught) {
  Archive a;
  a.populate(1);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  for (std::string d : {obj, obj + "/v2"}) {
    auto inv = gk::ocfl::Inventory::from_json(slurp(d + "/inventory.json"), d);
    BOOST_REQUIRE(inv);
    auto& v1 = inv->versions.at(1);
    v1.created = "2020-01-01T00:00:00+08:00";
    v1.message = "forged message";
    v1.user = gk::ocfl::User{"mallory", std::string("mailto:m@example.com")};
    std::string text = gk::ocfl::write_json(inv->to_json_value());
    spit(d + "/inventory.json", text);
    spit(d + "/inventory.json.sha512", gk::digest_hex(gk::DigestAlgorithm::sha512, text) + " inventory.json\n");
  }
  auto p = problem_lines(a.root);
  const std::string at = "changed: " + kId + " v1 " + rel + "/inventory.json: ";
  BOOST_TEST(any_contains(p, at + "the inventory's user of this version is 'mallory', log entry 0 records 'clerk' (inventory altered)"), joined_lines(p));
  BOOST_TEST(any_contains(p, at + "the inventory's message of this version is 'forged message', log entry 0 records '发布' (inventory altered)"), joined_lines(p));
  BOOST_TEST(any_contains(p, at + "the inventory says this version was created 2020-01-01T00:00:00+08:00, its metadata.json says "
                                  "2023-09-01T10:00:00+08:00 (inventory altered)"),
             joined_lines(p));
}

BOOST_AUTO_TEST_CASE(sm3_fixity_is_checked) {
  Archive a;
  a.populate(1);
  // Rewrite the fixity value of the record in both inventories and sidecars consistently: only
  // the sm3 recomputation can then notice.
  std::string obj = a.object_dir(kId);
  std::string inv = slurp(obj + "/inventory.json");
  std::string sm3 = gk::digest_hex(gk::DigestAlgorithm::sm3, slurp(obj + "/v1/content/record.xml"));
  BOOST_REQUIRE(inv.find(sm3) != std::string::npos);
  std::string fake = sm3;
  fake[0] = fake[0] == '0' ? '1' : '0';
  inv.replace(inv.find(sm3), sm3.size(), fake);
  for (auto d : {obj, obj + "/v2"}) {
    spit(d + "/inventory.json", inv);
    spit(d + "/inventory.json.sha512", gk::digest_hex(gk::DigestAlgorithm::sha512, inv) + " inventory.json\n");
  }
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "v1/content/record.xml: sm3 is " + sm3.substr(0, 16) + "..., the fixity block records " +
                                 fake.substr(0, 16) + "..."),
             joined_lines(p));
}

BOOST_AUTO_TEST_CASE(inventory_and_sidecar_changes) {
  Archive a;
  a.populate(1);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  std::string side = slurp(obj + "/v1/inventory.json.sha512");
  spit(obj + "/v1/inventory.json.sha512", side.substr(0, side.size() - 1) + " \n");
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "changed: " + kId + " v1 " + rel + "/v1/inventory.json.sha512: sidecar altered (digest right, rest of the line not)"),
             joined_lines(p));
  spit(obj + "/v1/inventory.json.sha512", side);
  std::string inv = slurp(obj + "/inventory.json");
  inv.replace(inv.find("\"head\": \"v2\""), 12, "\"head\": \"v1\"");
  spit(obj + "/inventory.json", inv);
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, rel + "/inventory.json: inventory does not match its sidecar: sha512 is "), joined_lines(p));
}

BOOST_AUTO_TEST_CASE(deleted_files_are_missing) {
  Archive a;
  a.populate(2);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  fs::remove(obj + "/v1/content/document.pdf");
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "missing: " + kId + " v1 " + rel + "/v1/content/document.pdf: content file is missing or unreadable"),
             joined_lines(p));
  fs::remove(obj + "/v2/inventory.json.sha512");
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "missing: " + kId + " v2 " + rel + "/v2/inventory.json.sha512: inventory sidecar is missing or unreadable"),
             joined_lines(p));
  fs::remove(a.root + "/ocfl_layout.json");
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "missing: ocfl_layout.json: storage root file is missing"), joined_lines(p));
}

BOOST_AUTO_TEST_CASE(deleted_object_leaves_orphan_entries) {
  Archive a;
  a.populate(2);
  fs::remove_all(a.object_dir(kId));
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "orphan-entry: " + kId + " v1: log entry 0 (version-add) names a version the archive does not have"),
             joined_lines(p));
  BOOST_TEST(any_contains(p, "orphan-entry: " + kId + " v2: log entry 1 (status-change) names a version the archive does not have"),
             joined_lines(p));
}

BOOST_AUTO_TEST_CASE(added_files_are_extra) {
  Archive a;
  a.populate(1);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  spit(obj + "/v1/content/smuggled.pdf", "x");
  spit(a.root + "/notes.txt", "x");
  spit(a.root + "/extensions/gongkai-audit/old-log.jsonl", "x");
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "extra: " + kId + " v1 " + rel + "/v1/content/smuggled.pdf: file that no inventory names"), joined_lines(p));
  BOOST_TEST(any_contains(p, "extra: notes.txt: file in the storage root that gongkai does not write"), joined_lines(p));
  BOOST_TEST(any_contains(p, "extra: extensions/gongkai-audit/old-log.jsonl: file this extension does not have"), joined_lines(p));
}

BOOST_AUTO_TEST_CASE(unlogged_version_and_unsigned_entries) {
  Archive a;
  a.populate(1);
  a.add(kId, {make_record(kId, "t", "2023-01-01", "永久"), "", "修改"}, /*log_it=*/false);
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "unlogged: " + kId + " v3: version has no entry in the audit log"), joined_lines(p));
  gk::audit::Entry e;
  e.time = "2023-09-02T00:00:00Z";
  e.actor = "clerk";
  e.action = "export";
  a.append(e, /*sign=*/false);
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "log: extensions/gongkai-audit/log.jsonl: 1 entries after the latest signed tree head are not protected by a signature"),
             joined_lines(p));
}

BOOST_AUTO_TEST_CASE(log_entry_digest_must_match_content) {
  Archive a;
  a.populate(1);
  // A consistent forgery: the PDF replaced in a new version whose entry records another digest.
  gk::audit::Entry e;
  e.time = "2023-09-02T00:00:00Z";
  e.actor = "clerk";
  e.action = gk::audit::kActionStatusChange;
  e.object = kId;
  e.version = "v3";
  e.digests = {{"sha512", std::string(128, 'a')}};
  std::string rec = make_record(kId, "t", "2023-01-01", "永久");
  e.detail = {{"sha512:record.xml", gk::digest_hex(gk::DigestAlgorithm::sha512, rec)}};
  auto st = gk::ocfl::Store::open(a.root, {.durable = false});
  BOOST_REQUIRE(st->add_version(kId, {gk::ocfl::NewFile::from_bytes("record.xml", rec),
                                      gk::ocfl::NewFile::from_bytes("metadata.json", "{}\n"),
                                      gk::ocfl::NewFile::from_bytes("document.pdf", "%PDF-1.4\n")},
                                {}).is_ok());
  a.append(e);
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "changed: " + kId + " v3: log entry 2 records sha512 of metadata.json aaaaaaaaaaaaaaaa..., the archive has "),
             joined_lines(p));
  BOOST_TEST(any_contains(p, "extra: " + kId + " v3 document.pdf: file of the version that its log entry 2 does not record"), joined_lines(p));
}

BOOST_AUTO_TEST_CASE(truncated_log_and_foreign_head) {
  Archive a;
  a.populate(2);
  std::string log = gk::audit::audit_dir(a.root) + "/log.jsonl";
  std::string t = slurp(log);
  spit(log, t.substr(0, t.rfind('\n', t.size() - 2) + 1));
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "truncated"), joined_lines(p));
  // The log failed its checks, but what it still says is replayed: the cut entry's version is
  // named (not only "the log is bad").
  BOOST_TEST(any_contains(p, "unlogged: 11519900008452170L/2023-00101 v2: version has no entry in the audit log"), joined_lines(p));
  spit(log, t);
  BOOST_TEST(problem_lines(a.root).empty());

  // A head signed by another key, appended as if the log were extended by someone else.
  TempDir other;
  BOOST_REQUIRE(gk::audit::generate_keypair(other / "k", other / "k.pub").is_ok());
  auto k = gk::audit::PrivateKey::load(other / "k");
  {
    auto l = gk::audit::AuditLog::open(gk::audit::audit_dir(a.root));
    BOOST_REQUIRE(l->sign_head(*k, "2023-09-03T00:00:00Z").is_ok());
  }
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "signed by another key"), joined_lines(p));
}

BOOST_AUTO_TEST_CASE(explicit_key_overrides_the_archives_own) {
  Archive a;
  a.populate(1);
  TempDir other;
  auto pk = gk::audit::generate_keypair(other / "k", other / "k.pub");
  gk::verify::VerifyOptions o;
  o.trusted = {*pk};
  auto p = problem_lines(a.root, o);
  BOOST_TEST(any_contains(p, "signed by another key"), joined_lines(p));
}

// Objects are checked in parallel; the report must not depend on which thread finished first.
BOOST_AUTO_TEST_CASE(report_is_the_same_for_any_number_of_threads) {
  Archive a;
  a.populate(6);
  // Damage in several objects, at the root, and in the log's replay.
  int k = 0;
  for (auto& e : fs::recursive_directory_iterator(a.root))
    if (e.is_regular_file() && e.path().filename() == "document.pdf" && k++ % 2 == 0) {
      std::string t = slurp(e.path().string());
      t[50] ^= 1;
      spit(e.path().string(), t);
    }
  spit(a.root + "/stray.txt", "x");
  a.add(kId, {make_record(kId, "t", "2023-01-01", "永久"), "", "修改"}, /*log_it=*/false);
  gk::verify::VerifyOptions one, many;
  one.threads = 1;
  many.threads = 4;
  auto p1 = problem_lines(a.root, one);
  BOOST_TEST(p1.size() >= 5u, joined_lines(p1));
  for (int i = 0; i < 5; ++i) BOOST_TEST(joined_lines(problem_lines(a.root, many)) == joined_lines(p1));
}

// The progress callback: once per object, the total known, the last call (n, n).
BOOST_AUTO_TEST_CASE(progress_once_per_object) {
  Archive a;
  a.populate(5);
  gk::verify::VerifyOptions o;
  std::vector<std::pair<size_t, size_t>> calls;
  o.progress = [&](size_t done, size_t total) { calls.push_back({done, total}); };
  BOOST_REQUIRE(verify_archive(a.root, o).is_ok());
  BOOST_TEST_REQUIRE(calls.size() == 5u);
  for (size_t i = 0; i < calls.size(); ++i) {
    BOOST_TEST(calls[i].first == i + 1);
    BOOST_TEST(calls[i].second == 5u);
  }
}

// The validator's findings name their object; files outside any object and an object without
// its declaration are still found (the walk counts a directory with inventory.json as an object).
BOOST_AUTO_TEST_CASE(validator_findings_and_the_hierarchy) {
  Archive a;
  a.populate(2);
  std::string obj = a.object_dir(kId), rel = fs::relative(obj, a.root).string();
  spit(obj + "/junk", "x");
  auto p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "ocfl: " + kId + " " + rel + "/junk: E001 "), joined_lines(p));
  BOOST_TEST(any_contains(p, "extra: " + kId + " " + rel + "/junk: file that no inventory names"), joined_lines(p));
  fs::remove(obj + "/junk");
  std::string hier = fs::path(obj).parent_path().string();
  spit(hier + "/lost.txt", "x");
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "extra: " + fs::relative(hier, a.root).string() + "/lost.txt: file in the object hierarchy outside any object"),
             joined_lines(p));
  fs::remove(hier + "/lost.txt");
  fs::remove(obj + "/0=ocfl_object_1.1");
  std::string pdf = obj + "/v1/content/document.pdf", t = slurp(pdf);
  t[10] ^= 1;
  spit(pdf, t);
  p = problem_lines(a.root);
  BOOST_TEST(any_contains(p, "missing: " + kId + " " + rel + "/0=ocfl_object_1.1: object declaration is missing"), joined_lines(p));
  BOOST_TEST(any_contains(p, "changed: " + kId + " v1 " + rel + "/v1/content/document.pdf: sha512 is "), joined_lines(p));
}

// extensions/gongkai-signing/: config.json in keygen's exact form, naming one of the archive's
// public keys and a private key outside the root; no private key and no other file beside it.
BOOST_AUTO_TEST_CASE(signing_configuration_is_checked) {
  Archive a;
  a.populate(1);
  BOOST_REQUIRE(problem_lines(a.root).empty());
  const std::string cfg = slurp(a.config_path), rel = "extensions/gongkai-signing/config.json";
  auto with = [&](const std::string& text) {
    spit(a.config_path, text);
    auto p = problem_lines(a.root);
    spit(a.config_path, cfg);
    return p;
  };
  // Every byte outside the private key's path: a flip there is found.
  size_t path_at = cfg.find(a.key_path), path_end = path_at + a.key_path.size();
  BOOST_REQUIRE(path_at != std::string::npos);
  for (size_t i = 0; i < cfg.size(); ++i) {
    if (i >= path_at && i < path_end) continue;
    std::string bad = cfg;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    BOOST_CHECK_MESSAGE(any_contains(with(bad), "changed: " + rel + ": signing configuration"), "flip of byte " << i << " unnoticed");
  }
  std::string inside = cfg;
  inside.replace(path_at, a.key_path.size(), a.root + "/key.pem");
  BOOST_TEST(any_contains(with(inside), rel + ": signing configuration names a private key inside the storage root"), joined_lines(with(inside)));
  BOOST_TEST(any_contains(with(cfg.substr(0, cfg.size() - 1)), rel + ": signing configuration altered (not the bytes keygen writes)"));
  std::string other = a.root + "/extensions/gongkai-signing/stray.txt";
  spit(other, "x");
  BOOST_TEST(any_contains(problem_lines(a.root), "extra: extensions/gongkai-signing/stray.txt: file this extension does not have"));
  fs::remove(other);
  std::string priv = a.root + "/extensions/gongkai-signing/copy.pem";
  fs::copy_file(a.key_path, priv);
  BOOST_TEST(any_contains(problem_lines(a.root), "changed: extensions/gongkai-signing/copy.pem: a private key inside the storage root"));
  fs::remove(priv);
  BOOST_TEST(problem_lines(a.root).empty());
}

BOOST_AUTO_TEST_SUITE_END()
