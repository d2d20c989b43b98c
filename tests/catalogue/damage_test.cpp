// A content file the store cannot give back as its inventory says (changed bytes, removed) used
// to stop every search, `catalogue` and reindex of the archive (a black-box review): the version
// is now indexed from its other files, and every answer says which versions are damaged.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "archive/ocfl/fsutil.h"
#include "store_fixture.h"

using namespace cat_test;
namespace fs = std::filesystem;

namespace {

std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct DamagedStore : StoreFixture {
  Doc a, b, c;
  DamagedStore() {
    Rng r(5);
    a = make_doc(r, 1);
    a.title = "青川市关于损坏记录测试的通知";
    a.paragraphs = {"甲乙丙丁独有词只在这份通知的正文里。"};
    b = make_doc(r, 2);
    b.title = "青川市关于元数据损坏测试的通知";
    b.paragraphs = {"戊己庚辛特征语只在这份通知的正文里。"};
    c = make_doc(r, 3);
    c.title = "青川市关于完好文件测试的通知";
    c.paragraphs = {"完好正文内容在这里。"};
    int minute = 0;
    for (const Doc* d : {&a, &b, &c}) BOOST_REQUIRE(add(*store, d->index_no, *d, created_at(minute++), "发布"));
  }
  void flip_byte(const Doc& d, const std::string& file) {
    std::string path = store->object_path(d.index_no) + "/v1/content/" + file;
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    BOOST_REQUIRE(f);
    f.seekg(40);
    char ch = 0;
    f.get(ch);
    f.seekp(40);
    f.put(static_cast<char>(ch ^ 0x20));
  }
  int total(const std::string& args, std::string* err = nullptr) {
    auto r = run_cli("search " + q(root) + " " + args + " --json");
    BOOST_TEST(r.code == 0, r.err);
    if (err) *err = r.err;
    auto at = r.out.find("\"total\": ");
    BOOST_REQUIRE(at != std::string::npos);
    return std::stoi(r.out.substr(at + 9));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_damage)

BOOST_AUTO_TEST_CASE(a_damaged_record_is_indexed_from_its_metadata_and_named_in_every_answer) {
  DamagedStore f;
  f.flip_byte(f.a, "record.xml");
  std::string err;
  BOOST_TEST(f.total("完好正文", &err) == 1);  // the catalogue is built; the other documents answer
  const std::string warning = "gongkai: warning: 1 version is damaged in the store and indexed from the files that could be read "
                              "(searches find what those say, and a version without its metadata.json not at all): " +
                              f.a.index_no + " v1 (record.xml: content does not match its sha512 digest (corrupted?)). "
                              "`gongkai archive verify " + f.root + "` names the damage; restore the files from a backup, then "
                              "run `gongkai archive reindex " + f.root + "`\n";
  BOOST_TEST(err.find(warning) != std::string::npos, err);
  BOOST_TEST(f.total(q(f.a.title)) == 1);  // from metadata.json
  BOOST_TEST(f.total("甲乙丙丁独有词") == 0);  // its body is in the damaged file
  auto tree = run_cli("catalogue " + q(f.root));
  BOOST_TEST(tree.code == 0, tree.err);
  BOOST_TEST(tree.err.find(warning) != std::string::npos, tree.err);
  auto re = run_cli("archive reindex " + q(f.root));
  BOOST_TEST(re.code == 0, re.err);
  BOOST_TEST(re.err.find(warning) != std::string::npos, re.err);
  auto check = run_cli("archive reindex --check " + q(f.root));  // the same bytes again
  BOOST_TEST(check.code == 0, check.err);
  // The file restored (the byte flipped back): the check says why the catalogue now differs.
  f.flip_byte(f.a, "record.xml");
  auto restored = run_cli("archive reindex --check " + q(f.root));
  BOOST_TEST(restored.code == 1);
  BOOST_TEST(restored.err.find("differs from a rebuild from the store (it holds 1 damaged version(s) as they were indexed; "
                               "restored files read otherwise); run gongkai archive reindex") != std::string::npos,
             restored.err);
  BOOST_TEST(run_cli("archive reindex " + q(f.root)).err == "");
  BOOST_TEST(f.total("甲乙丙丁独有词") == 1);
}

// Without its metadata.json a version's status is unknown (it may be a withdrawal): no search
// shows it, --include-withdrawn neither.
BOOST_AUTO_TEST_CASE(a_version_without_readable_metadata_is_shown_by_no_search) {
  DamagedStore f;
  f.flip_byte(f.b, "metadata.json");
  std::string err;
  BOOST_TEST(f.total("戊己庚辛特征语", &err) == 0);
  BOOST_TEST(err.find(f.b.index_no + " v1 (metadata.json: content does not match its sha512 digest (corrupted?))") != std::string::npos,
             err);
  BOOST_TEST(f.total("戊己庚辛特征语 --include-withdrawn") == 0);
  BOOST_TEST(f.total("戊己庚辛特征语 --status 发布") == 0);
  BOOST_TEST(f.total("完好正文") == 1);
  auto json = run_cli("search " + q(f.root) + " 完好正文 --json");
  BOOST_TEST(json.out.find("\"damaged\": [\n    {\n      \"damage\": \"metadata.json: content does not match its sha512 digest "
                           "(corrupted?)\",\n      \"object_id\": \"" + f.b.index_no + "\",\n      \"version\": 1\n") !=
                 std::string::npos,
             json.out);
  auto tree = run_cli("catalogue " + q(f.root) + " --json");
  BOOST_TEST(tree.code == 0, tree.err);
  // Removed altogether, the file is damage too.
  fs::remove(f.store->object_path(f.a.index_no) + "/v1/content/record.xml");
  auto re = run_cli("archive reindex " + q(f.root));
  BOOST_TEST(re.code == 0, re.err);
  BOOST_TEST(re.err.find("warning: 2 versions are damaged") != std::string::npos, re.err);
  BOOST_TEST(re.err.find(f.a.index_no + " v1 (record.xml: ") != std::string::npos, re.err);
}

// A version directory removed (the inventory still names it) is damage the catalogue holds: it
// is not a store rolled back, and searches did a full rebuild each time (a black-box review).
BOOST_AUTO_TEST_CASE(a_removed_version_directory_is_not_rebuilt_on_every_search) {
  DamagedStore f;
  gk::ocfl::fsx::remove_tree(f.store->object_path(f.a.index_no) + "/v1");
  std::string err;
  BOOST_TEST(f.total("完好正文", &err) == 1);
  BOOST_TEST(err.find(f.a.index_no + " v1 (record.xml: cannot read: No such file or directory") != std::string::npos, err);
  BOOST_TEST(f.total("完好正文", &err) == 1);
  BOOST_TEST(err.find("rebuilding") == std::string::npos, err);
  BOOST_TEST(err.find("warning: 1 version is damaged") != std::string::npos, err);
}

// An object whose inventory.json cannot be read is left out of a rebuild and named in every
// answer (one flipped byte stopped every rebuild, and so every search needing one); once the
// file reads again, the next search takes the object back.
BOOST_AUTO_TEST_CASE(an_object_with_an_unreadable_inventory_is_left_out_and_named) {
  DamagedStore f;
  const std::string obj = f.store->object_path(f.a.index_no);
  const std::string dir = obj.substr(f.root.size() + 1), inv = obj + "/inventory.json";
  const std::string good = slurp_file(inv);
  std::string bad = good;
  bad[10] = '!';
  {
    std::ofstream(inv, std::ios::binary | std::ios::trunc) << bad;
  }
  std::string err;
  BOOST_TEST(f.total("完好正文", &err) == 1);
  BOOST_TEST(err.find("gongkai: warning: 1 object(s) of the store are not searchable, their inventory unreadable: " + dir +
                      " (inventory.json: ") != std::string::npos,
             err);
  BOOST_TEST(f.total(q(f.a.title)) == 0);
  auto json = run_cli("search " + q(f.root) + " 完好正文 --json");
  BOOST_TEST(json.out.find("\"unreadable\": [\n    {\n      \"dir\": \"" + dir + "\",\n      \"why\": \"inventory.json: ") !=
                 std::string::npos,
             json.out);
  auto re = run_cli("archive reindex " + q(f.root));
  BOOST_TEST(re.code == 0, re.err);
  BOOST_TEST(re.err.find("not searchable") != std::string::npos, re.err);
  {
    std::ofstream(inv, std::ios::binary | std::ios::trunc) << good;
  }
  auto back = run_cli("search " + q(f.root) + " " + q(f.a.title) + " --json");
  BOOST_TEST(back.err.find("left out " + dir + " (its inventory could not be read), which reads now; rebuilding it from the store") !=
                 std::string::npos,
             back.err);
  BOOST_TEST(back.out.find("\"total\": 1") != std::string::npos, back.out);
}

// Only damage is indexed around: a read error that may pass (here a symbolic link loop; as root
// the tests cannot take read permission away) stays an error, and no catalogue is written from it.
BOOST_AUTO_TEST_CASE(a_read_error_that_is_not_damage_stays_an_error) {
  DamagedStore f;
  std::string path = f.store->object_path(f.a.index_no) + "/v1/content/record.xml";
  fs::remove(path);
  fs::create_symlink("record.xml", path);
  auto r = run_cli("search " + q(f.root) + " 完好正文");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.find(path + ": cannot read: Too many levels of symbolic links") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(f.cat()));
}

BOOST_AUTO_TEST_SUITE_END()
