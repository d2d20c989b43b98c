// Table of contents, images, charts, the 版记 (imprint) and page numbers (the Layouter, layouter.h).
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

Status Layouter::add(const Toc& t) {
  toc_block_ = &t;
  double lh = pitch_for(t.style);
  auto lines = toc_lines(t, toc_, page_.left, page_.text_width, lh, tracking_for(t.style.size), fonts_, doc_);
  if (!lines) return lines.error();
  const int count = static_cast<int>(lines->size());
  for (auto& L : *lines) {
    Item it;
    it.height = lh;
    // Entries break like a paragraph's lines: never one alone at the foot or top of a page.
    it.index = static_cast<int>(&L - lines->data());
    it.count = count;
    it.runs = std::move(L.runs);
    it.glyph_bottom = (lh - t.style.size) / 2 + t.style.size;
    items_.push_back(std::move(it));
  }
  return {};
}

bool Layouter::add_joint_mark(const ParaStyle& style, std::vector<Glyph>& glyphs) {
  auto separator = [](char32_t c) { return c == U'\u3000' || c == U' '; };
  std::vector<std::pair<size_t, size_t>> names;  // glyph ranges of the 机关
  for (size_t a = 0; a < glyphs.size();) {
    while (a < glyphs.size() && separator(glyphs[a].c)) ++a;
    size_t b = a;
    while (b < glyphs.size() && !separator(glyphs[b].c)) ++b;
    if (b > a) names.emplace_back(a, b);
    a = b;
  }
  if (names.size() < 2) return false;
  // 文件 after the last 机关 goes to the right of the stack.
  std::pair<size_t, size_t> suffix{0, 0};
  auto& last = names.back();
  if (last.second - last.first > 2 && glyphs[last.second - 2].c == U'文' && glyphs[last.second - 1].c == U'件') {
    suffix = {last.second - 2, last.second};
    last.second -= 2;
  }
  ParaStyle st = style;
  double track = tracking_for(st.size);
  auto measure = [&](double& widest, double& gap, double& total) {
    widest = 0;
    for (auto [a, b] : names) widest = std::max(widest, natural_width(glyphs, a, b, track));
    gap = suffix.second > suffix.first ? st.size / 2 : 0;
    total = widest + gap + natural_width(glyphs, suffix.first, suffix.second, track);
  };
  double widest = 0, gap = 0, total = 0;
  measure(widest, gap, total);
  const double avail = page_.text_width;
  if (total > avail && st.fit_width) {
    double floor = st.fit_min > 0 ? std::min(st.fit_min, st.size) : st.size / 2;
    double k = std::max(avail / total, floor / st.size);
    st.size *= k;
    track *= k;
    for (auto& g : glyphs) g.size *= k, g.advance *= k, g.stroke *= k;
    measure(widest, gap, total);
  }
  if (total > avail + 0.01) return false;
  const double x0 = page_.left + (avail - total) / 2, h = pitch_for(st), em_top = (h - st.size) / 2;
  const int para_id = ++para_count_;
  if (st.space_before > 0) push_space(st.space_before);
  for (size_t k = 0; k < names.size(); ++k) {
    auto [a, b] = names[k];
    Item it;
    it.height = h;
    // Each 机关 spread to the width of the longest, as joint marks are set.
    size_t n = b - a;
    double tr = n > 1 ? track + (widest - natural_width(glyphs, a, b, track)) / double(n - 1) : track;
    emit_runs(glyphs, a, b, n > 1 ? x0 : x0 + (widest - natural_width(glyphs, a, b, track)) / 2, em_top + kAscent * st.size,
              tr, it.runs);
    if (k == 0 && suffix.second > suffix.first) {  // 文件, centred on the stack, drawn with the first line
      double middle = h * static_cast<double>(names.size()) / 2;
      emit_runs(glyphs, suffix.first, suffix.second, x0 + widest + gap, middle - st.size / 2 + kAscent * st.size, track,
                it.runs);
    }
    it.glyph_bottom = em_top + st.size;
    it.para = para_id;
    it.index = static_cast<int>(k);
    it.count = static_cast<int>(names.size());
    it.keep_with_next = k + 1 < names.size() || st.keep_with_next;
    it.keep_with_previous = k == 0 && st.keep_with_previous;
    if (k == 0 && st.top >= 0) it.top = st.top - em_top;
    items_.push_back(std::move(it));
  }
  if (st.space_after > 0) push_space(st.space_after);
  return true;
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
      // Justified, the last line only tightened when a mark was squeezed into it.
      double tr = (!L.last && L.end - L.begin > 1) ? (avail - nat) / double(L.end - L.begin - 1)
                                                   : fit_tracking(*text, L.begin, L.end, avail, track);
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
  // On the last page if it fits below the content, else on a page of its own; with
  // PageSetup::Imprint::even, moved on to the next even page (the back of the sheet).
  double used = 0;
  if (!pages_.empty() && !pages_.back().empty()) {
    auto& [idx, yy] = pages_.back().back();
    used = yy + (idx < kExtra ? items_[idx] : extra_[idx - kExtra]).height;
  }
  size_t body = doc_.pages.size();  // pages of the flow
  size_t target = (body == 0 || used + height > page_.text_height) ? body + 1 : body;  // 1-based
  if (page_.imprint == PageSetup::Imprint::even && target % 2 == 1) ++target;
  // GB/T 9704-2012 7.5: a blank page before the 版记 page leaves both unnumbered. A 版记 page
  // that directly follows text keeps its number.
  if (target > body + 1) unnumbered_from_ = body;
  while (doc_.pages.size() < target) {
    model::Page p;  // a blank page is a page with nothing on it
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
  for (size_t i = 0; i < doc_.pages.size() && i < unnumbered_from_; ++i) {
    std::string label = pn.format;
    if (auto at = label.find("{n}"); at != std::string::npos) label.replace(at, 3, std::to_string(i + 1));
    Span sp{*text::from_utf8(label), {}, {}, {}, {}};
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

}  // namespace gk::layout::detail
