#include "generator/layout/layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "generator/layout/chart.h"
#include "generator/layout/lines.h"
#include "generator/layout/table_split.h"
#include "generator/layout/toc.h"
#include "generator/text/utf.h"

#include <memory>

namespace gk::layout {
namespace {

constexpr double kAscent = 0.86;  // baseline below the em box top, in em (CJK ideographic box)

// One vertical piece of the flow. Content is drawn relative to the item's top-left corner
// (x relative to the page, y relative to the item top).
struct Item {
  enum Kind { line, space, rule, forced_break, table_row } kind = line;
  double height = 0;
  double top = -1;             // absolute position below the text block top (first page only)
  std::vector<model::TextRun> runs;
  std::vector<model::Line> rules;
  std::vector<model::Rect> rects;
  std::vector<model::Image> images;
  std::shared_ptr<const SplitRow> split;  // a table row that may break across pages
  size_t split_first = 0;                  // its first line shown by this item
  int toc_entry = -1;                      // heading listed in the table of contents
  // pagination constraints
  int para = -1, index = 0, count = 1;
  bool keep_with_next = false;
  bool keep_with_previous = false;
  bool header_row = false;     // a table header row, repeated after a page break
  int table = -1;
  double glyph_bottom = 0;     // y of the em box bottom within the item (lines), for rules
  int bookmark = 0;
  std::string bookmark_title;
};

class Layouter {
 public:
  Layouter(const BoundDocument& d, const font::FontMap& f, std::vector<TocEntry> toc = {})
      : d_(d), fonts_(f), page_(d.page), toc_(std::move(toc)) {}
  // Pages (1-based) of the table-of-contents headings, once run() has paginated.
  const std::vector<TocEntry>& toc_entries() const { return toc_; }

  Result<model::Document> run() {
    doc_.info = d_.info;
    for (auto& b : d_.blocks) {
      Status s = std::visit([&](auto& x) { return add(x); }, b);
      if (!s) return s.error();
    }
    if (auto s = paginate(); !s) return s.error();
    if (imprint_) {
      if (auto s = place_imprint(*imprint_); !s) return s.error();
    }
    if (auto s = number_pages(); !s) return s.error();
    return std::move(doc_);
  }

 private:
  double tracking_for(double size) const { return (page_.char_pitch() / page_.font_size - 1) * size; }
  double pitch_for(const ParaStyle& st) const { return st.line_height > 0 ? st.line_height : page_.pitch(); }

