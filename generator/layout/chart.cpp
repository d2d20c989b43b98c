#include "generator/layout/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "generator/layout/lines.h"
#include "generator/text/utf.h"

namespace gk::layout {
namespace {

constexpr double kAscent = 0.86;
// Ten hues that stay apart in print and for most colour-blind readers (Tableau 10). A chart of
// more series draws the next ten hollow: the report's chart has a series per 主题分类, and six
// hues made two pairs of its eight series identical.
const model::Color kPalette[] = {{0.306, 0.475, 0.655}, {0.949, 0.557, 0.169}, {0.882, 0.341, 0.349},
                                 {0.463, 0.718, 0.698}, {0.349, 0.631, 0.310}, {0.929, 0.788, 0.282},
                                 {0.690, 0.478, 0.631}, {1.000, 0.616, 0.655}, {0.612, 0.459, 0.373},
                                 {0.729, 0.690, 0.675}};
constexpr size_t kHues = sizeof kPalette / sizeof kPalette[0];

// A mark (bar, point, legend swatch) of series s: filled in its colour, or hollow after kHues.
model::Rect mark(const Chart& c, size_t s, double x, double y, double w, double h) {
  model::Color col = c.series[s].color ? *c.series[s].color : kPalette[s % kHues];
  bool hollow = !c.series[s].color && s / kHues % 2 == 1;
  return {x, y, w, h, !hollow, hollow, col, col, hollow ? 1.0 : 0};
}
const model::Color kGrid{0.82, 0.82, 0.82};

struct Text {
  std::vector<Glyph> glyphs;
  double width = 0;
};

Result<Text> shaped(const std::u32string& s, const ParaStyle& st, const font::FontMap& fonts, model::Document& doc,
                    const SourceRef& src) {
  auto g = shape({Span{s, {}, {}, src, {}}}, st, fonts, doc);
  if (!g) return g.error();
  Text t{std::move(*g), 0};
  t.width = natural_width(t.glyphs, 0, t.glyphs.size(), 0);
  return t;
}

void put(const Text& t, double x, double top, double size, ChartDrawing& out) {
  emit_runs(t.glyphs, 0, t.glyphs.size(), x, top + kAscent * size, 0, out.runs);
}

std::u32string number(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return *text::from_utf8(buf);
}

}  // namespace

double nice_step(double max) {
  if (max <= 0) return 1;
  double raw = max / 6, mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return std::max(1.0, m * mag);  // counts: never a fractional step
  return 10 * mag;
}

Status draw_chart(const Chart& c, double left, double width, const font::FontMap& fonts, model::Document& doc,
                  ChartDrawing& out) {
  const SourceRef& src = c.src;
  size_t n = c.categories.size();
  if (n == 0) return make_error("a chart needs at least one category", src.file, src.line);
  double vmax = 0;
  for (auto& s : c.series) {
    if (s.values.size() != n)
      return make_error("chart series '" + text::to_utf8(s.name) + "' has " + std::to_string(s.values.size()) +
                            " values for " + std::to_string(n) + " categories", src.file, src.line);
    for (double v : s.values) {
      if (!(v >= 0)) return make_error("chart values must be numbers >= 0", src.file, src.line);
      vmax = std::max(vmax, v);
    }
  }
  ParaStyle st = c.style;
  double fs = st.size, h = c.height;
  double top = 0, bottom = h;
  if (!c.title.empty()) {
    ParaStyle ts = st;
    ts.size = fs * 1.15;
    auto t = shaped(c.title, ts, fonts, doc, src);
    if (!t) return t.error();
    put(*t, left + (width - t->width) / 2, 0, ts.size, out);
    top = ts.size * 1.8;
  }
  // Legend: one row of swatches and names, centred at the bottom.
  std::vector<Text> names;
  double legend_w = 0;
  for (auto& s : c.series) {
    auto t = shaped(s.name, st, fonts, doc, src);
    if (!t) return t.error();
    legend_w += fs + 4 + t->width + fs;
    names.push_back(std::move(*t));
  }
  if (!names.empty()) {
    bottom -= fs * 1.6;
    double x = left + std::max(0.0, (width - legend_w + fs) / 2);
    for (size_t i = 0; i < names.size(); ++i) {
      out.rects.push_back(mark(c, i, x, bottom + fs * 0.45, fs * 0.8, fs * 0.8));
      put(names[i], x + fs + 4, bottom + fs * 0.35, fs, out);
      x += fs + 4 + names[i].width + fs;
    }
  }
  // Value axis.
  double step = nice_step(vmax), vtop = std::max(step, std::ceil(vmax / step) * step);
  std::vector<Text> ticks;
  double tick_w = 0;
  for (double v = 0; v <= vtop + 1e-9; v += step) {
    auto t = shaped(number(v), st, fonts, doc, src);
    if (!t) return t.error();
    tick_w = std::max(tick_w, t->width);
    ticks.push_back(std::move(*t));
  }
  // Category labels: shrink the size until the widest fits its slot.
  double plot_l = left + tick_w + 6, plot_r = left + width - 4;
  double slot = (plot_r - plot_l) / n, cs = fs;
  std::vector<Text> labels;
  double widest = 0;
  for (auto& cat : c.categories) {
    auto t = shaped(cat, st, fonts, doc, src);
    if (!t) return t.error();
    widest = std::max(widest, t->width);
    labels.push_back(std::move(*t));
  }
  if (widest > slot * 0.95) cs = std::max(5.0, fs * slot * 0.95 / widest);
  double plot_b = bottom - cs * 1.6, plot_t = top + fs * 0.6;
  if (plot_b - plot_t < 2 * fs) return make_error("the chart is too small for its labels", src.file, src.line);
  auto ypos = [&](double v) { return plot_b - (plot_b - plot_t) * v / vtop; };
  for (size_t k = 0; k < ticks.size(); ++k) {
    double y = ypos(k * step);
    if (k > 0) out.lines.push_back({plot_l, y, plot_r, y, 0.4, kGrid});
    put(ticks[k], plot_l - 4 - ticks[k].width, y - fs / 2, fs, out);
  }
  out.lines.push_back({plot_l, plot_t, plot_l, plot_b, 0.8, model::kBlack});
  out.lines.push_back({plot_l, plot_b, plot_r, plot_b, 0.8, model::kBlack});
  for (size_t i = 0; i < n; ++i) {
    double k = cs / fs;
    for (auto& g : labels[i].glyphs) g.size *= k, g.advance *= k, g.stroke *= k;
    double x = plot_l + slot * (i + 0.5) - labels[i].width * k / 2;
    put(labels[i], x, plot_b + cs * 0.3, cs, out);
    out.lines.push_back({plot_l + slot * (i + 1), plot_b, plot_l + slot * (i + 1), plot_b + 3, 0.6, model::kBlack});
  }
  // Data.
  size_t ns = c.series.size();
  for (size_t s = 0; s < ns; ++s) {
    model::Color col = c.series[s].color ? *c.series[s].color : kPalette[s % kHues];
    for (size_t i = 0; i < n; ++i) {
      double v = c.series[s].values[i], y = ypos(v);
      if (!c.line) {
        double bw = slot * 0.7 / ns, x = plot_l + slot * i + slot * 0.15 + bw * s;
        if (v > 0) out.rects.push_back(mark(c, s, x, y, bw, plot_b - y));
      } else {
        double x = plot_l + slot * (i + 0.5);
        if (i > 0) {
          double px = plot_l + slot * (i - 0.5), py = ypos(c.series[s].values[i - 1]);
          out.lines.push_back({px, py, x, y, 1.4, col});
        }
        out.rects.push_back(mark(c, s, x - 2, y - 2, 4, 4));
      }
    }
  }
  return {};
}

}  // namespace gk::layout
