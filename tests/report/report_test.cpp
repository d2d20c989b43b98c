// Reports: the working-day calendar, the annual-report tables checked against counts this test
// makes itself from the request XML, every identity, table splitting and header repetition,
// TOC page numbers and bookmarks, charts and images, and every bad input with its message.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <regex>

#include "common/files.h"
#include "generator/layout/layout.h"
#include "generator/report/annual.h"
#include "generator/report/compliance.h"
#include "generator/report/pipeline.h"
#include "generator/text/utf.h"
#include "tests/render/run.h"

namespace fs = std::filesystem;
using namespace gk;
using namespace gk::report;

namespace {

const std::string kSamples = std::string(GK_SOURCE_DIR) + "/samples/year";

const Calendar& cal() {
  static auto c = Calendar::load(Calendar::default_path());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  return *c;
}
const font::FontMap& fonts() {
  static auto m = font::FontMap::load_default();
  BOOST_REQUIRE(m.is_ok());
  return **m;
}
Date d(const char* s) { return *parse_date(s); }

std::string request_xml(const std::string& id, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request version=\"1\">\n  <id>" + id +
         "</id>\n  <subject>测试</subject>\n" + body + "</request>\n";
}

std::vector<long> values_of(const std::string& json, const std::string& key) {
  auto at = json.find("\"key\": \"" + key + "\"");
  BOOST_REQUIRE(at != std::string::npos);
  auto open = json.find('[', at), close = json.find(']', open);
  std::vector<long> v;
  std::string s = json.substr(open + 1, close - open - 1);
  for (size_t p = 0; p < s.size();) {
    size_t e = 0;
    v.push_back(std::stol(s.substr(p), &e));
    p += e + 1;
  }
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(calendar)

BOOST_AUTO_TEST_CASE(holidays_and_make_up_days) {
  // 2024 春节: 2-10..2-17 off, Sunday 2-4 and Sunday 2-18 worked.
  BOOST_TEST(*cal().is_working_day(d("2024-02-04")));
  BOOST_TEST(!*cal().is_working_day(d("2024-02-12")));
  BOOST_TEST(*cal().is_working_day(d("2024-02-18")));
  BOOST_TEST(!*cal().is_working_day(d("2024-02-24")));  // an ordinary Saturday
  BOOST_TEST(cal().add_working_days(d("2024-02-08"), 2)->str() == "2024-02-18");
  // 国庆 2024: 10-1..10-7 off, Sunday 9-29 and Saturday 10-12 worked.
  // (9-27, 10-12]: Sunday 9-29, 9-30, 10-8..10-11, Saturday 10-12.
  BOOST_TEST(*cal().working_days_between(d("2024-09-27"), d("2024-10-12")) == 7);
}

BOOST_AUTO_TEST_CASE(twenty_working_days_across_holidays) {
  // Received Tue 2024-04-02: Qingming 4-4..4-6 off, Sunday 4-7 worked; 劳动节 4-28 (Sun) worked,
  // 5-1..5-5 off. Counting from 4-3: April has 4-3, 4-7, 4-8..4-12 (5), 4-15..4-19 (5), 4-22..4-26 (5)
  // = 17 by 4-26, 4-28 (Sun) 18, 4-29 19, 4-30 20.
  BOOST_TEST(cal().add_working_days(d("2024-04-02"), 20)->str() == "2024-04-30");
  // Across the change of year: 2024-12-20 + 20 WD; 2025-01-01 off.
  BOOST_TEST(cal().add_working_days(d("2024-12-20"), 20)->str() == "2025-01-20");
  // 2025 Spring Festival 1-28..2-4 off, Sunday 1-26 and Saturday 2-8 worked.
  BOOST_TEST(cal().add_working_days(d("2025-01-24"), 1)->str() == "2025-01-26");
  BOOST_TEST(cal().add_working_days(d("2025-01-27"), 1)->str() == "2025-02-05");
  BOOST_TEST(cal().add_working_days(d("2025-02-07"), 1)->str() == "2025-02-08");
}

BOOST_AUTO_TEST_CASE(deadline_with_extension_and_pause) {
  auto r = load_request_from_memory(
      request_xml("T-1", "  <applicant category=\"自然人\"/>\n  <received date=\"2024-03-01\" how=\"当面提交\"/>\n"
                         "  <consultation from=\"2024-03-11\" to=\"2024-03-15\"/>\n  <extension approved=\"2024-03-25\"/>\n"
                         "  <reply date=\"2024-05-10\" result=\"予以公开\"/>\n"),
      "t.xml");
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  auto dl = deadline_of(*r, cal());
  BOOST_REQUIRE(dl.is_ok());
  BOOST_TEST(dl->limit == 40);
  BOOST_TEST(dl->paused == 5);
  // 45 WD after 2024-03-01: March 4..29 = 20; April 1-3 (23), Sunday 4-7 (24), 4-8..4-26 (39),
  // Sunday 4-28 (40), 4-29, 4-30 (42); May 1..5 off; 5-6, 5-7, 5-8 (45).
  BOOST_TEST(dl->due.str() == "2024-05-08");
}

// A date both inside a holiday and listed as a make-up working day is a mistake in the calendar
// (it counted as a working day, silently); the error names the workday's line and the holiday's.
BOOST_AUTO_TEST_CASE(a_make_up_day_inside_a_holiday_is_an_error) {
  auto dir = std::filesystem::temp_directory_path() / "gk_calendar_clash";
  std::filesystem::create_directories(dir);
  auto file = (dir / "calendar.xml").string();
  BOOST_REQUIRE(gk::write_file_atomic(file, "<calendar>\n<year value=\"2024\">\n<workday date=\"2024-10-05\"/>\n"
                                            "<holiday from=\"2024-10-01\" to=\"2024-10-07\"/>\n</year>\n</calendar>\n")
                    .is_ok());
  auto c = Calendar::load(file);
  BOOST_REQUIRE(!c.is_ok());
  BOOST_TEST(c.error().str() == file + ":3: make-up working day 2024-10-05 is inside the holiday on line 4");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(unknown_year_is_an_error) {
  auto w = cal().is_working_day(d("2027-03-01"));
  BOOST_REQUIRE(!w.is_ok());
  BOOST_TEST(w.error().message.find("no working-day calendar for 2027") == 0);
  auto a = cal().add_working_days(d("2026-12-30"), 5);
  BOOST_TEST(!a.is_ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(annual)

// Nothing is written unless everything succeeded: a PDF that cannot be written leaves no dump,
// and neither output may be one of the inputs.
BOOST_AUTO_TEST_CASE(outputs_all_or_nothing_and_never_an_input) {
  gkt::TempDir tmp("gk-report");
  auto annual = [&](const std::string& out, const std::string& dump) {
    return gkt::run({GK_BINARY, "report", "annual", "--year", "2024", "--records", kSamples + "/records", "--requests",
                     kSamples + "/requests", "--extra", kSamples + "/extra-2024.xml", "--out", out, "--dump", dump});
  };
  auto r = annual(tmp / "no-such-dir/a.pdf", tmp / "a.json");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(!std::filesystem::exists(tmp / "a.json"));
  r = annual(tmp / "a.pdf", tmp / "a.pdf");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err == "gongkai: --dump and --out name the same file\n");
  std::filesystem::copy_file(kSamples + "/extra-2024.xml", tmp / "extra.xml");
  r = gkt::run({GK_BINARY, "report", "annual", "--year", "2024", "--records", kSamples + "/records", "--requests",
                kSamples + "/requests", "--extra", tmp / "extra.xml", "--out", tmp / "extra.xml"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err == "gongkai: " + tmp / "extra.xml: is also the --extra input; refusing to overwrite it\n");
  BOOST_TEST(gkt::read_bytes(tmp / "extra.xml") == gkt::read_bytes(kSamples + "/extra-2024.xml"));
}

// Counts made here from the raw request XML (pugixml only, none of the report code), compared
// with the --dump of `gongkai report annual` and with the numbers laid out in the PDF.
BOOST_AUTO_TEST_CASE(every_table_b_and_c_number_matches_the_records) {
  gkt::TempDir tmp("gk-report");
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2024", "--records", kSamples + "/records", "--requests",
                     kSamples + "/requests", "--extra", kSamples + "/extra-2024.xml", "--out", tmp / "a.pdf", "--dump",
                     tmp / "a.json"});
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  std::string json = gkt::read_bytes(tmp / "a.json");

  const std::vector<std::string> cats = {"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"};
  std::map<std::string, std::vector<long>> want;
  auto bump = [&](const std::string& key, const std::string& cat) {
    auto& v = want[key];
    v.resize(7);
    v[std::find(cats.begin(), cats.end(), cat) - cats.begin()]++;
    v[6]++;
  };
  std::map<std::pair<std::string, std::string>, std::string> key_of;  // (result, reason) -> row key
  const char* groups[][2] = {{"不予公开", "r3_"}, {"无法提供", "r4_"}, {"不予处理", "r5_"}, {"其他处理", "r6_"}};
  const std::vector<std::vector<std::string>> reasons = {
      {"属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益", "属于三类内部事务信息",
       "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"},
      {"本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"},
      {"信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息"},
      {"申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
       "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"}};
  key_of[{"予以公开", ""}] = "r1";
  key_of[{"部分公开", ""}] = "r2";
  for (int g = 0; g < 4; ++g)
    for (size_t k = 0; k < reasons[g].size(); ++k) key_of[{groups[g][0], reasons[g][k]}] = groups[g][1] + std::to_string(k + 1);
  std::array<std::array<long, 5>, 3> c{};
  std::set<std::string> rows_seen;
  for (auto& e : fs::directory_iterator(kSamples + "/requests")) {
    pugi::xml_document x;
    BOOST_REQUIRE(x.load_file(e.path().c_str()));
    auto q = x.child("request");
    std::string cat = q.child("applicant").attribute("category").value();
    std::string rec = q.child("received").attribute("date").value();
    auto reply = q.child("reply");
    std::string rd = reply.attribute("date").value();
    if (rec.substr(0, 4) == "2024") bump("new", cat);
    if (std::string(q.child("carried-over").attribute("from").value()) == "2023") bump("carried", cat);
    if (rd.substr(0, 4) == "2024") {
      std::string key = key_of.at({reply.attribute("result").value(), reply.attribute("reason").value()});
      bump(key, cat);
      bump("total", cat);
      rows_seen.insert(key);
    }
    if (rec <= "2024-12-31" && (rd.empty() || rd > "2024-12-31")) bump("next", cat);
    for (auto cs : {q.child("review"), q.child("litigation")}) {
      if (!cs || std::string(cs.attribute("filed").value()).substr(0, 4) != "2024") continue;
      int g = std::string(cs.name()) == "review" ? 0 : std::string(cs.attribute("kind").value()) == "复议后起诉" ? 2 : 1;
      std::string o = cs.attribute("outcome").value();
      c[g][o == "结果维持" ? 0 : o == "结果纠正" ? 1 : o == "其他结果" ? 2 : 3]++;
      c[g][4]++;
    }
  }
  BOOST_TEST(rows_seen.size() == 21u);  // the samples cover every result row and sub-reason (2+8+3+5+3)
  std::vector<std::string> keys = {"new", "carried", "r1", "r2", "total", "next"};
  for (auto& [k, v] : key_of) keys.push_back(v);
  for (auto& k : keys) {
    auto expect = want[k];
    expect.resize(7);
    auto got = values_of(json, k);
    BOOST_TEST(got == expect, "row " << k);
  }
  // Identities on the dump: B1, B2 per column; B3 per row.
  for (int col = 0; col < 7; ++col) {
    BOOST_TEST(values_of(json, "new")[col] + values_of(json, "carried")[col] ==
               values_of(json, "total")[col] + values_of(json, "next")[col]);
    long sum = 0;
    for (auto& [rk, key] : key_of) sum += values_of(json, key)[col];
    BOOST_TEST(sum == values_of(json, "total")[col]);
  }
  for (auto& k : keys) {
    auto v = values_of(json, k);
    BOOST_TEST(v[0] + v[1] + v[2] + v[3] + v[4] + v[5] == v[6], "row " << k);
  }
  // Table C, and C1.
  std::regex group("\\{\"label\": \"([^\"]+)\", \"values\": \\[(\\d+), (\\d+), (\\d+), (\\d+), (\\d+)\\]\\}");
  int g = 0;
  for (auto it = std::sregex_iterator(json.begin(), json.end(), group); it != std::sregex_iterator(); ++it, ++g) {
    for (int k = 0; k < 5; ++k) BOOST_TEST(std::stol((*it)[k + 2]) == c[g][k], "table C group " << g << " col " << k);
    BOOST_TEST(std::stol((*it)[2]) + std::stol((*it)[3]) + std::stol((*it)[4]) + std::stol((*it)[5]) == std::stol((*it)[6]));
  }
  BOOST_TEST(g == 3);
  BOOST_TEST(c[0][4] > 0);

  // The PDF shows the same numbers: every row of Table B, label then its 7 values, in the text.
  auto txt = gkt::run({"pdftotext", "-raw", tmp / "a.pdf", "-"});
  BOOST_REQUIRE(txt.status == 0);
  std::string flat;
  for (char ch : txt.out) flat += ch == '\n' ? ' ' : ch;
  for (auto& k : {std::string("new"), std::string("carried"), std::string("total"), std::string("next")}) {
    std::string seq;
    for (long v : values_of(json, k)) seq += " " + std::to_string(v);
    BOOST_TEST(flat.find(seq) != std::string::npos, "row " << k << ":" << seq);
  }
}

BOOST_AUTO_TEST_CASE(carry_over_across_the_change_of_year) {
  gkt::TempDir tmp("gk-report");
  auto base = std::vector<std::string>{GK_BINARY, "report", "annual", "--records", kSamples + "/records", "--requests",
                                       kSamples + "/requests"};
  auto a = base;
  a.insert(a.end(), {"--year", "2023", "--extra", kSamples + "/extra-2023.xml", "--out", tmp / "a.pdf", "--dump", tmp / "2023.json"});
  BOOST_REQUIRE(gkt::run(a).status == 0);
  auto b = base;
  b.insert(b.end(), {"--year", "2024", "--extra", kSamples + "/extra-2024.xml", "--previous", tmp / "2023.json", "--out",
                     tmp / "b.pdf", "--dump", tmp / "2024.json"});
  auto r = gkt::run(b);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_TEST(values_of(gkt::read_bytes(tmp / "2023.json"), "next") == values_of(gkt::read_bytes(tmp / "2024.json"), "carried"));
  BOOST_TEST(values_of(gkt::read_bytes(tmp / "2024.json"), "carried")[6] > 0);
  // 现行有效 that does not carry over is a warning, not an error (the format does not state it).
  std::string drift = gkt::read_bytes(tmp / "2023.json");
  auto nat = drift.find("\"in_force\": ", drift.find("\"normative\""));
  drift.insert(nat + 12, "1");
  gkt::write_bytes(tmp / "drift.json", drift);
  auto w = b;
  w[w.size() - 5] = tmp / "drift.json";
  r = gkt::run(w);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.err.find("gongkai: warning: 现行有效 of 行政规范性文件: 2023 (1") == 0, r.err);
  // A previous dump that disagrees: P1 names the cells; nothing is written.
  std::string bad = gkt::read_bytes(tmp / "2023.json");
  auto at = bad.find("\"key\": \"next\", ");
  at = bad.find("[", at);
  bad.replace(at, 2, "[9");
  gkt::write_bytes(tmp / "bad.json", bad);
  b[b.size() - 5] = tmp / "bad.json";
  b[b.size() - 3] = tmp / "c.pdf";
  r = gkt::run(b);
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("identity P1 fails in column 自然人: 二 of 2024 (") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(tmp / "c.pdf"));
  // A dump of another year than the one before: its row 四 is not this year's 二.
  fs::copy_file(tmp / "2024.json", tmp / "y2024.json");
  b[b.size() - 5] = tmp / "y2024.json";
  r = gkt::run(b);
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err == "gongkai: " + (tmp / "y2024.json") +
                          ": this dump reports on 2024; the report of 2024 carries over from 2023 (--previous)\n");
  BOOST_TEST(!fs::exists(tmp / "c.pdf"));
}

