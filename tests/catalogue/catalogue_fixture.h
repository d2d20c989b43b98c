// Helpers for the catalogue tests: a deterministic corpus of government-style Chinese text,
// records and metadata.json written into OCFL stores, and a CLI runner.
#pragma once
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "archive/catalogue/catalogue.h"
#include "archive/ocfl/store.h"
#include "common/files.h"

#include "tests/support/temp_dir.h"

namespace cat_test {

namespace fs = std::filesystem;

using TempDir = gk_test::TempDir;

// A small fixed-seed generator (xorshift), identical on every platform.
struct Rng {
  unsigned long long x;
  explicit Rng(unsigned long long seed) : x(seed * 2654435761ull + 1) {}
  unsigned long long next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

inline const std::vector<std::string>& words() {
  static const std::vector<std::string> w{
      "扶贫", "帮扶", "贫困", "帮扶贫困", "脱贫攻坚", "乡村振兴", "政务", "公开", "政务公开", "政务服务", "营商环境",
      "优化", "审批", "事项", "办理", "安全生产", "专项整治", "行动", "实施方案", "财政", "资金", "管理办法",
      "疫情防控", "教育", "医疗", "保障", "住房公积金", "交通运输", "城市更新", "生态环境", "保护", "河长制",
      "防汛抗旱", "应急管理", "社会救助", "养老服务", "就业创业", "补贴", "申请", "条件", "标准", "程序", "监督检查",
      "考核", "评估", "年度", "工作要点", "落实", "责任", "推进", "加强", "完善", "建立健全", "机制", "制度", "体系",
      "各县区", "人民政府", "有关部门", "认真", "贯彻执行", "进一步", "提升", "水平", "群众", "企业", "服务中心",
      "12345热线", "APP", "PDF", "5G", "GDP", "的", "和", "在", "对", "了", "是", "按照", "要求", "做好", "相关",
      "农村", "人居环境", "整治", "信息", "平台", "建设", "数据", "共享", "统计", "报表", "低保", "特困", "人员"};
  return w;
}

inline const std::vector<std::string>& punct() {
  static const std::vector<std::string> p{"，", "。", "、", "；", "：", "“", "”", "（", "）", "《", "》", " "};
  return p;
}

// A paragraph of n words with punctuation between some of them.
inline std::string paragraph(Rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += r.pick(words());
    if (r.below(4) == 0) s += r.pick(punct());
  }
  return s + "。";
}

inline std::string doc_number(Rng& r, int year) {
  static const std::vector<std::string> prefix{"青府办", "青扶贫办", "青政发", "青卫健", "青交"};
  return r.pick(prefix) + "〔" + std::to_string(year) + "〕" + std::to_string(1 + r.below(150)) + "号";
}

inline std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&') o += "&amp;";
    else if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else o += c;
  }
  return o;
}

// Catalogue fields and body of a generated record.
struct Doc {
  std::string index_no, title, issuer, doc_number, genre = "通知", subject = "综合政务\\政务公开";
  std::vector<std::string> keywords;
  std::string written = "2022-03-10", published = "2022-03-15", mode = "主动公开", validity = "有效";
  std::vector<std::string> paragraphs;  // empty: a catalogue-only record
};

inline std::string record_xml(const Doc& d) {
  std::ostringstream x;
  x << "<record version=\"1\"><catalogue>"
    << "<index-no>" << d.index_no << "</index-no><title>" << xml_escape(d.title) << "</title><issuer>" << d.issuer
    << "</issuer>";
  if (!d.doc_number.empty()) x << "<doc-number>" << d.doc_number << "</doc-number>";
  x << "<genre>" << d.genre << "</genre><subject>" << d.subject << "</subject>";
  if (!d.keywords.empty()) {
    x << "<keywords>";
    for (const auto& k : d.keywords) x << "<keyword>" << k << "</keyword>";
    x << "</keywords>";
  }
  x << "<written-date>" << d.written << "</written-date><published-date>" << d.published << "</published-date>"
    << "<disclosure-mode>" << d.mode << "</disclosure-mode><disclosure-scope>面向社会</disclosure-scope>"
    << "<validity>" << d.validity << "</validity><retention>永久</retention></catalogue>";
  if (!d.paragraphs.empty()) {
    x << "<notice><issuer-mark>" << d.issuer << "文件</issuer-mark><body>";
    for (const auto& p : d.paragraphs) x << "<p>" << xml_escape(p) << "</p>";
    x << "</body><signature>" << d.issuer << "</signature><printed-by>" << d.issuer << "</printed-by><printed-date>"
      << d.written << "</printed-date></notice>";
  }
  x << "</record>\n";
  return x.str();
}

