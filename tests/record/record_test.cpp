#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "generator/record/record.h"

namespace fs = std::filesystem;
using gk::record::load_record;
using gk::record::load_record_from_memory;

namespace {

std::string sample(const std::string& name) {
  return std::string(GK_SOURCE_DIR) + "/samples/notices/" + name;
}

std::vector<std::string> all_samples() {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(std::string(GK_SOURCE_DIR) + "/samples/notices"))
    if (e.path().extension() == ".xml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A minimal valid record; the line numbers matter to the tests below.
const std::string kMinimal =
    "<record version=\"1\">\n"                                           // 1
    "  <catalogue>\n"                                                    // 2
    "    <index-no>11519900MB1A28365X/2022-00012</index-no>\n"           // 3
    "    <title>测试通知</title>\n"                                      // 4
    "    <issuer>青川市扶贫开发办公室</issuer>\n"                        // 5
    "    <genre>通知</genre>\n"                                          // 6
    "    <subject>综合政务\\政务公开</subject>\n"                        // 7
    "    <written-date>2022-03-12</written-date>\n"                      // 8
    "    <published-date>2022-03-15</published-date>\n"                  // 9
    "    <disclosure-mode>主动公开</disclosure-mode>\n"                  // 10
    "    <disclosure-scope>面向社会</disclosure-scope>\n"                // 11
    "    <validity>有效</validity>\n"                                    // 12
    "    <retention>永久</retention>\n"                                  // 13
    "  </catalogue>\n"                                                   // 14
    "  <notice>\n"                                                       // 15
    "    <issuer-mark>青川市扶贫开发办公室文件</issuer-mark>\n"          // 16
    "    <body>\n"                                                       // 17
    "      <p>正文。</p>\n"                                              // 18
    "    </body>\n"                                                      // 19
    "    <signature>青川市扶贫开发办公室</signature>\n"                  // 20
    "    <printed-by>青川市扶贫开发办公室</printed-by>\n"                // 21
    "    <printed-date>2022-03-12</printed-date>\n"                      // 22
    "  </notice>\n"                                                      // 23
    "</record>\n";                                                       // 24

// kMinimal with the first occurrence of `from` replaced by `to`.
std::string variant(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  auto pos = s.find(from);
  BOOST_REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

std::string nested_sections(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "<section><heading>第" + std::to_string(i + 1) + "层</heading>";
  s += "<p>内容。</p>";
  for (int i = 0; i < depth; ++i) s += "</section>";
  return s;
}

struct Bad {
  std::string name;
  std::string xml;
  int line;
  std::string message;
};

std::vector<Bad> bad_inputs() {
  return {
      {"unclosed tag", variant("<title>测试通知</title>", "<title>测试通知"), 14,
       "malformed XML: element 'title' opened on line 4 is closed by </catalogue>"},
      {"missing index-no", variant("<index-no>11519900MB1A28365X/2022-00012</index-no>", ""), 4,
       "element 'title' is not expected here; expected index-no"},
      {"bad index-no", variant("11519900MB1A28365X/2022-00012", "11519900MB1A28365/2022-00012"), 3,
       "element 'index-no': '11519900MB1A28365/2022-00012' is not a valid 索引号 (9 or 18 characters "
       "of 0-9A-Z, '/', then YYYY-NNNNN or YYYYMM-NNNNN)"},
      {"unknown validity", variant("<validity>有效</validity>", "<validity>过期</validity>"), 12,
       "element 'validity': '过期' is not one of 有效, 失效, 废止"},
      {"five levels of sections", variant("<p>正文。</p>", nested_sections(5)), 18,
       "element 'section': sections nest at most 4 levels deep"},
      {"impossible date", variant("2022-03-12</written-date>", "2022-02-30</written-date>"), 8,
       "element 'written-date': '2022-02-30' is not a valid date (YYYY-MM-DD)"},
      {"published before written", variant("2022-03-15", "2022-03-10"), 9,
       "published-date 2022-03-10 is before written-date 2022-03-12"},
  };
}

void check_bad(const Bad& b) {
  auto r = load_record_from_memory(b.xml, "bad.xml");
  BOOST_TEST_CONTEXT(b.name) {
    BOOST_REQUIRE(!r.is_ok());
    BOOST_TEST(r.error().file == "bad.xml");
    BOOST_TEST(r.error().line == b.line);
    BOOST_TEST(r.error().message == b.message);
  }
}

// Boost evaluates the message of BOOST_REQUIRE_MESSAGE even when the check passes.
template <class R>
std::string why(const R& r) {
  return r.is_ok() ? std::string() : r.error().str();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record)

BOOST_AUTO_TEST_CASE(minimal_record_loads) {
  auto r = load_record_from_memory(kMinimal, "min.xml");
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  const auto& rec = **r;
  BOOST_TEST(rec.path() == "min.xml");
  BOOST_TEST(rec.bytes() == kMinimal);
  BOOST_TEST(rec.has_notice());
  BOOST_TEST(rec.catalogue().doc_number.empty());
  BOOST_TEST(rec.catalogue().keywords.empty());
  BOOST_TEST(rec.doc().select_node("/record/notice/body/p").node().child_value() == std::string("正文。"));
}

BOOST_AUTO_TEST_CASE(every_sample_validates) {
  auto files = all_samples();
  BOOST_TEST(files.size() >= 4u);
  for (const auto& f : files) {
    auto r = load_record(f);
    BOOST_TEST_CONTEXT(f) {
      BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
      BOOST_TEST((*r)->path() == f);
      BOOST_TEST((*r)->has_notice());
    }
  }
}

BOOST_AUTO_TEST_CASE(seed_notice_catalogue) {
  auto r = load_record(sample("seed-notice.xml"));
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  const auto& c = (*r)->catalogue();
  BOOST_TEST(c.index_no == "11519900MB1A28365X/2022-00012");
  BOOST_TEST(c.title == "青川市扶贫开发办公室关于印发《扶贫办创建政务公开活动方案》的通知");
  BOOST_TEST(c.issuer == "青川市扶贫开发办公室");
  BOOST_TEST(c.doc_number == "青扶贫办〔2022〕12号");
  BOOST_TEST(c.genre == "通知");
  BOOST_TEST(c.subject == "综合政务\\政务公开");
  BOOST_TEST(c.keywords == (std::vector<std::string>{"政务公开", "办事公开", "带头点"}),
             boost::test_tools::per_element());
  BOOST_TEST(c.summary == "印发《扶贫办创建政务公开活动方案》，在办各科室开展创立政务公开和办事公开工作带头点活动。");
  BOOST_TEST(c.written_date == "2022-03-12");
  BOOST_TEST(c.published_date == "2022-03-15");
  BOOST_TEST(c.disclosure_mode == "主动公开");
  BOOST_TEST(c.disclosure_scope == "面向社会");
  BOOST_TEST(c.validity == "有效");
  BOOST_TEST(c.retention == "定期30年");
}

BOOST_AUTO_TEST_CASE(other_samples_catalogue) {
  struct Want {
    std::string file, index_no, genre, doc_number, written, published, retention;
    size_t keywords;
  };
  const std::vector<Want> wants = {
      {"announcement.xml", "11519900008452170L/2023-00087", "公告", "青府告〔2023〕3号", "2023-08-28",
       "2023-08-30", "定期10年", 2},
      {"traffic-notice.xml", "11519900008452293R/202306-00041", "通告", "青公通〔2023〕7号",
       "2023-06-12", "2023-06-13", "定期10年", 3},
      {"annual-report-notice.xml", "11519900008452189E/2023-00215", "通知", "青府办函〔2023〕58号",
       "2023-12-08", "2023-12-11", "永久", 3},
  };
  for (const auto& w : wants) {
    auto r = load_record(sample(w.file));
    BOOST_TEST_CONTEXT(w.file) {
      BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
      const auto& c = (*r)->catalogue();
      BOOST_TEST(c.index_no == w.index_no);
      BOOST_TEST(c.genre == w.genre);
      BOOST_TEST(c.doc_number == w.doc_number);
      BOOST_TEST(c.written_date == w.written);
      BOOST_TEST(c.published_date == w.published);
      BOOST_TEST(c.retention == w.retention);
      BOOST_TEST(c.keywords.size() == w.keywords);
      BOOST_TEST(c.disclosure_mode == "主动公开");
      BOOST_TEST(c.validity == "有效");
      BOOST_TEST(!c.title.empty());
      BOOST_TEST(!c.summary.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(samples_cover_the_format) {
  // The traffic notice has a table and several 抄送 organs; the long notice four levels, a list,
  // a table and more than three pages (22 x 28 characters each) of body text.
  auto traffic = load_record(sample("traffic-notice.xml"));
  BOOST_REQUIRE(traffic.is_ok());
  BOOST_TEST((*traffic)->doc().select_nodes("/record/notice/body//table").size() == 1u);
  BOOST_TEST((*traffic)->doc().select_nodes("/record/notice/cc/organ").size() >= 3u);

  auto longer = load_record(sample("annual-report-notice.xml"));
  BOOST_REQUIRE(longer.is_ok());
  const auto& d = (*longer)->doc();
  BOOST_TEST(d.select_nodes("/record/notice/body/section/section/section/section").size() > 0u);
  BOOST_TEST(d.select_nodes("/record/notice/body//list").size() > 0u);
  BOOST_TEST(d.select_nodes("/record/notice/body//table").size() > 0u);
  size_t chars = 0;
  for (auto n : d.select_nodes("/record/notice/body//text()")) {
    std::string t = n.node().value();
    for (unsigned char ch : t) chars += (ch & 0xC0) != 0x80 && ch > ' ';  // count code points
  }
  BOOST_TEST(chars > 3u * 22u * 28u);

  auto notice = load_record(sample("announcement.xml"));
  BOOST_REQUIRE(notice.is_ok());
  BOOST_TEST(!(*notice)->doc().select_node("/record/notice/attachments"));
}

BOOST_AUTO_TEST_CASE(bad_inputs_give_exact_errors) {
  for (const auto& b : bad_inputs()) check_bad(b);
}

BOOST_AUTO_TEST_CASE(four_levels_are_allowed) {
  auto r = load_record_from_memory(variant("<p>正文。</p>", nested_sections(4)), "ok.xml");
  BOOST_TEST_REQUIRE(r.is_ok(), why(r));
}

BOOST_AUTO_TEST_CASE(leap_days) {
  BOOST_TEST(load_record_from_memory(variant("2022-03-12</written-date>", "2020-02-29</written-date>"), "a").is_ok());
  auto r = load_record_from_memory(variant("2022-03-12</written-date>", "2021-02-29</written-date>"), "b");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().message == "element 'written-date': '2021-02-29' is not a valid date (YYYY-MM-DD)");
}

BOOST_AUTO_TEST_CASE(more_bad_inputs) {
  const std::vector<Bad> more = {
      {"blank paragraph", variant("<p>正文。</p>", "<p>  </p>"), 18, "element 'p' must not be empty"},
      {"doctype", variant("<record", "<!DOCTYPE record [<!ENTITY x \"y\">]>\n<record"), 1,
       "a record must not have a DOCTYPE"},
      {"external entity", variant("正文。", "&ext;"), 18, "malformed XML: entity 'ext' not defined"},
      {"wrong root", "<notice/>\n", 1, "the root element is 'notice', expected 'record'"},
      {"wrong version", variant("version=\"1\"", "version=\"2\""), 1,
       "element 'record', attribute 'version': only version 1 is supported"},
      {"bad colspan", variant("<p>正文。</p>", "<table><row><cell colspan=\"0\">x</cell></row></table>"), 18,
       "element 'cell', attribute 'colspan': '0' is not a whole number from 1 to 100"},
      {"huge colspan", variant("<p>正文。</p>", "<table><row><cell colspan=\"99999999\">x</cell></row></table>"), 18,
       "element 'cell', attribute 'colspan': '99999999' is not a whole number from 1 to 100"},
      {"bad align", variant("<p>正文。</p>", "<table><row><cell align=\"middle\">x</cell></row></table>"), 18,
       "element 'cell', attribute 'align': 'middle' is not one of left, center, right"},
      {"missing body", variant("<body>\n      <p>正文。</p>\n    </body>", ""), 18,
       "element 'signature' is not expected here; expected one of addressee, body"},
      {"not UTF-8", variant("测试通知", "\xb2\xe2\xca\xd4"), 4,
       "malformed XML: not valid UTF-8 (records must be UTF-8)"},
      {"empty", "", 0, "the file is empty"},
  };
  for (const auto& b : more) check_bad(b);
}

BOOST_AUTO_TEST_CASE(missing_file) {
  auto r = load_record("/nonexistent/gongkai/none.xml");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().file == "/nonexistent/gongkai/none.xml");
  BOOST_TEST(r.error().line == 0);
  BOOST_TEST(r.error().message == "cannot read: No such file or directory");
}

BOOST_AUTO_TEST_CASE(catalogue_only_record) {
  std::string xml = kMinimal;
  xml.erase(xml.find("  <notice>"), xml.find("</record>") - xml.find("  <notice>"));
  auto r = load_record_from_memory(xml, "cat.xml");
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST(!(*r)->has_notice());
  BOOST_TEST(gk::record::body_text(**r) == "测试通知\n");
}

BOOST_AUTO_TEST_CASE(body_text_has_the_seed_text) {
  auto r = load_record(sample("seed-notice.xml"));
  BOOST_REQUIRE(r.is_ok());
  std::string text = gk::record::body_text(**r);
  BOOST_TEST(text.rfind("青川市扶贫开发办公室关于印发《扶贫办创建政务公开活动方案》的通知\n", 0) == 0u);
  BOOST_TEST(text.find("\n扶贫办创建政务公开活动方案\n") != std::string::npos);  // attachment name
  BOOST_TEST(text.find("时间:") == std::string::npos);  // web boilerplate dropped
  BOOST_TEST(text.find("导语:") == std::string::npos);

  // Every content line of the seed, without its 一、/(一) marker; a (一) line is a heading up to
  // its first 。 and a paragraph after it.
  std::istringstream seed(read_text(std::string(GK_SHARED_DIR) + "/seeds/000_81e6faa7f76f3b8b.simplified.txt"));
  std::string line;
  std::vector<std::string> pieces;
  for (int n = 0; std::getline(seed, line); ++n) {
    if (n < 3 || line.empty()) continue;
    const std::string numerals = "一二三四五六七八九十";
    if (line.rfind("(", 0) == 0 && line.find(')') != std::string::npos) {
      std::string rest = line.substr(line.find(')') + 1);
      auto stop = rest.find("。");
      pieces.push_back(rest.substr(0, stop));
      pieces.push_back(rest.substr(stop + std::string("。").size()));
    } else if (auto dun = line.find("、"); dun != std::string::npos && dun <= 6 &&
                                         numerals.find(line.substr(0, dun)) != std::string::npos) {
      pieces.push_back(line.substr(dun + std::string("、").size()));
    } else {
      pieces.push_back(line);
    }
  }
  BOOST_TEST(pieces.size() > 20u);
  for (const auto& p : pieces) {
    BOOST_TEST_CONTEXT(p) { BOOST_TEST(text.find("\n" + p + "\n") != std::string::npos); }
  }
}

BOOST_AUTO_TEST_CASE(text_split_by_comments_and_cdata_is_whole) {
  auto r = load_record_from_memory(
      variant("<title>测试通知</title>", "<title>测试<!-- 注 -->通<![CDATA[知]]></title>"), "c.xml");
  BOOST_REQUIRE_MESSAGE(r.is_ok(), why(r));
  BOOST_TEST((*r)->catalogue().title == "测试通知");
  BOOST_TEST(gk::record::body_text(**r) == "测试通知\n正文。\n");
}

BOOST_AUTO_TEST_CASE(body_text_has_tables_and_lists) {
  auto r = load_record(sample("traffic-notice.xml"));
  BOOST_REQUIRE(r.is_ok());
  std::string text = gk::record::body_text(**r);
  BOOST_TEST(text.find("\n阶段\t管制时间\t管制路段\t管制措施\n") != std::string::npos);
  BOOST_TEST(text.find("\n滨江路（大桥匝道至锦屏大道路口）\t禁止货车通行\n") != std::string::npos);
  BOOST_TEST(text.find("\n管制路段、时间和措施\n") != std::string::npos);
  BOOST_TEST(text.find("特此通告。") != std::string::npos);
  BOOST_TEST(text.find("市交通运输局") == std::string::npos);  // 抄送 is not body text

  auto l = load_record(sample("annual-report-notice.xml"));
  BOOST_REQUIRE(l.is_ok());
  std::string t2 = gk::record::body_text(**l);
  BOOST_TEST(t2.find("\n年度报告数据核对表；\n") != std::string::npos);
  BOOST_TEST(t2.find("\n规章和行政规范性文件\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(loads_from_four_threads_at_once) {
  auto files = all_samples();
  auto bad = bad_inputs();
  std::vector<std::string> expected_titles;
  for (const auto& f : files) expected_titles.push_back((*load_record(f))->catalogue().title);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < files.size(); ++i) {
          auto r = load_record(files[i]);
          if (!r.is_ok() || (*r)->catalogue().title != expected_titles[i]) ++failures;
        }
        // Errors must stay with the thread that caused them.
        const Bad& b = bad[(static_cast<size_t>(t) + static_cast<size_t>(round)) % bad.size()];
        auto r = load_record_from_memory(b.xml, "bad.xml");
        if (r.is_ok() || r.error().message != b.message || r.error().line != b.line) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
