#include "archive/package/four_properties.h"

#include <stdexcept>

#include "archive/ocfl/json.h"

namespace gk::package {

FourProperties::FourProperties() {
  auto add = [&](const char* id, const char* prop, const char* name) { rules_.push_back({id, prop, name, {}}); };
  add("AUTH-01", "真实性", "固化信息有效：导出文件的SHA-512与SM3摘要与库存清单及固定性记录一致");
  add("AUTH-02", "真实性", "每个导出版本的审计日志条目包含在已签名树头的日志中（包含证明有效）");
  add("AUTH-03", "真实性", "档号格式符合DA/T 22-2015且不重复");
  add("AUTH-04", "真实性", "审计日志条目记录的摘要与导出文件一致");
  add("AUTH-05", "真实性", "PDF元数据中的题名与著录的题名一致");
  add("INTEG-01", "完整性", "必备著录项齐全：索引号、题名、责任者、成文日期、保管期限");
  add("INTEG-02", "完整性", "每件的内容文件齐全：record.xml、document.pdf及元数据所列文件");
  add("INTEG-03", "完整性", "件号在年度和保管期限内连续、无重号");
  add("INTEG-04", "完整性", "归档文件目录与导出的件一一对应");
  add("USAB-01", "可用性", "著录XML格式正确并通过模式校验");
  add("USAB-02", "可用性", "版式文件为PDF/A-1b（文件头与XMP中的pdfaid标识）");
  add("USAB-03", "可用性", "版式文件未加密");
  add("SEC-01", "安全性", "操作留痕：每个版本在审计日志中有且仅有一条记录，日志签名验证通过");
  add("SEC-02", "安全性", "已签名树头覆盖全部日志条目");
}

void FourProperties::fail(const std::string& rule, std::string item, std::string reason) {
  for (auto& r : rules_)
    if (r.id == rule) {
      r.failures.push_back({std::move(item), std::move(reason)});
      return;
    }
  throw std::logic_error("unknown 四性 rule " + rule);
}

size_t FourProperties::failed_rules() const {
  size_t n = 0;
  for (auto& r : rules_) n += !r.passed();
  return n;
}

std::string FourProperties::to_json(const Context& c) const {
  using ocfl::Json;
  Json::Array rules;
  for (auto& r : rules_) {
    Json::Array fails;
    for (auto& f : r.failures) fails.push_back(Json(Json::Object{{"item", Json(f.item)}, {"reason", Json(f.reason)}}));
    rules.push_back(Json(Json::Object{{"id", Json(r.id)},
                                      {"property", Json(r.property)},
                                      {"name", Json(r.name)},
                                      {"result", Json(r.passed() ? "pass" : "fail")},
                                      {"failures", Json(std::move(fails))}}));
  }
  Json::Object o{{"standard", Json("DA/T 70-2018")},
                 {"stage", Json(c.stage)},
                 {"fonds", Json(c.fonds)},
                 {"year", Json(c.year)},
                 {"date", Json(c.date)},
                 {"items", Json(static_cast<double>(c.items))},
                 {"files", Json(static_cast<double>(c.files))},
                 {"tree-head", Json(Json::Object{{"size", Json(static_cast<double>(c.head_size))}, {"root", Json(c.head_root)}})},
                 {"result", Json(failed_rules() == 0 ? "pass" : "fail")},
                 {"rules", Json(std::move(rules))}};
  return ocfl::write_json(Json(std::move(o)));
}

void FourProperties::to_xml(const Context& c, pugi::xml_document& doc) const {
  auto root = doc.append_child("four-properties");
  root.append_attribute("fonds") = c.fonds.c_str();
  root.append_attribute("fonds-name") = c.fonds_name.c_str();
  root.append_attribute("year") = c.year.c_str();
  root.append_attribute("date") = c.date.c_str();
  root.append_attribute("stage") = c.stage.c_str();
  root.append_attribute("items") = std::to_string(c.items).c_str();
  root.append_attribute("files") = std::to_string(c.files).c_str();
  root.append_attribute("head-size") = std::to_string(c.head_size).c_str();
  root.append_attribute("head-root") = c.head_root.c_str();
  for (auto& r : rules_) {
    auto n = root.append_child("rule");
    n.append_attribute("id") = r.id.c_str();
    n.append_attribute("property") = r.property.c_str();
    n.append_attribute("result") = r.passed() ? "通过" : "未通过";
    n.append_child("name").text() = r.name.c_str();
    for (auto& f : r.failures) {
      auto x = n.append_child("failure");
      x.append_attribute("item") = f.item.c_str();
      x.text() = f.reason.c_str();
    }
  }
}

}  // namespace gk::package
