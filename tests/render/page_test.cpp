// 3. Margins, page numbers and the red 版头 elements, measured on pdftotext boxes and on
// pdftoppm rasters (72 dpi: one pixel per point; 144 dpi for page 1's red elements).
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "fixture.h"

using namespace gkt;

namespace {

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }
bool is_red(const uint8_t* p) { return p[0] > 200 && p[1] < 80 && p[2] < 80; }
bool is_ink(const uint8_t* p) { return std::min({p[0], p[1], p[2]}) < 200; }

bool is_page_number(const Line& l) {
  auto t = strip_spaces(l.text());
  if (t.size() < 3 || t.front() != U'—' || t.back() != U'—') return false;
  for (size_t i = 1; i + 1 < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

int page_number_value(const Line& l) {
  int n = 0;
  for (char32_t c : l.text())
    if (c >= '0' && c <= '9') n = n * 10 + static_cast<int>(c - '0');
  return n;
}

bool is_blank(const Page& p, const Image& img) {
  if (!p.lines.empty()) return false;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (is_ink(img.at(x, y))) return false;
  return true;
}

// GB/T 9704-2012 7.5: "公文的版记页前有空白页的，空白页和版记页均不编排页码"; the 版记 page is
// the last one. Every other page is numbered.
bool numbered(const Sample& s, size_t p) {
  size_t n = s.pages.size();
  bool blank_before_last = n >= 2 && is_blank(s.pages[n - 2], s.images[n - 2]);
  return !(blank_before_last && p + 2 >= n);
}

const Line* find_line(const Page& p, const std::string& text) {
  auto want = strip_spaces(utf32(text));
  for (auto& l : p.lines)
    if (strip_spaces(l.text()) == want) return &l;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(page)

BOOST_AUTO_TEST_CASE(nothing_is_drawn_outside_the_text_block_but_the_page_number) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST_REQUIRE(s.images.size() == s.pages.size());
      for (size_t p = 0; p < s.pages.size(); ++p) {
        const Line* number = nullptr;
        for (auto& l : s.pages[p].lines) {
          if (is_page_number(l)) {
            number = &l;
            continue;
          }
          auto& b = l.box;
          BOOST_TEST((b.x0 >= kLeft - 1 && b.x1 <= kRight + 1 && b.y0 >= kTop - 1 && b.y1 <= kBottom + 1),
                     "page " << p + 1 << ": text outside the 版心: '" << utf8(l.text()) << "' at x " << b.x0 << ".."
                             << b.x1 << ", y " << b.y0 << ".." << b.y1);
        }
        // Ink: rules, table borders and glyphs alike. 1 pt of slack for anti-aliasing.
        auto& img = s.images[p];
        int stray = 0, sx = 0, sy = 0;
        for (int y = 0; y < img.height; ++y)
          for (int x = 0; x < img.width; ++x) {
            if (!is_ink(img.at(x, y))) continue;
            bool inside = x >= kLeft - 1 && x + 1 <= kRight + 1 && y >= kTop - 1 && y + 1 <= kBottom + 1;
            bool in_number = number && x >= number->box.x0 - 1 && x <= number->box.x1 + 1 &&
                             y >= number->box.y0 - 1 && y <= number->box.y1 + 1;
            if (!inside && !in_number && stray++ == 0) sx = x, sy = y;
          }
        BOOST_TEST(stray == 0, "page " << p + 1 << ": " << stray << " inked pixels outside the 版心, first at (" << sx
                                       << ", " << sy << ") pt");
      }
    }
  }
}

// GB/T 9704-2012 7.5: 4号 Arabic numerals between 一字线, 7 mm below the 版心; odd pages 1
// character from the right edge, even pages 1 character from the left; numbering continues,
// except on a blank page before the 版记 page and on that page.
BOOST_AUTO_TEST_CASE(page_numbers_sit_7mm_below_the_text_block_on_the_outer_side) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST_REQUIRE(s.images.size() == s.pages.size());
      for (size_t p = 0; p < s.pages.size(); ++p) {
        const Line* number = nullptr;
        for (auto& l : s.pages[p].lines)
          if (is_page_number(l)) number = &l;
        if (!numbered(s, p)) {
          BOOST_TEST(!number, "page " << p + 1 << " is numbered, but a blank page precedes the 版记 page");
          continue;
        }
        BOOST_TEST(number, "page " << p + 1 << " has no page number");
        if (!number) continue;
        BOOST_TEST(page_number_value(*number) == static_cast<int>(p + 1));
        auto& b = number->box;
        BOOST_TEST(near(b.y0, kBottom + mm(7), 2), "page " << p + 1 << ": number's top at " << b.y0 << ", want "
                                                           << kBottom + mm(7));
        // One character of the number's own size (4号 = 14 pt), from its font's box height.
        auto m = match_font(s.qpdf.fonts, b.height(), {14, 16, 15, 12, 10.5});
        BOOST_TEST(m.font, "page " << p + 1 << ": page number box height " << b.height() << " matches no font");
        BOOST_TEST(near(m.size, 14, 0.01), "page number size " << m.size << " pt, want 4号 (14 pt)");
        double em = m.font ? m.size : 14;
        if (p % 2 == 0)
          BOOST_TEST(near(b.x1, kRight - em, 1), "odd page " << p + 1 << ": number ends at " << b.x1 << ", want "
                                                             << kRight - em);
        else
          BOOST_TEST(near(b.x0, kLeft + em, 1), "even page " << p + 1 << ": number starts at " << b.x0 << ", want "
                                                             << kLeft + em);
      }
    }
  }
}