  Status add(const Para& p) {
    ParaStyle st = p.style;
    auto glyphs = shape(p.spans, st, fonts_, doc_);
    if (!glyphs) return glyphs.error();
    double em = st.size + tracking_for(st.size);  // indents count grid cells
    double full = page_.text_width - st.right_indent * em;
    double track = tracking_for(st.size);
    if (st.fit_width) {
      double w = natural_width(*glyphs, 0, glyphs->size(), track);
      double avail = full - st.first_indent * em;
      if (w > avail && w > 0) {
        double k = avail / w;
        st.size *= k;
        track *= k;
        for (auto& g : *glyphs) g.size *= k, g.advance *= k, g.stroke *= k;
      }
    }
    std::vector<double> widths{full - st.first_indent * em, full - st.indent * em};
    auto lines = break_lines(*glyphs, widths, track);
    int para_id = ++para_count_;
    double h = pitch_for(st);
    bool first_item = true;
    for (size_t k = 0; k < lines.size(); ++k) {
      auto& L = lines[k];
      double left = page_.left + (k == 0 ? st.first_indent : st.indent) * em;
      double avail = widths[std::min<size_t>(k, 1)];
      double nat = natural_width(*glyphs, L.begin, L.end, track);
      double x = left, tr = track;
      size_t n = L.end - L.begin;
      // Justified lines fill the width; a last line is only tightened when a mark was squeezed in
      // (uniform tracking: narrowing the mark alone would overlap glyph boxes, which confuses
      // text extraction).
      if (st.align == Align::justify && n > 1 && (!L.last || nat > avail)) tr = track + (avail - nat) / double(n - 1);
      else if (st.align == Align::center) x = left + (avail - nat) / 2;
      else if (st.align == Align::right) x = left + (avail - nat);
      Item it;
      it.kind = Item::line;
      it.height = h;
      double em_top = (h - st.size) / 2;
      emit_runs(*glyphs, L.begin, L.end, x, em_top + kAscent * st.size, tr, it.runs);
      it.glyph_bottom = em_top + st.size;
      it.para = para_id;
      it.index = static_cast<int>(k);
      it.count = static_cast<int>(lines.size());
      it.keep_with_next = st.keep_with_next && L.last;
      it.keep_with_previous = st.keep_with_previous && k == 0;
      if (first_item) {
        if (st.space_before > 0) push_space(st.space_before);
        if (st.top >= 0) it.top = st.top - em_top;
        if (st.bookmark > 0) {
          if (toc_block_ && st.bookmark >= toc_block_->from && st.bookmark <= toc_block_->to) {
            it.toc_entry = static_cast<int>(toc_seen_++);
            if (it.toc_entry >= static_cast<int>(toc_.size())) {
              std::u32string t;
              for (auto& sp : p.spans) t += sp.text;
              toc_.push_back({t, st.bookmark, 0});
            }
          }
          it.bookmark = st.bookmark;
          std::u32string t;
          for (auto& sp : p.spans) t += sp.text;
          it.bookmark_title = text::to_utf8(t);
        }
        first_item = false;
      }
      items_.push_back(std::move(it));
    }
    if (st.space_after > 0) push_space(st.space_after);
    return {};
  }

  void push_space(double h) {
    Item it;
    it.kind = Item::space;
    it.height = h;
    items_.push_back(std::move(it));
  }

  Status add(const Space& s) {
    push_space(s.height);
    return {};
  }

  Status add(const Rule& r) {
    Item it;
    it.kind = Item::rule;
    // The gap is measured from the glyphs of the line above, not from its line box.
    double slack = 0;
    if (!items_.empty() && items_.back().kind == Item::line) slack = items_.back().height - items_.back().glyph_bottom;
    double y = std::max(0.0, r.space_before - slack) + r.width / 2;
    it.rules.push_back({page_.left, y, page_.left + page_.text_width, y, r.width, r.color});
    it.height = y + r.width / 2 + r.space_after;
    items_.push_back(std::move(it));
    return {};
  }

  Status add(const PageBreak&) {
    Item it;
    it.kind = Item::forced_break;
    items_.push_back(std::move(it));
    return {};
  }

  Status add(const Signature& s) {
    ParaStyle st = s.style;
    auto name = shape({s.name}, st, fonts_, doc_);
    if (!name) return name.error();
    auto date = shape({s.date}, st, fonts_, doc_);
    if (!date) return date.error();
    double track = tracking_for(st.size), em = st.size + track;
    double right = page_.left + page_.text_width - 2 * em;
    double nw = natural_width(*name, 0, name->size(), track), dw = natural_width(*date, 0, date->size(), track);
    double name_x = std::min(right - nw, right - dw - 2 * em);
    double date_x = name_x + 2 * em;
    int para_id = ++para_count_;
    for (int k = 0; k < 2; ++k) {
      auto& g = k == 0 ? *name : *date;
      Item it;
      it.height = pitch_for(st);
      double em_top = (it.height - st.size) / 2;
      emit_runs(g, 0, g.size(), k == 0 ? name_x : date_x, em_top + kAscent * st.size, track, it.runs);
      it.glyph_bottom = em_top + st.size;
      it.para = para_id;
      it.index = k;
      it.count = 2;
      it.keep_with_previous = k == 0;  // never a page with only 署名 and 成文日期
      items_.push_back(std::move(it));
    }
    return {};
  }

