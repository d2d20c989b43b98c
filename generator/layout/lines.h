// Line building, shared by paragraphs, table cells, signatures and the 版记: characters resolved
// to faces, broken into lines that fit a width, and turned into positioned text runs.
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/layout/blocks.h"
#include "generator/model/page.h"

namespace gk::layout {

struct Glyph {
  char32_t c;
  int face;       // index into model::Document::faces
  double size;    // pt
  double advance; // pt, without tracking
  model::Color color;
  double stroke;  // emboldening stroke, pt
};

std::string unknown_role_message(const std::string& role, const font::FontMap& fonts);

// Resolves spans to glyphs through the font map. `style` gives the default role, size, colour.
Result<std::vector<Glyph>> shape(const std::vector<Span>& spans, const ParaStyle& style, const font::FontMap& fonts,
                                 model::Document& doc);

struct BrokenLine {
  size_t begin, end;  // glyph range
  bool last;          // last line of the paragraph
};

// Greedy line breaking: widths[k] is the width available to line k (the last entry repeats).
// A glyph occupies its advance plus `tracking`. A glyph wider than the line is placed alone.
// A full line may be wider than its width by up to one character when a closing mark that may
// not start the next line is squeezed in (挤进): draw every line with fit_tracking().
// An unbreakable run (an e-mail address, a digest) longer than a whole line starts right after
// the text before it and is split where the lines are full.
std::vector<BrokenLine> break_lines(const std::vector<Glyph>& glyphs, const std::vector<double>& widths, double tracking);

// The tracking that sets glyphs [begin, end) within `width`: `tracking` when they fit, tighter
// (evenly between all characters) when break_lines squeezed a mark into the line, which then
// takes exactly `width` (as a justified line does).
double fit_tracking(const std::vector<Glyph>& g, size_t begin, size_t end, double width, double tracking);

// Title lines (GB/T 9704 7.3.1: 回行时词意完整，排列对称，长短适宜): breaks only where a line may end
// AND a word ends (text::word_boundaries); the fewest lines; among those the most even (the
// longest line as short as possible, ties to a longer first line), a break right after 关于 (发文
// 机关 | 关于 | 事由) counting as 4 characters shorter. Empty when a word is longer than `width`:
// the caller then breaks as for body text.
std::vector<BrokenLine> break_title(const std::vector<Glyph>& glyphs, double width, double tracking);

// Width of glyphs [begin, end) on the character grid: every glyph occupies its advance plus the
// tracking (the 28-character line of GB/T 9704 is 28 such cells, 15.79 pt each at 3号).
double natural_width(const std::vector<Glyph>& g, size_t begin, size_t end, double tracking);

// Text runs for glyphs [begin, end) drawn from (x, baseline) with the given tracking.
void emit_runs(const std::vector<Glyph>& g, size_t begin, size_t end, double x, double baseline, double tracking,
               std::vector<model::TextRun>& out);

}  // namespace gk::layout
