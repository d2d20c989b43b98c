#include "archive/package/lists.h"

#include <cstdlib>
#include <sstream>

#include "archive/package/export.h"
#include "generator/font/font_map.h"
#include "generator/layout/layout.h"
#include "generator/pdf/pdf_writer.h"
#include "generator/template/template.h"

namespace gk::package {

std::string data_dir() {
  const char* env = std::getenv("GONGKAI_DATA");
  return env && *env ? env : GK_DATA_DIR;
}

static std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

static std::string compact_date(const std::string& d) {
  std::string out;
  for (char c : d)
    if (c != '-') out += c;
  return out;
}

std::string list_csv(const std::vector<ListRow>& rows) {
  std::string out = "\xEF\xBB\xBF序号,档号,文号,责任者,题名,日期,密级,页数,备注\r\n";
  for (auto& r : rows) {
    out += std::to_string(r.seq) + "," + csv_field(r.danghao) + "," + csv_field(r.doc_number) + "," + csv_field(r.author) +
           "," + csv_field(r.title) + "," + compact_date(r.date) + "," + csv_field(r.secrecy) + "," +
           std::to_string(r.pages) + "," + csv_field(r.remark) + "\r\n";
  }
  return out;
}

Result<std::vector<CsvRow>> parse_csv(std::string_view t, const std::string& name) {
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row{1, {}};
  std::string field;
  int line = 1;
  size_t i = 0;
  auto end_row = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));
    row = CsvRow{line, {}};
  };
  while (i < t.size()) {
    char c = t[i];
    if (c == '"' && field.empty()) {
      int start = line;
      for (++i;; ++i) {
        if (i >= t.size()) return make_error("quoted field does not end", name, start);
        if (t[i] == '"') {
          if (i + 1 < t.size() && t[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        if (t[i] == '\n') ++line;
        field += t[i];
      }
      continue;
    }
    if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n')) {
      if (c == '\r') ++i;
      ++line;
      end_row();
    } else {
      field += c;
    }
    ++i;
  }
  if (!field.empty() || !row.fields.empty()) end_row();
  return rows;
}

void list_xml(const std::vector<ListRow>& rows, const std::string& fonds, const std::string& fonds_name,
              const std::string& year, const std::string& date, pugi::xml_document& doc) {
  auto root = doc.append_child("archive-list");
  root.append_attribute("fonds") = fonds.c_str();
  root.append_attribute("fonds-name") = fonds_name.c_str();
  root.append_attribute("year") = year.c_str();
  root.append_attribute("date") = date.c_str();
  pugi::xml_node cls;
  std::string current = "\x01";
  for (auto& r : rows) {
    if (r.code != current) {
      current = r.code;
      cls = root.append_child("class");
      cls.append_attribute("retention") = r.retention.c_str();
      cls.append_attribute("code") = r.code.c_str();
    }
    auto it = cls.append_child("item");
    char num[16];
    std::snprintf(num, sizeof num, "%04d", r.seq);
    auto put = [&](const char* n, const std::string& v) { it.append_child(n).text() = v.c_str(); };
    put("seq", std::to_string(r.seq));
    put("number", num);
    put("danghao", r.danghao);
    put("doc-number", r.doc_number);
    put("author", r.author);
    put("title", r.title);
    put("date", r.date);
    put("secrecy", r.secrecy);
    put("pages", std::to_string(r.pages));
    put("remark", r.remark);
  }
}

Result<std::string> render_generated(const std::string& template_name, const pugi::xml_document& doc,
                                     const std::string& name_for_errors) {
  auto t = tmpl::Template::load(data_dir() + "/templates/" + template_name);
  if (!t) return t.error();
  auto fonts = font::FontMap::load_default();
  if (!fonts) return fonts.error();
  // Bind against a parse of the serialised text, so that error offsets point into real text.
  std::ostringstream ss;
  doc.save(ss, "  ", pugi::format_default, pugi::encoding_utf8);
  std::string text = ss.str();
  pugi::xml_document parsed;
  if (!parsed.load_buffer(text.data(), text.size())) return make_error("internal: generated XML does not parse", name_for_errors);
  auto bound = (*t)->bind({parsed.document_element(), name_for_errors, text});
  if (!bound) return bound.error();
  auto pages = layout::lay_out(*bound, **fonts);
  if (!pages) return pages.error();
  return pdf::write_pdf(*pages);
}

}  // namespace gk::package