  Status add(const Imprint& im) {
    imprint_ = &im;
    return {};
  }

  Status add(const Table& t);
  Status add(const Toc& t);
  Status add(const ImageBlock& im);
  Status add(const Chart& c);
  bool split_row(size_t i, double avail);

  // Whether a page may end just before item i.
  bool can_break_before(size_t i) const {
    const Item& it = items_[i];
    if (it.kind == Item::line && it.index > 0) {
      if (it.index < 2 || it.count - it.index < 2) return false;  // orphan / widow
    }
    if (it.kind == Item::table_row && it.header_row) return false;
    // An item that keeps with the previous one (署名, 附注) also keeps any space before it.
    for (size_t k = i; k < items_.size(); ++k) {
      if (items_[k].kind == Item::space) continue;
      if (items_[k].keep_with_previous) return false;
      break;
    }
    // Keep a heading (and any space after it) with what follows.
    for (size_t j = i; j-- > 0;) {
      if (items_[j].kind == Item::space) continue;
      return !items_[j].keep_with_next;
    }
    return true;
  }

  Status paginate() {
    const double H = page_.text_height + 0.01;
    size_t start = 0;  // first item of the current page
    size_t i = 0;
    double y = 0;
    std::vector<std::pair<size_t, double>> placed;  // item, y on the current page
    auto new_page = [&]() {
      pages_.push_back(placed);
      placed.clear();
      y = 0;
    };
    while (i < items_.size()) {
      Item& it = items_[i];
      if (it.kind == Item::forced_break) {
        new_page();
        start = ++i;
        continue;
      }
      bool page_top = placed.empty() || std::all_of(placed.begin(), placed.end(), [&](auto& p) {
        const Item& x = p.first < kExtra ? items_[p.first] : extra_[p.first - kExtra];
        return x.kind == Item::space || x.header_row;
      });
      if (it.kind == Item::space && placed.empty()) {  // no space at the top of a page
        ++i;
        continue;
      }
      double at = y;
      if (it.top >= 0 && pages_.empty()) at = std::max(y, it.top);
      // After tables and other items of free height, text returns to the 22-line grid (pages
      // after the first: on page 1 the 版头 is placed by measure, not by grid).
      if (!pages_.empty() && it.kind == Item::line && std::abs(it.height - page_.pitch()) < 1e-6)
        at = std::ceil(at / page_.pitch() - 1e-6) * page_.pitch();
      if (at + it.height > H && !page_top && it.split && split_row(i, H - at)) continue;
      if (at + it.height > H && !page_top) {
        size_t j = i;
        while (j > start && !can_break_before(j)) --j;
        if (j == start) j = i;  // nothing allowed: break here anyway
        while (!placed.empty() && placed.back().first >= j) placed.pop_back();
        new_page();
        repeat_table_header(j, placed, y);
        start = i = j;
        continue;
      }
      placed.emplace_back(i, at);
      y = at + it.height;
      ++i;
    }
    if (!placed.empty() || pages_.empty()) pages_.push_back(placed);
    // Materialise pages.
    for (auto& pg : pages_) {
      model::Page p;
      p.width = page_.width;
      p.height = page_.height;
      for (auto& [idx, yy] : pg) draw(idx < kExtra ? items_[idx] : extra_[idx - kExtra], yy, p);
      doc_.pages.push_back(std::move(p));
    }
    return {};
  }

  void draw(const Item& it, double y, model::Page& p) {
    double top = page_.top + y;
    for (auto r : it.runs) {
      r.y += top;
      p.texts.push_back(std::move(r));
    }
    for (auto l : it.rules) {
      l.y1 += top;
      l.y2 += top;
      p.lines.push_back(l);
    }
    for (auto r : it.rects) {
      r.y += top;
      p.rects.push_back(r);
    }
    for (auto im : it.images) {
      im.y += top;
      p.images.push_back(im);
    }
    if (it.toc_entry >= 0) toc_[it.toc_entry].page = static_cast<int>(doc_.pages.size()) + 1;
    if (it.bookmark > 0)
      doc_.outline.push_back({it.bookmark_title, it.bookmark, static_cast<int>(doc_.pages.size()), top});
  }

