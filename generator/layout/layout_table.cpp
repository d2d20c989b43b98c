// Tables: column widths, cell text, rows that split across pages (the Layouter, layouter.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "generator/layout/chart.h"
#include "generator/layout/layouter.h"
#include "generator/layout/lines.h"
#include "generator/layout/table_split.h"
#include "generator/layout/toc.h"
#include "generator/text/utf.h"

namespace gk::layout::detail {

Status Layouter::add(const Table& t) {
  size_t ncols = t.columns.size();
  if (ncols == 0)
    for (auto& r : t.rows) {
      size_t n = 0;
      for (auto& c : r.cells) n += c.colspan;
      ncols = std::max(ncols, n);
    }
  if (ncols == 0) return {};
  std::vector<double> widths(ncols, 1.0);
  for (size_t i = 0; i < t.columns.size(); ++i) widths[i] = t.columns[i];
  double total = 0;
  for (double w : widths) total += w;
  if (t.absolute && total > page_.text_width + 0.01) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "the table is %.1f mm wide, wider than the text block (%.1f mm)", total * 25.4 / 72,
                  page_.text_width * 25.4 / 72);
    return make_error(buf, t.src.file, t.src.line);
  }
  if (!t.absolute)
    for (double& w : widths) w = page_.text_width * w / total;
  std::vector<double> colx(ncols + 1, page_.left);
  for (size_t i = 0; i < ncols; ++i) colx[i + 1] = colx[i] + widths[i];

  const ParaStyle& st = t.style;
  double lh = st.line_height > 0 ? st.line_height : st.size * 1.5, pad = t.padding, track = 0;
  struct Placed {
    size_t row, col, cols, rows;
    std::vector<Glyph> glyphs;
    std::vector<BrokenLine> lines;
    Align align;
    SourceRef src;
    bool numeric = false;
    double shift = 0;  // numeric: moves the number left so decimal points line up
  };
  std::vector<Placed> cells;
  std::vector<std::vector<bool>> used(t.rows.size(), std::vector<bool>(ncols, false));
  for (size_t r = 0; r < t.rows.size(); ++r) {
    size_t c = 0;
    for (auto& cell : t.rows[r].cells) {
      while (c < ncols && used[r][c]) ++c;
      SourceRef src = cell.spans.empty() ? t.src : cell.spans.front().src;
      if (c + cell.colspan > ncols) {
        std::string why = cell.colspan > 1 && c < ncols
                              ? ": a cell spanning " + std::to_string(cell.colspan) + " columns from column " + std::to_string(c + 1) +
                                    " goes past the table's " + std::to_string(ncols)
                              : " has more cells than the table has columns (" + std::to_string(ncols) + ")";
        return make_error("table row " + std::to_string(r + 1) + why, src.file, src.line);
      }
      if (static_cast<size_t>(cell.rowspan) > t.rows.size() - r)
        return make_error("table row " + std::to_string(r + 1) + ": rowspan " + std::to_string(cell.rowspan) +
                              " goes past the table's last row (" + std::to_string(t.rows.size()) + ")",
                          src.file, src.line);
      size_t rows = static_cast<size_t>(cell.rowspan);
      for (size_t rr = r; rr < r + rows; ++rr)
        for (size_t cc = c; cc < c + cell.colspan; ++cc) used[rr][cc] = true;
      auto g = shape(cell.spans, st, fonts_, doc_);
      if (!g) return g.error();
      double w = colx[c + cell.colspan] - colx[c] - 2 * pad;
      for (auto& x : *g)
        if (x.advance > w + 0.01)
          return make_error("table column too narrow for " + text::describe_char(x.c) + " (the table is wider than the page)",
                            src.file, src.line);
      Placed p{r, c, static_cast<size_t>(cell.colspan), rows, std::move(*g), {}, cell.align, src, cell.numeric};
      p.lines = break_lines(p.glyphs, {w}, track);
      cells.push_back(std::move(p));
      c += cell.colspan;
    }
  }
  // Every row fills every column (with the rowspans above it): a short row would be drawn with
  // a gap in its borders.
  for (size_t r = 0; r < t.rows.size(); ++r) {
    size_t filled = static_cast<size_t>(std::count(used[r].begin(), used[r].end(), true));
    if (filled < ncols) {
      SourceRef src = t.rows[r].cells.empty() || t.rows[r].cells.front().spans.empty() ? t.src
                                                                                        : t.rows[r].cells.front().spans.front().src;
      return make_error("table row " + std::to_string(r + 1) + " fills " + std::to_string(filled) + " of the table's " +
                            std::to_string(ncols) + " columns (add cells or a colspan)",
                        src.file, src.line);
    }
  }
  // Numeric cells: the part from the decimal point on is as wide in every cell of a column.
  std::vector<double> frac(ncols, 0);
  auto frac_width = [&](const Placed& p) {
    size_t k = 0;
    while (k < p.glyphs.size() && p.glyphs[k].c != '.') ++k;
    return natural_width(p.glyphs, k, p.glyphs.size(), track);
  };
  for (auto& p : cells)
    if (p.numeric) frac[p.col + p.cols - 1] = std::max(frac[p.col + p.cols - 1], frac_width(p));
  for (auto& p : cells)
    if (p.numeric) p.shift = frac[p.col + p.cols - 1] - frac_width(p);
  std::vector<double> heights(t.rows.size(), lh + 2 * pad);
  for (auto& p : cells)
    if (p.rows == 1) heights[p.row] = std::max(heights[p.row], p.lines.size() * lh + 2 * pad);
  for (auto& p : cells) {
    if (p.rows == 1) continue;
    double have = 0;
    for (size_t r = p.row; r < p.row + p.rows; ++r) have += heights[r];
    double need = p.lines.size() * lh + 2 * pad;
    if (need > have) heights[p.row + p.rows - 1] += need - have;
  }
  // A cell line between column edges x0 and x1 (the whole row, or a part of a split one). A line
  // with a squeezed-in mark is tightened to the cell's width, as in body text, before it is aligned.
  auto place_line = [&](const Placed& p, const BrokenLine& L, double x0, double x1, double baseline,
                        std::vector<model::TextRun>& out) {
    double w = x1 - x0 - 2 * pad, tr = fit_tracking(p.glyphs, L.begin, L.end, w, track);
    double nat = std::min(natural_width(p.glyphs, L.begin, L.end, track), w), x = x0 + pad;
    if (p.align == Align::center) x += (w - nat) / 2;
    else if (p.align == Align::right) x += w - nat - p.shift;
    emit_runs(p.glyphs, L.begin, L.end, x, baseline, tr, out);
  };
  int table_id = ++table_count_;
  size_t first_item = items_.size();
  size_t keep_until = 0;  // rows inside a rowspan stay together
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (heights[r] > page_.text_height) {
      SourceRef src = t.src;
      for (auto& p : cells)
        if (p.row == r && p.lines.size() * lh + 2 * pad > page_.text_height) src = p.src;
      return make_error("a table cell is too long for its row to fit on one page", src.file, src.line);
    }
    Item it;
    it.kind = Item::table_row;
    it.height = heights[r];
    it.table = table_id;
    it.header_row = t.rows[r].header;
    items_.push_back(std::move(it));
  }
  for (auto& p : cells) {
    Item& it = items_[first_item + p.row];
    double h = 0;
    for (size_t r = p.row; r < p.row + p.rows; ++r) h += heights[r];
    if (p.rows > 1) keep_until = std::max(keep_until, p.row + p.rows - 1);
    double x0 = colx[p.col], x1 = colx[p.col + p.cols];
    model::Rect rect;
    rect.x = x0;
    rect.y = 0;
    rect.w = x1 - x0;
    rect.h = h;
    rect.stroke_width = t.border;
    it.rects.push_back(rect);
    double content = p.lines.size() * lh;
    double y = (h - content) / 2;
    for (auto& L : p.lines) {
      place_line(p, L, x0, x1, y + (lh - st.size) / 2 + kAscent * st.size, it.runs);
      y += lh;
    }
  }
  // A rowspan's rows, header rows with the first body row, and rows the template keeps with the
  // next do not part. Nor does a page end after a table's first body row or start with its last
  // (a lone row under a repeated header: the total row of the annual report's table B).
  std::vector<size_t> body;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool in_span = false;
    for (auto& p : cells)
      if (p.rows > 1 && r >= p.row && r + 1 < p.row + p.rows) in_span = true;
    items_[first_item + r].keep_with_next = in_span || t.rows[r].header || t.rows[r].keep_with_next;
    if (!t.rows[r].header) body.push_back(r);
  }
  if (body.size() >= 2) {
    items_[first_item + body.front()].keep_with_next = true;
    items_[first_item + body.back()].keep_with_previous = true;
  }
  // Rows outside any rowspan may split across pages: keep their lines apart for that.
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool spanned = t.rows[r].header;
    for (auto& p : cells)
      if (p.rows > 1 && r >= p.row && r < p.row + p.rows) spanned = true;
    if (spanned) continue;
    auto row = std::make_shared<SplitRow>();
    row->line_height = lh;
    row->pad = pad;
    for (auto& p : cells) {
      if (p.row != r) continue;
      SplitCell sc;
      sc.x0 = colx[p.col];
      sc.x1 = colx[p.col + p.cols];
      sc.border = t.border;
      for (auto& L : p.lines) {
        sc.lines.emplace_back();
        place_line(p, L, sc.x0, sc.x1, (lh - st.size) / 2 + kAscent * st.size, sc.lines.back());
      }
      row->cells.push_back(std::move(sc));
    }
    items_[first_item + r].split = std::move(row);
  }
  (void)keep_until;
  return {};
}

