#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "generator/text/linebreak.h"
#include "generator/text/utf.h"

using gk::text::forbidden_at_line_end;
using gk::text::forbidden_at_line_start;
using gk::text::line_break_opportunities;

namespace {

std::u32string u32(const std::string& s) { return gk::text::from_utf8(s).value(); }

// "开展" -> "开|展": the text with '|' at every break opportunity.
std::string marked(const std::string& utf8) {
  std::u32string t = u32(utf8);
  std::vector<bool> b = line_break_opportunities(t);
  BOOST_REQUIRE_EQUAL(b.size(), t.size());
  std::u32string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (b[i]) out.push_back(U'|');
    out.push_back(t[i]);
  }
  return gk::text::to_utf8(out);
}

// Every character the brief names, so a shrinking table is caught.
const char* const kStartForbidden[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "】",
                                       "〕", "〉", "”", "’", "…", "·", "%", "％", "‰", ")", "]", "}",
                                       ",", ".", ";", ":", "?", "!", "々", "〃", "～", "ー", "゛"};
const char* const kEndForbidden[] = {"（", "《", "「", "『", "【", "〔", "〈", "“", "‘", "(", "[", "{"};

}  // namespace

BOOST_AUTO_TEST_SUITE(linebreak)

BOOST_AUTO_TEST_CASE(named_characters_are_classified) {
  for (const char* s : kStartForbidden) {
    char32_t c = u32(s).at(0);
    BOOST_TEST(forbidden_at_line_start(c), gk::text::describe_char(c));
    BOOST_TEST(!forbidden_at_line_end(c), gk::text::describe_char(c));
  }
  for (const char* s : kEndForbidden) {
    char32_t c = u32(s).at(0);
    BOOST_TEST(forbidden_at_line_end(c), gk::text::describe_char(c));
    BOOST_TEST(!forbidden_at_line_start(c), gk::text::describe_char(c));
  }
  for (char32_t c : std::u32string(U"中文aZ09 —")) {
    BOOST_TEST(!forbidden_at_line_start(c));
    BOOST_TEST(!forbidden_at_line_end(c));
  }
}

// For every code point the predicates accept (not only the named ones), put it between Han and
// check the forbidden side carries no break.
BOOST_AUTO_TEST_CASE(no_forbidden_character_on_the_wrong_side_of_a_break) {
  int start_chars = 0, end_chars = 0;
  for (char32_t c = 1; c < 0x30000; ++c) {
    bool s = forbidden_at_line_start(c), e = forbidden_at_line_end(c);
    if (!s && !e) continue;
    std::u32string t = U"中文";
    t.push_back(c);
    t += U"中文";
    std::vector<bool> b = line_break_opportunities(t);
    if (s) {
      ++start_chars;
      BOOST_TEST(!b[2], "break before " << gk::text::describe_char(c));
    }
    if (e) {
      ++end_chars;
      BOOST_TEST(!b[3], "break after " << gk::text::describe_char(c));
    }
  }
  BOOST_TEST(start_chars >= 35);
  BOOST_TEST(end_chars >= 12);
}

BOOST_AUTO_TEST_CASE(han_breaks_anywhere) {
  BOOST_TEST(marked("政务公开工作") == "政|务|公|开|工|作");
  BOOST_TEST(marked("关于印发的通知") == "关|于|印|发|的|通|知");
}

BOOST_AUTO_TEST_CASE(punctuation_sticks_to_its_neighbour) {
  BOOST_TEST(marked("现通知如下：一、工作。") == "现|通|知|如|下：|一、|工|作。");
  BOOST_TEST(marked("印发《方案》（试行）") == "印|发|《方|案》|（试|行）");
  BOOST_TEST(marked("他说：“好。”然后") == "他|说：|“好。”|然|后");
  BOOST_TEST(marked("阿沛·阿旺晋美") == "阿|沛·|阿|旺|晋|美");
  BOOST_TEST(marked("增长25%左右") == "增|长|25%|左|右");
}

BOOST_AUTO_TEST_CASE(numbers_and_doc_numbers_stay_whole) {
  BOOST_TEST(marked("2022年") == "2022|年");
  BOOST_TEST(marked("于2022年3月") == "于|2022|年|3|月");
  std::string m = marked("某扶贫办〔2022〕12号文件");
  BOOST_TEST(m.find("〔2022〕") != std::string::npos, m);
  BOOST_TEST(m.find("12") != std::string::npos, m);
  BOOST_TEST(m.find("|〔") != std::string::npos, m);  // may break before the opening bracket
  BOOST_TEST(marked("1,234.5万元") == "1,234.5|万|元");
}

