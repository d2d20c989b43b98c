// Layout on the GB/T 9704 grid: full lines, 避头尾 at line ends, pagination (22 lines, widows,
// orphans, headings kept with their text), the 版记 at the foot of the last (even) page, page numbers,
// and the errors for characters no font has and unknown roles.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "generator/layout/layout.h"
#include "generator/text/linebreak.h"
#include "generator/text/utf.h"

using namespace gk;
using namespace gk::layout;

namespace {

const font::FontMap& fonts() {
  static auto m = font::FontMap::load_default();
  BOOST_REQUIRE_MESSAGE(m.is_ok(), (m.is_ok() ? "" : m.error().str()));
  return **m;
}

Para para(const std::string& text, ParaStyle st = {}) {
  return Para{st, {Span{*text::from_utf8(text), {}, {}, {"r.xml", 7}, {}}}};
}

std::string han(size_t n, size_t seed = 0) {
  static const char32_t pool[] = U"政务公开办事扶贫开发工作领导小组办公室关于推进基层标准化规范化建设";
  std::u32string s;
  for (size_t i = 0; i < n; ++i) s.push_back(pool[(i * 7 + seed) % (sizeof(pool) / sizeof(pool[0]) - 1)]);
  return text::to_utf8(s);
}

// Body lines of a page: text runs at 16 pt grouped by baseline.
std::map<double, std::u32string> lines_of(const model::Page& p) {
  std::map<double, std::u32string> out;
  for (auto& t : p.texts)
    if (t.size == 16) out[std::round(t.y * 100) / 100] += t.text;
  return out;
}

Imprint imprint(int entries = 1) {
  Imprint im;
  im.style.size = 14;
  for (int i = 0; i < entries; ++i) {
    ImprintEntry e;
    e.text.text = U"某市人民政府办公室";
    e.right.text = U"2022年3月12日印发";
    im.entries.push_back(e);
  }
  return im;
}

// `lines` one-line paragraphs, then a 版记 of one row per entry.
BoundDocument with_imprint(int lines, int entries = 1) {
  BoundDocument d;
  ParaStyle st;
  st.first_indent = 0;
  for (int i = 0; i < lines; ++i) d.blocks.push_back(para(han(10, i), st));
  d.blocks.push_back(imprint(entries));
  return d;
}

bool has_imprint(const model::Page& p) {
  for (auto& t : p.texts)
    if (t.text.find(U"印发") != std::u32string::npos) return true;
  return false;
}

std::string page_number(const model::Page& p) {  // "" when the page has none
  for (auto& t : p.texts)
    if (t.text.size() > 2 && t.text.front() == U'—' && t.text.back() == U'—') return text::to_utf8(t.text);
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layout_grid)

BOOST_AUTO_TEST_CASE(full_lines_hold_28_characters_and_fill_the_width) {
  BoundDocument d;
  d.blocks.push_back(para(han(200)));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  auto lines = lines_of(r->pages[0]);
  BOOST_REQUIRE(lines.size() == 8u);  // 26 + 7 x 28 >= 200
  auto it = lines.begin();
  BOOST_TEST(it->second.size() == 26u);  // 2-character first-line indent
  for (++it; std::next(it) != lines.end(); ++it) BOOST_TEST(it->second.size() == 28u);
  // A full line's 28 character cells end at the right edge of the text block (79.37 + 442.2).
  for (auto& t : r->pages[0].texts)
    if (t.size == 16 && t.text.size() == 28)
      BOOST_TEST(t.x + 28 * (16 + t.char_spacing) == 521.57, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(line_pitch_is_the_22_line_grid) {
  BoundDocument d;
  d.blocks.push_back(para(han(28 * 60)));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages.size() >= 2u);
  auto lines = lines_of(r->pages[0]);
  BOOST_TEST(lines.size() == 22u);
  double first = lines.begin()->first, prev = first - 637.8 / 22;
  for (auto& [y, s] : lines) {
    BOOST_TEST(y - prev == 637.8 / 22, boost::test_tools::tolerance(0.01));
    prev = y;
  }
  // The first baseline lies inside the first grid cell below the 37 mm top margin.
  BOOST_TEST(first > 104.88);
  BOOST_TEST(first < 104.88 + 637.8 / 22);
}

BOOST_AUTO_TEST_CASE(no_line_starts_with_closing_punctuation) {
  // Put a 。 exactly where a line would otherwise start, at many offsets.
  for (size_t n = 20; n < 80; ++n) {
    BoundDocument d;
    d.blocks.push_back(para(han(n) + "。" + han(40, n) + "（" + han(30, n + 1) + "）"));
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE(r.is_ok());
    for (auto& [y, s] : lines_of(r->pages[0])) {
      BOOST_TEST(!text::forbidden_at_line_start(s.front()), "line starts with " << text::to_utf8(s.substr(0, 1)));
      BOOST_TEST(!text::forbidden_at_line_end(s.back()), "line ends with " << text::to_utf8(s.substr(s.size() - 1)));
    }
  }
}

// A number stays with the Han unit after it: no line ends "…7" with "月31日" starting the next
// (seen in narrow table cells of the reports). Numbers at every offset of a line, in body text and
// in a narrow column.
BOOST_AUTO_TEST_CASE(numbers_stay_with_their_units) {
  auto digit = [](char32_t c) { return (c >= U'0' && c <= U'9') || c == U'.'; };
  auto han_char = [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; };
  int checked = 0;
  for (double width : {0.0, 80.0})
    for (size_t n = 20; n < 60; ++n) {
      BoundDocument d;
      ParaStyle st;
      if (width > 0) st.indent = 0, st.first_indent = 0, st.right_indent = (442.2 - width) / 16;
      d.blocks.push_back(para(han(n) + "2024年7月31日发布，共12号、3.5万元" + han(30, n), st));
      auto r = lay_out(d, fonts());
      BOOST_REQUIRE(r.is_ok());
      auto lines = lines_of(r->pages[0]);
      std::u32string prev;
      for (auto& [y, s] : lines) {
        if (!prev.empty()) {
          ++checked;
          BOOST_TEST(!(digit(prev.back()) && han_char(s.front())),
                     "split: '" << text::to_utf8(prev) << "' | '" << text::to_utf8(s) << "'");
        }
        prev = s;
      }
    }
  BOOST_TEST(checked > 200);
}

BOOST_AUTO_TEST_CASE(widows_and_orphans_are_avoided) {
  // Filler lines, then a 4-line paragraph that cannot fit whole on page 1.
  for (int filler = 19; filler <= 22; ++filler) {  // 19 + 4 > 22: the paragraph must break or move
    BoundDocument d;
    ParaStyle st;
    st.first_indent = 0;
    for (int i = 0; i < filler; ++i) d.blocks.push_back(para(han(10, i), st));
    d.blocks.push_back(para(han(28 * 3 + 5, 99), st));  // 4 lines
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE(r.is_ok());
    BOOST_REQUIRE(r->pages.size() == 2u);
    size_t tail_on_page1 = lines_of(r->pages[0]).size() - filler;
    size_t on_page2 = lines_of(r->pages[1]).size();
    BOOST_TEST((tail_on_page1 == 0 || tail_on_page1 >= 2), "filler " << filler << ": orphan");
    BOOST_TEST((on_page2 == 0 || on_page2 >= 2), "filler " << filler << ": widow");
    BOOST_TEST(tail_on_page1 + on_page2 == 4u);
  }
}

BOOST_AUTO_TEST_CASE(headings_stay_with_their_text) {
  BoundDocument d;
  ParaStyle st, h;
  st.first_indent = 0;
  h.keep_with_next = true;
  h.role = "heading1";
  for (int i = 0; i < 21; ++i) d.blocks.push_back(para(han(10, i), st));
  d.blocks.push_back(para("一、标题", h));  // would be the last line of page 1
  d.blocks.push_back(para(han(60), st));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(r.is_ok());
  auto p2 = lines_of(r->pages[1]);
  BOOST_REQUIRE(!p2.empty());
  BOOST_TEST(text::to_utf8(p2.begin()->second) == "一、标题");
}

BOOST_AUTO_TEST_CASE(page_numbers_alternate_sides) {
  BoundDocument d;
  d.blocks.push_back(para(han(28 * 50)));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages.size() >= 2u);
  for (size_t i = 0; i < 2; ++i) {
    const model::TextRun* num = nullptr;
    for (auto& t : r->pages[i].texts)
      if (t.size == 14) num = &t;
    BOOST_REQUIRE(num);
    BOOST_TEST(text::to_utf8(num->text) == "— " + std::to_string(i + 1) + " —");
    BOOST_TEST(num->y - 0.86 * 14 == 104.88 + 637.8 + 19.84, boost::test_tools::tolerance(0.01));
    if (i == 0) BOOST_TEST(num->x > 400);  // odd: right
    else BOOST_TEST(num->x == 79.37 + 14, boost::test_tools::tolerance(0.01));  // even: 1 character from the left
  }
}

BOOST_AUTO_TEST_CASE(imprint_sits_on_the_bottom_edge) {
  BoundDocument d;
  d.page.imprint = PageSetup::Imprint::last;
  d.blocks.push_back(para(han(50)));
  d.blocks.push_back(imprint());
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages.size() == 1u);
  double lowest = 0;
  for (auto& l : r->pages[0].lines) lowest = std::max(lowest, l.y1);
  BOOST_TEST(lowest == 104.88 + 637.8, boost::test_tools::tolerance(0.01));
}

