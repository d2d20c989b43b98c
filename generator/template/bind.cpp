// Template::bind: walks the template's <body> with a record as XPath context and produces the
// bound document (layout/blocks.h).
#include <charconv>
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "common/files.h"
#include "generator/template/format.h"
#include "generator/template/template.h"
#include "generator/text/reading.h"
#include "generator/text/utf.h"

namespace gk::tmpl {
namespace {

using namespace layout;
constexpr int kMaxDepth = 64;

void append_text(const pugi::xml_node& n, std::string& out) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    else if (c.type() == pugi::node_element) append_text(c, out);
  }
}

// XPath string-value of a node or attribute.
std::string string_value(const pugi::xpath_node& x) {
  if (x.attribute()) return x.attribute().value();
  std::string s;
  if (x.node().type() == pugi::node_pcdata || x.node().type() == pugi::node_cdata) return x.node().value();
  append_text(x.node(), s);
  return s;
}


class Binder {
 public:
  Binder(const Template& t, const RecordSource& r) : t_(t), r_(r) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < r.text.size(); ++i)
      if (r.text[i] == '\n') line_starts_.push_back(i + 1);
  }

  Result<BoundDocument> run() {
    BoundDocument doc;
    doc.page = t_.page();
    doc.page_number = t_.page_number();
    // <template requires="notice">: a record without what the template lays out (a record of
    // catalogue metadata only, given to the notice template) is an error, not an empty notice.
    auto root = t_.root();
    if (auto req = root.attribute("requires")) {
      auto b = eval_bool(root, "requires", r_.root);
      if (!b) return b.error();
      if (!*b)
        return make_error(std::string("nothing to render: the template requires ") + req.value() +
                              ", which this document does not have (" + t_.path() + ":" +
                              std::to_string(t_.line_of(root)) + "; a record of catalogue metadata only has no notice)",
                          r_.path);
    }
    if (auto s = bind_info(doc.info); !s) return s.error();
    if (auto s = flow(t_.body(), r_.root, doc.blocks, 0); !s) return s.error();
    return doc;
  }

 private:
  mutable bool separators_ = false;  // binding a 署名 or joint mark: white space between 机关 is kept (text::as_read)
  Error terr(const pugi::xml_node& n, const std::string& m) const { return make_error(m, t_.path(), t_.line_of(n)); }

  SourceRef record_ref(const pugi::xml_node& n) const {
    ptrdiff_t off = n.offset_debug();
    if (off < 0) return {r_.path, 0};
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<size_t>(off));
    return {r_.path, static_cast<int>(it - line_starts_.begin())};
  }
  SourceRef template_ref(const pugi::xml_node& n) const { return {t_.path(), t_.line_of(n)}; }

  Result<std::string> eval_string(const std::string& expr, const pugi::xml_node& ctx, const pugi::xml_node& where) const {
    const pugi::xpath_query* q = t_.query(expr);
    if (!q) return terr(where, "internal: uncompiled XPath '" + expr + "'");
    try {
      return q->evaluate_string(pugi::xpath_node(ctx));
    } catch (const std::exception& e) {
      return terr(where, "XPath '" + expr + "': " + e.what());
    }
  }

  Result<bool> eval_bool(const pugi::xml_node& where, const char* attr, const pugi::xml_node& ctx) const {
    std::string expr = where.attribute(attr).value();
    if (expr.empty()) return terr(where, std::string("<") + where.name() + "> needs " + attr + "=");
    try {
      return t_.query(expr)->evaluate_boolean(pugi::xpath_node(ctx));
    } catch (const std::exception& e) {
      return terr(where, "XPath '" + expr + "': " + e.what());
    }
  }

  Result<pugi::xpath_node_set> eval_nodes(const pugi::xml_node& where, const char* attr, const pugi::xml_node& ctx) const {
    std::string expr = where.attribute(attr).value();
    if (expr.empty()) return terr(where, std::string("<") + where.name() + "> needs " + attr + "=");
    const pugi::xpath_query* q = t_.query(expr);
    if (!q) return terr(where, "internal: uncompiled XPath '" + expr + "'");
    if (q->return_type() != pugi::xpath_type_node_set)
      return terr(where, std::string(attr) + "='" + expr + "' does not select nodes");
    try {
      auto set = q->evaluate_node_set(pugi::xpath_node(ctx));
      set.sort();
      return set;
    } catch (const std::exception& e) {
      return terr(where, "XPath '" + expr + "': " + e.what());
    }
  }

  // An attribute value with {xpath} parts evaluated.
  Result<std::string> avt(const pugi::xml_node& n, const char* attr, const pugi::xml_node& ctx) const {
    auto parts = split_avt(n.attribute(attr).value());
    if (!parts) return terr(n, parts.error().message);
    std::string out;
    for (auto& p : *parts) {
      if (!p.expr) {
        out += p.text;
        continue;
      }
      auto v = eval_string(p.text, ctx, n);
      if (!v) return v.error();
      out += *v;
    }
    return out;
  }

  Status apply_style_attrs(const pugi::xml_node& n, const pugi::xml_node& ctx, ParaStyle& st) const {
    if (auto a = n.attribute("style")) {
      auto name = avt(n, "style", ctx);
      if (!name) return name.error();
      const ParaStyle* base = t_.style(*name);
      if (!base) return terr(n, "unknown style '" + *name + "'");
      st = *base;
    }
    for (auto a : n.attributes()) {
      std::string an = a.name();
      if (an == "style" || an == "select" || an == "test") continue;
      auto v = avt(n, a.name(), ctx);
      if (!v) return v.error();
      auto length = [&](double em) -> Result<double> {
        auto x = parse_length(*v, em);
        if (!x) return terr(n, "attribute " + an + ": " + x.error().message);
        return x;
      };
      if (an == "role") st.role = *v, st.role_src = template_ref(n);
      else if (an == "size") { auto x = length(16); if (!x) return x.error(); st.size = *x; }
      else if (an == "color") { auto c = parse_color(*v); if (!c) return terr(n, c.error().message); st.color = *c; }
      else if (an == "align") {
        if (*v == "justify") st.align = Align::justify;
        else if (*v == "left") st.align = Align::left;
        else if (*v == "center") st.align = Align::center;
        else if (*v == "right") st.align = Align::right;
        else return terr(n, "align must be justify, left, center or right, not '" + *v + "'");
      } else if (an == "first-indent") st.first_indent = std::atof(v->c_str());
      else if (an == "indent") st.indent = std::atof(v->c_str());
      else if (an == "right-indent") st.right_indent = std::atof(v->c_str());
      else if (an == "line-height") { auto x = length(st.size); if (!x) return x.error(); st.line_height = *x; }
      else if (an == "space-before") { auto x = length(st.size); if (!x) return x.error(); st.space_before = *x; }
      else if (an == "space-after") { auto x = length(st.size); if (!x) return x.error(); st.space_after = *x; }
      else if (an == "top") { auto x = length(st.size); if (!x) return x.error(); st.top = *x; }
      else if (an == "keep-with-next") st.keep_with_next = *v == "true";
      else if (an == "keep-with-previous") st.keep_with_previous = *v == "true";
      else if (an == "fit") st.fit_width = *v == "shrink";
      else if (an == "fit-min") {
        auto x = length(st.size);
        if (!x) return x.error();
        if (*x <= 0 || *x > 300) return terr(n, "attribute fit-min: must be above 0 and at most 300pt, not '" + *v + "'");
        st.fit_min = *x;
      }
      else if (an == "wrap") {
        if (*v != "words" && *v != "normal") return terr(n, "wrap must be words or normal, not '" + *v + "'");
        st.word_wrap = *v == "words";
      }
      else if (an == "bookmark") st.bookmark = std::atoi(v->c_str());
      else if (an == "joint") {
        if (*v != "stack" && *v != "none") return terr(n, "joint must be stack or none, not '" + *v + "'");
        st.joint_stack = *v == "stack";
      }
      else if (std::string(n.name()) == "para" || std::string(n.name()) == "signature" || std::string(n.name()) == "imprint")
        return terr(n, "unknown attribute '" + an + "' on <" + n.name() + ">");
    }
    return {};
  }

  // <value of= format= join= default=>
  Status value(const pugi::xml_node& n, const pugi::xml_node& ctx, std::vector<Span>& out) const {
    std::string expr = n.attribute("of").value();
    if (expr.empty()) return terr(n, "<value> needs of=");
    const pugi::xpath_query* q = t_.query(expr);
    std::string text;
    SourceRef src = template_ref(n);
    try {
      if (q->return_type() == pugi::xpath_type_node_set) {
        auto set = q->evaluate_node_set(pugi::xpath_node(ctx));
        set.sort();
        if (!set.empty()) {
          auto first = set.first();
          src = record_ref(first.node() ? first.node() : first.parent());
          if (auto j = n.attribute("join")) {
            for (size_t i = 0; i < set.size(); ++i) {
              if (i) text += j.value();
              text += text::to_utf8(text::as_read(*text::from_utf8(string_value(set[i])), true));
            }
          } else {
            text = string_value(first);
          }
        }
      } else {
        text = q->evaluate_string(pugi::xpath_node(ctx));
      }
    } catch (const std::exception& e) {
      return terr(n, "XPath '" + expr + "': " + e.what());
    }
    auto u = text::from_utf8(text);
    if (!u) return make_error("text is not valid UTF-8", src.file, src.line);
    std::u32string norm = text::as_read(*u, true, separators_);
    if (norm.empty()) norm = *text::from_utf8(n.attribute("default").value());
    if (n.attribute("format") && !norm.empty()) {
      auto fmt = avt(n, "format", ctx);
      if (!fmt) return fmt.error();
      auto r = format::apply(*fmt, text::to_utf8(norm));
      if (!r) return make_error(r.error().message, src.file, src.line);
      norm = *text::from_utf8(*r);
    }
    if (!norm.empty()) out.push_back(Span{norm, {}, {}, src, {}});
    return {};
  }

  Status inline_content(const pugi::xml_node& parent, const pugi::xml_node& ctx, std::vector<Span>& out, int depth) const {
    if (depth > kMaxDepth) return terr(parent, "templates nest deeper than 64 levels (recursive <call>?)");
    for (auto c : parent.children()) {
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
        auto u = text::as_read(*text::from_utf8(c.value()), true);  // white space alone reads as nothing
        if (!u.empty()) out.push_back(Span{std::move(u), {}, {}, template_ref(parent), {}});
        continue;
      }
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      if (name == "value") {
        if (auto s = value(c, ctx, out); !s) return s;
      } else if (name == "span") {
        size_t first = out.size();
        if (auto s = inline_content(c, ctx, out, depth + 1); !s) return s;
        auto role = avt(c, "role", ctx);
        if (!role) return role.error();
        std::optional<model::Color> color;
        if (c.attribute("color")) {
          auto cv = avt(c, "color", ctx);
          if (!cv) return cv.error();
          auto col = parse_color(*cv);
          if (!col) return terr(c, col.error().message);
          color = *col;
        }
        for (size_t i = first; i < out.size(); ++i) {
          if (!role->empty()) out[i].role = *role, out[i].role_src = template_ref(c);
          if (color) out[i].color = color;
        }
      } else if (name == "if") {
        auto b = eval_bool(c, "test", ctx);
        if (!b) return b.error();
        if (*b)
          if (auto s = inline_content(c, ctx, out, depth + 1); !s) return s;
      } else if (name == "choose") {
        if (auto s = choose(c, ctx, [&](const pugi::xml_node& w) { return inline_content(w, ctx, out, depth + 1); }); !s)
          return s;
      } else if (name == "for-each") {
        auto set = eval_nodes(c, "select", ctx);
        if (!set) return set.error();
        for (auto& x : *set)
          if (auto s = inline_content(c, x.node(), out, depth + 1); !s) return s;
      } else {
        return terr(c, "<" + name + "> is not allowed inside text (allowed: value, span, if, choose, for-each)");
      }
    }
    return {};
  }

  template <class F>
  Status choose(const pugi::xml_node& n, const pugi::xml_node& ctx, F&& body) const {
    for (auto w : n.children()) {
      if (w.type() != pugi::node_element) continue;
      std::string wn = w.name();
      if (wn == "when") {
        auto b = eval_bool(w, "test", ctx);
        if (!b) return b.error();
        if (*b) return body(w);
      } else if (wn == "otherwise") {
        return body(w);
      } else {
        return terr(w, "<choose> may contain only <when> and <otherwise>, not <" + wn + ">");
      }
    }
    return {};
  }

  Status span_child(const pugi::xml_node& n, const char* child, const pugi::xml_node& ctx, Span& out, int depth) const {
    auto c = n.child(child);
    if (!c) return {};
    std::vector<Span> spans;
    if (auto s = inline_content(c, ctx, spans, depth + 1); !s) return s;
    for (auto& sp : spans) {
      if (out.text.empty()) out.src = sp.src;
      out.text += sp.text;
    }
    return {};
  }

  Status table(const pugi::xml_node& n, const pugi::xml_node& ctx, std::vector<Block>& out, int depth) const {
    Table t;
    t.src = template_ref(n);
    const ParaStyle* cell = t_.style(n.attribute("style").as_string("table"));
    t.style = cell ? *cell : ParaStyle{};
    t.style.first_indent = t.style.indent = 0;
    auto cols = avt(n, "columns", ctx);
    if (!cols) return cols.error();
    if (n.attribute("column-widths")) {  // an expression selecting the widths
      auto set = eval_nodes(n, "column-widths", ctx);
      if (!set) return set.error();
      for (auto& x : *set) *cols += " " + string_value(x);
    }
    for (size_t p = 0; p < cols->size();) {
      size_t q = cols->find(' ', p);
      std::string w = cols->substr(p, q == std::string::npos ? std::string::npos : q - p);
      if (!w.empty()) {
        if (auto x = column_width(w, t); !x) return terr(n, "column width: " + x.error().message);
        else t.columns.push_back(*x);
      }
      if (q == std::string::npos) break;
      p = q + 1;
    }
    std::function<Status(const pugi::xml_node&, const pugi::xml_node&, int)> rows =
        [&](const pugi::xml_node& parent, const pugi::xml_node& c, int d) -> Status {
      for (auto r : parent.children()) {
        if (r.type() != pugi::node_element) continue;
        std::string rn = r.name();
        if (rn == "for-each") {
          auto set = eval_nodes(r, "select", c);
          if (!set) return set.error();
          for (auto& x : *set)
            if (auto s = rows(r, x.node(), d + 1); !s) return s;
        } else if (rn == "if") {
          auto b = eval_bool(r, "test", c);
          if (!b) return b.error();
          if (*b)
            if (auto s = rows(r, c, d + 1); !s) return s;
        } else if (rn == "row") {
          TableRow row;
          row.header = std::string(r.attribute("header").value()) == "true";
          row.keep_with_next = std::string(r.attribute("keep-with-next").value()) == "true";
          std::function<Status(const pugi::xml_node&, const pugi::xml_node&)> cells =
              [&](const pugi::xml_node& rp, const pugi::xml_node& cc) -> Status {
            for (auto x : rp.children()) {
              if (x.type() != pugi::node_element) continue;
              std::string xn = x.name();
              if (xn == "for-each") {
                auto set = eval_nodes(x, "select", cc);
                if (!set) return set.error();
                for (auto& y : *set)
                  if (auto s = cells(x, y.node()); !s) return s;
              } else if (xn == "cell") {
                TableCell tc;
                auto cs = avt(x, "colspan", cc), rs = avt(x, "rowspan", cc), al = avt(x, "align", cc);
                if (!cs || !rs || !al) return terr(x, "bad cell attribute");
                // Spans as in the record schema: 1 to 100 (an unbounded one makes layout allocate
                // without limit).
                auto span = [&](const std::string& v, const char* attr, int& out) -> Status {
                  if (v.empty()) return out = 1, Status{};
                  int n = 0;
                  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                  if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 100)
                    return terr(x, std::string(attr) + " '" + v + "' is not a whole number from 1 to 100");
                  out = n;
                  return {};
                };
                if (auto s = span(*cs, "colspan", tc.colspan); !s) return s;
                if (auto s = span(*rs, "rowspan", tc.rowspan); !s) return s;
                if (*al == "left") tc.align = Align::left;
                else if (*al == "right") tc.align = Align::right;
                else if (*al == "numeric") tc.align = Align::right, tc.numeric = true;
                if (auto s = inline_content(x, cc, tc.spans, d + 1); !s) return s;
                row.cells.push_back(std::move(tc));
              } else {
                return terr(x, "<row> may contain <cell> and <for-each>, not <" + xn + ">");
              }
            }
            return {};
          };
          if (auto s = cells(r, c); !s) return s;
          t.rows.push_back(std::move(row));
        } else {
          return terr(r, "<table> may contain <row>, <for-each> and <if>, not <" + rn + ">");
        }
      }
      return {};
    };
    if (auto s = rows(n, ctx, depth + 1); !s) return s;
    if (!t.rows.empty()) out.push_back(std::move(t));
    return {};
  }

  // report_blocks.inc: <toc>, <image>, <chart>; and widths with a unit ("30mm": absolute).
  Status report_block(const pugi::xml_node& n, const pugi::xml_node& ctx, std::vector<Block>& out) const;
  Status chart_data(const pugi::xml_node& n, const pugi::xml_node& ctx, Chart& c, int depth) const;
  static Result<double> column_width(const std::string& w, Table& t);

  Status flow(const pugi::xml_node& parent, const pugi::xml_node& ctx, std::vector<Block>& out, int depth) const {
    if (depth > kMaxDepth) return terr(parent, "templates nest deeper than 64 levels (recursive <call>?)");
    for (auto c : parent.children()) {
      if (c.type() == pugi::node_pcdata) {
        auto u = text::as_read(*text::from_utf8(c.value()), true);
        if (!u.empty()) return terr(parent, "text must be inside <para>: '" + text::to_utf8(u.substr(0, 20)) + "'");
        continue;
      }
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      if (name == "para") {
        Para p;
        p.style = *t_.style("body");
        if (auto s = apply_style_attrs(c, ctx, p.style); !s) return s;
        separators_ = p.style.joint_stack;  // the spaces between 机关 are kept (text::as_read)
        auto bound = inline_content(c, ctx, p.spans, depth + 1);
        separators_ = false;
        if (!bound) return bound;
        if (!p.spans.empty()) out.push_back(std::move(p));
      } else if (name == "space") {
        double h = 0;
        if (auto a = c.attribute("lines")) h = a.as_double() * t_.page().pitch();
        if (auto a = c.attribute("height")) {
          auto x = parse_length(a.value());
          if (!x) return terr(c, x.error().message);
          h = *x;
        }
        out.push_back(Space{h});
      } else if (name == "rule") {
        Rule r;
        for (auto [attr, field] : {std::pair{"width", &r.width}, {"space-before", &r.space_before}, {"space-after", &r.space_after}}) {
          if (auto a = c.attribute(attr)) {
            auto x = parse_length(a.value());
            if (!x) return terr(c, x.error().message);
            *field = *x;
          }
        }
        if (auto a = c.attribute("color")) {
          auto col = parse_color(a.value());
          if (!col) return terr(c, col.error().message);
          r.color = *col;
        }
        out.push_back(r);
      } else if (name == "page-break") {
        out.push_back(PageBreak{});
      } else if (name == "signature") {
        Signature s;
        s.style = *t_.style("body");
        if (auto st = apply_style_attrs(c, ctx, s.style); !st) return st;
        separators_ = true;
        auto named = span_child(c, "name", ctx, s.name, depth);
        separators_ = false;
        if (!named) return named;
        if (auto st = span_child(c, "date", ctx, s.date, depth); !st) return st;
        out.push_back(std::move(s));
      } else if (name == "imprint") {
        Imprint im;
        im.style = *t_.style("body");
        if (auto st = apply_style_attrs(c, ctx, im.style); !st) return st;
        std::function<Status(const pugi::xml_node&, const pugi::xml_node&)> entries =
            [&](const pugi::xml_node& p, const pugi::xml_node& cc) -> Status {
          for (auto e : p.children()) {
            if (e.type() != pugi::node_element) continue;
            std::string en = e.name();
            if (en == "if") {
              auto b = eval_bool(e, "test", cc);
              if (!b) return b.error();
              if (*b)
                if (auto s = entries(e, cc); !s) return s;
            } else if (en == "entry") {
              ImprintEntry ie;
              if (auto s = span_child(e, "label", cc, ie.label, depth); !s) return s;
              if (auto s = span_child(e, "text", cc, ie.text, depth); !s) return s;
              if (auto s = span_child(e, "right", cc, ie.right, depth); !s) return s;
              im.entries.push_back(std::move(ie));
            } else {
              return terr(e, "<imprint> may contain <entry> and <if>, not <" + en + ">");
            }
          }
          return {};
        };
        if (auto st = entries(c, ctx); !st) return st;
        if (!im.entries.empty()) out.push_back(std::move(im));
      } else if (name == "table") {
        if (auto s = table(c, ctx, out, depth); !s) return s;
      } else if (name == "toc" || name == "image" || name == "chart") {
        if (auto s = report_block(c, ctx, out); !s) return s;
      } else if (name == "for-each") {
        auto set = eval_nodes(c, "select", ctx);
        if (!set) return set.error();
        for (auto& x : *set)
          if (auto s = flow(c, x.node(), out, depth + 1); !s) return s;
      } else if (name == "if") {
        auto b = eval_bool(c, "test", ctx);
        if (!b) return b.error();
        if (*b)
          if (auto s = flow(c, ctx, out, depth + 1); !s) return s;
      } else if (name == "choose") {
        if (auto s = choose(c, ctx, [&](const pugi::xml_node& w) { return flow(w, ctx, out, depth + 1); }); !s) return s;
      } else if (name == "call") {
        std::string dn = c.attribute("name").value();
        auto def = t_.define(dn);
        if (!def) return terr(c, "<call> of unknown <define name=\"" + dn + "\">");
        if (c.attribute("select")) {
          auto set = eval_nodes(c, "select", ctx);
          if (!set) return set.error();
          for (auto& x : *set)
            if (auto s = flow(def, x.node(), out, depth + 1); !s) return s;
        } else if (auto s = flow(def, ctx, out, depth + 1); !s) {
          return s;
        }
      } else {
        return terr(c, "unknown element <" + name + "> (allowed: para, space, rule, page-break, signature, imprint, "
                       "table, toc, image, chart, for-each, if, choose, call)");
      }
    }
    return {};
  }

  Status bind_info(model::Info& info) const {
    auto n = t_.info();
    if (!n) return {};
    auto field = [&](const char* child, std::string& out) -> Status {
      auto c = n.child(child);
      if (!c) return {};
      std::vector<Span> spans;
      if (auto s = inline_content(c, r_.root, spans, 1); !s) return s;
      std::u32string all;
      for (auto& sp : spans) all += sp.text;
      out = text::to_utf8(all);
      return {};
    };
    for (auto [child, out] : {std::pair{"title", &info.title}, {"author", &info.author}, {"subject", &info.subject},
                              {"keywords", &info.keywords}, {"created", &info.created}})
      if (auto s = field(child, *out); !s) return s;
    return {};
  }

  const Template& t_;
  const RecordSource& r_;
  std::vector<size_t> line_starts_;
};

#include "generator/template/report_blocks.inc"

}  // namespace

Result<BoundDocument> Template::bind(const RecordSource& record) const { return Binder(*this, record).run(); }

}  // namespace gk::tmpl
