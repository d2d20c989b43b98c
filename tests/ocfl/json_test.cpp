// The JSON reader behind every inventory, sidecar config and metadata file: values, nesting,
// repeated keys and malformed text.
#include <boost/test/unit_test.hpp>

#include "archive/ocfl/json.h"

using gk::ocfl::Json;
using gk::ocfl::parse_json;

BOOST_AUTO_TEST_SUITE(ocfl_json)

BOOST_AUTO_TEST_CASE(values_and_nesting_round_trip) {
  auto j = parse_json(R"({"b": [1, -2, 3.5, 12345678901, true, false, null, "x\u00e9\n"], "a": {"k": {}, "l": []}})");
  BOOST_REQUIRE(j.is_ok());
  BOOST_REQUIRE(j->is_object());
  const Json::Array& b = j->find("b")->array();
  BOOST_REQUIRE(b.size() == 8u);
  BOOST_TEST(b[0].number() == 1.0);
  BOOST_TEST(b[1].number() == -2.0);
  BOOST_TEST(b[2].number() == 3.5);
  BOOST_TEST(b[3].number() == 12345678901.0);
  BOOST_TEST(b[4].boolean());
  BOOST_TEST(!b[5].boolean());
  BOOST_TEST((b[6].type() == Json::Type::null));
  BOOST_TEST(b[7].str() == "x\xc3\xa9\n");
  BOOST_TEST(j->find("a")->find("k")->object().empty());
  BOOST_TEST(j->find("a")->find("l")->array().empty());
  // Written back with sorted keys; parsing that again gives the same text.
  std::string w = gk::ocfl::write_json(*j);
  BOOST_TEST(w.find("\"a\"") < w.find("\"b\""));
  BOOST_TEST(gk::ocfl::write_json(*parse_json(w)) == w);
}

// Written JSON is always UTF-8: a byte starting no valid sequence (text from a damaged catalogue
// page) becomes U+FFFD; valid text of every length passes unchanged. `search --json` printed the
// bytes as they were.
BOOST_AUTO_TEST_CASE(invalid_utf8_is_written_as_replacement_characters) {
  Json::Object o;
  o["t"] = Json(std::string("a\xff" "b\xc3" "c\xe6\x94" "d\xed\xa0\x80" "e\xc0\xaf" "f\xf4\x90\x80\x80" "g"));
  o["ok"] = Json(std::string("政务\xf0\x9f\x98\x80\xc3\xa9"));
  std::string w = gk::ocfl::write_json(Json(std::move(o)));
  const std::string r = "\xef\xbf\xbd";
  BOOST_TEST(w.find("\"t\": \"a" + r + "b" + r + "c" + r + r + "d" + r + r + r + "e" + r + r + "f" + r + r + r + r + "g\"") !=
                 std::string::npos,
             w);
  BOOST_TEST(w.find("\"ok\": \"政务\xf0\x9f\x98\x80\xc3\xa9\"") != std::string::npos, w);
  BOOST_TEST(parse_json(w).is_ok());
}

BOOST_AUTO_TEST_CASE(a_repeated_key_keeps_the_last_value) {
  auto j = parse_json(R"({"head": "v1", "head": "v2"})");
  BOOST_REQUIRE(j.is_ok());
  BOOST_TEST(j->find("head")->str() == "v2");
  BOOST_TEST(j->object().size() == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_text_is_an_error_not_a_value) {
  for (const char* bad : {"{", "{\"a\": }", "[1, 2", "{\"a\" 1}", "nul", "{\"a\": 1,}"}) {
    auto j = parse_json(bad);
    BOOST_TEST(!j.is_ok(), bad);
    if (!j.is_ok()) BOOST_TEST(j.error().message.rfind("invalid JSON: ", 0) == 0u, j.error().message);
  }
  auto u = parse_json("{\"a\": \"\xff\"}");
  BOOST_REQUIRE(!u.is_ok());
  BOOST_TEST(u.error().message == "not valid UTF-8");
}

BOOST_AUTO_TEST_SUITE_END()