// GB/T 9704-2012: printed double-sided, the 版记 ends the last page (7.4.1), the back of the last
// sheet, so an even page; a blank page before it leaves both unnumbered (7.5).
BOOST_AUTO_TEST_CASE(imprint_of_a_one_page_notice_goes_on_page_2) {
  auto r = lay_out(with_imprint(5), fonts());
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  BOOST_REQUIRE(r->pages.size() == 2u);
  BOOST_TEST(!has_imprint(r->pages[0]));
  BOOST_TEST(lines_of(r->pages[0]).size() == 5u);
  BOOST_TEST(has_imprint(r->pages[1]));
  BOOST_TEST(lines_of(r->pages[1]).empty());
  // Text comes right before it, no blank page: numbered in sequence.
  BOOST_TEST(page_number(r->pages[0]) == "— 1 —");
  BOOST_TEST(page_number(r->pages[1]) == "— 2 —");
}

BOOST_AUTO_TEST_CASE(imprint_stays_on_an_even_last_page_with_room) {
  auto r = lay_out(with_imprint(22 + 20), fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages.size() == 2u);
  BOOST_TEST(!has_imprint(r->pages[0]));
  BOOST_TEST(has_imprint(r->pages[1]));
  BOOST_TEST(lines_of(r->pages[1]).size() == 20u);
  BOOST_TEST(page_number(r->pages[1]) == "— 2 —");
}

