// 2. The line grid (GB/T 9704-2012 5.2.3: 22 lines of 28 characters filling the 版心), read back
// from pdftotext word boxes. Baselines come from the PDF's own FontDescriptor Ascent/Descent,
// which is how poppler sized the boxes, so lines in different fonts compare correctly.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <sstream>

#include "fixture.h"

using namespace gkt;

namespace {

struct BodyLine {
  const Line* line;
  int page;         // 0-based
  double baseline;
};

// Lines whose words are all 16 pt in one of the document's fonts, in reading order; on page 1
// only those after the title, since the 版头 is placed by its own rules (GB/T 9704 7.2).
std::vector<BodyLine> body_lines(const Sample& s) {
  std::vector<BodyLine> out;
  for (size_t p = 0; p < s.pages.size(); ++p) {
    auto& lines = s.pages[p].lines;
    size_t first = 0;
    if (p == 0)
      for (size_t i = 0; i < lines.size(); ++i)
        if (lines[i].box.height() > 21) first = i + 1;  // 标志 and title lines are taller than any 16 pt face
    for (size_t i = first; i < lines.size(); ++i) {
      auto& l = lines[i];
      double b = 0, b0 = 0;
      bool ok = !l.words.empty();
      for (size_t w = 0; ok && w < l.words.size(); ++w) {
        ok = baseline_of(s, l.words[w], kBodySize, b) && (w == 0 || std::abs(b - b0) < 0.3);
        if (w == 0) b0 = b;
      }
      if (ok) out.push_back({&l, static_cast<int>(p), b0});
    }
  }
  return out;
}

double offset_in_slot(double baseline) {
  double o = std::fmod(baseline - kTop, kPitch);
  return o < 0 ? o + kPitch : o;
}

// The baseline offset within a grid slot that most body lines after page 1 share, over all
// samples: a document with many off-grid lines cannot move the reference.
double grid_offset() {
  static const double offset = [] {
    std::vector<double> all;
    std::map<long, int> votes;  // quarter-point buckets
    for (auto& s : rendered().samples)
      if (s.load_error.empty())
        for (auto& l : body_lines(s))
          if (l.page > 0) all.push_back(offset_in_slot(l.baseline)), votes[std::lround(all.back() * 4)]++;
    long best = 0;
    int n = -1;
    for (auto& [k, v] : votes)
      if (v > n) best = k, n = v;
    double sum = 0;  // mean of the winning cluster
    int count = 0;
    for (double o : all)
      if (std::abs(o - best / 4.0) <= 0.5) sum += o, ++count;
    return count ? sum / count : 0.0;
  }();
  return offset;
}

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

}  // namespace

BOOST_AUTO_TEST_SUITE(grid)

BOOST_AUTO_TEST_CASE(body_lines_after_page_one_sit_on_the_22_line_grid) {
  // The slot's glyphs must lie inside the slot: baseline at least an ascent below its top.
  BOOST_TEST((grid_offset() > 0.75 * kBodySize && grid_offset() < kPitch), "baseline offset in a slot: " << grid_offset());
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto lines = body_lines(s);
      BOOST_TEST_REQUIRE(!lines.empty());
      double c = grid_offset();
      std::map<int, std::map<long, const Line*>> used;  // page -> slot -> line
      std::map<int, std::pair<int, std::string>> off;    // page -> (count, first offender)
      for (auto& l : lines) {
        if (l.page == 0) continue;
        double k = (l.baseline - kTop - c) / kPitch;
        long slot = std::lround(k);
        if (!near(l.baseline, kTop + c + slot * kPitch, 0.5) && off[l.page].first++ == 0) {
          std::ostringstream m;
          m << "'" << utf8(l.line->text()) << "' is off by " << (k - slot) * kPitch << " pt (baseline " << l.baseline << ")";
          off[l.page].second = m.str();
        }
        BOOST_TEST((slot >= 0 && slot < 22), "page " << l.page + 1 << ": line '" << utf8(l.line->text())
                                                     << "' is in slot " << slot << " of 0..21");
        BOOST_TEST(!used[l.page].count(slot), "page " << l.page + 1 << ": two lines in slot " << slot);
        used[l.page][slot] = l.line;
      }
      for (auto& [page, o] : off)
        BOOST_TEST(o.first == 0, "page " << page + 1 << ": " << o.first << " lines off the grid, the first: " << o.second);
    }
  }
}

