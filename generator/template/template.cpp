#include "generator/template/template.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <set>

#include "common/files.h"
#include "generator/font/font_map.h"
#include "generator/template/format.h"
#include "generator/xml/schema.h"

namespace gk::tmpl {
namespace {

// Attributes whose whole value is an XPath expression.
const std::set<std::string> kExprAttrs = {"select", "test", "of", "column-widths", "requires"};

}  // namespace

Result<double> parse_length(std::string_view s, double em) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-')) ++i;
  if (i == 0) return make_error("not a length: '" + std::string(s) + "'");
  double v = 0;
  try {
    v = std::stod(std::string(s.substr(0, i)));
  } catch (...) {
    return make_error("not a length: '" + std::string(s) + "'");
  }
  std::string_view unit = s.substr(i);
  if (unit.empty() || unit == "pt") return v;
  if (unit == "mm") return v * 72.0 / 25.4;
  if (unit == "cm") return v * 72.0 / 2.54;
  if (unit == "em") return v * em;
  return make_error("unknown unit in '" + std::string(s) + "' (use mm, cm, pt or em)");
}

Result<model::Color> parse_color(std::string_view s) {
  if (s == "black") return model::kBlack;
  if (s == "red") return model::kRed;
  if (s.size() == 7 && s[0] == '#') {
    unsigned v = 0;
    auto r = std::from_chars(s.data() + 1, s.data() + 7, v, 16);
    if (r.ec == std::errc() && r.ptr == s.data() + 7)
      return model::Color{((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
  }
  return make_error("unknown colour '" + std::string(s) + "' (use black, red or #RRGGBB)");
}

Result<std::vector<AvtPart>> split_avt(std::string_view s) {
  std::vector<AvtPart> parts;
  std::string lit;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') {
      lit += '{';
      ++i;
    } else if (s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      lit += '}';
      ++i;
    } else if (s[i] == '{') {
      size_t end = s.find('}', i);
      if (end == std::string_view::npos) return make_error("unclosed '{' in '" + std::string(s) + "'");
      if (!lit.empty()) parts.push_back({false, lit});
      lit.clear();
      parts.push_back({true, std::string(s.substr(i + 1, end - i - 1))});
      i = end;
    } else {
      lit += s[i];
    }
  }
  if (!lit.empty()) parts.push_back({false, lit});
  return parts;
}

namespace {

// schemas/template.xsd, compiled once per process (never freed: see record.cpp).
const Result<std::shared_ptr<const xml::Schema>>& template_schema() {
  static const auto* s = new Result<std::shared_ptr<const xml::Schema>>(
      xml::Schema::compile(font::data_dir() + "/schemas/template.xsd", xml::SchemaHints{"template", {}, {}}));
  return *s;
}

}  // namespace

Result<std::shared_ptr<const Template>> Template::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return load_from_memory(std::move(*text), path);
}

int Template::line_of(const pugi::xml_node& n) const {
  ptrdiff_t off = n.offset_debug();
  if (off < 0) return 0;
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<size_t>(off));
  return static_cast<int>(it - line_starts_.begin());
}

const pugi::xpath_query* Template::query(const std::string& expr) const {
  auto it = queries_.find(expr);
  return it == queries_.end() ? nullptr : it->second.get();
}

const layout::ParaStyle* Template::style(const std::string& name) const {
  auto it = styles_.find(name);
  return it == styles_.end() ? nullptr : &it->second;
}

pugi::xml_node Template::define(const std::string& name) const {
  auto it = defines_.find(name);
  return it == defines_.end() ? pugi::xml_node() : it->second;
}

Status Template::compile_expr(const std::string& expr, const pugi::xml_node& where) {
  if (queries_.count(expr)) return {};
  try {
    auto q = std::make_unique<pugi::xpath_query>(expr.c_str());
    queries_[expr] = std::move(q);
  } catch (const pugi::xpath_exception& e) {
    return make_error(std::string("XPath error in '") + expr + "': " + e.result().description(), path_,
                      line_of(where));
  }
  return {};
}

Status Template::compile(pugi::xml_node n) {
  for (auto a : n.attributes()) {
    std::string name = a.name();
    if (name == "role" && std::strchr(a.value(), '{') == nullptr) roles_.emplace_back(a.value(), line_of(n));
    if (kExprAttrs.count(name)) {
      if (auto s = compile_expr(a.value(), n); !s) return s;
    } else {
      auto parts = split_avt(a.value());
      if (!parts) return make_error(parts.error().message, path_, line_of(n));
      for (auto& p : *parts)
        if (p.expr)
          if (auto s = compile_expr(p.text, n); !s) return s;
    }
  }
  for (auto c : n.children())
    if (c.type() == pugi::node_element)
      if (auto s = compile(c); !s) return s;
  return {};
}