BOOST_AUTO_TEST_CASE(imprint_after_a_full_odd_page_takes_the_next_page_numbered) {
  auto r = lay_out(with_imprint(3 * 22), fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages.size() == 4u);
  BOOST_TEST(has_imprint(r->pages[3]));
  BOOST_TEST(lines_of(r->pages[3]).empty());
  for (size_t i = 0; i < 4; ++i) BOOST_TEST(page_number(r->pages[i]) == "— " + std::to_string(i + 1) + " —");
}

BOOST_AUTO_TEST_CASE(imprint_after_a_full_even_page_follows_a_blank_page_neither_numbered) {
  for (int entries : {1, 2}) {  // the page is full, or has one line left that two rows do not fit
    auto r = lay_out(with_imprint(2 * 22 - (entries - 1), entries), fonts());
    BOOST_REQUIRE(r.is_ok());
    BOOST_REQUIRE(r->pages.size() == 4u);
    BOOST_TEST(page_number(r->pages[0]) == "— 1 —");
    BOOST_TEST(page_number(r->pages[1]) == "— 2 —");
    BOOST_TEST(!has_imprint(r->pages[1]));
    auto& blank = r->pages[2];
    BOOST_TEST((blank.texts.empty() && blank.lines.empty() && blank.rects.empty() && blank.images.empty()),
               "page 3 is not blank");
    BOOST_TEST(has_imprint(r->pages[3]));
    BOOST_TEST(page_number(r->pages[3]) == "");
    BOOST_TEST(r->pages[3].texts.size() == 2u * entries);  // the imprint rows (organ, date) only
  }
}

