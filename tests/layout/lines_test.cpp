// Line breaking (layout/lines.h) on hand-made glyphs whose widths are known (Han 1 em, Latin
// half an em), and lines that stay inside their box once laid out: table cells in every
// alignment, non-justified paragraphs and the 版记 when a closing mark was squeezed in (挤进).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "generator/layout/layout.h"
#include "generator/layout/lines.h"
#include "generator/layout/toc.h"
#include "generator/text/utf.h"

using namespace gk;
using namespace gk::layout;

namespace {

// Glyphs of 16 pt: Han and full-width marks 16 pt wide, ASCII 8 pt.
std::vector<Glyph> glyphs(const std::u32string& s) {
  std::vector<Glyph> g;
  for (char32_t c : s) g.push_back(Glyph{c, 0, 16, c < 0x80 ? 8.0 : 16.0, model::kBlack, 0});
  return g;
}

std::vector<std::pair<size_t, size_t>> ranges(const std::vector<BrokenLine>& lines) {
  std::vector<std::pair<size_t, size_t>> out;
  for (auto& l : lines) out.emplace_back(l.begin, l.end);
  return out;
}

using Ranges = std::vector<std::pair<size_t, size_t>>;

const font::FontMap& fonts() {
  static auto m = font::FontMap::load_default();
  BOOST_REQUIRE_MESSAGE(m.is_ok(), (m.is_ok() ? "" : m.error().str()));
  return **m;
}

std::u32string han(size_t n, size_t seed = 0) {
  static const std::u32string pool = U"政务公开办事扶贫开发工作领导小组办公室关于推进基层标准化规范化建设";
  std::u32string s;
  for (size_t i = 0; i < n; ++i) s.push_back(pool[(i * 7 + seed) % pool.size()]);
  return s;
}

Span span(const std::u32string& s) { return Span{s, {}, {}, {"r.xml", 7}, {}}; }

// Where a run's characters end: `ink` up to the last glyph's right side, else up to the end of
// its grid cell (advance plus tracking, the body text's 28-cell line).
double run_end(const model::Document& d, const model::TextRun& r, bool ink) {
  double x = r.x;
  for (char32_t c : r.text) x += d.faces[r.face]->advance(c) * r.size + r.char_spacing;
  return ink ? x - r.char_spacing : x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(line_breaking)

// 如有疑问，请发送…至 + an address longer than a line: the address starts right after 至 and
// fills that line instead of leaving it half empty (justified with huge gaps) and being split at
// the margin on the next line anyway.
BOOST_AUTO_TEST_CASE(a_run_longer_than_a_line_starts_after_the_text_before_it) {
  // 10-em lines; 3 Han (3 em) + 30 letters (15 em) + 丁。 (2 em): 3 + 14 letters fill line 1,
  // the other 16 letters (8 em) and 丁。 fill line 2.
  auto g = glyphs(U"甲乙丙" + std::u32string(30, U'a') + U"丁。");
  BOOST_TEST((ranges(break_lines(g, {160}, 0)) == Ranges{{0, 17}, {17, 35}}));
}

BOOST_AUTO_TEST_CASE(a_run_that_fits_on_a_line_is_not_split) {
  // 6 Han + 16 letters (8 em) on 10-em lines: the letters go whole to line 2.
  auto g = glyphs(U"甲乙丙丁戊己" + std::u32string(16, U'a'));
  BOOST_TEST((ranges(break_lines(g, {160}, 0)) == Ranges{{0, 6}, {6, 22}}));
}

BOOST_AUTO_TEST_CASE(a_forced_split_does_not_start_a_line_with_a_closing_mark) {
  // 20 letters fill a 10-em line exactly; the '.' after them would start line 2: one letter
  // goes down with it.
  auto g = glyphs(std::u32string(20, U'a') + U"." + std::u32string(20, U'b'));
  auto lines = ranges(break_lines(g, {160}, 0));
  BOOST_REQUIRE(lines.size() >= 2u);
  BOOST_TEST(lines[0].second == 19u);
  for (auto& [b, e] : lines) BOOST_TEST((g[b].c != U'.'));
}

BOOST_AUTO_TEST_CASE(a_closing_mark_is_squeezed_into_a_long_full_line) {
  // 10 Han fill the line; ， closes 10 characters up by 1.6 pt each: kept on the line.
  auto g = glyphs(U"甲乙丙丁戊己庚辛壬癸，子");
  BOOST_TEST((ranges(break_lines(g, {160}, 0)) == Ranges{{0, 11}, {11, 12}}));
  BOOST_TEST(fit_tracking(g, 0, 11, 160, 0) == -1.6, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(fit_tracking(g, 0, 10, 160, 0) == 0.0);
}

BOOST_AUTO_TEST_CASE(a_narrow_line_moves_a_character_down_with_the_mark) {
  // On a 4-em line, squeezing ， would close 4 characters up by a quarter em each (they would
  // overlap): 丁 goes down with it.
  auto g = glyphs(U"甲乙丙丁，戊");
  BOOST_TEST((ranges(break_lines(g, {64}, 0)) == Ranges{{0, 3}, {3, 6}}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lines_in_their_box)

// A cell whose column is exactly full before a ， (which may not start a line): the line is
// tightened to the cell, not drawn wider than it, in every alignment.
BOOST_AUTO_TEST_CASE(table_cell_lines_stay_inside_the_cell_whatever_the_alignment) {
  // Columns 1:6 of the 442.2 pt text block from x = 79.37; 3 pt padding; 16 pt text, no tracking.
  const double x0 = 79.37 + 442.2 / 7 + 3, x1 = 79.37 + 442.2 - 3;  // 373.03 pt: 23 Han and a bit
  for (Align align : {Align::center, Align::left, Align::right}) {
    BoundDocument d;
    Table t;
    t.columns = {1, 6};
    for (size_t n = 18; n <= 28; ++n) {
      TableRow row;
      row.cells.push_back(TableCell{});  // empty: every run drawn is column 2's
      TableCell cell;
      cell.spans = {span(han(n, n) + U"，" + han(8))};
      cell.align = align;
      row.cells.push_back(cell);
      t.rows.push_back(row);
    }
    d.blocks.push_back(t);
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    int squeezed = 0;
    for (auto& p : r->pages)
      for (auto& run : p.texts) {
        if (run.size != 16) continue;  // page numbers
        squeezed += run.text.size() == 24 && run.text.back() == U'，';  // 23 Han + ， in 373 pt
        BOOST_TEST(run.x >= x0 - 0.01, text::to_utf8(run.text) << " starts at " << run.x);
        BOOST_TEST(run_end(*r, run, true) <= x1 + 0.01, text::to_utf8(run.text) << " ends at " << run_end(*r, run, true) << " x " << run.x << " cs " << run.char_spacing << " n " << run.text.size());
      }
    BOOST_TEST(squeezed == 1);
  }
}

BOOST_AUTO_TEST_CASE(centred_and_flush_paragraph_lines_stay_inside_the_text_block) {
  for (Align align : {Align::center, Align::left, Align::right}) {
    BoundDocument d;
    ParaStyle st;
    st.first_indent = 0;
    st.align = align;
    for (size_t n = 26; n <= 30; ++n) d.blocks.push_back(Para{st, {span(han(n, n) + U"，" + han(10))}});
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    int squeezed = 0;
    for (auto& p : r->pages)
      for (auto& run : p.texts) {
        if (run.size != 16) continue;
        squeezed += run.text.size() == 29;  // 28 characters and the ，
        BOOST_TEST(run.x >= 79.37 - 0.01, text::to_utf8(run.text) << " starts at " << run.x);
        BOOST_TEST(run_end(*r, run, false) <= 79.37 + 442.2 + 0.01,
                   text::to_utf8(run.text) << " ends at " << run_end(*r, run, false));
      }
    BOOST_TEST(squeezed == 1);
  }
}

// The last line of a 版记 entry (抄送：…。) with the 。 squeezed in stays 1 em inside the rules.
BOOST_AUTO_TEST_CASE(imprint_last_line_with_a_squeezed_mark_stays_inside) {
  BoundDocument d;
  Imprint im;
  im.style.size = 14;
  // After 抄送： (3 em at 14 pt) 372.2 pt are left: 26 Han and a bit.
  for (size_t n = 24; n <= 28; ++n) im.entries.push_back(ImprintEntry{span(U"抄送："), span(han(n, n) + U"。"), {}});
  d.blocks.push_back(im);
  auto r = lay_out(d, fonts());
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  int squeezed = 0;
  for (auto& p : r->pages)
    for (auto& run : p.texts) {
      if (run.text.front() == U'—') continue;  // page number
      squeezed += run.text.size() == 27 && run.text.back() == U'。';
      BOOST_TEST(run_end(*r, run, true) <= 79.37 + 442.2 - 14 + 0.01,
                 text::to_utf8(run.text) << " ends at " << run_end(*r, run, true) << " x " << run.x << " cs " << run.char_spacing << " n " << run.text.size());
    }
  BOOST_TEST(squeezed == 1);
}

// A 署名 line with a squeezed-in closing mark (several 机关 ending in a bracket) stays inside
// its 2-character right indent, as every line of break_lines must be drawn (lines.h).
BOOST_AUTO_TEST_CASE(signature_line_with_a_squeezed_mark_stays_inside) {
  // The right edge: where a full line without a mark ends (a 署名 that wraps fills its first
  // line to the 2-character indent); the line of 26 characters and ） was drawn 1 em past it.
  double full = 0;
  std::vector<std::pair<std::string, double>> marked;  // line, where its ink ends
  for (size_t n = 24; n <= 28; ++n) {
    BoundDocument d;
    Signature sig;
    sig.name = span(han(n, n) + U"）");
    sig.date = span(U"2023年8月28日");
    d.blocks.push_back(sig);
    auto r = lay_out(d, fonts());
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    for (auto& p : r->pages)
      for (auto& run : p.texts) {
        if (run.text.front() == U'—' || run.text.find(U'年') != std::u32string::npos) continue;  // page number, date
        if (run.text.back() == U'）' && run.text.size() == 27) marked.emplace_back(text::to_utf8(run.text), run_end(*r, run, true));
        else if (run.text.size() == 26) full = std::max(full, run_end(*r, run, true));
      }
  }
  BOOST_REQUIRE(full > 0);
  BOOST_REQUIRE(!marked.empty());
  for (auto& [line, end] : marked) BOOST_TEST(end <= full + 0.01, line << " ends at " << end << ", full lines at " << full);
}

// A TOC title line with a squeezed-in closing mark is tightened to its width (its tracking below
// the grid's), as lines.h asks: drawn at grid tracking it ran up to 1 em into the room kept for
// the leader dots (a code review); it never reaches the page number either way.
BOOST_AUTO_TEST_CASE(toc_title_with_a_squeezed_mark_stays_before_its_page_number) {
  Toc toc;
  toc.style.size = 16;
  int squeezed = 0;
  for (size_t n = 22; n <= 28; ++n) {
    model::Document doc;
    auto lines = toc_lines(toc, {TocEntry{han(n, n) + U"）", 1, 12}}, 79.37, 442.2, 28.9, 442.2 / 28 - 16, fonts(), doc);
    BOOST_REQUIRE_MESSAGE(lines.is_ok(), (lines.is_ok() ? "" : lines.error().str()));
    const auto& last = lines->back().runs;
    BOOST_REQUIRE(last.size() >= 2);
    const model::TextRun& title = last.front();
    const model::TextRun& number = last.back();
    squeezed += title.text.back() == U'）' && title.text.size() > 20 && title.char_spacing < 442.2 / 28 - 16 - 0.001;
    BOOST_TEST(run_end(doc, title, true) < number.x, text::to_utf8(title.text) << " ends at " << run_end(doc, title, true)
                                                                            << ", its page number starts at " << number.x);
  }
  BOOST_TEST(squeezed >= 1);
}

BOOST_AUTO_TEST_SUITE_END()
