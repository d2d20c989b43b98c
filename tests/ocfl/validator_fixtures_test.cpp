// The official OCFL 1.1 fixtures: good objects validate clean, every bad object reports every code
// in its directory name, every warn object reports its warning codes and no error.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "archive/ocfl/validator.h"

namespace fs = std::filesystem;
using gk::ocfl::Validator;

namespace {

const fs::path kFixtures = fs::path(GK_SHARED_DIR) / "ocfl-fixtures" / "1.1";

std::vector<fs::path> dirs_in(const fs::path& p) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(p))
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// "E060_E064_root_inventory..." -> {E060, E064}
std::set<std::string> codes_in_name(const std::string& name) {
  std::set<std::string> out;
  std::regex code("^([EW][0-9]{3})_");
  std::string rest = name;
  std::smatch m;
  while (std::regex_search(rest, m, code)) {
    out.insert(m[1]);
    rest = m.suffix();
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ocfl_fixtures)

BOOST_AUTO_TEST_CASE(good_objects_have_no_findings) {
  Validator v;
  int n = 0;
  for (const auto& d : dirs_in(kFixtures / "good-objects")) {
    auto r = v.validate_object(d.string());
    BOOST_TEST(r.findings.empty(), d.filename().string() << ":\n" << r.str());
    ++n;
  }
  BOOST_TEST(n == 12);
}

BOOST_AUTO_TEST_CASE(bad_objects_report_every_code_of_their_name) {
  Validator v;
  int n = 0;
  for (const auto& d : dirs_in(kFixtures / "bad-objects")) {
    auto r = v.validate_object(d.string());
    auto want = codes_in_name(d.filename().string());
    BOOST_TEST(!want.empty());
    BOOST_TEST(!r.valid(), d.filename().string() << " was accepted");
    auto got = r.codes();
    for (const auto& c : want) BOOST_TEST(got.count(c) == 1u, d.filename().string() << " lacks " << c << ":\n" << r.str());
    ++n;
  }
  BOOST_TEST(n == 37);
}

BOOST_AUTO_TEST_CASE(warn_objects_warn_and_do_not_fail) {
  Validator v;
  int n = 0;
  for (const auto& d : dirs_in(kFixtures / "warn-objects")) {
    auto r = v.validate_object(d.string());
    BOOST_TEST(r.valid(), d.filename().string() << ":\n" << r.str());
    auto got = r.codes();
    for (const auto& c : codes_in_name(d.filename().string()))
      BOOST_TEST(got.count(c) == 1u, d.filename().string() << " lacks " << c << ":\n" << r.str());
    ++n;
  }
  BOOST_TEST(n == 13);
}

BOOST_AUTO_TEST_SUITE_END()