bool Layouter::split_row(size_t i, double avail) {
  Item whole = items_[i];
  const SplitRow& row = *whole.split;
  size_t first = whole.split_first, left = row.max_lines() - first;
  double lh = row.line_height, pad = row.pad;
  // Like a paragraph's lines (no orphan, no widow): each part holds at least two lines, so a row
  // of three lines or fewer never splits.
  if (avail < 2 * pad + 2 * lh) return false;
  size_t k = static_cast<size_t>((avail - 2 * pad) / lh);
  if (k >= left) return false;
  if (left - k < 2) k = left - 2;
  if (k < 2) return false;
  Item a = whole, b = whole;
  a.runs.clear();
  a.rects.clear();
  a.height = 2 * pad + k * lh;
  a.keep_with_next = false;
  draw_row_part(row, first, k, a.height, a.runs, a.rects);
  b.runs.clear();
  b.rects.clear();
  b.split_first = first + k;
  b.keep_with_previous = false;  // the split itself kept two lines with the previous row
  b.height = 2 * pad + (left - k) * lh;
  draw_row_part(row, first + k, left - k, b.height, b.runs, b.rects);
  items_[i] = std::move(a);
  items_.insert(items_.begin() + static_cast<long>(i) + 1, std::move(b));
  return true;
}

}  // namespace gk::layout::detail
