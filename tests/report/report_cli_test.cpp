// Messages of `gongkai report` and the command line as a whole that a black-box review found
// saying less than they knew: every missing option named, a missing folder called missing, the
// cause of an unreadable font map, --version.
#include <boost/test/unit_test.hpp>

#include <string>

#include "tests/render/run.h"

namespace {

const std::string kSamples = std::string(GK_SOURCE_DIR) + "/samples/year";

}  // namespace

BOOST_AUTO_TEST_SUITE(report_cli)

BOOST_AUTO_TEST_CASE(every_missing_option_is_named) {
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2023"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.rfind("gongkai: missing options --records, --requests, --extra, --out\n", 0) == 0u, r.err);
  auto c = gkt::run({GK_BINARY, "report", "compliance", "--year", "2023", "--records", kSamples + "/records",
                     "--requests", kSamples + "/requests"});
  BOOST_TEST(c.status == 2);
  BOOST_TEST(c.err.rfind("gongkai: missing option --out\n", 0) == 0u, c.err);
}

BOOST_AUTO_TEST_CASE(a_missing_folder_and_an_unreadable_font_map_say_why) {
  const std::string out = "/tmp/gk-report-cli-never-written.pdf";
  auto r = gkt::run({GK_BINARY, "report", "compliance", "--year", "2023", "--records", kSamples + "/records", "--requests",
                     "/nonexistent-requests", "--out", out});
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err == "gongkai: /nonexistent-requests: no such directory\n", r.err);
  auto f = gkt::run({GK_BINARY, "report", "compliance", "--year", "2023", "--records", kSamples + "/records", "--requests",
                     kSamples + "/requests", "--fonts", "/nonexistent-fontmap.xml", "--out", out});
  BOOST_TEST(f.status == 1);
  BOOST_TEST(f.err == "gongkai: /nonexistent-fontmap.xml: cannot read font map: No such file or directory\n", f.err);
}

BOOST_AUTO_TEST_CASE(version_answers_to_the_usual_flags) {
  auto v = gkt::run({GK_BINARY, "version"});
  BOOST_REQUIRE(v.status == 0);
  for (const char* flag : {"--version", "-V"}) {
    auto r = gkt::run({GK_BINARY, flag});
    BOOST_TEST(r.status == 0, flag);
    BOOST_TEST(r.out == v.out, flag);
  }
  auto extra = gkt::run({GK_BINARY, "render", "--template", "t.xml", "--record", "r.xml", "--out", "x.pdf", "stray"});
  BOOST_TEST(extra.status == 2);
  BOOST_TEST(extra.err.rfind("gongkai: unexpected argument 'stray'\n", 0) == 0u, extra.err);
}

BOOST_AUTO_TEST_SUITE_END()
