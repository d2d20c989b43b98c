// A table row that may be split across pages: its cells' lines kept apart so that layout can
// draw any run of them. A split part shows its lines top-aligned (the unsplit row centres them).
#pragma once
#include <vector>

#include "generator/model/page.h"

namespace gk::layout {

struct SplitCell {
  double x0 = 0, x1 = 0, border = 0.5;
  std::vector<std::vector<model::TextRun>> lines;  // runs per line, y = baseline offset in the line
};

struct SplitRow {
  double line_height = 0, pad = 0;
  std::vector<SplitCell> cells;
  size_t max_lines() const;
};

// Draws lines [first, first + count) of every cell into a row part of height h (y from its top).
void draw_row_part(const SplitRow& row, size_t first, size_t count, double h, std::vector<model::TextRun>& runs,
                   std::vector<model::Rect>& rects);

}  // namespace gk::layout