BOOST_AUTO_TEST_CASE(two_records_with_one_index_number_are_an_error) {
  // The same disclosure twice in --records (a copy left beside the original) would be counted twice.
  gkt::TempDir tmp("gk-report");
  fs::create_directories(tmp / "rec");
  for (auto& e : fs::directory_iterator(kSamples + "/records")) fs::copy_file(e.path(), tmp / "rec" / e.path().filename());
  fs::copy_file(tmp / "rec/2023-001.xml", tmp / "rec/2023-001-copy.xml");
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2023", "--records", tmp / "rec", "--requests",
                     kSamples + "/requests", "--extra", kSamples + "/extra-2023.xml", "--out", tmp / "a.pdf", "--dump",
                     tmp / "a.json"});
  BOOST_TEST(r.status == 1);
  std::string first = tmp / "rec/2023-001.xml", second = tmp / "rec/2023-001-copy.xml";
  // Whichever of the two the loader reads second is named first, the other in the message.
  bool ok = r.err == "gongkai: " + second + ": 索引号 11510800MB0A12345Q/2023-00001 is also the 索引号 of " + first +
                         ": one disclosure would be counted twice (remove the duplicate record)\n" ||
            r.err == "gongkai: " + first + ": 索引号 11510800MB0A12345Q/2023-00001 is also the 索引号 of " + second +
                         ": one disclosure would be counted twice (remove the duplicate record)\n";
  BOOST_TEST(ok, r.err);
  BOOST_TEST(!fs::exists(tmp / "a.pdf"));
  BOOST_TEST(!fs::exists(tmp / "a.json"));
}

