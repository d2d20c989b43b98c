#include "generator/layout/table_split.h"

#include <algorithm>

namespace gk::layout {

size_t SplitRow::max_lines() const {
  size_t n = 0;
  for (auto& c : cells) n = std::max(n, c.lines.size());
  return n;
}

void draw_row_part(const SplitRow& row, size_t first, size_t count, double h, std::vector<model::TextRun>& runs,
                   std::vector<model::Rect>& rects) {
  for (auto& c : row.cells) {
    model::Rect r;
    r.x = c.x0;
    r.y = 0;
    r.w = c.x1 - c.x0;
    r.h = h;
    r.stroke_width = c.border;
    rects.push_back(r);
    double y = row.pad;
    for (size_t k = first; k < first + count && k < c.lines.size(); ++k, y += row.line_height)
      for (auto run : c.lines[k]) {
        run.y += y;
        runs.push_back(std::move(run));
      }
  }
}

}  // namespace gk::layout