  // After a break inside a table, its header rows start the new page again.
  void repeat_table_header(size_t j, std::vector<std::pair<size_t, double>>& placed, double& y) {
    if (j >= items_.size() || items_[j].kind != Item::table_row || items_[j].header_row) return;
    int table = items_[j].table;
    for (size_t k = 0; k < j; ++k) {
      if (items_[k].table == table && items_[k].header_row) {
        extra_.push_back(items_[k]);
        placed.emplace_back(kExtra + extra_.size() - 1, y);
        y += items_[k].height;
      }
    }
  }

  Status place_imprint(const Imprint& im);  // below
  Status number_pages();

  const BoundDocument& d_;
  const font::FontMap& fonts_;
  const PageSetup& page_;
  model::Document doc_;
  std::vector<Item> items_;
  std::vector<Item> extra_;  // repeated table headers, placed as kExtra + index
  static constexpr size_t kExtra = size_t(1) << 40;
  std::vector<TocEntry> toc_;
  const Toc* toc_block_ = nullptr;
  size_t toc_seen_ = 0;
  std::vector<std::vector<std::pair<size_t, double>>> pages_;
  const Imprint* imprint_ = nullptr;
  int para_count_ = 0;
  int table_count_ = 0;
  friend struct TableBuilder;
};


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
      if (c + cell.colspan > ncols)
        return make_error("table row " + std::to_string(r + 1) + " has more cells than the table has columns (" +
                              std::to_string(ncols) + ")", src.file, src.line);
      size_t rows = std::min<size_t>(cell.rowspan, t.rows.size() - r);
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
      double nat = natural_width(p.glyphs, L.begin, L.end, track);
      double w = x1 - x0 - 2 * pad;
      double x = x0 + pad;
      if (p.align == Align::center) x += (w - nat) / 2;
      else if (p.align == Align::right) x += w - nat - p.shift;
      emit_runs(p.glyphs, L.begin, L.end, x, y + (lh - st.size) / 2 + kAscent * st.size, track, it.runs);
      y += lh;
    }
  }
  // A rowspan's rows, and header rows with the first body row, do not part.
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool in_span = false;
    for (auto& p : cells)
      if (p.rows > 1 && r >= p.row && r + 1 < p.row + p.rows) in_span = true;
    items_[first_item + r].keep_with_next = in_span || t.rows[r].header;
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
        double nat = natural_width(p.glyphs, L.begin, L.end, track), w = sc.x1 - sc.x0 - 2 * pad, x = sc.x0 + pad;
        if (p.align == Align::center) x += (w - nat) / 2;
        else if (p.align == Align::right) x += w - nat - p.shift;
        sc.lines.emplace_back();
        emit_runs(p.glyphs, L.begin, L.end, x, (lh - st.size) / 2 + kAscent * st.size, track, sc.lines.back());
      }
      row->cells.push_back(std::move(sc));
    }
    items_[first_item + r].split = std::move(row);
  }
  (void)keep_until;
  return {};
}

Status Layouter::add(const Toc& t) {
  toc_block_ = &t;
  double lh = pitch_for(t.style);
  auto lines = toc_lines(t, toc_, page_.left, page_.text_width, lh, tracking_for(t.style.size), fonts_, doc_);
  if (!lines) return lines.error();
  for (auto& L : *lines) {
    Item it;
    it.height = lh;
    it.runs = std::move(L.runs);
    it.glyph_bottom = (lh - t.style.size) / 2 + t.style.size;
    items_.push_back(std::move(it));
  }
  return {};
}

