#include "generator/layout/lines.h"

#include <algorithm>

#include "generator/text/linebreak.h"
#include "generator/text/utf.h"

namespace gk::layout {

std::string unknown_role_message(const std::string& role, const font::FontMap& fonts) {
  std::string names;
  for (auto& n : fonts.role_names()) names += (names.empty() ? "" : ", ") + n;
  return "unknown font role '" + role + "' (the font map " + fonts.path() + " defines: " + names + ")";
}

Result<std::vector<Glyph>> shape(const std::vector<Span>& spans, const ParaStyle& style, const font::FontMap& fonts,
                                 model::Document& doc) {
  std::vector<Glyph> out;
  const font::FontFace* last_face = nullptr;
  int last_index = -1;
  for (auto& sp : spans) {
    const std::string& role_name = sp.role.empty() ? style.role : sp.role;
    const font::Role* role = fonts.role(role_name);
    if (!role) {
      // Name the template line that chose the role, not the record line of the text.
      const SourceRef& where = sp.role.empty() ? style.role_src : sp.role_src;
      const SourceRef& at = where.file.empty() ? sp.src : where;
      return make_error(unknown_role_message(role_name, fonts), at.file, at.line);
    }
    model::Color color = sp.color ? *sp.color : style.color;
    for (char32_t c : sp.text) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      auto face = fonts.shared_face_for(*role, c);
      if (!face)
        return make_error("character " + text::describe_char(c) + " is in none of the configured fonts (role " +
                              role_name + ": " + fonts.describe_faces(*role) + ")",
                          sp.src.file, sp.src.line);
      if (face.get() != last_face) {
        last_face = face.get();
        last_index = doc.face_index(face);
      }
      out.push_back(Glyph{c, last_index, style.size, face->advance(c) * style.size, color,
                          role->embolden * style.size});
    }
  }
  return out;
}

double natural_width(const std::vector<Glyph>& g, size_t begin, size_t end, double tracking) {
  double w = 0;
  for (size_t i = begin; i < end; ++i) w += g[i].advance + tracking;
  return w;
}

namespace {

bool is_han(char32_t c) { return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF); }

// Digits (half- and full-width) and the decimal point inside a number (3.5万).
bool number_char(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９') || c == U'.'; }

// 挤进 closes a line's characters up by at most this much of an em each (1 em over 8 or more).
constexpr double kMaxSqueeze = 1.0 / 8;

// Width of the unbreakable run starting at `from` (up to the next break opportunity), trailing
// spaces not counted.
double run_width(const std::vector<Glyph>& g, const std::vector<bool>& can, size_t from, double tracking) {
  size_t to = from + 1;
  while (to < g.size() && !can[to]) ++to;
  while (to > from + 1 && g[to - 1].c == ' ') --to;
  return natural_width(g, from, to, tracking);
}

// Where to split inside an unbreakable run [from, ...) when glyph `full` no longer fits: there,
// or up to two glyphs earlier so that the next line does not start with a closing mark
// (example|.gov.cn) nor this one end with an opening one. At least one glyph stays after `from`.
size_t forced_break(const std::vector<Glyph>& g, size_t from, size_t full) {
  size_t b = full;
  for (int step = 0; step < 2 && b > from + 1; ++step) {
    if (!text::forbidden_at_line_start(g[b].c) && !text::forbidden_at_line_end(g[b - 1].c)) break;
    --b;
  }
  if (text::forbidden_at_line_start(g[b].c) || text::forbidden_at_line_end(g[b - 1].c)) b = full;
  return b;
}

}  // namespace