// A paragraph that runs on to the next page leaves no grid line empty, except one line kept
// back so that the next page does not start with the paragraph's last line alone (widow).
BOOST_AUTO_TEST_CASE(a_page_broken_inside_a_paragraph_holds_22_lines) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto lines = body_lines(s);
      double c = grid_offset();
      for (size_t i = 0; i + 1 < lines.size(); ++i) {
        auto &a = lines[i], &b = lines[i + 1];
        if (b.page != a.page + 1 || a.page == 0) continue;
        if (&s.pages[b.page].lines.front() != b.line) continue;  // the next page starts with something else
        // Continued: a justified (full) line, then a flush one. A short line ends its paragraph.
        if (!near(a.line->box.x1, kRight, 1) || !near(b.line->box.x0, kLeft, 1)) continue;
        size_t run = 0;                                          // flush lines continuing it
        while (i + 1 + run < lines.size() && lines[i + 1 + run].page == b.page &&
               near(lines[i + 1 + run].line->box.x0, kLeft, 1))
          ++run;
        long slot = std::lround((a.baseline - kTop - c) / kPitch);
        BOOST_TEST((slot == 21 || (slot == 20 && run == 2)),
                   "page " << a.page + 1 << " ends in slot " << slot << " with '" << utf8(a.line->text())
                           << "' although its paragraph continues on page " << b.page + 1 << " (" << run
                           << " lines there)");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(full_lines_fill_the_text_block_with_28_characters) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto lines = body_lines(s);
      int checked = 0;
      for (size_t i = 0; i + 1 < lines.size(); ++i) {
        auto &a = lines[i], &b = lines[i + 1];
        // Across pages only from the page's last two lines: an early break (a page break before
        // an attachment) is followed by a new flush block, not by the rest of a paragraph.
        bool next_is_continuation = near(b.line->box.x0, kLeft, 1) &&
                                    ((b.page == a.page && near(b.baseline - a.baseline, kPitch, 1)) ||
                                     (b.page == a.page + 1 && &s.pages[b.page].lines.front() == b.line &&
                                      a.baseline > kBottom - 2 * kPitch));
        if (!next_is_continuation) continue;
        ++checked;
        auto t = a.line->text();
        auto& box = a.line->box;
        bool indented = near(box.x0, kLeft + 2 * kCharPitch, 1);
        BOOST_TEST((near(box.x0, kLeft, 1) || indented),
                   "page " << a.page + 1 << ": full line starts at x=" << box.x0 << ": '" << utf8(t) << "'");
        BOOST_TEST(near(box.x1, kRight, 1),
                   "page " << a.page + 1 << ": full line ends at x=" << box.x1 << " not " << kRight << ": '" << utf8(t) << "'");
        // 28 characters on the 15.79 pt grid (26 after the indent). Compressing punctuation to
        // keep a closing mark off the next line's start may fit one more per mark; fewer means
        // the line was stretched off the character grid.
        bool han = true;
        size_t marks = 0, want = indented ? 26 : 28;
        for (char32_t ch : t) han = han && is_fullwidth(ch), marks += ch < 0x4E00;
        if (han)
          BOOST_TEST((t.size() >= want && t.size() <= want + marks),
                     "page " << a.page + 1 << ": full line of " << t.size() << " characters, want " << want << ": '"
                             << utf8(t) << "' (next line starts '" << utf8(b.line->text().substr(0, 2))
                             << "'; character pitch " << (box.x1 - box.x0) / t.size() << " pt, grid " << kCharPitch << ")");
      }
      BOOST_TEST(checked > 0);
    }
  }
}

// GB/T 9704-2012 7.3.5.5: when the space left cannot hold the 署名 and 成文日期, line and
// character spacing are adjusted; the 署名 never opens a page that has no 正文 on it.
BOOST_AUTO_TEST_CASE(the_signature_never_starts_a_page) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto sig = strip_spaces(utf32(s.expected.signature));
      auto date = strip_spaces(utf32(s.expected.date_line));
      bool found = false;
      for (size_t p = 0; p < s.pages.size(); ++p) {
        auto& lines = s.pages[p].lines;
        for (size_t i = 1; i < lines.size(); ++i) {
          if (strip_spaces(lines[i].text()) != date || strip_spaces(lines[i - 1].text()) != sig) continue;
          found = true;
          BOOST_TEST(i - 1 > 0, "page " << p + 1 << " starts with the 署名 '" << s.expected.signature
                                        << "': no 正文 above it on that page");
        }
      }
      BOOST_TEST(found, "no 署名 line followed by the 成文日期 " << s.expected.date_line);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