// GB/T 9704-2012 7.2.4/7.2.7: the red 发文机关标志, its top edge 35 mm below the 版心's top,
// centred; the red 版头 rule 4 mm below the 发文字号, as wide as the 版心. Nothing else red.
BOOST_AUTO_TEST_CASE(red_issuer_mark_and_rule_on_page_one_only) {
  TempDir tmp("gk-render-red");
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto r = run({"pdftoppm", "-r", "144", "-f", "1", "-l", "1", "-singlefile", s.pdf, tmp / s.name});
      BOOST_TEST_REQUIRE(r.status == 0, r.err);
      Image img = parse_pnm(read_bytes(tmp / (s.name + ".ppm")));
      const double px = 2;  // pixels per point

      // The rule: rows that are red across most of the 版心.
      int rule_y0 = -1, rule_y1 = -1, rule_x0 = img.width, rule_x1 = -1;
      for (int y = 0; y < img.height; ++y) {
        int n = 0, x0 = img.width, x1 = -1;
        for (int x = 0; x < img.width; ++x)
          if (is_red(img.at(x, y))) ++n, x0 = std::min(x0, x), x1 = std::max(x1, x);
        if (n < 0.9 * kWidth * px) continue;
        if (rule_y0 < 0) rule_y0 = y;
        rule_y1 = y;
        rule_x0 = std::min(rule_x0, x0), rule_x1 = std::max(rule_x1, x1);
      }
      BOOST_TEST_REQUIRE(rule_y0 >= 0, "no full-width red rule on page 1");
      BOOST_TEST(rule_y1 - rule_y0 < 4 * px, "the red rule is " << (rule_y1 - rule_y0 + 1) / px << " pt thick");
      BOOST_TEST(near(rule_x0 / px, kLeft, 1), "red rule starts at " << rule_x0 / px);
      BOOST_TEST(near((rule_x1 + 1) / px, kRight, 1), "red rule ends at " << (rule_x1 + 1) / px);
      double rule_y = (rule_y0 + rule_y1 + 1) / 2.0 / px;

      auto& page1 = s.pages.at(0);
      const Line* mark = find_line(page1, s.expected.issuer_mark);
      BOOST_TEST_REQUIRE(mark, "issuer mark '" << s.expected.issuer_mark << "' not found as a line on page 1");
      // The 发文字号 is the last text line above the rule.
      const Line* docno = nullptr;
      for (auto& l : page1.lines)
        if (l.box.y1 < rule_y && l.box.y0 > mark->box.y1) docno = &l;
      if (docno)
        BOOST_TEST(near(rule_y - docno->box.y1, mm(4), 2), "red rule " << rule_y - docno->box.y1 << " pt below '"
                                                                       << utf8(docno->text()) << "', want 4 mm ("
                                                                       << mm(4) << " pt)");

      // The mark's red ink; any other red pixel is an error.
      int mx0 = img.width, mx1 = -1, my0 = img.height, my1 = -1, stray = 0, sx = 0, sy = 0;
      for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
          if (!is_red(img.at(x, y))) continue;
          double xp = x / px, yp = y / px;
          if (y >= rule_y0 && y <= rule_y1) continue;
          if (xp >= mark->box.x0 - 2 && xp <= mark->box.x1 + 2 && yp >= mark->box.y0 - 2 && yp <= mark->box.y1 + 2) {
            mx0 = std::min(mx0, x), mx1 = std::max(mx1, x), my0 = std::min(my0, y), my1 = std::max(my1, y);
          } else if (stray++ == 0) {
            sx = x, sy = y;
          }
        }
      BOOST_TEST(stray == 0, stray << " red pixels on page 1 besides the mark and the rule, first at (" << sx / px << ", "
                                   << sy / px << ") pt");
      BOOST_TEST_REQUIRE(mx1 >= 0, "the issuer mark has no red ink");
      BOOST_TEST(near(my0 / px, kTop + mm(35), 2), "issuer mark's top edge at " << my0 / px << " pt, want "
                                                                                << kTop + mm(35));
      BOOST_TEST(near((mx0 + mx1 + 1) / 2.0 / px, kLeft + kWidth / 2, 3),
                 "issuer mark centred at x=" << (mx0 + mx1 + 1) / 2.0 / px);
      // No black ink in the mark: it is red throughout (anti-aliased edges are pink, never dark).
      int dark = 0;
      for (int y = my0; y <= my1; ++y)
        for (int x = mx0; x <= mx1; ++x) {
          auto p = img.at(x, y);
          if (p[0] < 128) ++dark;
        }
      BOOST_TEST(dark == 0, dark << " dark pixels inside the red issuer mark");

      for (size_t p = 1; p < s.images.size(); ++p) {
        int n = 0;
        auto& im = s.images[p];
        for (int y = 0; y < im.height; ++y)
          for (int x = 0; x < im.width; ++x) n += is_red(im.at(x, y));
        BOOST_TEST(n == 0, "page " << p + 1 << " has " << n << " red pixels");
      }
    }
  }
}

