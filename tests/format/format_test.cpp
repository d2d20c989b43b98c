#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "generator/template/format.h"

namespace {

struct Case {
  const char* format;
  const char* value;
  const char* expect;
};

// Checks a table of good values, reporting the format and value of each failure.
void check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    auto r = gk::format::apply(c.format, c.value);
    BOOST_TEST_CONTEXT(c.format << " " << c.value) {
      BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? std::string() : r.error().str()));
      BOOST_TEST(r.value() == c.expect);
    }
  }
}

// Checks that each value is rejected by `format` with a message naming both.
void check_rejects(const char* format, const std::vector<const char*>& values) {
  for (const char* v : values) {
    auto r = gk::format::apply(format, v);
    BOOST_TEST_CONTEXT(format << " \"" << v << "\"") {
      BOOST_REQUIRE(!r.is_ok());
      const std::string& m = r.error().message;
      BOOST_TEST(m.find(format) != std::string::npos, m);
      BOOST_TEST(m.find(std::string("\"") + v) != std::string::npos, m);
      BOOST_TEST(m.find('\n') == std::string::npos, m);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(format)

BOOST_AUTO_TEST_CASE(dates) {
  check({
      {"cn-date", "2022-03-12", "2022年3月12日"},
      {"cn-date", "2022-10-01", "2022年10月1日"},
      {"cn-date", "2022-12-31", "2022年12月31日"},
      {"cn-date", "2024-02-29", "2024年2月29日"},
      {"cn-date", "2000-02-29", "2000年2月29日"},
      {"cn-date", "  2022-03-12\n", "2022年3月12日"},  // XML whitespace around the text
      {"date-compact", "2022-03-12", "20220312"},
      {"date-compact", "1999-12-31", "19991231"},
      {"cn-year-month", "2022-03-12", "2022年3月"},
      {"cn-year-month", "2022-11", "2022年11月"},
      {"cn-year-month", "2022-03", "2022年3月"},
  });
  check_rejects("cn-date", {"2022-02-30", "2023-02-29", "1900-02-29", "2022-04-31", "2022-13-01",
                            "2022-00-10", "2022-01-00", "0000-01-01", "2022-3-12", "22-03-12",
                            "2022/03/12", "2022-03-12T00:00:00", "2022-03-12+08:00", "2022年3月12日",
                            "", "2022-03", "２０２２-03-12"});
  check_rejects("date-compact", {"2022-02-30", "20220312", "2022-03"});
  check_rejects("cn-year-month", {"2022-13", "2022-02-30", "2022", "2022-3"});
}

BOOST_AUTO_TEST_CASE(headings) {
  check({
      {"heading-1", "1", "一、"},      {"heading-1", "3", "三、"},        {"heading-1", "10", "十、"},
      {"heading-1", "12", "十二、"},   {"heading-1", "21", "二十一、"},  {"heading-1", "105", "一百零五、"},
      {"heading-2", "3", "（三）"},    {"heading-2", "11", "（十一）"},  {"heading-2", "20", "（二十）"},
      {"heading-3", "3", "3."},        {"heading-3", "12", "12."},       {"heading-3", "03", "3."},
      {"heading-4", "3", "（3）"},     {"heading-4", "123", "（123）"},  {"heading-4", " 7 ", "（7）"},
  });
  for (const char* f : {"heading-1", "heading-2", "heading-3", "heading-4"}) {
    check_rejects(f, {"0", "-1", "10000", "3.5", "3.0", "abc", "", "三", "+3", "1e2", "99999999999999999999"});
  }
}

BOOST_AUTO_TEST_CASE(chinese_numerals_and_zero_rules) {
  check({
      {"cn-numeral", "1", "一"},           {"cn-numeral", "9", "九"},
      {"cn-numeral", "10", "十"},          {"cn-numeral", "11", "十一"},
      {"cn-numeral", "19", "十九"},        {"cn-numeral", "20", "二十"},
      {"cn-numeral", "99", "九十九"},      {"cn-numeral", "100", "一百"},
      {"cn-numeral", "101", "一百零一"},   {"cn-numeral", "105", "一百零五"},
      {"cn-numeral", "110", "一百一十"},   {"cn-numeral", "111", "一百一十一"},
      {"cn-numeral", "200", "二百"},       {"cn-numeral", "999", "九百九十九"},
      {"cn-numeral", "1000", "一千"},      {"cn-numeral", "1001", "一千零一"},
      {"cn-numeral", "1010", "一千零一十"}, {"cn-numeral", "1011", "一千零一十一"},
      {"cn-numeral", "1100", "一千一百"},  {"cn-numeral", "1101", "一千一百零一"},
      {"cn-numeral", "1110", "一千一百一十"}, {"cn-numeral", "2005", "二千零五"},
      {"cn-numeral", "2050", "二千零五十"}, {"cn-numeral", "9999", "九千九百九十九"},
      {"cn-numeral", "0010", "十"},
  });
  check_rejects("cn-numeral", {"0", "10000", "-5", "1.5", "x", ""});
}

BOOST_AUTO_TEST_CASE(financial_numerals) {
  check({
      {"cn-upper", "1", "壹"},          {"cn-upper", "10", "壹拾"},        {"cn-upper", "11", "壹拾壹"},
      {"cn-upper", "20", "贰拾"},       {"cn-upper", "101", "壹佰零壹"},   {"cn-upper", "110", "壹佰壹拾"},
      {"cn-upper", "1001", "壹仟零壹"}, {"cn-upper", "1010", "壹仟零壹拾"}, {"cn-upper", "1100", "壹仟壹佰"},
      {"cn-upper", "3456", "叁仟肆佰伍拾陆"}, {"cn-upper", "9999", "玖仟玖佰玖拾玖"},
      {"cn-upper", "7080", "柒仟零捌拾"},
  });
  check_rejects("cn-upper", {"0", "10000", "abc"});
}

BOOST_AUTO_TEST_CASE(numbers) {
  check({
      {"number", "0", "0"},               {"number", "7", "7"},                {"number", "999", "999"},
      {"number", "1000", "1,000"},        {"number", "1234", "1,234"},         {"number", "1234.5", "1,234.5"},
      {"number", "1234567", "1,234,567"}, {"number", "1234567.8900", "1,234,567.8900"},
      {"number", "123456", "123,456"},    {"number", "-1234.5", "-1,234.5"},   {"number", "0.25", "0.25"},
      {"number", "007", "7"},             {"number", "-0", "0"},
      {"number", "98765432109876543210", "98,765,432,109,876,543,210"},  // no overflow: digit strings
  });
  check_rejects("number", {"", "abc", "1,234", "1.", ".5", "1e3", "--1", "+1", "1.2.3", "１２", "12 34", "-"});
}

BOOST_AUTO_TEST_CASE(fixed_two_decimals) {
  check({
      {"fixed-2", "12.3", "12.30"},   {"fixed-2", "12", "12.00"},      {"fixed-2", "0", "0.00"},
      {"fixed-2", "12.345", "12.35"}, {"fixed-2", "12.344", "12.34"},  {"fixed-2", "0.005", "0.01"},
      {"fixed-2", "9.995", "10.00"},  {"fixed-2", "99.999", "100.00"}, {"fixed-2", "-1.005", "-1.01"},
      {"fixed-2", "-0.001", "0.00"},  {"fixed-2", "1234.5", "1234.50"}, {"fixed-2", "0.1", "0.10"},
      {"fixed-2", "2.675", "2.68"},  // exact in decimal; a double would give 2.67
  });
  check_rejects("fixed-2", {"", "12,3", "abc", "1."});
}

BOOST_AUTO_TEST_CASE(percentages) {
  check({
      {"percent", "0.253", "25.3%"}, {"percent", "0.25", "25%"},     {"percent", "0.5", "50%"},
      {"percent", "1", "100%"},      {"percent", "0", "0%"},         {"percent", "0.0", "0%"},
      {"percent", "0.01", "1%"},     {"percent", "0.001", "0.1%"},   {"percent", "0.2530", "25.30%"},
      {"percent", "1.5", "150%"},    {"percent", "-0.1", "-10%"},    {"percent", "12.345", "1234.5%"},
  });
  check_rejects("percent", {"", "25%", "abc", "0.5.1"});
}

BOOST_AUTO_TEST_CASE(unknown_format_names_the_format_the_value_and_the_choices) {
  auto r = gk::format::apply("cn-datum", "2022-03-12");
  BOOST_REQUIRE(!r.is_ok());
  const std::string& m = r.error().message;
  BOOST_TEST(m.find("cn-datum") != std::string::npos, m);
  BOOST_TEST(m.find("2022-03-12") != std::string::npos, m);
  BOOST_TEST(m.find("cn-date") != std::string::npos, m);
  BOOST_TEST(!gk::format::apply("", "1").is_ok());
  BOOST_TEST(!gk::format::apply("Heading-1", "1").is_ok());  // names are case-sensitive
}

BOOST_AUTO_TEST_CASE(long_values_are_shortened_in_messages) {
  std::string v(200, 'x');
  v += "\n";
  auto r = gk::format::apply("cn-date", "中文中文中文中文中文中文中文中文中文中文中文中文中文中文" + v);
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().message.size() < 160u, r.error().message);
  BOOST_TEST(r.error().message.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_are_listed_and_all_work) {
  std::vector<std::string> names = gk::format::format_names();
  std::vector<std::string> expect = {"cn-date",    "date-compact", "cn-year-month", "heading-1",
                                     "heading-2",  "heading-3",    "heading-4",     "cn-numeral",
                                     "cn-upper",   "number",       "fixed-2",       "percent"};
  BOOST_TEST(names == expect, boost::test_tools::per_element());
  for (const std::string& n : names) {
    std::string sample = n.find("date") != std::string::npos || n == "cn-year-month" ? "2022-03-12" : "1";
    BOOST_TEST(gk::format::apply(n, sample).is_ok(), n);
  }
}

BOOST_AUTO_TEST_SUITE_END()
