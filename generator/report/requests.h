// Inputs of the reports: request records (依申请公开, schemas/request.xsd), the report-extra record
// (schemas/report-extra.xsd) and the year's disclosure records. Loaders validate against the
// schemas and check what a schema cannot say (dates in order, a reason that fits its result);
// every error names the file and line.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"
#include "generator/record/record.h"
#include "generator/report/calendar.h"

namespace gk::report {

struct Case {  // 行政复议 or 行政诉讼 about a request
  Date filed;
  std::string kind;     // 行政复议 | 未经复议直接起诉 | 复议后起诉
  std::string outcome;  // 结果维持 | 结果纠正 | 其他结果 | 尚未审结
};

struct Request {
  std::string file;  // for messages
  int line = 1;      // of <request>
  std::string id, subject, category, receipt_mode;
  Date received;
  std::vector<int> carried_from;  // years whose reports listed it in row 四 (open at their end), ascending
  std::optional<Date> correction_requested, corrected;
  std::vector<std::pair<Date, Date>> pauses;  // consultation intervals, inclusive
  std::optional<Date> extension;
  std::optional<Date> reply;
  std::string result, reason;  // Table B row: result, sub-reason (empty for 予以公开/部分公开)
  std::optional<Case> review, litigation;
  std::string where() const;  // "file:line (id)"
};

Result<Request> load_request(const std::string& path);
Result<Request> load_request_from_memory(std::string_view xml, const std::string& name);
// Every *.xml (any case) under dir, subfolders included, sorted by path; names starting with '.'
// are left out, and an entry named *.xml that is not a readable file is an error. An empty
// folder gives none (an office that received no request).
Result<std::vector<Request>> load_requests(const std::string& dir);

// Every *.xml under dir as disclosure records (schemas/record.xsd), found as load_requests does.
Result<std::vector<std::shared_ptr<const record::Record>>> load_records(const std::string& dir);

// The report-extra record, validated; the document is kept for the narrative sections.
struct Extra {
  std::string file;
  int year = 0;
  std::string organ, published_date;
  long licensing = 0, penalty = 0, coercion = 0;
  std::string fees_collected, processing_fees;  // decimal text in 万元, as written
  struct Repeal {
    std::string index_no;
    Date date;
    int line;
  };
  std::vector<Repeal> repeals;
  std::shared_ptr<pugi::xml_document> doc;
};
Result<Extra> load_extra(const std::string& path);

std::string schema_dir();  // $GONGKAI_DATA/schemas

}  // namespace gk::report
