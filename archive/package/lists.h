// The 归档文件目录 as rows, CSV and a PDF rendered by the generator (internal to archive/package).
#pragma once
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"

namespace gk::package {

struct ListRow {
  int seq = 0;             // 序号 (restarts per 保管期限, equal to 件号)
  std::string danghao;     // 档号
  std::string doc_number;  // 文号
  std::string author;      // 责任者
  std::string title;       // 题名
  std::string date;        // YYYY-MM-DD (written compact in the list)
  std::string secrecy;     // 密级
  int pages = 0;           // 页数
  std::string remark;      // 备注
  std::string retention, code;  // 保管期限 and its code (the class)
};

// RFC 4180 CSV with a UTF-8 BOM (spreadsheets otherwise guess a legacy encoding for Chinese).
std::string list_csv(const std::vector<ListRow>& rows);
// Parses a CSV as list_csv writes it (RFC 4180, optional BOM). Each row with the 1-based line it
// starts on. Error: a quoted field that does not end.
struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};
Result<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& name_for_errors);
// <archive-list fonds fonds-name year date><class retention code><item>...</item></class>...
void list_xml(const std::vector<ListRow>& rows, const std::string& fonds, const std::string& fonds_name,
              const std::string& year, const std::string& date, pugi::xml_document& doc);
// Renders a generated XML document with a template from <data_dir>/templates/<name>.
Result<std::string> render_generated(const std::string& template_name, const pugi::xml_document& doc,
                                     const std::string& name_for_errors);

}  // namespace gk::package
