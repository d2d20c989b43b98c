#include "expected.h"

#include <pugixml.hpp>
#include <stdexcept>

namespace gkt {

std::string chinese_number(int n) {
  static const char* digit[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (n < 1 || n > 99) throw std::runtime_error("heading number out of range");
  if (n < 10) return digit[n];
  std::string s = n / 10 == 1 ? "" : digit[n / 10];
  return s + "十" + digit[n % 10];
}

std::string cn_date(const std::string& iso) {
  if (iso.size() != 10) throw std::runtime_error("not a date: " + iso);
  return iso.substr(0, 4) + "年" + std::to_string(std::stoi(iso.substr(5, 2))) + "月" +
         std::to_string(std::stoi(iso.substr(8, 2))) + "日";
}

namespace {

// XPath string value: all descendant text.
std::string text_of(const pugi::xml_node& n) {
  std::string s;
  for (auto d : n.select_nodes(".//text()")) s += d.node().value();
  return s;
}

std::string heading_number(int level, int n) {
  switch (level) {
    case 1: return chinese_number(n) + "、";
    case 2: return "（" + chinese_number(n) + "）";
    case 3: return std::to_string(n) + ".";
    default: return "（" + std::to_string(n) + "）";
  }
}

struct Builder {
  Expected& e;
  void add(const std::string& s) { e.text += strip_spaces(utf32(s)); }

  void blocks(const pugi::xml_node& parent, int level, std::vector<ExpectedOutline>* outline) {
    int section_no = 0;
    for (auto b : parent.children()) {
      std::string name = b.name();
      if (name == "p") {
        add(text_of(b));
      } else if (name == "section") {
        std::string line = heading_number(level + 1, ++section_no) + text_of(b.child("heading"));
        add(line);
        e.headings.push_back(strip_spaces(utf32(line)));
        if (outline && level == 0) outline->push_back({line, {}});
        blocks(b, level + 1, nullptr);
      } else if (name == "list") {
        for (auto item : b.children("item")) add(text_of(item));
      } else if (name == "table") {
        table(b);
      }
    }
  }

  void table(const pugi::xml_node& t) {
    std::u32string header;
    for (auto row : t.child("header").children("row"))
      for (auto cell : row.children("cell")) header += strip_spaces(utf32(text_of(cell)));
    e.text += header;
    Expected::RepeatableHeader h;
    h.body_begin = e.text.size();
    for (auto row : t.children("row"))
      for (auto cell : row.children("cell")) add(text_of(cell));
    h.end = e.text.size();
    h.header = header;
    if (!header.empty()) e.headers.push_back(h);
  }
};

}  // namespace

Expected expected_for(const std::string& record_path) {
  pugi::xml_document doc;
  // pugixml's default drops the whitespace-only text between elements.
  if (!doc.load_file(record_path.c_str())) throw std::runtime_error("cannot parse " + record_path);
  auto rec = doc.child("record");
  auto cat = rec.child("catalogue");
  auto notice = rec.child("notice");
  Expected e;
  Builder b{e};
  e.title = text_of(cat.child("title"));
  e.issuer = text_of(cat.child("issuer"));
  e.issuer_mark = text_of(notice.child("issuer-mark"));

  // 版头
  for (const char* f : {"copy-number", "secrecy", "urgency"})
    if (notice.child(f)) b.add(text_of(notice.child(f)));
  b.add(e.issuer_mark);
  if (cat.child("doc-number")) b.add(text_of(cat.child("doc-number")));

  // 主体
  b.add(e.title);
  e.outline.push_back({e.title, {}});
  if (notice.child("addressee")) b.add(text_of(notice.child("addressee")) + "：");
  b.blocks(notice.child("body"), 0, &e.outline[0].kids);

  std::vector<pugi::xml_node> atts;
  for (auto a : notice.child("attachments").children("attachment")) atts.push_back(a);
  for (size_t k = 0; k < atts.size(); ++k) {  // 附件说明
    std::string name = text_of(atts[k].child("name"));
    if (atts.size() == 1)
      b.add("附件：" + name);
    else
      b.add((k == 0 ? "附件：" : "") + std::to_string(k + 1) + "." + name);
  }
  e.signature = text_of(notice.child("signature"));
  e.date_line = cn_date(text_of(cat.child("written-date")));
  b.add(e.signature);
  b.add(e.date_line);
  if (notice.child("note")) b.add("（" + text_of(notice.child("note")) + "）");

  for (size_t k = 0; k < atts.size(); ++k) {  // 附件 pages
    if (!atts[k].child("body")) continue;
    std::string name = text_of(atts[k].child("name"));
    b.add(atts.size() > 1 ? "附件" + std::to_string(k + 1) : std::string("附件"));
    b.add(name);
    e.outline.push_back({name, {}});
    b.blocks(atts[k].child("body"), 0, &e.outline.back().kids);
  }

  // 版记
  if (notice.child("cc").child("organ")) {
    std::string organs;
    for (auto o : notice.child("cc").children("organ")) organs += (organs.empty() ? "" : "，") + text_of(o);
    b.add("抄送：" + organs + "。");
  }
  b.add(text_of(notice.child("printed-by")));
  b.add(cn_date(text_of(notice.child("printed-date"))) + "印发");
  return e;
}

}  // namespace gkt
