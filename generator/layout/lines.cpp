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
    // of pushing one down.
    if (text::forbidden_at_line_start(g[i].c) && w + g[i].advance + tracking - avail <= g[i].size &&
        (i + 1 >= g.size() || can[i + 1])) {
      lines.push_back({start, i + 1, i + 1 >= g.size()});
      start = i + 1;
      continue;
    }
    // i is the first glyph that does not fit: break at the last opportunity at or before it.
    size_t brk = i;
    while (brk > start && !can[brk]) --brk;
    if (brk == start) brk = i;  // no opportunity at all: break where the line is full
    size_t end = brk;
    while (end > start && g[end - 1].c == ' ') --end;
    lines.push_back({start, end, false});
    start = brk;
  }
  if (!lines.empty()) lines.back().last = true;
  return lines;
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
