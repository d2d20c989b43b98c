// Writes and the catalogue: versions written in one second, and a catalogue kept elsewhere
// through a symlink.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "archive/catalogue/catalogue.h"
#include "archive/ingest/ingest.h"
#include "archive/ocfl/store.h"
#include "archive_test_util.h"

using namespace archive_test;
using namespace gk::ingest;
namespace fs = std::filesystem;

namespace {

AddRequest request_for(const TempDir& t, int i) {
  AddRequest rq;
  rq.record_path = variant(t / ("r" + std::to_string(i) + ".xml"),
                           {{"2022-00012</index-no>", "2022-00" + std::to_string(100 + i) + "</index-no>"}});
  rq.user = {"李明", "mailto:li@example.gov.cn"};
  return rq;
}

ino_t inode_of(const std::string& path) {
  struct stat s{};
  BOOST_REQUIRE(::stat(path.c_str(), &s) == 0);
  return s.st_ino;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_writes)

// Until 2026-12-04 a version created in the second of the catalogue's newest group made the
// whole catalogue be rebuilt: 5 s per write at 5,000 documents, for a script adding records.
BOOST_AUTO_TEST_CASE(writes_in_one_second_append_to_the_catalogue_instead_of_rebuilding_it) {
  TempDir t("same_second");
  std::string root = t / "root";
  BOOST_REQUIRE(gk::ocfl::Store::init(root));
  auto a = Archive::open(root);
  BOOST_REQUIRE_MESSAGE(a, err(a));
  a->set_wait_from_versions(1);  // as a large catalogue does
  {
    auto first = a->add(request_for(t, 0));
    BOOST_REQUIRE_MESSAGE(first, err(first));
  }
  const std::string cat = gk::catalogue::default_path(root);
  const ino_t inode = inode_of(cat);  // a rebuild renames a new file in
  // Start early in a second, so that the writes below would share it.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::this_thread::sleep_for(std::chrono::seconds(1) - (now % std::chrono::seconds(1)) + std::chrono::milliseconds(5));
  std::vector<std::string> created;
  for (int i = 1; i <= 3; ++i) {
    auto out = a->add(request_for(t, i));
    BOOST_REQUIRE_MESSAGE(out, err(out));
    BOOST_REQUIRE(!a->catalogue_error());
    auto inv = a->store().inventory(out->object_id);
    BOOST_REQUIRE(inv);
    created.push_back(inv->versions.at(1).created);
    BOOST_TEST(inode_of(cat) == inode, "write " << i << " rebuilt the catalogue");
  }
  BOOST_TEST(created[0] != created[1]);
  BOOST_TEST(created[1] != created[2]);
  auto rebuilt = gk::catalogue::rebuild(a->store(), (t / "check.sqlite"));
  BOOST_REQUIRE_MESSAGE(rebuilt, err(rebuilt));
  BOOST_TEST((slurp(cat) == slurp(t / "check.sqlite")));  // still the bytes of a rebuild
}

BOOST_AUTO_TEST_CASE(a_catalogue_behind_a_symlink_is_rebuilt_where_the_link_points) {
  TempDir t("linked");
  std::string root = t / "root";
  BOOST_REQUIRE(gk::ocfl::Store::init(root));
  auto a = Archive::open(root);
  BOOST_REQUIRE_MESSAGE(a, err(a));
  {
    auto first = a->add(request_for(t, 0));
    BOOST_REQUIRE_MESSAGE(first, err(first));
  }
  const std::string cat = gk::catalogue::default_path(root);
  fs::create_directories(t / "ssd");
  fs::rename(cat, t / "ssd/cat.sqlite");
  fs::create_symlink("ssd/cat.sqlite", cat);  // relative, as `ln -s` makes it
  auto r = gk::catalogue::rebuild(a->store());
  BOOST_REQUIRE_MESSAGE(r, err(r));
  BOOST_TEST(fs::is_symlink(cat));
  BOOST_REQUIRE(a->add(request_for(t, 1)));
  BOOST_TEST(fs::is_symlink(cat));
  auto ix = gk::catalogue::Index::open(t / "ssd/cat.sqlite", false, true);
  BOOST_REQUIRE_MESSAGE(ix, err(ix));
  BOOST_TEST(*ix->version_count() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
