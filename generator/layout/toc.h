// The table of contents (目录): lines for headings with a dot leader and the page number flush
// right. Page numbers come from a previous layout pass (layout.cpp lays out twice when a
// document has a <toc>: once to find the pages, once with them).
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/layout/blocks.h"
#include "generator/model/page.h"

namespace gk::layout {

struct TocEntry {
  std::u32string title;
  int level = 1;
  int page = 0;  // 1-based; 0 = not known yet (a placeholder of the same width is drawn)
};

struct TocLine {
  std::vector<model::TextRun> runs;  // x on the page, y = baseline offset within the line box
};

// Lines for the entries: titles indented by level and wrapped if long; the leader and number go
// on an entry's last line. `tracking` is the grid tracking for the style's size.
Result<std::vector<TocLine>> toc_lines(const Toc& toc, const std::vector<TocEntry>& entries, double left, double width,
                                       double line_height, double tracking, const font::FontMap& fonts,
                                       model::Document& doc);

}  // namespace gk::layout