Result<std::shared_ptr<const Template>> Template::load_from_memory(std::string xml, const std::string& name) {
  const auto& schema = template_schema();
  if (!schema) return schema.error();
  if (auto v = (*schema)->parse_and_validate(xml, name); !v) return v.error();
  auto t = std::shared_ptr<Template>(new Template());
  t->path_ = name;
  t->text_ = std::move(xml);
  t->line_starts_.push_back(0);
  for (size_t i = 0; i < t->text_.size(); ++i)
    if (t->text_[i] == '\n') t->line_starts_.push_back(i + 1);
  auto r = t->doc_.load_buffer(t->text_.data(), t->text_.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) {
    auto it = std::upper_bound(t->line_starts_.begin(), t->line_starts_.end(), static_cast<size_t>(r.offset));
    return make_error(std::string("malformed XML: ") + r.description(), name, static_cast<int>(it - t->line_starts_.begin()));
  }
  auto root = t->doc_.child("template");
  if (!root) return make_error("root element must be <template>", name, 1);
  if (auto s = t->compile(root); !s) return s.error();
  if (auto s = t->parse_setup(); !s) return s.error();
  return std::shared_ptr<const Template>(t);
}

Status Template::parse_setup() {
  auto root = doc_.child("template");
  auto err = [&](const pugi::xml_node& n, const std::string& m) { return make_error(m, path_, line_of(n)); };
  auto len = [&](const pugi::xml_node& n, const char* attr, double& out, double em) -> Status {
    auto a = n.attribute(attr);
    if (!a) return {};
    auto v = parse_length(a.value(), em);
    if (!v) return err(n, "attribute " + std::string(attr) + ": " + v.error().message);
    out = *v;
    return {};
  };
  if (auto p = root.child("page")) {
    for (auto [attr, field] : {std::pair{"width", &page_.width}, {"height", &page_.height}, {"margin-top", &page_.top},
                               {"margin-left", &page_.left}, {"text-width", &page_.text_width},
                               {"text-height", &page_.text_height}, {"font-size", &page_.font_size}})
      if (auto s = len(p, attr, *field, 16); !s) return s;
    // PDF (and libharu) pages are 3..14400 pt; below 10 mm nothing fits.
    const double mm = 72.0 / 25.4;
    for (auto [attr, v] : {std::pair{"width", page_.width}, {"height", page_.height}})
      if (v < 10 * mm || v > 14400) return err(p, std::string("attribute ") + attr + ": a page is 10mm to 5080mm");
    if (page_.top < 0 || page_.left < 0 || page_.text_width <= 0 || page_.text_height <= 0)
      return err(p, "margins must not be negative, text-width and text-height must be positive");
    if (page_.left + page_.text_width > page_.width + 1e-6 || page_.top + page_.text_height > page_.height + 1e-6)
      return err(p, "the 版心 (margin-left + text-width, margin-top + text-height) does not fit on the page");
    if (page_.font_size <= 0 || page_.font_size > 300) return err(p, "attribute font-size: must be above 0 and at most 300pt");
    page_.lines = p.attribute("lines").as_int(page_.lines);
    page_.chars = p.attribute("chars").as_int(page_.chars);
    if (page_.lines <= 0 || page_.chars <= 0) return err(p, "lines and chars must be positive");
    // The schema allows "even" (the default) and "last".
    if (std::string(p.attribute("imprint").as_string("even")) == "last") page_.imprint = layout::PageSetup::Imprint::last;
  }
  if (auto n = root.child("page-number")) {
    page_number_.enabled = std::string(n.attribute("enabled").as_string("true")) != "false";
    page_number_.format = n.attribute("format").as_string(page_number_.format.c_str());
    page_number_.role = n.attribute("role").as_string(page_number_.role.c_str());
    if (auto s = len(n, "size", page_number_.size, 16); !s) return s;
    if (page_number_.size <= 0 || page_number_.size > 300) return err(n, "attribute size: must be above 0 and at most 300pt");
    if (auto s = len(n, "below", page_number_.below, 16); !s) return s;
    page_number_.indent = n.attribute("indent").as_double(page_number_.indent);
    page_number_.outside = std::string(n.attribute("placement").as_string("outside")) == "outside";
  }
  for (auto s : root.children("style")) {
    std::string name = s.attribute("name").value();
    if (name.empty()) return err(s, "<style> needs a name");
    layout::ParaStyle st;
    if (auto base = s.attribute("base")) {
      auto it = styles_.find(base.value());
      if (it == styles_.end()) return err(s, std::string("unknown base style '") + base.value() + "'");
      st = it->second;
    }
    for (auto a : s.attributes()) {
      std::string an = a.name(), v = a.value();
      if (an == "name" || an == "base") continue;
      if (an == "role") st.role = v, st.role_src = {path_, line_of(s)};
      else if (an == "size") {
        auto x = parse_length(v);
        if (!x) return err(s, x.error().message);
        if (*x <= 0 || *x > 300) return err(s, "attribute size: must be above 0 and at most 300pt, not '" + std::string(v) + "'");
        st.size = *x;
      }
      else if (an == "color") { auto c = parse_color(v); if (!c) return err(s, c.error().message); st.color = *c; }
      else if (an == "align") {
        if (v == "justify") st.align = layout::Align::justify;
        else if (v == "left") st.align = layout::Align::left;
        else if (v == "center") st.align = layout::Align::center;
        else if (v == "right") st.align = layout::Align::right;
        else return err(s, "align must be justify, left, center or right, not '" + v + "'");
      } else if (an == "first-indent") st.first_indent = a.as_double();
      else if (an == "indent") st.indent = a.as_double();
      else if (an == "right-indent") st.right_indent = a.as_double();
      else if (an == "line-height") { auto x = parse_length(v, st.size); if (!x) return err(s, x.error().message); st.line_height = *x; }
      else if (an == "space-before") { auto x = parse_length(v, st.size); if (!x) return err(s, x.error().message); st.space_before = *x; }
      else if (an == "space-after") { auto x = parse_length(v, st.size); if (!x) return err(s, x.error().message); st.space_after = *x; }
      else if (an == "top") { auto x = parse_length(v, st.size); if (!x) return err(s, x.error().message); st.top = *x; }
      else if (an == "keep-with-next") st.keep_with_next = a.as_bool();
      else if (an == "keep-with-previous") st.keep_with_previous = a.as_bool();
      else if (an == "fit") st.fit_width = v == "shrink";
      else if (an == "fit-min") {
        auto x = parse_length(v);
        if (!x) return err(s, x.error().message);
        if (*x <= 0 || *x > 300) return err(s, "attribute fit-min: must be above 0 and at most 300pt, not '" + v + "'");
        st.fit_min = *x;
      }
      else if (an == "wrap") {
        if (v != "words" && v != "normal") return err(s, "wrap must be words or normal, not '" + v + "'");
        st.word_wrap = v == "words";
      }
      else if (an == "bookmark") st.bookmark = a.as_int();
      else if (an == "joint") {
        if (v != "stack" && v != "none") return err(s, "joint must be stack or none, not '" + v + "'");
        st.joint_stack = v == "stack";
      }
      else return err(s, "unknown style attribute '" + an + "'");
    }
    styles_[name] = st;
  }
  if (!styles_.count("body")) styles_["body"] = layout::ParaStyle{};
  for (auto d : root.children("define")) {
    std::string name = d.attribute("name").value();
    if (name.empty()) return err(d, "<define> needs a name");
    defines_[name] = d;
  }
  info_ = root.child("info");
  body_ = root.child("body");
  if (!body_) return err(root, "<template> has no <body>");
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element) continue;
    static const std::set<std::string> top = {"page", "page-number", "style", "define", "info", "body"};
    if (!top.count(c.name())) return err(c, std::string("unknown element <") + c.name() + "> in <template>");
  }
  for (auto c : root.children())
    if (std::string(c.name()) == "body" || std::string(c.name()) == "define")
      if (auto s = check_references(c); !s) return s;
  return {};
}