BOOST_AUTO_TEST_CASE(imprint_last_keeps_it_on_the_last_page) {
  for (int body : {5, 2 * 22, 2 * 22 + 3}) {
    auto d = with_imprint(body);
    d.page.imprint = PageSetup::Imprint::last;
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE(r.is_ok());
    size_t want = body == 5 ? 1 : 3;  // page 1 has room; page 2 is full; page 3 has room
    BOOST_REQUIRE_MESSAGE(r->pages.size() == want, "body " << body << ": " << r->pages.size() << " pages");
    BOOST_TEST(has_imprint(r->pages.back()));
    for (size_t i = 0; i < want; ++i) BOOST_TEST(page_number(r->pages[i]) == "— " + std::to_string(i + 1) + " —");
  }
}

BOOST_AUTO_TEST_CASE(character_in_no_font_is_an_error_naming_it_and_its_line) {
  BoundDocument d;
  d.blocks.push_back(para("正文\U0001F600结束"));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().file == "r.xml");
  BOOST_TEST(r.error().line == 7);
  BOOST_TEST(r.error().message.find("character U+1F600") == 0);
  BOOST_TEST(r.error().message.find("is in none of the configured fonts (role body") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_role_is_an_error) {
  BoundDocument d;
  ParaStyle st;
  st.role = "nosuch";
  d.blocks.push_back(para("正文", st));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().message.find("unknown font role 'nosuch'") == 0);
}

BOOST_AUTO_TEST_CASE(fit_shrinks_a_long_issuer_mark_to_one_line) {
  BoundDocument d;
  ParaStyle st;
  st.size = 36;
  st.first_indent = 0;
  st.align = Align::center;
  st.fit_width = true;
  d.blocks.push_back(para("青川市人民政府办公室青川市财政局联合文件", st));
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE(r.is_ok());
  BOOST_REQUIRE(r->pages[0].texts.size() >= 2u);  // the mark and the page number
  BOOST_TEST(r->pages[0].texts[0].size < 36);
  BOOST_TEST(r->pages[0].texts[0].text.size() == 20u);
}

// fit="shrink" stops at a floor (fit-min, else half the size) and wraps there: a very long mark
// used to shrink until it fitted, to a hairline.
BOOST_AUTO_TEST_CASE(fit_stops_at_its_floor_and_wraps) {
  for (double fit_min : {0.0, 22.0}) {
    BoundDocument d;
    ParaStyle st;
    st.size = 36;
    st.first_indent = 0;
    st.align = Align::center;
    st.fit_width = true;
    st.fit_min = fit_min;
    std::string mark = "青川市人民政府办公室青川市财政局青川市发展和改革委员会青川市农业农村局青川市自然资源局青川市生态环境局联合文件";
    d.blocks.push_back(para(mark, st));
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE(r.is_ok());
    double want = fit_min > 0 ? 22 : 18;
    std::u32string all;
    std::set<double> baselines;
    for (auto& t : r->pages[0].texts)
      if (t.text.find(U'—') == std::u32string::npos) {  // not the page number
        BOOST_TEST(t.size == want, boost::test_tools::tolerance(1e-9));
        all += t.text;
        baselines.insert(std::round(t.y * 100));
      }
    BOOST_TEST(text::to_utf8(all) == mark);
    BOOST_TEST(baselines.size() > 1u);  // wrapped
  }
}