BOOST_AUTO_TEST_CASE(broken_identity_names_the_cells_and_records) {
  // Received in 2023, answered in 2024, but not marked as carried over: 三 counts it, 一 and 二 do not.
  gkt::TempDir tmp("gk-report");
  fs::create_directories(tmp / "req");
  gkt::write_bytes(tmp / "req/a.xml", request_xml("A-1", "  <applicant category=\"科研机构\"/>\n  <received date=\"2023-12-20\" how=\"当面提交\"/>\n"
                                                         "  <reply date=\"2024-01-10\" result=\"予以公开\"/>\n"));
  gkt::write_bytes(tmp / "req/b.xml", request_xml("B-1", "  <applicant category=\"自然人\"/>\n  <received date=\"2024-03-20\" how=\"当面提交\"/>\n"
                                                         "  <reply date=\"2024-04-10\" result=\"予以公开\"/>\n"));
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2024", "--records", kSamples + "/records", "--requests",
                     tmp / "req", "--extra", kSamples + "/extra-2024.xml", "--out", tmp / "a.pdf", "--dump", tmp / "a.json"});
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err == "gongkai: identity B1 fails in column 科研机构: 一 (0) + 二 (0) != 三(七) (1) + 四 (0); records involved: " +
                          (tmp / "req/a.xml") + ":2 (A-1)\n");
  BOOST_TEST(!fs::exists(tmp / "a.pdf"));
  BOOST_TEST(!fs::exists(tmp / "a.json"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input)

// Table A's counts and amounts: the PDF used to copy the text (huge or zero-padded numbers as
// written) while the dump parsed it (saturated, or "+1" written into the JSON raw).
BOOST_AUTO_TEST_CASE(extra_numbers_are_bounded_and_the_same_in_pdf_and_dump) {
  gkt::TempDir tmp("gk-report");
  std::string base = gkt::read_bytes(kSamples + "/extra-2023.xml");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    auto at = t.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    t.replace(at, from.size(), to);
    gkt::write_bytes(tmp / "x.xml", t);
    return load_extra(tmp / "x.xml");
  };
  for (std::string bad : {"99999999999999999999", "1000000000", "007", "-1"}) {
    auto e = with("<licensing>118</licensing>", "<licensing>" + bad + "</licensing>");
    BOOST_REQUIRE(!e.is_ok());
    BOOST_TEST(e.error().message.find("is not a whole number from 0 to 999999999 (digits, no leading zero)") != std::string::npos,
               e.error().message);
  }
  for (std::string bad : {"+12.5", ".5", "12.", "100000000", "1.23456"}) {
    auto e = with("<fees-collected>12.5</fees-collected>", "<fees-collected>" + bad + "</fees-collected>");
    BOOST_REQUIRE_MESSAGE(!e.is_ok(), bad);
    BOOST_TEST(e.error().message.find("is not an amount in 万元 from 0 to 99999999") != std::string::npos, e.error().message);
  }
  // The largest values, and white space around an amount: the dump is JSON and shows what the
  // figures document (and so the PDF) shows.
  gkt::write_bytes(tmp / "y.xml", base);
  auto e = with("<licensing>118</licensing>", "<licensing>999999999</licensing>");
  BOOST_REQUIRE(e.is_ok());
  std::string t = gkt::read_bytes(tmp / "x.xml");
  t.replace(t.find("<fees-collected>12.5</fees-collected>"), 37, "<fees-collected> 99999999.5 </fees-collected>");
  gkt::write_bytes(tmp / "x.xml", t);
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2023", "--records", kSamples + "/records", "--requests",
                     kSamples + "/requests", "--extra", tmp / "x.xml", "--out", tmp / "a.pdf", "--dump", tmp / "a.json"});
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  std::string json = gkt::read_bytes(tmp / "a.json");
  BOOST_TEST(json.find("\"licensing\": 999999999, ") != std::string::npos, json);
  BOOST_TEST(json.find("\"fees_collected\": 99999999.5\n") != std::string::npos, json);
  auto txt = gkt::run({"pdftotext", "-raw", tmp / "a.pdf", "-"});
  BOOST_TEST(txt.out.find("999999999") != std::string::npos);
  BOOST_TEST(txt.out.find("99999999.5") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_result_or_category) {
  auto r = load_request_from_memory(
      request_xml("X-1", "  <applicant category=\"自然人\"/>\n  <received date=\"2024-01-03\" how=\"当面提交\"/>\n"
                         "  <reply date=\"2024-01-17\" result=\"已答复\"/>\n"), "x.xml");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().str() ==
             "x.xml:7: element 'reply', attribute 'result': '已答复' is not one of 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理");
  r = load_request_from_memory(
      request_xml("X-2", "  <applicant category=\"个体工商户\"/>\n  <received date=\"2024-01-03\" how=\"当面提交\"/>\n"), "x.xml");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().str() == "x.xml:5: element 'applicant', attribute 'category': '个体工商户' is not one of 自然人, "
                                "商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他");
  r = load_request_from_memory(
      request_xml("X-3", "  <applicant category=\"自然人\"/>\n  <received date=\"2024-01-03\" how=\"当面提交\"/>\n"
                         "  <reply date=\"2024-01-17\" result=\"不予公开\" reason=\"重复申请\"/>\n"), "x.xml");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().str() == "x.xml:7: request X-3: reason '重复申请' is not a sub-row of 不予公开");
}

