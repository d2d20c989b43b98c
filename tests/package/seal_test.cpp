// The export's signed statement (bag-signature.txt) and package verify's content cross-checks: a
// bag edited and re-sealed (manifest, Payload-Oxum, tag manifest recomputed) is caught by the
// statement; the same edit re-signed with the archive's own key (an insider, or an export bug) by
// the cross-checks alone; a bag re-signed with another key by --key, or by the fingerprint shown.
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "tests/package/bag_fixture.h"

using namespace package_test;

namespace {

const std::string kManifestResealed =
    "manifest-sha512.txt: not the one the export signed (bag-signature.txt); edited and re-sealed after export\n";
const std::string kInfoResealed =
    "bag-info.txt: not the one the export signed (bag-signature.txt); edited and re-sealed after export\n";
const std::string kY2 = "Z109-WS\u00b72023-Y-0002", kD10_1 = "Z109-WS\u00b72023-D10-0001", kD10_2 = "Z109-WS\u00b72023-D10-0002";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no '" + from + "' in\n" + s);
  return s.replace(at, from.size(), to);
}

void edit(const std::string& path, const std::string& from, const std::string& to) { spit(path, replaced(slurp(path), from, to)); }

// The edit re-sealed as exported (the statement catches it), then re-signed with the archive's own
// key (only the cross-checks `content` catch it).
void expect_caught(const Exported& x, const std::string& statement, const std::string& content) {
  x.reseal();
  BOOST_TEST(joined(x.check()) == statement + content);
  x.reseal(&*x.a.key);
  BOOST_TEST(joined(x.check()) == content);
}