// 署名 (GB/T 9704 7.3.5.2): right indent 2 characters, the date 2 characters in from the name's
// first character; a name longer than the line wraps inside 版心 instead of running off the page.
BOOST_AUTO_TEST_CASE(signature_stays_inside_the_text_block_and_wraps_a_long_name) {
  const double left = 79.37, right = 521.57, cell = 442.2 / 28;  // 版心 edges, one grid cell
  for (size_t n : {8u, 26u, 40u, 80u}) {
    BoundDocument d;
    Signature s;
    s.name = Span{*text::from_utf8(han(n, 3)), {}, {}, {"r.xml", 9}, {}};
    s.date = Span{*text::from_utf8("二〇二三年五月六日")  /* full-width cells only */, {}, {}, {"r.xml", 10}, {}};
    d.blocks.push_back(s);
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    BOOST_REQUIRE(r->pages.size() == 1u);
    std::u32string name;
    double name_x = -1, date_x = -1, max_end = 0;
    for (auto& t : r->pages[0].texts) {
      if (t.size != 16) continue;  // not the page number
      double end = t.x + t.text.size() * (16 + t.char_spacing);
      BOOST_TEST(t.x >= left - 0.01, "n=" << n << ": starts left of 版心 at " << t.x);
      BOOST_TEST(end <= right - 2 * cell + 0.05, "n=" << n << ": ends at " << end);
      max_end = std::max(max_end, end);
      if (t.text.find(U'年') != std::u32string::npos) {
        date_x = t.x;
      } else {
        if (name_x < 0) name_x = t.x;
        BOOST_TEST(t.x == name_x, boost::test_tools::tolerance(0.01));  // one left edge
        name += t.text;
      }
    }
    BOOST_TEST(text::to_utf8(name) == han(n, 3));  // nothing lost in wrapping
    BOOST_TEST(date_x == name_x + 2 * cell, boost::test_tools::tolerance(0.05));
    BOOST_TEST(max_end == right - 2 * cell, boost::test_tools::tolerance(0.05));  // flush with the indent
  }
}

// 标题 (GB/T 9704 7.3.1): 回行时词意完整，排列对称. With wrap="words" a title breaks only between
// words, as evenly as the fewest lines allow, preferring the break after 关于.
BOOST_AUTO_TEST_CASE(titles_break_between_words_and_evenly) {
  auto title_lines = [&](const std::string& title, bool words) {
    ParaStyle st;
    st.size = 22;
    st.first_indent = 0;
    st.align = Align::center;
    st.word_wrap = words;
    BoundDocument d;
    d.blocks.push_back(para(title, st));
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    std::map<double, std::u32string> by_y;
    for (auto& t : r->pages[0].texts)
      if (t.size == 22) by_y[std::round(t.y * 100) / 100] += t.text;
    std::vector<std::string> out;
    for (auto& [y, text] : by_y) out.push_back(text::to_utf8(text));
    return out;
  };
  // Greedy filling broke this one after 搬迁, leaving 的公告 alone (and elsewhere mid-word).
  auto greedy = title_lines("青川市人民政府关于青川市政务服务中心搬迁的公告", false);
  BOOST_TEST(greedy.size() == 2u);
  BOOST_TEST(greedy[1] == "的公告");
  std::vector<std::string> want{"青川市人民政府关于", "青川市政务服务中心搬迁的公告"};
  BOOST_TEST(title_lines("青川市人民政府关于青川市政务服务中心搬迁的公告", true) == want, boost::test_tools::per_element());
  // Without 关于: the most even break between words; never between a number and its unit.
  std::vector<std::string> even{"国务院办公厅关于进一步优化政务服务提升", "行政效能推动高效办成一件事的指导意见"};
  BOOST_TEST(title_lines("国务院办公厅关于进一步优化政务服务提升行政效能推动高效办成一件事的指导意见", true) == even,
             boost::test_tools::per_element());
  for (std::string t : {"青川市扶贫开发办公室关于公布2022年度脱贫攻坚帮扶贫困户名单的公告",
                        "关于做好2024年全市政府信息公开工作年度报告编制和发布工作的补充通知",
                        "青川市人民政府关于同意设立青川县城关镇扶贫开发与乡村振兴综合服务中心及其内设机构的批复"}) {
    auto lines = title_lines(t, true);
    BOOST_TEST_CONTEXT(t) {
      BOOST_TEST(lines.size() == title_lines(t, false).size());  // no more lines than filling
      std::string joined;
      for (auto& l : lines) joined += l;
      BOOST_TEST(joined == t);  // nothing lost
      auto u = *text::from_utf8(t);
      auto words = text::word_boundaries(u);
      size_t at = 0;
      for (size_t k = 0; k + 1 < lines.size(); ++k) {
        at += text::from_utf8(lines[k])->size();
        BOOST_TEST(words[at], "break inside a word at " << at);
        BOOST_TEST(!(u[at - 1] >= U'0' && u[at - 1] <= U'9'), "break after a number at " << at);
      }
    }
  }
  // A title that fits stays one line.
  BOOST_TEST(title_lines("青川市2023年政府信息公开工作年度报告", true).size() == 1u);
}

