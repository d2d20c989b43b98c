// Paragraphs, signature blocks, pagination and drawing of the flow (the Layouter, layouter.h),
// and lay_out(), which repeats the layout until a table of contents settles.
#include "generator/layout/layout.h"

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

namespace gk::layout {
namespace detail {

Status Layouter::add(const Para& p) {
  ParaStyle st = p.style;
  auto glyphs = shape(p.spans, st, fonts_, doc_);
  if (!glyphs) return glyphs.error();
  // The style indents the first line: 全角 spaces typed (or pasted from Word) before the text
  // would indent it twice.
  if (st.first_indent > 0) {
    size_t lead = 0;
    while (lead < glyphs->size() && (*glyphs)[lead].c == U'\u3000') ++lead;
    glyphs->erase(glyphs->begin(), glyphs->begin() + static_cast<long>(lead));
  }
  if (st.joint_stack && add_joint_mark(st, *glyphs)) return {};
  double em = st.size + tracking_for(st.size);  // indents count grid cells
  double full = page_.text_width - st.right_indent * em;
  double track = tracking_for(st.size);
  if (st.fit_width) {
    double w = natural_width(*glyphs, 0, glyphs->size(), track);
    double avail = full - st.first_indent * em;
    if (w > avail && w > 0) {
      // Not below the floor: a long 发文机关标志 then wraps at a legible size instead of
      // shrinking to a hairline.
      double floor = st.fit_min > 0 ? std::min(st.fit_min, st.size) : st.size / 2;
      double k = std::max(avail / w, floor / st.size);
      st.size *= k;
      track *= k;
      for (auto& g : *glyphs) g.size *= k, g.advance *= k, g.stroke *= k;
    }
  }
  std::vector<double> widths{full - st.first_indent * em, full - st.indent * em};
  std::vector<BrokenLine> lines;
  if (st.word_wrap && natural_width(*glyphs, 0, glyphs->size(), track) > widths[0] + 0.01)
    lines = break_title(*glyphs, std::min(widths[0], widths[1]), track);
  if (lines.empty()) lines = break_lines(*glyphs, widths, track);
  int para_id = ++para_count_;
  double h = pitch_for(st);
  bool first_item = true;
  for (size_t k = 0; k < lines.size(); ++k) {
    auto& L = lines[k];
    double left = page_.left + (k == 0 ? st.first_indent : st.indent) * em;
    double avail = widths[std::min<size_t>(k, 1)];
    // Justified lines fill the width; a line with a squeezed-in mark is tightened to it whatever
    // the alignment (uniform tracking: narrowing the mark alone would overlap glyph boxes, which
    // confuses text extraction).
    size_t n = L.end - L.begin;
    double tr = fit_tracking(*glyphs, L.begin, L.end, avail, track);
    if (st.align == Align::justify && n > 1 && !L.last)
      tr = track + (avail - natural_width(*glyphs, L.begin, L.end, track)) / double(n - 1);
    double nat = std::min(natural_width(*glyphs, L.begin, L.end, track), avail), x = left;
    if (st.align == Align::center) x = left + (avail - nat) / 2;
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

namespace {

// Lines of a 署名. Several 机关 separated by spaces (联合行文) go on lines of their own, in order
// (GB/T 9704 7.3.5.2: "其余发文机关署名依次向下编排"); parts of fewer than 3 characters are not
// 机关 (a spaced name such as 王　明) and stay one line. A line too long wraps where UAX #14
// allows.
std::vector<BrokenLine> signature_lines(const std::vector<Glyph>& g, double avail, double track) {
  auto is_space = [](char32_t c) { return c == U' ' || c == U'\u3000'; };
  size_t parts = 0, shortest = SIZE_MAX;
  for (size_t a = 0; a < g.size();) {
    while (a < g.size() && is_space(g[a].c)) ++a;
    size_t b = a;
    while (b < g.size() && !is_space(g[b].c)) ++b;
    if (b > a) ++parts, shortest = std::min(shortest, b - a);
    a = b;
  }
  if (parts < 2 || shortest < 3) return break_lines(g, {avail}, track);
  std::vector<BrokenLine> out;
  size_t a = 0;
  while (a < g.size()) {
    while (a < g.size() && is_space(g[a].c)) ++a;
    size_t b = a;
    while (b < g.size() && !is_space(g[b].c)) ++b;
    if (b > a) {
      std::vector<Glyph> part(g.begin() + a, g.begin() + b);
      for (auto l : break_lines(part, {avail}, track)) out.push_back({l.begin + a, l.end + a, false});
    }
    a = b;
  }
  if (!out.empty()) out.back().last = true;
  return out;
}

}  // namespace

Status Layouter::add(const Signature& s) {
  ParaStyle st = s.style;
  auto name = shape({s.name}, st, fonts_, doc_);
  if (!name) return name.error();
  auto date = shape({s.date}, st, fonts_, doc_);
  if (!date) return date.error();
  double track = tracking_for(st.size), em = st.size + track;
  double right = page_.left + page_.text_width - 2 * em;
  // A 署名 longer than the line (several 机关, or a long name at a large size) wraps within
  // 版心 minus the 2-character right indent; its lines share one left edge, the date 2 characters
  // in from it. The date gets 2 characters less so that it still fits after that shift.
  double avail = std::max(em, right - page_.left);
  auto name_lines = signature_lines(*name, avail, track);
  auto date_lines = break_lines(*date, {std::max(em, avail - 2 * em)}, track);
  if (name_lines.empty()) name_lines.push_back({0, 0, true});  // an empty part keeps its line
  if (date_lines.empty()) date_lines.push_back({0, 0, true});
  auto widest = [&](const std::vector<Glyph>& g, const std::vector<BrokenLine>& ls) {
    double w = 0;
    for (auto& l : ls) w = std::max(w, natural_width(g, l.begin, l.end, track));
    return w;
  };
  // Lines with a squeezed-in mark are tightened to their width (lines.h), the widest measured so.
  const double name_avail = avail, date_avail = std::max(em, avail - 2 * em);
  double nw = std::min(widest(*name, name_lines), name_avail), dw = std::min(widest(*date, date_lines), date_avail);
  double name_x = std::max(page_.left, std::min(right - nw, right - dw - 2 * em));
  double date_x = name_x + 2 * em;
  int para_id = ++para_count_;
  int count = static_cast<int>(name_lines.size() + date_lines.size()), k = 0;
  for (int part = 0; part < 2; ++part) {
    auto& g = part == 0 ? *name : *date;
    for (auto& l : part == 0 ? name_lines : date_lines) {
      Item it;
      it.height = pitch_for(st);
      double em_top = (it.height - st.size) / 2;
      double tr = fit_tracking(g, l.begin, l.end, part == 0 ? name_avail : date_avail, track);
      emit_runs(g, l.begin, l.end, part == 0 ? name_x : date_x, em_top + kAscent * st.size, tr, it.runs);
      it.glyph_bottom = em_top + st.size;
      it.para = para_id;
      it.index = k++;
      it.count = count;
      // Never a page with only 署名 and 成文日期, and never a block split over two pages.
      it.keep_with_previous = true;
      items_.push_back(std::move(it));
    }
  }
  return {};
}

Status Layouter::paginate() {
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

void Layouter::draw(const Item& it, double y, model::Page& p) {
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

void Layouter::repeat_table_header(size_t j, std::vector<std::pair<size_t, double>>& placed, double& y) {
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

}  // namespace detail

using detail::Layouter;

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