std::string run(const std::string& cmd, const std::string& out, int& code) {
  code = WEXITSTATUS(std::system((cmd + " > " + out + " 2>&1").c_str()));
  return slurp(out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(package_seal)

BOOST_AUTO_TEST_CASE(clean_bag_is_signed_and_passes) {
  Exported x;
  std::string fp = x.a.key->fingerprint();
  BOOST_REQUIRE(fs::exists(x.bag + "/bag-signature.txt"));
  std::string st = slurp(x.bag + "/bag-signature.txt");
  BOOST_TEST(st.rfind("gongkai-bag-statement v1\nmanifest-sha512.txt " + sha512(slurp(x.bag + "/manifest-sha512.txt")) +
                          "\nbag-info.txt " + sha512(slurp(x.bag + "/bag-info.txt")) + "\ntree-head 10 ",
                      0) == 0u,
             st);
  BOOST_TEST(st.find("\nkey " + fp + "\nsignature ") != std::string::npos, st);
  BOOST_TEST(slurp(x.bag + "/tagmanifest-sha512.txt").find(sha512(st) + "  bag-signature.txt\n") != std::string::npos);
  BOOST_TEST(joined(x.check()) == "");
  // Re-sealing and re-signing with the archive's key an unchanged bag changes nothing.
  x.reseal(&*x.a.key);
  BOOST_TEST(joined(x.check()) == "");
  int code = 0;
  std::string out = run(std::string(GK_BINARY) + " package verify " + x.bag, x.a.tmp / "out.txt", code);
  BOOST_TEST(code == 0, out);
  BOOST_TEST(out.find("\nbag signed by key " + fp + " (data/audit/public-key.pem)\n") != std::string::npos, out);
}

// Only the tag manifest pins the files beside data/: removed, it must not let files be added
// there unseen (they were: "verified"). A symbolic link is named as one, by its own path (it was
// named by its target, "../../../../etc/passwd: extra tag file"), and never followed.
BOOST_AUTO_TEST_CASE(removed_tag_manifest_and_symbolic_links) {
  Exported x;
  fs::remove(x.bag + "/tagmanifest-sha512.txt");
  spit(x.bag + "/审批意见.txt", "同意移交");
  fs::create_directories(x.bag + "/extra");
  spit(x.bag + "/extra/x", "x");
  BOOST_TEST(joined(x.check()) ==
             "tagmanifest-sha512.txt: missing: every export writes one; without it nothing pins the files beside data/\n"
             "extra/x: extra tag file (not written by the export)\n"
             "审批意见.txt: extra tag file (not written by the export)\n");
  Exported y;
  fs::create_symlink("/etc/passwd", y.doc(kY2) + "/link.txt");
  auto problems = y.check();
  BOOST_TEST(has(problems, "data/documents/" + kY2 + "/link.txt: symbolic link (a bag holds regular files only)"), joined(problems));
  BOOST_TEST(joined(problems).find("passwd") == std::string::npos, joined(problems));
}

BOOST_AUTO_TEST_CASE(removed_document_directory) {
  Exported x;
  fs::remove_all(x.doc(kD10_2));
  expect_caught(x, kManifestResealed + kInfoResealed,
                "data/归档文件目录.csv:6: 档号 " + kD10_2 + " has no directory data/documents/" + kD10_2 + " in the bag\n"
                "bag-info.txt: X-件数 is '5', the bag holds 4 document directories\n"
                "bag-info.txt: X-档号范围 is '" + kY1 + " — " + kD10_2 + "', the bag's 档号 run '" + kY1 + " — " + kD10_1 + "'\n"
                "data/四性检测报告.json: items 5, the bag holds 4 document directories\n");
}

BOOST_AUTO_TEST_CASE(swapped_document_directories) {
  Exported x;
  fs::rename(x.doc(kY1), x.doc("swap"));
  fs::rename(x.doc(kY2), x.doc(kY1));
  fs::rename(x.doc("swap"), x.doc(kY2));
  // populate(5): Y-0001 is object 0 (第1号, 2023-01-01), Y-0002 object 3 (第4号, 2023-04-22).
  std::string r1 = "data/documents/" + kY1 + "/record.xml", r2 = "data/documents/" + kY2 + "/record.xml";
  expect_caught(x, kManifestResealed,
                "data/归档文件目录.csv:2: 题名 '青川市人民政府关于第1号事项的公告' but " + r1 + " has '青川市人民政府关于第4号事项的公告'\n"
                "data/归档文件目录.csv:2: 日期 '20230101' but " + r1 + " has '20230422'\n"
                "data/归档文件目录.csv:3: 题名 '青川市人民政府关于第4号事项的公告' but " + r2 + " has '青川市人民政府关于第1号事项的公告'\n"
                "data/归档文件目录.csv:3: 日期 '20230422' but " + r2 + " has '20230101'\n");
}

BOOST_AUTO_TEST_CASE(edited_list_row) {
  Exported x;
  edit(x.bag + "/data/归档文件目录.csv", "关于第4号事项", "关于第9号事项");
  expect_caught(x, kManifestResealed,
                "data/归档文件目录.csv:3: 题名 '青川市人民政府关于第9号事项的公告' but data/documents/" + kY2 +
                    "/record.xml has '青川市人民政府关于第4号事项的公告'\n");
}

// A failing 四性检测报告 edited to pass.
BOOST_AUTO_TEST_CASE(edited_four_properties_report) {
  Exported x(false, 0, /*populate=*/false);
  std::string rec = make_record("11519900008452170L/2023-09999", "不合规的文件", "2023-05-05", "永久");
  x.a.add("11519900008452170L/2023-09999", {rec, fake_pdf("别的题名", 1, 100, 1, /*pdfa=*/false), "发布"});
  x.run_export();
  BOOST_TEST(joined(x.sum.failed_rules) == "AUTH-05 (1)\nUSAB-02 (1)\n");
  BOOST_TEST(joined(x.check()) == "");
  std::string report = x.bag + "/data/四性检测报告.json";
  for (int i = 0; i < 3; ++i) edit(report, "\"result\": \"fail\"", "\"result\": \"pass\"");
  expect_caught(x, kManifestResealed,
                "data/四性检测报告.json: rule AUTH-05 says 'pass' with 1 failure(s)\n"
                "data/四性检测报告.json: rule USAB-02 says 'pass' with 1 failure(s)\n"
                "bag-info.txt: X-四性检测结果 is '未通过（2项）', data/四性检测报告.json says '通过'\n");
}

BOOST_AUTO_TEST_CASE(edited_bag_info_counts) {
  Exported x;
  edit(x.bag + "/bag-info.txt", "X-件数: 5\n", "X-件数: 4\n");
  edit(x.bag + "/bag-info.txt", " — " + kD10_2 + "\n", " — " + kD10_1 + "\n");
  expect_caught(x, kInfoResealed,
                "bag-info.txt: X-件数 is '4', the bag holds 5 document directories\n"
                "bag-info.txt: X-档号范围 is '" + kY1 + " — " + kD10_1 + "', the bag's 档号 run '" + kY1 + " — " + kD10_2 + "'\n");
}

// Whoever holds another key can re-sign everything (statement, head, the bag's public key): only
// the inspector's own key (--key) or the fingerprint shown against the published one tells.
BOOST_AUTO_TEST_CASE(resigned_with_another_key) {
  Exported x(false, 2);
  TempDir other;
  auto pub2 = gk::audit::generate_keypair(other / "k", other / "k.pub");
  auto key2 = gk::audit::PrivateKey::load(other / "k");
  BOOST_REQUIRE(key2.is_ok());
  std::string fp1 = x.a.key->fingerprint(), fp2 = key2->fingerprint();
  std::string another = "signed by another key: " + fp2.substr(0, 16) + " is not a trusted public key (trusted: " +
                        fp1.substr(0, 16) + ")\n";

  // The statement alone re-signed: the bag's own key already rejects it.
  x.reseal(&*key2);
  BOOST_TEST(joined(x.check()) == "bag-signature.txt: " + another);

  // Everything re-signed and the bag's key replaced: consistent, so only the key tells.
  auto head = gk::audit::read_head_file(x.bag + "/data/audit/tree-head.txt");
  auto h2 = gk::audit::sign_tree_head(head->size, head->root, *key2, head->time);
  spit(x.bag + "/data/audit/tree-head.txt", h2->file_text());
  spit(x.bag + "/data/audit/public-key.pem", pub2->pem());
  x.reseal(&*key2);
  auto r = pk::verify_package(x.bag);
  BOOST_REQUIRE(r.is_ok());
  BOOST_TEST(joined(r->problems) == "");
  BOOST_TEST(r->key == fp2);
  auto real = gk::audit::PublicKey::load(x.a.pub_path);
  BOOST_TEST(joined(x.check({*real})) == "data/audit/tree-head.txt: " + another + "bag-signature.txt: " + another);

  int code = 0;
  std::string g = GK_BINARY, out = x.a.tmp / "out.txt";
  std::string text = run(g + " package verify " + x.bag, out, code);
  BOOST_TEST(code == 0, text);
  BOOST_TEST(text.find("\nbag signed by key " + fp2 + " (data/audit/public-key.pem)\n") != std::string::npos, text);
  text = run(g + " package verify " + x.bag + " --key " + x.a.pub_path, out, code);
  BOOST_TEST(code == 1, text);
  BOOST_TEST(text.rfind("data/audit/tree-head.txt: " + another + "bag-signature.txt: " + another + "FAILED: ", 0) == 0u, text);
}

// Without a signing key the export still writes the bag (and logs it unsigned), but nothing pins
// it: package verify says its completeness is unproven. A key other than the head's is refused.
BOOST_AUTO_TEST_CASE(export_without_key_or_with_another_key) {
  Exported x(false, 2, /*populate=*/false);
  x.a.populate(2);
  // Another of the archive's keys (as after a rotation) that did not sign its latest head.
  TempDir other;
  auto pub2 = gk::audit::generate_keypair(other / "k", other / "k.pub");
  BOOST_REQUIRE(pub2.is_ok());
  fs::copy_file(other / "k.pub", x.a.root + "/extensions/gongkai-signing/" + pub2->fingerprint() + ".pem");
  int code = 0;
  std::string g = GK_BINARY, out = x.a.tmp / "out.txt";
  std::string export_cmd = "GONGKAI_KEY= " + g + " archive export " + x.a.root + " --year 2023 --fonds Z109 --out " + x.bag;
  std::string text = run(export_cmd + " --signing-key " + other / "k", out, code);
  BOOST_TEST(code == 1, text);
  // Refused before anything is selected: a writer only signs after a head its own key signed.
  BOOST_TEST(text.find("the latest tree head of the audit log is not signed by this archive's key") != std::string::npos, text);
  BOOST_TEST(!fs::exists(x.bag));

  fs::remove(x.a.config_path);
  text = run(export_cmd, out, code);
  BOOST_TEST(code == 0, text);
  BOOST_TEST(text.find("gongkai: warning: no signing key, so the bag has no signed statement") != std::string::npos, text);
  BOOST_TEST(!fs::exists(x.bag + "/bag-signature.txt"));
  BOOST_TEST(joined(x.check()) ==
             "bag-signature.txt: missing: nothing signed pins this bag's manifest and bag-info.txt, so its completeness, 目录, "
             "四性检测报告 and bag-info are unproven (exported without a signing key, or removed)\n");
  text = run(g + " package verify " + x.bag, out, code);
  BOOST_TEST(code == 1, text);
  BOOST_TEST(text.find("\nbag signature not verified; key ") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
