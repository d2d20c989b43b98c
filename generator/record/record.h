// Disclosure records (docs/record-format.md): parse, validate against schemas/record.xsd, and
// expose the document to templates (pugixml, for XPath) plus the catalogue fields as plain strings.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"

namespace gk::record {

// 政府信息公开目录 fields. Text is whitespace-collapsed as the schema sees it; absent optional
// fields are empty. Dates are "YYYY-MM-DD".
struct Catalogue {
  std::string index_no;          // 索引号
  std::string title;             // 标题
  std::string issuer;            // 发布机构
  std::string doc_number;        // 文号 (optional)
  std::string genre;             // 体裁/文种
  std::string subject;           // 主题分类
  std::vector<std::string> keywords;  // 主题词 (optional)
  std::string summary;           // 内容概述 (optional)
  std::string written_date;      // 成文日期
  std::string published_date;    // 发布日期
  std::string disclosure_mode;   // 公开方式
  std::string disclosure_scope;  // 公开范围
  std::string validity;          // 有效性
  std::string retention;         // 保管期限
};

// A loaded, valid record. Immutable once loaded, so one instance can be shared between threads.
class Record {
 public:
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  const pugi::xml_document& doc() const { return doc_; }
  const std::string& path() const { return path_; }    // as given to the loader
  const std::string& bytes() const { return bytes_; }  // the exact input bytes
  const Catalogue& catalogue() const { return catalogue_; }
  bool has_notice() const;  // false for a catalogue-only record

 private:
  Record() = default;
  friend struct Loader;

  pugi::xml_document doc_;
  std::string path_;
  std::string bytes_;
  Catalogue catalogue_;
};

// Reads, validates and loads a record file. Any problem is one Error naming the file and the
// line of the first problem.
Result<std::shared_ptr<const Record>> load_record(const std::string& path);

// The same for bytes already in memory; `name_for_errors` becomes Error::file and Record::path.
Result<std::shared_ptr<const Record>> load_record_from_memory(std::string_view xml,
                                                              const std::string& name_for_errors);

// The schema file used: $GONGKAI_DATA/schemas/record.xsd, else GK_DATA_DIR/schemas/record.xsd.
std::string schema_path();

// The text a reader sees, one line per title, heading (without its numbering), paragraph, list
// item, table row (cells separated by a tab), attachment name; each whitespace-collapsed.
// For search, and to compare with text extracted from the PDF.
std::string body_text(const Record& record);

}  // namespace gk::record
