// Bar and line charts as vector graphics (lines, rectangles, text runs) in the page model: a
// title, a value axis with "nice" ticks and grid lines, category labels under the plot, and a
// legend. Text goes through the font map like any other, so Chinese labels work.
#pragma once
#include <vector>

#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/layout/blocks.h"
#include "generator/model/page.h"

namespace gk::layout {

struct ChartDrawing {  // x on the page, y relative to the chart's top edge
  std::vector<model::TextRun> runs;
  std::vector<model::Line> lines;
  std::vector<model::Rect> rects;
};

// The tick step for values up to `max`: 1, 2 or 5 x 10^k, giving at most 6 intervals.
double nice_step(double max);

// Errors: a series whose value count differs from the category count, a negative value,
// a character no font has.
Status draw_chart(const Chart& c, double left, double width, const font::FontMap& fonts, model::Document& doc,
                  ChartDrawing& out);

}  // namespace gk::layout