// 全角 spaces typed before a paragraph would indent it twice: the style's indent is the only one.
BOOST_AUTO_TEST_CASE(leading_ideographic_spaces_do_not_add_to_the_indent) {
  struct First {
    double x;
    std::string text;
  };
  auto first = [](const std::string& text, double indent) {
    BoundDocument d;
    ParaStyle st;
    st.first_indent = indent;
    d.blocks.push_back(para(text, st));
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE(r.is_ok());
    First f{1e9, ""};
    for (auto& t : r->pages[0].texts) f.x = std::min(f.x, t.x);
    f.text = text::to_utf8(lines_of(r->pages[0]).begin()->second);
    return f;
  };
  auto typed = first("\u3000\u3000" + han(10), 2), plain = first(han(10), 2);
  BOOST_TEST(typed.x == plain.x);
  BOOST_TEST(typed.text == plain.text);
  BOOST_TEST(first("\u3000\u3000" + han(10), 0).text == "\u3000\u3000" + han(10));  // no style indent: kept
}

// 联合行文 发文机关标志 (GB/T 9704 7.2.4): the 机关 stacked, each spread to the width of the
// longest, 文件 to their right centred on the stack; one 机关 stays an ordinary line. It used to
// wrap as text ("…办公室文" / "件").
BOOST_AUTO_TEST_CASE(joint_issuer_mark_stacks_the_issuers_with_wenjian_to_the_right) {
  ParaStyle st;
  st.size = 36;
  st.line_height = 36;
  st.first_indent = 0;
  st.align = Align::center;
  st.fit_width = true;
  st.fit_min = 22;
  st.joint_stack = true;
  auto runs_of = [&](const std::string& text) {
    BoundDocument d;
    d.blocks.push_back(para(text, st));
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    std::vector<model::TextRun> mark;  // not the page number
    for (auto& t : r->pages[0].texts)
      if (t.size >= 22) mark.push_back(t);
    return mark;
  };
  auto runs = runs_of("中共青川市委办公室\u3000青川市人民政府办公室文件");
  BOOST_REQUIRE_EQUAL(runs.size(), 3u);
  const auto &a = runs[0], &w = runs[1], &b = runs[2];  // first line, 文件 (drawn with it), second line
  BOOST_TEST(text::to_utf8(a.text) == "中共青川市委办公室");
  BOOST_TEST(text::to_utf8(w.text) == "文件");
  BOOST_TEST(text::to_utf8(b.text) == "青川市人民政府办公室");
  auto right = [](const model::TextRun& r) { return r.x + r.text.size() * r.size + (r.text.size() - 1) * r.char_spacing; };
  BOOST_TEST(a.x == b.x);
  BOOST_TEST(std::abs(right(a) - right(b)) < 0.01);  // spread to one width
  BOOST_TEST(w.x > right(a));
  BOOST_TEST(std::abs(w.y - (a.y + b.y) / 2) < 0.01);  // centred on the stack
  // Centred on the text block: the margins left of the names and right of 文件 are equal.
  double left = a.x - 28 * 72 / 25.4, rest = 28 * 72 / 25.4 + 156 * 72 / 25.4 - right(w);
  BOOST_TEST(std::abs(left - rest) < 0.5, left << " " << rest);
  // One 机关: one centred line, 文件 in it.
  auto one = runs_of("青川市人民政府办公室文件");
  BOOST_REQUIRE_EQUAL(one.size(), 1u);
  BOOST_TEST(text::to_utf8(one[0].text) == "青川市人民政府办公室文件");
}