std::vector<BrokenLine> break_lines(const std::vector<Glyph>& g, const std::vector<double>& widths, double tracking) {
  std::vector<BrokenLine> lines;
  if (g.empty()) return lines;
  std::u32string text;
  text.reserve(g.size());
  for (auto& x : g) text.push_back(x.c);
  std::vector<bool> can = text::line_break_opportunities(text);
  size_t start = 0;
  while (start < g.size()) {
    // Spaces at a line start are dropped (Latin word spaces only; CJK has none).
    while (start < g.size() && g[start].c == ' ') ++start;
    if (start >= g.size()) break;
    double avail = widths[std::min(lines.size(), widths.size() - 1)] + 0.01;
    double w = 0;
    size_t i = start;
    while (i < g.size()) {
      double next = w + g[i].advance + tracking;
      if (next > avail && i > start) break;
      w = next;
      ++i;
    }
    if (i >= g.size()) {
      lines.push_back({start, g.size(), true});
      break;
    }
    // 挤进: a closing mark that may not start the next line is squeezed into this one (the
    // layout tightens the line's tracking to fit), so the line keeps its 28 characters instead
    // of pushing one down. Only while the characters close up by at most kMaxSqueeze of an em
    // each: in a narrow table cell they would overlap, so a character goes down with the mark.
    double over = w + g[i].advance + tracking - avail;
    if (text::forbidden_at_line_start(g[i].c) && over <= g[i].size &&
        over <= kMaxSqueeze * g[i].size * static_cast<double>(i - start) && (i + 1 >= g.size() || can[i + 1])) {
      lines.push_back({start, i + 1, i + 1 >= g.size()});
      start = i + 1;
      continue;
    }
    // i is the first glyph that does not fit: break at the last opportunity at or before it.
    size_t brk = i;
    while (brk > start && !can[brk]) --brk;
    if (brk == start) {
      brk = forced_break(g, start, i);  // no opportunity at all: break where the line is full
    } else if (brk < i && run_width(g, can, brk, tracking) > widths[std::min(lines.size() + 1, widths.size() - 1)] + 0.01) {
      // The run from the last opportunity (an e-mail address, a digest) is longer than the next
      // line: it is split anyway, so it starts here instead of leaving this line half empty and
      // stretched by justification.
      brk = forced_break(g, brk, i);
    } else if (is_han(g[brk].c) && number_char(g[brk - 1].c)) {
      // A number stays with the Han unit after it (7|月31日, 12|号): the break moves before the
      // number when that leaves something on the line.
      size_t b = brk;
      while (b > start && number_char(g[b - 1].c)) --b;
      if (b > start && can[b]) brk = b;
    }
    size_t end = brk;
    while (end > start && g[end - 1].c == ' ') --end;
    lines.push_back({start, end, false});
    start = brk;
  }
  if (!lines.empty()) lines.back().last = true;
  return lines;
}

namespace {

// Where a title may break: a line may end there (UAX #14, 避头尾) and a word ends there. ICU's
// dictionary splits names it does not know into single characters (青/川/市, 扶/贫), so a
// boundary between two one-character Han words is not trusted; nor one between a number and
// the Han unit after it (2022|年度, 12|号).
std::vector<bool> title_breaks(const std::u32string& t) {
  auto can = text::line_break_opportunities(t);
  auto word = text::word_boundaries(t);
  std::vector<size_t> starts{0};
  for (size_t i = 1; i < t.size(); ++i)
    if (word[i]) starts.push_back(i);
  starts.push_back(t.size());
  std::vector<bool> ok(t.size(), false);
  for (size_t k = 1; k + 1 < starts.size(); ++k) {
    size_t i = starts[k];
    bool single_before = starts[k] - starts[k - 1] == 1 && is_han(t[i - 1]);
    bool single_after = starts[k + 1] - starts[k] == 1 && is_han(t[i]);
    bool number_unit = t[i - 1] >= U'0' && t[i - 1] <= U'9' && is_han(t[i]);
    ok[i] = can[i] && t[i] != U' ' && !(single_before && single_after) && !number_unit;
  }
  return ok;
}

struct TitlePlan {
  double cost = 1e300;         // the longest line's width
  std::vector<size_t> starts;  // candidate indices where lines 2..k start
};

}  // namespace

