#include "archive/package/contents_check.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "archive/audit/merkle.h"
#include "archive/ocfl/json.h"
#include "archive/package/danghao.h"
#include "archive/package/lists.h"
#include "archive/verify/entries.h"
#include "common/files.h"
#include "generator/record/record.h"

namespace fs = std::filesystem;

namespace gk::package {
namespace {

const std::string kList = "data/归档文件目录.csv";
const std::string kReport = "data/四性检测报告.json";
const std::vector<std::string> kColumns = {"序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"};

std::string compact(const std::string& date) {
  std::string out;
  for (char c : date)
    if (c != '-') out += c;
  return out;
}

struct Contents {
  const std::string& dir;
  const std::map<std::string, std::string>& info;
  const audit::Head* head;
  std::vector<std::string>& problems;
  std::vector<std::string> docs;  // 档号 directory names, in the export's order (Y, D30, D10, then 件号)

  void problem(const std::string& file, const std::string& what) { problems.push_back(file + ": " + what); }
  void problem(const std::string& file, int line, const std::string& what) {
    problem(file + ":" + std::to_string(line), what);
  }

  void list_documents() {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir + "/data/documents", ec))
      if (e.is_directory()) docs.push_back(e.path().filename().string());
    auto key = [](const std::string& d) {
      auto p = parse_danghao(d);
      int rank = !p ? 4 : p->code == "Y" ? 0 : p->code == "D30" ? 1 : p->code == "D10" ? 2 : 3;
      return std::make_tuple(rank, p ? p->number : 0, d);
    };
    std::sort(docs.begin(), docs.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
  }

  // The current version's record.xml: beside the proof, or (history) in the highest vN.
  std::string current_record(const std::string& dh) {
    std::string rel = "data/documents/" + dh;
    std::error_code ec;
    if (fs::exists(dir + "/" + rel + "/record.xml", ec)) return rel + "/record.xml";
    int best = 0;
    for (auto& e : fs::directory_iterator(dir + "/" + rel, ec)) {
      int n = verify::version_number(e.path().filename().string());
      if (n > best && fs::exists(e.path() / "record.xml", ec)) best = n;
    }
    return best ? rel + "/v" + std::to_string(best) + "/record.xml" : "";
  }

  // One 目录 row against its document's record (cheap: the catalogue, not the PDF).
  void compare_row(const CsvRow& row, const std::string& dh) {
    auto p = parse_danghao(dh);
    if (p && row.fields[0] != std::to_string(p->number))
      problem(kList, row.line, "序号 '" + row.fields[0] + "' but the 件号 of " + dh + " is " + std::to_string(p->number));
    std::string rel = current_record(dh);
    if (rel.empty()) return problem("data/documents/" + dh, "no record.xml");
    auto bytes = read_file(dir + "/" + rel);
    if (!bytes) return problem(rel, "cannot read");
    auto rec = record::load_record_from_memory(*bytes, rel);
    if (!rec) return problems.push_back(rec.error().str());
    const record::Catalogue& c = (*rec)->catalogue();
    std::string secrecy = (*rec)->doc().document_element().child("notice").child("secrecy").text().get();
    std::pair<size_t, std::string> want[] = {
        {2, c.doc_number}, {3, c.issuer}, {4, c.title}, {5, compact(c.written_date)}, {6, secrecy}};
    for (auto& [col, value] : want)
      if (row.fields[col] != value)
        problem(kList, row.line, kColumns[col] + " '" + row.fields[col] + "' but " + rel + " has '" + value + "'");
  }

  void check_list() {
    std::error_code ec;
    if (!fs::exists(dir + "/" + kList, ec)) return problem(kList, "missing");
    auto text = read_file(dir + "/" + kList);
    if (!text) return problem(kList, "cannot read");
    auto rows = parse_csv(*text, kList);
    if (!rows) return problems.push_back(rows.error().str());
    if (rows->empty() || rows->front().fields != kColumns) return problem(kList, 1, "not the 归档文件目录 header 序号,档号,文号,责任者,题名,日期,密级,页数,备注");
    std::set<std::string> have(docs.begin(), docs.end());
    std::map<std::string, int> listed;  // 档号 -> line of its row
    for (size_t i = 1; i < rows->size(); ++i) {
      const CsvRow& row = (*rows)[i];
      if (row.fields.size() != kColumns.size()) {
        problem(kList, row.line, std::to_string(row.fields.size()) + " fields, not " + std::to_string(kColumns.size()));
        continue;
      }
      const std::string& dh = row.fields[1];
      if (auto [at, fresh] = listed.emplace(dh, row.line); !fresh) {
        problem(kList, row.line, "档号 " + dh + " listed twice (first on line " + std::to_string(at->second) + ")");
        continue;
      }
      if (!have.count(dh)) {
        problem(kList, row.line, "档号 " + dh + " has no directory data/documents/" + dh + " in the bag");
        continue;
      }
      compare_row(row, dh);
    }
    for (auto& d : docs)
      if (!listed.count(d)) problem("data/documents/" + d, "not listed in " + kList);
  }