// Names fixed in the template (no {…}) are checked when it loads, in every branch: a wrong style,
// format, chart type or <call> inside an <if> that the test records never take would otherwise
// surface only on the record that takes it, perhaps in a year's time.
Status Template::check_references(pugi::xml_node n) const {
  auto err = [&](const pugi::xml_node& at, const std::string& m) { return make_error(m, path_, line_of(at)); };
  auto fixed = [](const pugi::xml_attribute& a) { return a && std::strchr(a.value(), '{') == nullptr; };
  std::string name = n.name();
  if (auto a = n.attribute("style"); fixed(a) && !styles_.count(a.value()))
    return err(n, std::string("unknown style '") + a.value() + "'");
  if (auto a = n.attribute("format"); name == "value" && fixed(a) && !format::is_format(a.value()))
    return err(n, std::string("unknown format \"") + a.value() + "\"; known formats: " + format::known_formats());
  if (auto a = n.attribute("type"); name == "chart" && fixed(a) && std::string(a.value()) != "bar" &&
                                   std::string(a.value()) != "line")
    return err(n, std::string("chart type must be bar or line, not '") + a.value() + "'");
  if (name == "call" && !defines_.count(n.attribute("name").value()))
    return err(n, std::string("<call> of unknown <define name=\"") + n.attribute("name").value() + "\">");
  for (auto c : n.children())
    if (c.type() == pugi::node_element)
      if (auto s = check_references(c); !s) return s;
  return {};
}

}  // namespace gk::tmpl