std::vector<BrokenLine> break_title(const std::vector<Glyph>& g, double width, double tracking) {
  const size_t n = g.size();
  if (n == 0) return {};
  std::u32string text;
  for (auto& x : g) text.push_back(x.c);
  auto ok = title_breaks(text);
  std::vector<size_t> at{0};  // candidate line starts, then the end
  for (size_t i = 1; i < n; ++i)
    if (ok[i]) at.push_back(i);
  at.push_back(n);
  const size_t m = at.size();
  std::vector<double> x(n + 1, 0);  // x[i]: width of glyphs [0, i)
  for (size_t i = 0; i < n; ++i) x[i + 1] = x[i] + g[i].advance + tracking;
  const double limit = width + 0.01, inf = 1e300;
  auto line = [&](size_t a, size_t b) {  // the line [at[a], at[b]), trailing spaces not counted
    size_t e = at[b];
    while (e > at[a] && g[e - 1].c == ' ') --e;
    return x[e] - x[at[a]];
  };
  // The best way to set candidates [lo, hi) as k lines: the longest line as short as possible,
  // each line as long as that allows (a longer first line on ties).
  auto plan = [&](size_t lo, size_t hi, size_t k) {
    std::vector<std::vector<double>> best(k + 1, std::vector<double>(m, inf));  // best[j][a]: [a, hi) in j lines
    best[0][hi] = 0;
    for (size_t j = 1; j <= k; ++j)
      for (size_t a = lo; a < hi; ++a)
        for (size_t b = a + 1; b <= hi && line(a, b) <= limit; ++b)
          if (best[j - 1][b] < inf) best[j][a] = std::min(best[j][a], std::max(line(a, b), best[j - 1][b]));
    TitlePlan p;
    p.cost = best[k][lo];
    if (p.cost >= inf) return p;
    for (size_t a = lo, j = k; j > 1; --j) {
      size_t pick = a + 1;
      for (size_t b = a + 1; b < hi && line(a, b) <= limit; ++b)
        if (best[j - 1][b] < inf && std::max(line(a, b), best[j - 1][b]) <= p.cost + 1e-6) pick = b;
      p.starts.push_back(pick);
      a = pick;
    }
    return p;
  };
  size_t k = 1;
  TitlePlan best;
  for (; k < m; ++k)
    if ((best = plan(0, m - 1, k)).cost < inf) break;
  if (best.cost >= inf) return {};  // a word longer than the line
  // 发文机关 | 关于 | 事由: a break right after 关于 wins if its longest line is at most 4
  // characters longer than the most even setting.
  const double em = g[0].size + tracking;
  for (size_t f = 1; f + 1 < m; ++f) {
    if (at[f] < 2 || text[at[f] - 2] != U'关' || text[at[f] - 1] != U'于') continue;
    for (size_t k1 = 1; k1 < k; ++k1) {
      auto head = plan(0, f, k1), tail = plan(f, m - 1, k - k1);
      double cost = std::max(head.cost, tail.cost);
      if (cost >= inf || cost - 4 * em > best.cost) continue;
      best.cost = cost - 4 * em;
      best.starts = head.starts;
      best.starts.push_back(f);
      best.starts.insert(best.starts.end(), tail.starts.begin(), tail.starts.end());
    }
  }
  std::vector<BrokenLine> out;
  size_t a = 0;
  best.starts.push_back(m - 1);
  for (size_t s : best.starts) {
    size_t e = at[s];
    while (e > at[a] && g[e - 1].c == ' ') --e;
    out.push_back({at[a], e, s == m - 1});
    a = s;
  }
  return out;
}

double fit_tracking(const std::vector<Glyph>& g, size_t begin, size_t end, double width, double tracking) {
  double nat = natural_width(g, begin, end, tracking);
  if (nat <= width || end - begin < 2) return tracking;
  return tracking + (width - nat) / static_cast<double>(end - begin - 1);
}

void emit_runs(const std::vector<Glyph>& g, size_t begin, size_t end, double x, double baseline, double tracking,
               std::vector<model::TextRun>& out) {
  size_t i = begin;
  while (i < end) {
    model::TextRun r;
    r.x = x;
    r.y = baseline;
    r.face = g[i].face;
    r.size = g[i].size;
    r.color = g[i].color;
    r.stroke = g[i].stroke;
    r.char_spacing = tracking;
    while (i < end && g[i].face == r.face && g[i].size == r.size && g[i].color == r.color && g[i].stroke == r.stroke) {
      r.text.push_back(g[i].c);
      x += g[i].advance + tracking;
      ++i;
    }
    out.push_back(std::move(r));
  }
}

}  // namespace gk::layout
