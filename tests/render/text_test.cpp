// 1. pdftotext recovers each record's text exactly. 7. No missing glyphs: every page renders
// without complaint and every character cell that pdftotext reports has ink.
#include <boost/test/unit_test.hpp>
#include <set>

#include "fixture.h"

using namespace gkt;

namespace {

bool is_page_number(const std::u32string& line) {  // "— 12 —"
  auto t = strip_spaces(line);
  if (t.size() < 3 || t.front() != U'—' || t.back() != U'—') return false;
  for (size_t i = 1; i + 1 < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

// The PDF's text in content order without page numbers and whitespace; page_starts holds the
// offset where each page begins.
std::u32string pdf_text(const std::string& raw, std::vector<size_t>& page_starts) {
  std::u32string all = utf32(raw), out, line;
  page_starts = {0};
  auto flush = [&] {
    if (!is_page_number(line)) out += strip_spaces(line);
    line.clear();
  };
  for (char32_t c : all) {
    if (c == '\n') {
      flush();
    } else if (c == '\f') {
      flush();
      page_starts.push_back(out.size());
    } else {
      line += c;
    }
  }
  flush();
  return out;
}

const std::set<char32_t> kPageNumberChars = {U'—', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'};

}  // namespace

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(render_of_samples_succeeds) {
  auto& r = rendered();
  BOOST_TEST(r.render.status == 0, "gongkai render exited " << r.render.status << ": " << r.render.err);
  BOOST_TEST(r.samples.size() >= 4u);
  for (auto& s : r.samples) BOOST_TEST(s.load_error.empty(), s.name << ": " << s.load_error);
}

BOOST_AUTO_TEST_CASE(pdftotext_gives_the_record_text_exactly) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST_REQUIRE(s.raw_text.status == 0);
      std::vector<size_t> page_starts;
      std::u32string pdf = pdf_text(s.raw_text.out, page_starts);
      const std::u32string& want = s.expected.text;
      std::set<size_t> starts(page_starts.begin(), page_starts.end());

      // Exact, in order; a table header may reappear at the top of a continuation page.
      size_t i = 0, j = 0;
      while (i < want.size() && j < pdf.size()) {
        if (starts.count(j)) {
          bool skipped = false;
          for (auto& h : s.expected.headers)
            if (i >= h.body_begin && i < h.end && pdf.compare(j, h.header.size(), h.header) == 0) {
              j += h.header.size();
              skipped = true;
            }
          if (skipped) continue;
        }
        if (want[i] != pdf[j]) break;
        ++i, ++j;
      }
      BOOST_TEST((i == want.size() && j == pdf.size()),
                 "text differs at record char " << i << " / PDF char " << j << ":\n  record " << context(want, i)
                                                << "\n  PDF    " << context(pdf, j));

      // Every record character appears, in order (a subsequence of the PDF text).
      size_t k = 0;
      for (size_t p = 0; p < pdf.size() && k < want.size(); ++p)
        if (pdf[p] == want[k]) ++k;
      BOOST_TEST(k == want.size(), "record text missing from the PDF from here on: " << context(want, k));

      // No character that is neither in the record, nor the template's fixed text, nor a page number.
      std::set<char32_t> allowed(want.begin(), want.end());
      allowed.insert(kPageNumberChars.begin(), kPageNumberChars.end());
      std::u32string all = strip_spaces(utf32(s.raw_text.out));
      for (size_t p = 0; p < all.size(); ++p)
        if (all[p] != '\f' && !allowed.count(all[p]))
          BOOST_TEST(false, "unexpected character U+" << std::hex << static_cast<unsigned>(all[p]) << std::dec
                                                      << " in " << context(all, p));
    }
  }
}

BOOST_AUTO_TEST_CASE(pages_render_without_errors_and_nothing_is_blank) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST(s.raster.status == 0);
      BOOST_TEST(s.raster.err.empty(), "pdftoppm stderr: " << s.raster.err);
      BOOST_TEST_REQUIRE(s.images.size() == s.pages.size());
      for (size_t p = 0; p < s.pages.size(); ++p) {
        auto& img = s.images[p];
        // A cell has ink when some pixel in it is clearly darker than paper.
        auto inked = [&](double x0, double y0, double x1, double y1) {
          for (int y = std::max(0, int(y0)); y < std::min(img.height, int(y1 + 1)); ++y)
            for (int x = std::max(0, int(x0)); x < std::min(img.width, int(x1 + 1)); ++x) {
              auto px = img.at(x, y);
              if (std::min({px[0], px[1], px[2]}) < 160) return true;
            }
          return false;
        };
        for (auto& l : s.pages[p].lines) {
          auto t = l.text();
          BOOST_TEST(inked(l.box.x0, l.box.y0, l.box.x1, l.box.y1),
                     "page " << p + 1 << ": no ink under text line '" << utf8(t) << "'");
          // In a line of full-width characters each character owns one equal cell: a blank
          // cell is a glyph that did not draw (.notdef or a broken subset).
          bool fullwidth = !t.empty();
          for (char32_t c : t) fullwidth = fullwidth && is_fullwidth(c) && c != U'\u3000';
          if (!fullwidth) continue;
          double w = (l.box.x1 - l.box.x0) / t.size();
          for (size_t c = 0; c < t.size(); ++c)
            BOOST_TEST(inked(l.box.x0 + c * w + 1, l.box.y0, l.box.x0 + (c + 1) * w - 1, l.box.y1),
                       "page " << p + 1 << ": character '" << utf8(t[c]) << "' (" << c + 1 << " of line '" << utf8(t)
                               << "') has no ink");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
