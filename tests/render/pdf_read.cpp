#include "pdf_read.h"

#include <cmath>
#include <cstdlib>
#include <pugixml.hpp>
#include <stdexcept>

#include "json.h"

namespace gkt {

std::u32string utf32(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {  // invalid byte: keep it visible as U+FFFD
      out += U'\uFFFD';
      ++i;
      continue;
    }
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    for (int k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += c;
    i += n;
  }
  return out;
}

std::string utf8(char32_t c) {
  std::string o;
  if (c < 0x80) {
    o += static_cast<char>(c);
  } else if (c < 0x800) {
    o += static_cast<char>(0xC0 | (c >> 6));
    o += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    o += static_cast<char>(0xE0 | (c >> 12));
    o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    o += static_cast<char>(0xF0 | (c >> 18));
    o += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (c & 0x3F));
  }
  return o;
}

std::string utf8(const std::u32string& s) {
  std::string o;
  for (char32_t c : s) o += utf8(c);
  return o;
}

bool is_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::u32string strip_spaces(const std::u32string& s) {
  std::u32string o;
  for (char32_t c : s)
    if (!is_space(c)) o += c;
  return o;
}

bool is_fullwidth(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3001 && c <= 0x303F) ||
         (c >= 0xFF01 && c <= 0xFF5E);
}

std::u32string Line::text() const {
  std::u32string t;
  for (auto& w : words) t += w.text;
  return t;
}

static Box box_of(const pugi::xml_node& n) {
  return {n.attribute("xMin").as_double(), n.attribute("yMin").as_double(), n.attribute("xMax").as_double(),
          n.attribute("yMax").as_double()};
}

std::vector<Page> parse_bbox_layout(const std::string& xhtml) {
  pugi::xml_document doc;
  auto res = doc.load_buffer(xhtml.data(), xhtml.size());
  if (!res) throw std::runtime_error(std::string("bbox XHTML does not parse: ") + res.description());
  std::vector<Page> pages;
  for (auto pn : doc.select_nodes("//page")) {
    Page p;
    p.width = pn.node().attribute("width").as_double();
    p.height = pn.node().attribute("height").as_double();
    for (auto ln : pn.node().select_nodes(".//line")) {
      Line l;
      l.box = box_of(ln.node());
      for (auto w : ln.node().children("word")) l.words.push_back({box_of(w), utf32(w.child_value())});
      p.lines.push_back(std::move(l));
    }
    pages.push_back(std::move(p));
  }
  return pages;
}

static void read_outlines(const json::Value& arr, std::vector<Outline>& out) {
  for (auto& o : arr.items) {
    Outline ol;
    ol.title = o["title"].as_string();
    ol.page = static_cast<int>(o["destpageposfrom1"].as_number());
    read_outlines(o["kids"], ol.kids);
    out.push_back(std::move(ol));
  }
}

QpdfInfo parse_qpdf_json(const std::string& text) {
  auto root = json::parse(text);
  QpdfInfo info;
  read_outlines(root["outlines"], info.outlines);
  // "qpdf": [header, {"obj:N G R": {"value": …} or {"stream": …}}]
  for (auto& [key, obj] : root["qpdf"][1].members) {
    auto& d = obj["value"];
    if (d["/Type"].as_string() != "/FontDescriptor") continue;
    FontMetric f;
    f.name = d["/FontName"].as_string();
    f.ascent = d["/Ascent"].as_number();
    f.descent = d["/Descent"].as_number();
    info.fonts.push_back(f);
  }
  return info;
}

FontMatch match_font(const std::vector<FontMetric>& fonts, double h, const std::vector<double>& sizes) {
  for (double s : sizes)
    for (auto& f : fonts)
      if (std::abs(f.box_height(s) - h) < 0.05) return {&f, s};
  return {};
}

Image parse_pnm(const std::string& b) {
  size_t pos = 0;
  auto token = [&]() {
    for (;;) {  // skip blanks and comments
      while (pos < b.size() && std::isspace(static_cast<unsigned char>(b[pos]))) ++pos;
      if (pos < b.size() && b[pos] == '#')
        while (pos < b.size() && b[pos] != '\n') ++pos;
      else
        break;
    }
    size_t start = pos;
    while (pos < b.size() && !std::isspace(static_cast<unsigned char>(b[pos]))) ++pos;
    return b.substr(start, pos - start);
  };
  std::string magic = token();
  if (magic != "P6" && magic != "P5") throw std::runtime_error("not a binary PPM/PGM: " + magic);
  Image img;
  img.width = std::atoi(token().c_str());
  img.height = std::atoi(token().c_str());
  int maxval = std::atoi(token().c_str());
  if (maxval != 255) throw std::runtime_error("PNM maxval is not 255");
  ++pos;  // the single blank after maxval
  size_t n = static_cast<size_t>(img.width) * img.height;
  size_t channels = magic == "P6" ? 3 : 1;
  if (b.size() < pos + n * channels) throw std::runtime_error("PNM data is truncated");
  img.rgb.resize(n * 3);
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < 3; ++c)
      img.rgb[i * 3 + c] = static_cast<uint8_t>(b[pos + i * channels + (channels == 3 ? c : 0)]);
  return img;
}

}  // namespace gkt