  const std::string* label(const std::string& name) {
    auto it = info.find(name);
    if (it != info.end()) return &it->second;
    problem("bag-info.txt", "no " + name);
    return nullptr;
  }

  void check_info() {
    if (auto n = label("X-件数"); n && *n != std::to_string(docs.size()))
      problem("bag-info.txt", "X-件数 is '" + *n + "', the bag holds " + std::to_string(docs.size()) + " document directories");
    std::string range = docs.empty() ? "" : docs.front() + " — " + docs.back();
    if (auto r = label("X-档号范围"); r && *r != range)
      problem("bag-info.txt", "X-档号范围 is '" + *r + "', the bag's 档号 run '" + range + "'");
    auto fonds = label("X-全宗号");
    auto year = label("X-年度");
    for (auto& d : docs)
      if (auto p = parse_danghao(d); p && fonds && year && (p->fonds != *fonds || p->year != *year))
        problem("data/documents/" + d, "档号 not of X-全宗号 " + *fonds + " and X-年度 " + *year + " (bag-info.txt)");
    if (!head) return;
    if (auto s = label("X-Tree-Head-Size"); s && *s != std::to_string(head->size))
      problem("bag-info.txt", "X-Tree-Head-Size is '" + *s + "', data/audit/tree-head.txt has size " + std::to_string(head->size));
    if (auto r = label("X-Tree-Head-Root"); r && *r != audit::hash_hex(head->root))
      problem("bag-info.txt", "X-Tree-Head-Root differs from the root in data/audit/tree-head.txt");
  }

  void check_report() {
    std::error_code ec;
    if (!fs::exists(dir + "/" + kReport, ec)) return problem(kReport, "missing");
    auto text = read_file(dir + "/" + kReport);
    if (!text) return problem(kReport, "cannot read");
    auto j = ocfl::parse_json(*text);
    const ocfl::Json* rules = j && j->is_object() ? j->find("rules") : nullptr;
    if (!rules || !rules->is_array()) return problem(kReport, "not a 四性检测报告 (no \"rules\" array)");
    auto str = [&](const ocfl::Json& o, const char* k) {
      const ocfl::Json* v = o.is_object() ? o.find(k) : nullptr;
      return v && v->is_string() ? v->str() : std::string();
    };
    auto num = [&](const ocfl::Json& o, const char* k) {
      const ocfl::Json* v = o.is_object() ? o.find(k) : nullptr;
      return v && v->type() == ocfl::Json::Type::number ? std::to_string(static_cast<long long>(v->number())) : "-";
    };
    std::set<std::string> have(docs.begin(), docs.end());
    size_t failed = 0;
    for (auto& rule : rules->array()) {
      std::string id = str(rule, "id"), result = str(rule, "result");
      const ocfl::Json* fails = rule.is_object() ? rule.find("failures") : nullptr;
      size_t n = fails && fails->is_array() ? fails->array().size() : 0;
      if (result == "fail") ++failed;
      if (result != (n ? "fail" : "pass"))
        problem(kReport, "rule " + id + " says '" + result + "' with " + std::to_string(n) + " failure(s)");
      for (size_t i = 0; i < n; ++i) {
        std::string item = str(fails->array()[i], "item");
        std::string dh = item.substr(0, item.find(' '));
        if (valid_danghao(dh) && !have.count(dh)) problem(kReport, "rule " + id + " names " + dh + ", which is not in the bag");
      }
    }
    std::string overall = str(*j, "result");
    if (overall != (failed ? "fail" : "pass"))
      problem(kReport, "result '" + overall + "' but " + std::to_string(failed) + " rule(s) fail");
    if (auto r = label("X-四性检测结果")) {
      std::string want = overall == "pass" ? "通过" : "未通过（" + std::to_string(failed) + "项）";
      if (*r != want) problem("bag-info.txt", "X-四性检测结果 is '" + *r + "', " + kReport + " says '" + want + "'");
    }
    if (num(*j, "items") != std::to_string(docs.size()))
      problem(kReport, "items " + num(*j, "items") + ", the bag holds " + std::to_string(docs.size()) + " document directories");
    for (auto [key, labelname] : {std::pair{"fonds", "X-全宗号"}, {"year", "X-年度"}})
      if (auto it = info.find(labelname); it != info.end() && str(*j, key) != it->second)
        problem(kReport, std::string(key) + " '" + str(*j, key) + "' but bag-info.txt has " + labelname + " '" + it->second + "'");
    const ocfl::Json* th = j->find("tree-head");
    if (head && th && (num(*th, "size") != std::to_string(head->size) || str(*th, "root") != audit::hash_hex(head->root)))
      problem(kReport, "tree-head differs from data/audit/tree-head.txt");
  }
};

}  // namespace

void check_contents(const std::string& dir, const std::map<std::string, std::string>& info, const audit::Head* head,
                    std::vector<std::string>& problems) {
  Contents c{dir, info, head, problems, {}};
  c.list_documents();
  c.check_list();
  c.check_info();
  c.check_report();
}

}  // namespace gk::package
