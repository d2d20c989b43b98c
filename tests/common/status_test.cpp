#include <boost/test/unit_test.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/digest.h"
#include "common/files.h"
#include "common/status.h"

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(common)

BOOST_AUTO_TEST_CASE(error_names_file_and_line) {
  BOOST_TEST(gk::make_error("bad", "a.xml", 3).str() == "a.xml:3: bad");
  BOOST_TEST(gk::make_error("bad", "a.xml").str() == "a.xml: bad");
  BOOST_TEST(gk::make_error("bad").str() == "bad");
}

BOOST_AUTO_TEST_CASE(digests_match_known_values) {
  // FIPS 180-2 "abc" vectors and GB/T 32905 SM3 "abc" vector.
  BOOST_TEST(gk::digest_hex(gk::DigestAlgorithm::sha256, "abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(gk::digest_hex(gk::DigestAlgorithm::sha512, "abc").substr(0, 32) == "ddaf35a193617abacc417349ae204131");
  BOOST_TEST(gk::digest_hex(gk::DigestAlgorithm::sm3, "abc") ==
             "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temp_and_keeps_old_on_failure) {
  fs::path dir = fs::temp_directory_path() / "gk_common_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto p = (dir / "f.txt").string();
  BOOST_REQUIRE(gk::write_file_atomic(p, "one").is_ok());
  BOOST_REQUIRE(gk::write_file_atomic(p, "two").is_ok());
  BOOST_TEST(gk::read_file(p).value() == "two");
  int n = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  BOOST_TEST(n == 1);
  auto bad = gk::write_file_atomic((dir / "missing" / "f.txt").string(), "x");
  BOOST_TEST(!bad.is_ok());
  BOOST_TEST(bad.error().message.find("cannot write") != std::string::npos);
  fs::remove_all(dir);
}

// A writer killed in the middle of a write (SIGKILL: no clean-up runs) leaves nothing in the
// directory: the bytes go to an unnamed file that gets a name only once complete. It used to
// leave a ".f.pdf.tmpNNN" file behind.
BOOST_AUTO_TEST_CASE(atomic_write_killed_midway_leaves_no_file) {
  fs::path dir = fs::temp_directory_path() / "gk_common_kill_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string big(std::size_t(1) << 30, 'x');  // long enough to be caught writing
    gk::write_file_atomic((dir / "f.pdf").string(), big);
    ::_exit(0);
  }
  // Wait until the child has a file open in the directory (named or not), then kill it.
  const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
  bool writing = false;
  for (int tries = 0; tries < 20000 && !writing; ++tries) {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(fds, ec)) {
      auto target = fs::read_symlink(e.path(), ec).string();
      if (!ec && target.rfind(dir.string() + "/", 0) == 0) writing = true;
    }
    if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_REQUIRE_MESSAGE(writing, "the child was not seen writing");
  std::vector<std::string> left;
  for (auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  BOOST_TEST(left.empty(), "left behind: " << (left.empty() ? "" : left.front()));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