// 联合行文: a 署名 of several 机关 puts each on its own line, in order (GB/T 9704 7.3.5.2), also
// when they would fit one line; a spaced personal name (parts under 3 characters) stays one line.
BOOST_AUTO_TEST_CASE(joint_signature_puts_each_issuer_on_its_own_line) {
  auto sign = [&](const std::string& name) {
    BoundDocument d;
    Signature s;
    s.name = Span{*text::from_utf8(name), {}, {}, {"r.xml", 9}, {}};
    s.date = Span{*text::from_utf8("二〇二三年五月六日"), {}, {}, {"r.xml", 10}, {}};
    d.blocks.push_back(s);
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    std::vector<std::string> out;
    for (auto& [y, text] : lines_of(r->pages[0])) out.push_back(text::to_utf8(text));
    return out;
  };
  auto joint = sign("青川市人民政府办公室　青川市财政局　青川市发展和改革委员会");  // 29 cells > 26
  std::vector<std::string> want{"青川市人民政府办公室", "青川市财政局", "青川市发展和改革委员会", "二〇二三年五月六日"};
  BOOST_TEST(joint == want, boost::test_tools::per_element());
  auto two = sign("青川市人民政府　青川市财政局");
  BOOST_TEST(two == (std::vector<std::string>{"青川市人民政府", "青川市财政局", "二〇二三年五月六日"}), boost::test_tools::per_element());
  auto person = sign("王　明");
  BOOST_TEST(person.size() == 2u);
  BOOST_TEST(person[0] == "王　明");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(font_fallback)

// A role whose face lacks Chinese (DejaVu Sans) draws Han characters from the fallback face.
BOOST_AUTO_TEST_CASE(missing_glyphs_come_from_the_fallback_face) {
  std::string dir = "/tmp/gk_fallback_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream m(dir + "/map.xml");
    m << "<fontmap><face id=\"latin\" file=\"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\"/>"
         "<face id=\"song\" file=\"/usr/share/fonts/truetype/arphic/uming.ttc\"/>"
         "<role name=\"body\" face=\"latin\"/><role name=\"pagenum\" face=\"song\"/>"
         "<fallback face=\"song\"/></fontmap>";
  }
  auto map = font::FontMap::load(dir + "/map.xml");
  BOOST_REQUIRE(map.is_ok());
  BoundDocument d;
  d.blocks.push_back(para("PDF/A 政务公开"));
  auto r = lay_out(d, **map);
  BOOST_REQUIRE(r.is_ok());
  std::map<std::string, std::string> family_of_text;
  for (auto& t : r->pages[0].texts)
    if (t.size == 16) family_of_text[text::to_utf8(t.text)] = r->faces[t.face]->family();
  BOOST_TEST(family_of_text["PDF/A "] == "DejaVu Sans");
  BOOST_TEST(family_of_text["政务公开"] == "AR PL UMing CN");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(missing_font_file_names_the_map_line) {
  std::string dir = "/tmp/gk_fallback_test2";
  std::filesystem::create_directories(dir);
  {
    std::ofstream m(dir + "/map.xml");
    m << "<fontmap>\n<face id=\"x\" file=\"nowhere.ttf\"/>\n<role name=\"body\" face=\"x\"/></fontmap>";
  }
  auto map = font::FontMap::load(dir + "/map.xml");
  BOOST_REQUIRE(!map.is_ok());
  BOOST_TEST(map.error().file == dir + "/map.xml");
  BOOST_TEST(map.error().line == 2);
  BOOST_TEST(map.error().message == "face 'x': font file not found: " + dir + "/nowhere.ttf");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