// metadata.json in the write path's format (archive/ingest/metadata.h, "gongkai-version-metadata/1").
inline std::string metadata_json(const Doc& d, const std::string& status, int version, const std::string& created) {
  std::string kw;
  for (const auto& k : d.keywords) kw += (kw.empty() ? "\"" : ", \"") + k + "\"";
  std::string subject = d.subject;
  if (auto p = subject.find('\\'); p != std::string::npos) subject.replace(p, 1, "\\\\");
  return "{\n  \"catalogue\": {\"index-no\": \"" + d.index_no + "\", \"title\": \"" + d.title + "\", \"issuer\": \"" +
         d.issuer + "\", \"doc-number\": \"" + d.doc_number + "\", \"genre\": \"" + d.genre + "\", \"subject\": \"" +
         subject + "\", \"keywords\": [" + kw + "], \"summary\": \"\", \"written-date\": \"" + d.written +
         "\", \"published-date\": \"" + d.published + "\", \"disclosure-mode\": \"" + d.mode +
         "\", \"disclosure-scope\": \"面向社会\", \"validity\": \"" + d.validity +
         "\", \"retention\": \"永久\"},\n  \"files\": {},\n  \"format\": \"gongkai-version-metadata/1\",\n  \"status\": \"" +
         status + "\",\n  \"version\": \"v" + std::to_string(version) + "\",\n  \"message\": \"\",\n  \"time\": \"" + created + "\"\n}\n";
}

inline Doc make_doc(Rng& r, int i) {
  Doc d;
  char serial[8];
  std::snprintf(serial, sizeof serial, "%05d", i);
  int year = 2019 + static_cast<int>(r.below(5));
  d.index_no = "11519900008452170L/" + std::to_string(year) + "-" + serial;
  d.title = "青川市" + r.pick(words()) + r.pick(words()) + "关于" + r.pick(words()) + r.pick(words()) + "的通知";
  static const std::vector<std::string> issuers{"青川市人民政府", "青川市扶贫开发办公室", "青川市卫生健康委员会", "青川市交通运输局"};
  d.issuer = r.pick(issuers);
  d.doc_number = doc_number(r, year);
  static const std::vector<std::string> genres{"通知", "公告", "意见", "通报", "方案"};
  d.genre = r.pick(genres);
  static const std::vector<std::string> subjects{"综合政务\\政务公开", "综合政务\\应急管理", "农业、林业、水利\\扶贫",
                                                 "卫生、体育\\卫生", "交通\\公路"};
  d.subject = r.pick(subjects);
  d.keywords = {r.pick(words()), r.pick(words())};
  char date[16];
  std::snprintf(date, sizeof date, "%d-%02d-%02d", year, 1 + static_cast<int>(r.below(12)), 1 + static_cast<int>(r.below(28)));
  d.written = d.published = date;
  static const std::vector<std::string> modes{"主动公开", "主动公开", "依申请公开"};
  d.mode = r.pick(modes);
  static const std::vector<std::string> vals{"有效", "有效", "失效", "废止"};
  d.validity = r.pick(vals);
  int np = 2 + static_cast<int>(r.below(4));
  for (int k = 0; k < np; ++k) d.paragraphs.push_back(paragraph(r, 10 + static_cast<int>(r.below(30))));
  return d;
}

inline gk::ocfl::VersionMeta vmeta(const std::string& created) { return {created, "test", "Archivist", "mailto:a@example.gov.cn"}; }

// Adds a version holding record.xml (+ metadata.json when status is not empty).
inline gk::Result<gk::ocfl::VersionInfo> add(gk::ocfl::Store& s, const std::string& id, const Doc& d, const std::string& created,
                                             const std::string& status = "", int version = 1) {
  std::vector<gk::ocfl::NewFile> files{gk::ocfl::NewFile::from_bytes("record.xml", record_xml(d))};
  if (!status.empty()) files.push_back(gk::ocfl::NewFile::from_bytes("metadata.json", metadata_json(d, status, version, created)));
  return s.add_version(id, files, vmeta(created));
}

struct Run {
  int code = 0;
  std::string out, err;
};

inline Run run_cli(const std::string& args) {
  static int n = 0;
  std::string base = (fs::temp_directory_path() / ("gk_cat_cli_" + std::to_string(::getpid()) + "_" + std::to_string(n++))).string();
  std::string cmd = std::string(GK_BINARY) + " " + args + " >" + base + ".out 2>" + base + ".err";
  int rc = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = gk::read_file(base + ".out").value();
  r.err = gk::read_file(base + ".err").value();
  fs::remove(base + ".out");
  fs::remove(base + ".err");
  return r;
}

// Error text of a failed Result or Status, "" on success (Boost evaluates messages eagerly).
template <class T>
std::string err(const T& r) {
  return r ? std::string() : r.error().str();
}

inline std::string q(const std::string& s) { return "'" + s + "'"; }  // shell quoting (no ' inside)

// Object ids of every hit of `query` (one page of up to 1,000).
inline std::set<std::string> ids_of(const gk::catalogue::Index& ix, const std::string& query,
                                    gk::catalogue::Filters f = {}) {
  gk::catalogue::SearchRequest req;
  req.query = query;
  req.filters = f;
  req.per_page = 1000;
  auto res = search(ix, req);
  BOOST_REQUIRE_MESSAGE(res, err(res));
  std::set<std::string> out;
  for (const auto& h : res->hits) out.insert(h.object_id);
  return out;
}

// A catalogue file built from `entries` at `path` (the rebuild path), opened and checked.
inline gk::catalogue::Index built_index(std::vector<gk::catalogue::Entry> entries, const std::string& path) {
  auto built = gk::catalogue::build_file(std::move(entries), path, false);
  BOOST_REQUIRE_MESSAGE(built, err(built));
  auto opened = gk::catalogue::Index::open(path, false, true);
  BOOST_REQUIRE_MESSAGE(opened, err(opened));
  return std::move(*opened);
}

}  // namespace cat_test