Status Layouter::add(const ImageBlock& im) {
  if (im.width > page_.text_width + 0.01 || im.height > page_.text_height + 0.01)
    return make_error("the image is larger than the text block", im.src.file, im.src.line);
  Item it;
  it.kind = Item::rule;  // unlike a space, kept at the top of a page
  it.height = im.height;
  double x = page_.left;
  if (im.align == Align::center) x += (page_.text_width - im.width) / 2;
  else if (im.align == Align::right) x += page_.text_width - im.width;
  it.images.push_back({im.path, x, 0, im.width, im.height});
  items_.push_back(std::move(it));
  return {};
}

Status Layouter::add(const Chart& c) {
  double w = c.width > 0 ? c.width : page_.text_width;
  if (w > page_.text_width + 0.01 || c.height > page_.text_height + 0.01 || c.height <= 0)
    return make_error("the chart must have a height and fit in the text block", c.src.file, c.src.line);
  ChartDrawing d;
  if (auto s = draw_chart(c, page_.left + (page_.text_width - w) / 2, w, fonts_, doc_, d); !s) return s;
  Item it;
  it.kind = Item::rule;
  it.height = c.height;
  it.runs = std::move(d.runs);
  it.rules = std::move(d.lines);
  it.rects = std::move(d.rects);
  items_.push_back(std::move(it));
  return {};
}

// Splits table row i so that its first part fills `avail`; false if not even one line fits.
bool Layouter::split_row(size_t i, double avail) {
  Item whole = items_[i];
  const SplitRow& row = *whole.split;
  size_t first = whole.split_first, left = row.max_lines() - first;
  double lh = row.line_height, pad = row.pad;
  if (avail < 2 * pad + lh) return false;
  size_t k = static_cast<size_t>((avail - 2 * pad) / lh);
  if (k == 0 || k >= left) return false;
  Item a = whole, b = whole;
  a.runs.clear();
  a.rects.clear();
  a.height = 2 * pad + k * lh;
  a.keep_with_next = false;
  draw_row_part(row, first, k, a.height, a.runs, a.rects);
  b.runs.clear();
  b.rects.clear();
  b.split_first = first + k;
  b.height = 2 * pad + (left - k) * lh;
  draw_row_part(row, first + k, left - k, b.height, b.runs, b.rects);
  items_[i] = std::move(a);
  items_.insert(items_.begin() + static_cast<long>(i) + 1, std::move(b));
  return true;
}

Status Layouter::place_imprint(const Imprint& im) {
  ParaStyle st = im.style;
  double em = st.size, track = 0, pitch = page_.pitch();
  double left = page_.left + em, right = page_.left + page_.text_width - em;
  struct Row {
    std::vector<model::TextRun> runs;
  };
  std::vector<std::vector<Row>> entries;
  for (auto& e : im.entries) {
    std::vector<Row> rows;
    auto label = shape({e.label}, st, fonts_, doc_);
    auto text = shape({e.text}, st, fonts_, doc_);
    auto rt = shape({e.right}, st, fonts_, doc_);
    if (!label) return label.error();
    if (!text) return text.error();
    if (!rt) return rt.error();
    double lw = natural_width(*label, 0, label->size(), track);
    double rw = natural_width(*rt, 0, rt->size(), track);
    double avail = right - left - lw - (rt->empty() ? 0 : rw + em);
    auto lines = break_lines(*text, {avail}, track);
    if (lines.empty()) lines.push_back({0, 0, true});
    double em_top = (pitch - st.size) / 2, base = em_top + kAscent * st.size;
    for (size_t k = 0; k < lines.size(); ++k) {
      Row r;
      if (k == 0) emit_runs(*label, 0, label->size(), left, base, track, r.runs);
      auto& L = lines[k];
      double nat = natural_width(*text, L.begin, L.end, track);
      double tr = (!L.last && L.end - L.begin > 1) ? (avail - nat) / double(L.end - L.begin - 1) : track;
      emit_runs(*text, L.begin, L.end, left + lw, base, tr, r.runs);
      if (k == 0 && !rt->empty()) emit_runs(*rt, 0, rt->size(), right - rw, base, track, r.runs);
      rows.push_back(std::move(r));
    }
    entries.push_back(std::move(rows));
  }
  size_t nrows = 0;
  for (auto& e : entries) nrows += e.size();
  double height = nrows * pitch;
  if (height > page_.text_height) return make_error("the 版记 is taller than a page");
  // On the last page if it fits below the content, else on a page of its own.
  double used = 0;
  if (!pages_.empty() && !pages_.back().empty()) {
    auto& [idx, yy] = pages_.back().back();
    used = yy + (idx < kExtra ? items_[idx] : extra_[idx - kExtra]).height;
  }
  if (used + height > page_.text_height || doc_.pages.empty()) {
    model::Page p;
    p.width = page_.width;
    p.height = page_.height;
    doc_.pages.push_back(p);
  }
  model::Page& page = doc_.pages.back();
  double y = page_.top + page_.text_height - height;
  double x1 = page_.left, x2 = page_.left + page_.text_width;
  page.lines.push_back({x1, y, x2, y, im.thick, model::kBlack});
  for (size_t e = 0; e < entries.size(); ++e) {
    for (auto& r : entries[e]) {
      for (auto run : r.runs) {
        run.y += y;
        page.texts.push_back(std::move(run));
      }
      y += pitch;
    }
    bool last = e + 1 == entries.size();
    page.lines.push_back({x1, y, x2, y, last ? im.thick : im.thin, model::kBlack});
  }
  return {};
}

