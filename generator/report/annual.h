// The three tables of the annual report (国办公开办函〔2021〕30号), computed from the records: one
// source of truth for the rendered report (figures_xml) and for --dump (to_json).
//
// Table B counts, per applicant category, for year Y:
//   一 received in Y;  二 marked <carried-over from="Y-1">;  三 replied in Y, by result/reason;
//   四 received by 31 Dec Y and not replied by then.  总计 is counted, not summed, so the
//   identities below are real checks of the records, not of the arithmetic.
// Identities (docs/reports.md): B1 一+二 = 三(七)+四 per column; B2 三(七) = sum of result rows per
// column; B3 总计 = sum of the six categories per row; C1 总计 = 维持+纠正+其他+尚未审结 per group;
// P1 (with the previous year's dump) 二(Y) = 四(Y-1) per column. A failure is an error naming the
// cells and the records involved.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"
#include "generator/report/requests.h"

namespace gk::report {

constexpr int kCategories = 6;  // 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他; column 6 = 总计
extern const std::array<const char*, kCategories + 1> kColumns;

struct RowB {
  std::string key;    // new, carried, r1, r2, r3_1 ... r6_3, total, next
  std::string label;  // as printed, e.g. "1.属于国家秘密"
  std::string group;  // "（三）不予公开" for sub-rows, else ""
  std::array<long, kCategories + 1> v{};
  std::array<std::vector<const Request*>, kCategories + 1> who;  // records counted in each cell
};

struct DocKind {  // Table A rows from disclosure records
  long issued = 0, repealed = 0, in_force = 0;
};

struct CaseRow {  // Table C group
  std::string label;
  long maintained = 0, corrected = 0, other = 0, pending = 0, total = 0;
};

struct Annual {
  int year = 0;
  DocKind rules, normative;  // 规章, 行政规范性文件
  std::vector<RowB> b;       // 26 rows in the order of the format
  std::array<CaseRow, 3> c;  // 行政复议, 未经复议直接起诉, 复议后起诉
  const Extra* extra = nullptr;
  std::vector<std::string> warnings;

  const RowB& row(const std::string& key) const;
};

// The previous year's row 四 (from its --dump), for P1, and its 现行有效 counts, for a warning when
// 现行有效(Y) != 现行有效(Y-1) + 制发(Y) - 废止(Y) (an inference, not a rule of the format).
using CarryOver = std::array<long, kCategories + 1>;
struct Previous {
  int year = 0;      // the year the dump reports on; must be Y - 1
  std::string file;  // the dump, for messages
  CarryOver next{};
  long rules_in_force = -1, normative_in_force = -1;  // -1: not in the dump
};

// Computes and checks. Errors: no disclosure records and no requests in Y ("a year with no
// records"), a report-extra of another year, a previous dump of another year than Y - 1, two
// records with one 索引号 (the same disclosure counted twice), a repeal naming no record, a
// broken identity.
Result<Annual> compute_annual(int year, const std::vector<std::shared_ptr<const record::Record>>& records,
                              const std::vector<Request>& requests, const Extra& extra,
                              const std::optional<Previous>& previous);

// The figures as the document the template binds to (layout described in docs/reports.md).
void figures_xml(const Annual& a, pugi::xml_document& out);
// The same figures as JSON (stable key order), for --dump and for the next year's --previous.
std::string to_json(const Annual& a);
// Row 四 and 现行有效 from a previous dump. Errors name the file.
Result<Previous> read_previous(const std::string& json, const std::string& name);

}  // namespace gk::report
