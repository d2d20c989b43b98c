#include "generator/layout/toc.h"

#include "generator/layout/lines.h"
#include "generator/text/utf.h"

namespace gk::layout {

Result<std::vector<TocLine>> toc_lines(const Toc& toc, const std::vector<TocEntry>& entries, double left, double width,
                                       double line_height, double tracking, const font::FontMap& fonts,
                                       model::Document& doc) {
  const ParaStyle& st = toc.style;
  double em = st.size + tracking, base = (line_height - st.size) / 2 + 0.86 * st.size;
  std::vector<TocLine> out;
  auto dot = shape({Span{U"·", {}, {}, {}, {}}}, st, fonts, doc);
  if (!dot) return dot.error();
  double dot_w = (*dot)[0].advance;
  for (auto& e : entries) {
    // A placeholder of two digits keeps pass 1 as wide as pass 2 for pages below 100.
    std::u32string num = e.page > 0 ? *text::from_utf8(std::to_string(e.page)) : U"00";
    auto title = shape({Span{e.title, {}, {}, {}, {}}}, st, fonts, doc);
    if (!title) return title.error();
    auto number = shape({Span{num, {}, {}, {}, {}}}, st, fonts, doc);
    if (!number) return number.error();
    double nw = natural_width(*number, 0, number->size(), 0);
    double indent = std::max(0, e.level - toc.from) * toc.indent * em;
    double avail = width - indent - nw - 3 * dot_w;
    auto lines = break_lines(*title, {avail}, tracking);
    for (size_t k = 0; k < lines.size(); ++k) {
      TocLine L;
      auto& b = lines[k];
      // A line with a squeezed-in mark is tightened to its width (lines.h), not run into the dots.
      double tr = fit_tracking(*title, b.begin, b.end, avail, tracking);
      emit_runs(*title, b.begin, b.end, left + indent, base, tr, L.runs);
      if (k + 1 == lines.size()) {
        double x = left + indent + std::min(natural_width(*title, b.begin, b.end, tracking), avail) + dot_w;
        double nx = left + width - nw;
        size_t dots = x < nx - dot_w ? static_cast<size_t>((nx - dot_w - x) / dot_w) : 0;
        if (dots > 0) {
          std::vector<Glyph> leader(dots, (*dot)[0]);
          emit_runs(leader, 0, dots, nx - dot_w / 2 - dots * dot_w, base, 0, L.runs);
        }
        emit_runs(*number, 0, number->size(), nx, base, 0, L.runs);
      }
      out.push_back(std::move(L));
    }
  }
  return out;
}

}  // namespace gk::layout