Status Layouter::number_pages() {
  const PageNumberStyle& pn = d_.page_number;
  if (!pn.enabled) return {};
  ParaStyle st;
  st.role = pn.role;
  st.size = pn.size;
  for (size_t i = 0; i < doc_.pages.size(); ++i) {
    std::string label = pn.format;
    if (auto at = label.find("{n}"); at != std::string::npos) label.replace(at, 3, std::to_string(i + 1));
    Span sp{*text::from_utf8(label), {}, {}, {}};
    auto g = shape({sp}, st, fonts_, doc_);
    if (!g) return g.error();
    double w = natural_width(*g, 0, g->size(), 0);
    bool odd = (i + 1) % 2 == 1;
    double x = (!pn.outside || odd) ? page_.left + page_.text_width - pn.indent * pn.size - w
                                    : page_.left + pn.indent * pn.size;
    double baseline = page_.top + page_.text_height + pn.below + kAscent * pn.size;
    emit_runs(*g, 0, g->size(), x, baseline, 0, doc_.pages[i].texts);
  }
  return {};
}

}  // namespace

Result<model::Document> lay_out(const BoundDocument& doc, const font::FontMap& fonts) {
  // With a table of contents: lay out, read the headings' pages, lay out again with them; again
  // if the numbers moved the headings (a third pass settles any realistic document).
  const Toc* toc = nullptr;
  std::vector<TocEntry> entries;
  for (auto& b : doc.blocks) {
    if (auto* t = std::get_if<Toc>(&b)) {
      if (!toc) toc = t;
    } else if (auto* p = std::get_if<Para>(&b); p && toc && p->style.bookmark >= toc->from && p->style.bookmark <= toc->to) {
      std::u32string s;
      for (auto& sp : p->spans) s += sp.text;
      entries.push_back({s, p->style.bookmark, 0});
    }
  }
  if (!toc) return Layouter(doc, fonts).run();
  for (int pass = 0; pass < 4; ++pass) {
    Layouter l(doc, fonts, entries);
    auto r = l.run();
    if (!r) return r;
    bool settled = true;
    for (size_t k = 0; k < entries.size(); ++k) settled = settled && l.toc_entries()[k].page == entries[k].page;
    if (settled) return r;
    entries = l.toc_entries();
  }
  return make_error("the table of contents does not settle: its page numbers keep moving the headings");
}

}  // namespace gk::layout