// GB/T 9704-2012 7.4.1: the 版记 rules are as wide as the 版心 and the last one lies on the
// bottom edge of the last page's 版心.
BOOST_AUTO_TEST_CASE(imprint_rules_span_the_text_block_and_end_on_its_bottom_edge) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST_REQUIRE(!s.images.empty());
      auto& img = s.images.back();
      std::vector<int> rows;  // rows inked across 95% of the 版心 width
      int x0 = img.width, x1 = -1;
      for (int y = 0; y < img.height; ++y) {
        int n = 0, a = img.width, b = -1;
        for (int x = 0; x < img.width; ++x)
          if (std::min({img.at(x, y)[0], img.at(x, y)[1], img.at(x, y)[2]}) < 128) ++n, a = std::min(a, x), b = std::max(b, x);
        if (n >= 0.95 * kWidth) rows.push_back(y), x0 = std::min(x0, a), x1 = std::max(x1, b);
      }
      BOOST_TEST_REQUIRE(rows.size() >= 2u, "the last page has " << rows.size() << " full-width rules");
      BOOST_TEST(near(rows.back() + 0.5, kBottom, 1.5), "last 版记 rule at y=" << rows.back() << ", want " << kBottom);
      BOOST_TEST(near(x0, kLeft, 1.5));
      BOOST_TEST(near(x1 + 1, kRight, 1.5));
    }
  }
}

// Printed double-sided (GB/T 9704-2012), the 版记 ends the last page (7.4.1), the back of a
// sheet: an even page, even when page 1 had room for it.
BOOST_AUTO_TEST_CASE(imprint_is_on_an_even_last_page) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      size_t n = s.pages.size(), found = 0;
      for (size_t p = 0; p < n; ++p)
        for (auto& l : s.pages[p].lines) {
          auto t = strip_spaces(l.text());
          if (t.size() > 2 && t.substr(t.size() - 2) == U"印发") {
            found = p + 1;
            BOOST_TEST(p + 1 == n, "the 印发 line is on page " << p + 1 << " of " << n);
          }
        }
      BOOST_TEST(found > 0, "no 印发 line");
      BOOST_TEST(n % 2 == 0, "the 版记 is on page " << n << ", an odd page");
    }
  }
}

// duty-notice ends its body on page 2 without room for the 版记: page 3 is blank, page 4 holds
// the 版记, and neither has a number.
BOOST_AUTO_TEST_CASE(a_blank_page_before_the_imprint_page_leaves_both_unnumbered) {
  const Sample* s = nullptr;
  for (auto& x : rendered().samples)
    if (x.name == "duty-notice") s = &x;
  BOOST_TEST_REQUIRE(s, "sample duty-notice not rendered");
  BOOST_TEST_REQUIRE(s->load_error.empty(), s->load_error);
  BOOST_TEST_REQUIRE(s->pages.size() == 4u, "duty-notice has " << s->pages.size() << " pages, want 4");
  BOOST_TEST_REQUIRE(s->images.size() == 4u);
  BOOST_TEST(is_blank(s->pages[2], s->images[2]), "page 3 is not blank");
  std::vector<int> numbers;
  for (auto& pg : s->pages) {
    int v = 0;
    for (auto& l : pg.lines)
      if (is_page_number(l)) v = page_number_value(l);
    numbers.push_back(v);
  }
  BOOST_TEST((numbers == std::vector<int>{1, 2, 0, 0}), "page numbers " << numbers[0] << " " << numbers[1] << " "
                                                                        << numbers[2] << " " << numbers[3]);
  BOOST_TEST(!s->pages[3].lines.empty());
}

BOOST_AUTO_TEST_SUITE_END()
