// `search --json` for programs: the marked terms as offsets, since the marks 【】 of "snippet"
// can be in the archived text itself.
#include <boost/test/unit_test.hpp>

#include "catalogue_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;
namespace ocfl = gk::ocfl;

BOOST_AUTO_TEST_SUITE(catalogue_json)

BOOST_AUTO_TEST_CASE(json_hits_give_the_marked_terms_as_code_point_offsets) {
  TempDir dir{"marks"};
  std::string root = (dir.path / "archive").string();
  auto s = ocfl::Store::init(root, {false});
  BOOST_REQUIRE(s);
  Rng r(3);
  Doc d = make_doc(r, 1);
  d.paragraphs = {"括号（一）和【二】都在原文里，扶贫工作按【三】办理。"};
  BOOST_REQUIRE(add(*s, "urn:gk:1", d, "2023-07-01T09:00:00+08:00"));
  auto res = run_cli("search " + root + " 二 扶贫 --json");
  BOOST_REQUIRE_MESSAGE(res.code == 0, res.err);
  // The display form cannot tell the document's brackets from the marks: 【【二】】.
  BOOST_TEST(res.out.find("\"snippet\": \"括号（一）和【【二】】都在原文里，【扶贫】工作按【三】办理。\"") != std::string::npos, res.out);
  BOOST_TEST(res.out.find("\"snippet_text\": \"括号（一）和【二】都在原文里，扶贫工作按【三】办理。\"") != std::string::npos, res.out);
  // 二 at code point 7, 扶贫 at 15 and 16 of snippet_text (括号（一）和【 are 0 to 6).
  std::string compact;
  for (char c : res.out)
    if (c != ' ' && c != '\n') compact += c;
  BOOST_TEST(compact.find("\"marks\":[[7,8],[15,17]]") != std::string::npos, res.out);
}

BOOST_AUTO_TEST_SUITE_END()