BOOST_AUTO_TEST_CASE(reply_before_receipt) {
  auto r = load_request_from_memory(
      request_xml("X-4", "  <applicant category=\"自然人\"/>\n  <received date=\"2024-01-05\" how=\"当面提交\"/>\n"
                         "  <reply date=\"2024-01-02\" result=\"予以公开\"/>\n"), "late.xml");
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(r.error().str() == "late.xml:7: request X-4: reply date 2024-01-02 is before the receipt date 2024-01-05");
}

BOOST_AUTO_TEST_CASE(year_without_records_and_missing_calendar_year) {
  gkt::TempDir tmp("gk-report");
  auto r = gkt::run({GK_BINARY, "report", "annual", "--year", "2021", "--records", kSamples + "/records", "--requests",
                     kSamples + "/requests", "--extra", kSamples + "/extra-2024.xml", "--out", tmp / "a.pdf"});
  BOOST_TEST(r.err == "gongkai: " + kSamples + "/extra-2024.xml: report-extra is for 2024, not 2021\n");
  auto records = load_records(kSamples + "/records");
  auto requests = load_requests(kSamples + "/requests");
  BOOST_REQUIRE(records.is_ok());
  BOOST_REQUIRE(requests.is_ok());
  auto extra = load_extra(kSamples + "/extra-2024.xml");
  BOOST_REQUIRE(extra.is_ok());
  extra->year = 2021;
  auto a = compute_annual(2021, *records, *requests, *extra, std::nullopt);
  BOOST_REQUIRE(!a.is_ok());
  BOOST_TEST(a.error().str() == "no disclosure records published and no requests received in 2021");
  auto c = compute_compliance(2021, *records, *requests, cal());
  BOOST_REQUIRE(!c.is_ok());
  BOOST_TEST(c.error().message.find("no working-day calendar for 2021") == 0);
  r = gkt::run({GK_BINARY, "report", "compliance", "--year", "2027", "--records", kSamples + "/records", "--requests",
                kSamples + "/requests", "--out", tmp / "w.pdf"});
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("no working-day calendar for 2027") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(tmp / "w.pdf"));
}