BOOST_AUTO_TEST_CASE(doubled_dash_and_ellipsis_are_never_split) {
  for (const char* s : {"工作——政务公开", "工作……政务公开", "工作――政务公开", "工作⋯⋯政务公开"}) {
    std::u32string t = u32(s);
    std::vector<bool> b = line_break_opportunities(t);
    BOOST_TEST(!b[3], s);  // between the two halves
  }
  BOOST_TEST(marked("工作——政务") == "工|作|——|政|务");
  BOOST_TEST(marked("等等……然后") == "等|等……|然|后");  // … is also 避头
}

BOOST_AUTO_TEST_CASE(latin_words_stay_whole) {
  std::string m = marked("符合PDF/A标准和OCFL规范");
  BOOST_TEST(m.find("PDF") != std::string::npos, m);
  BOOST_TEST(m.find("|/") == std::string::npos, m);
  BOOST_TEST(m.find("|OCFL|") != std::string::npos, m);
  BOOST_TEST(marked("use OCFL storage") == "use |OCFL |storage");
  std::string url = marked("见https://www.gov.cn/zhengce/index.htm。");
  BOOST_TEST(url.find("https:") != std::string::npos, url);
  BOOST_TEST(url.find("index.htm。") != std::string::npos, url);
}

BOOST_AUTO_TEST_CASE(characters_outside_the_bmp_map_back_to_utf32_indices) {
  // U+20000 and U+2A6A5 need surrogate pairs in UTF-16; indices must still be per character.
  std::u32string t = U"中\U00020000文\U0002A6A5。";
  std::vector<bool> b = line_break_opportunities(t);
  BOOST_REQUIRE_EQUAL(b.size(), 5u);
  BOOST_TEST(!b[0]);
  BOOST_TEST(b[1]);
  BOOST_TEST(b[2]);
  BOOST_TEST(b[3]);
  BOOST_TEST(!b[4]);  // 。 after an astral character
  BOOST_TEST(marked("\U00020000\U00020001，\U00020002") == "\U00020000|\U00020001，|\U00020002");
}

BOOST_AUTO_TEST_CASE(invalid_code_points_do_not_shift_indices) {
  std::u32string t = U"中";
  t.push_back(0xD800);
  t.push_back(0xDC00);  // would pair up if copied to UTF-16 verbatim
  t.push_back(0x110000);
  t += U"文";
  BOOST_TEST(line_break_opportunities(t).size() == t.size());
}

BOOST_AUTO_TEST_CASE(degenerate_inputs) {
  BOOST_TEST(line_break_opportunities(U"").empty());
  std::vector<bool> one = line_break_opportunities(U"中");
  BOOST_REQUIRE_EQUAL(one.size(), 1u);
  BOOST_TEST(!one[0]);
  // Only punctuation: no break may put a 避头 mark first or leave a 避尾 mark last.
  std::u32string p = U"，。、；：？！）》」（《「“";
  std::vector<bool> b = line_break_opportunities(p);
  BOOST_REQUIRE_EQUAL(b.size(), p.size());
  for (size_t i = 1; i < p.size(); ++i) {
    if (b[i]) {
      BOOST_TEST(!forbidden_at_line_start(p[i]));
      BOOST_TEST(!forbidden_at_line_end(p[i - 1]));
    }
  }
  BOOST_TEST(marked("。。。") == "。。。");
}

BOOST_AUTO_TEST_CASE(works_from_several_threads) {
  std::u32string t = u32("政务公开（试行）——2022年，OCFL。");
  std::vector<bool> expect = line_break_opportunities(t);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      int n = 0;
      for (int r = 0; r < 200; ++r) n += line_break_opportunities(t) == expect;
      ok[k] = n;
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) BOOST_TEST(n == 200);
}

BOOST_AUTO_TEST_CASE(a_long_paragraph_is_fast) {
  std::u32string unit = u32("为深入贯彻落实《条例》（2019年修订），进一步做好政务公开工作，现将有关事项通知如下：");
  std::u32string para;
  while (para.size() < 5000) para += unit;
  para.resize(5000);
  line_break_opportunities(para);  // warm up: per-thread iterator
  // Best of several batches, so a busy machine (parallel builds, ctest -j) does not fail the test.
  double best = 1e9;
  size_t n = 0;
  for (int batch = 0; batch < 5; ++batch) {
    const int runs = 40;
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < runs; ++r) n += line_break_opportunities(para)[10];
    auto us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, us / runs);
  }
  BOOST_TEST_MESSAGE("line_break_opportunities: 5000 chars in " << best << " us (best batch mean)");
  BOOST_TEST(n <= 200u);
  BOOST_TEST(best < 1000.0);
}

BOOST_AUTO_TEST_SUITE_END()