BOOST_AUTO_TEST_CASE(table_wider_than_the_page_and_cell_longer_than_a_page) {
  auto t = tmpl::Template::load_from_memory(
      "<template><body>\n<table columns=\"100mm 70mm\"><row><cell>甲</cell><cell>乙</cell></row></table>\n</body></template>",
      "wide.xml");
  BOOST_REQUIRE_MESSAGE(t.is_ok(), (t.is_ok() ? "" : t.error().str()));
  pugi::xml_document fig;
  fig.append_child("x");
  auto doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE(!doc.is_ok());
  BOOST_TEST(doc.error().str() == "wide.xml:2: the table is 170.0 mm wide, wider than the text block (156.0 mm)");
  std::string han;
  for (int i = 0; i < 2000; ++i) han += "政务公开";
  t = tmpl::Template::load_from_memory("<template><body>\n<table columns=\"1 1\">\n<row><cell>甲</cell><cell>" + han +
                                           "</cell></row></table>\n</body></template>", "long.xml");
  BOOST_REQUIRE(t.is_ok());
  doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE(!doc.is_ok());
  BOOST_TEST(doc.error().str() == "long.xml:3: a table cell is too long for its row to fit on one page");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(layout_features)

BOOST_AUTO_TEST_CASE(rows_split_across_pages_and_headers_repeat) {
  std::string rows;
  for (int i = 0; i < 12; ++i) {
    std::string text;
    for (int k = 0; k < 60 + i * 7; ++k) text += "公开";
    rows += "<row><cell align=\"numeric\">" + std::to_string(i + 1) + "</cell><cell>" + text + "</cell></row>\n";
  }
  auto t = tmpl::Template::load_from_memory(
      "<template><style name=\"table\" size=\"12pt\" line-height=\"16pt\"/><body>\n<table columns=\"1 6\">\n"
      "<row header=\"true\"><cell>序号</cell><cell>表头内容</cell></row>\n" + rows + "</table></body></template>", "split.xml");
  BOOST_REQUIRE(t.is_ok());
  pugi::xml_document fig;
  fig.append_child("x");
  auto doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  BOOST_REQUIRE(doc->pages.size() >= 3u);
  size_t split_rows = 0;
  for (size_t p = 0; p < doc->pages.size(); ++p) {
    auto& pg = doc->pages[p];
    // The header is the first text on every page.
    BOOST_TEST(text::to_utf8(pg.texts.front().text) == "序号", "page " << p + 1);
    // A page that ends with a row part fills the text block to within one line (the row was split,
    // not pushed to the next page).
    double bottom = 0;
    for (auto& r : pg.rects) bottom = std::max(bottom, r.y + r.h);
    if (p + 1 < doc->pages.size()) BOOST_TEST(bottom > 104.88 + 637.8 - 16 - 6 - 0.5, "page " << p + 1);
    // Rows whose number is not on this page are continuations.
    size_t numbers = 0, cells = 0;
    for (auto& r : pg.rects) cells += r.x < 100;
    for (auto& x : pg.texts) numbers += x.x < 130 && std::isdigit(static_cast<int>(x.text[0]));
    split_rows += cells - 1 - numbers;
  }
  BOOST_TEST(split_rows >= 2u);
}

BOOST_AUTO_TEST_CASE(toc_page_numbers_and_bookmarks) {
  auto records = load_records(kSamples + "/records");
  auto requests = load_requests(kSamples + "/requests");
  auto extra = load_extra(kSamples + "/extra-2024.xml");
  BOOST_REQUIRE(records.is_ok() && requests.is_ok() && extra.is_ok());
  auto a = compute_annual(2024, *records, *requests, *extra, std::nullopt);
  BOOST_REQUIRE(a.is_ok());
  pugi::xml_document fig;
  figures_xml(*a, fig);
  auto t = tmpl::Template::load(template_path("annual-report.xml"));
  BOOST_REQUIRE(t.is_ok());
  auto doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  // Bookmarks: the title (level 1), six sections (2), five 总体情况 parts (3).
  std::map<int, int> levels;
  for (auto& o : doc->outline) levels[o.level]++;
  BOOST_TEST(levels[1] == 1);
  BOOST_TEST(levels[2] == 6);
  BOOST_TEST(levels[3] == 5);
  // Each TOC line ends with the page (1-based) its heading's bookmark points to.
  std::map<std::string, int> toc;
  for (size_t p = 0; p < 2; ++p) {
    std::map<double, std::u32string> lines;
    for (auto& x : doc->pages[p].texts)
      if (x.size == 14) lines[x.y] += x.text;
    for (auto& [y, s] : lines) {
      auto u = text::to_utf8(s);
      auto dots = u.find("·");
      if (dots == std::string::npos) continue;
      toc[u.substr(0, dots)] = std::stoi(u.substr(u.rfind("·") + std::string("·").size()));
    }
  }
  BOOST_TEST(toc.size() == 11u);
  // All on page 1 (at the grid pitch the last entry spilled onto a page of its own).
  size_t on_page_1 = 0;
  for (auto& x : doc->pages[0].texts) on_page_1 += x.size == 14 && text::to_utf8(x.text).find("·") != std::string::npos;
  BOOST_TEST(on_page_1 == 11u);
  // Table A's sections are not parted: each title row is on the page of its last data row.
  auto page_of = [&](const std::string& s) {
    for (size_t p = 0; p < doc->pages.size(); ++p)
      for (auto& x : doc->pages[p].texts)
        if (text::to_utf8(x.text) == s) return static_cast<int>(p);
    return -1;
  };
  BOOST_TEST(page_of("第二十条第（一）项") >= 0);
  BOOST_TEST(page_of("第二十条第（一）项") == page_of("行政规范性文件"));
  BOOST_TEST(page_of("第二十条第（六）项") == page_of("行政强制"));
  for (auto& o : doc->outline) {
    if (o.level == 1) continue;
    BOOST_TEST(toc.count(o.title) == 1u, o.title);
    BOOST_TEST(toc[o.title] == o.page + 1, o.title);
  }
  BOOST_TEST(toc["三、收到和处理政府信息公开申请情况"] > toc["一、总体情况"]);
  // The PDF carries the outline.
  auto pdf = render_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE(pdf.is_ok());
  BOOST_TEST(pdf->find("/Outlines") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(charts_and_images) {
  std::string png = "/usr/share/pixmaps/debian-logo.png";
  bool have_png = fs::exists(png);
  auto t = tmpl::Template::load_from_memory(
      "<template><style name=\"chart\" size=\"9pt\"/><body>\n"
      "<chart type=\"bar\" height=\"60mm\" title=\"各月数量\" style=\"chart\">\n"
      "  <categories select=\"m\" label=\"{@n}月\"/>\n"
      "  <series name=\"数量\" select=\"m\" value=\"{@v}\"/>\n</chart>\n"
      "<chart type=\"line\" height=\"60mm\" style=\"chart\"><categories select=\"m\" label=\"{@n}\"/>"
      "<series name=\"甲\" select=\"m\" value=\"{@v}\"/><series name=\"乙\" select=\"m\" value=\"{@v * 2}\"/></chart>\n" +
          std::string(have_png ? "<image src=\"" + png + "\" width=\"30mm\" height=\"30mm\"/>\n" : "") + "</body></template>",
      "chart.xml");
  BOOST_REQUIRE_MESSAGE(t.is_ok(), (t.is_ok() ? "" : t.error().str()));
  pugi::xml_document fig;
  auto root = fig.append_child("x");
  for (int m = 1; m <= 12; ++m) {
    auto e = root.append_child("m");
    e.append_attribute("n") = m;
    e.append_attribute("v") = m % 4 == 0 ? 0 : m * 3;
  }
  auto doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  auto& pg = doc->pages[0];
  size_t bars = 0;
  for (auto& r : pg.rects) bars += r.fill && r.w > 5;
  BOOST_TEST(bars == 9u + 3u);  // nine non-zero months and three legend swatches (0.8 em = 7.2 pt)
  std::u32string all;
  for (auto& x : pg.texts) all += x.text;
  BOOST_TEST(text::to_utf8(all).find("各月数量") != std::string::npos);
  BOOST_TEST(text::to_utf8(all).find("12月") != std::string::npos);
  if (have_png) {
    size_t images = 0;
    for (auto& p : doc->pages) images += p.images.size();
    BOOST_TEST(images == 1u);
    BOOST_TEST(render_figures(**t, fig, "fig", fonts()).is_ok());
  }
  // A value that is not a number names the template line.
  t = tmpl::Template::load_from_memory("<template><body>\n<chart type=\"bar\" height=\"50mm\">\n"
                                       "<categories select=\"m\" label=\"{@n}\"/><series name=\"s\" select=\"m\" value=\"{@n}x\"/>"
                                       "</chart></body></template>", "bad-chart.xml");
  BOOST_REQUIRE(t.is_ok());
  auto bad = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE(!bad.is_ok());
  BOOST_TEST(bad.error().str() == "bad-chart.xml:3: chart value '1x' is not a number");
}

BOOST_AUTO_TEST_SUITE_END()
