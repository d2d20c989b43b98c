// Report rules found wrong by a black-box review: overlapping consultations, an extension
// approved too late or after the reply, a document repealed twice or before it was written, a
// year with requests but no disclosures. Expected dates are counted by hand from the 2024
// calendar (in the comments).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>

#include "common/files.h"
#include "generator/report/annual.h"
#include "generator/report/compliance.h"
#include "generator/report/pipeline.h"
#include "generator/text/utf.h"
#include "tests/render/run.h"

using namespace gk;
using namespace gk::report;

namespace {

const std::string kSamples = std::string(GK_SOURCE_DIR) + "/samples/year";

const Calendar& calendar() {
  static auto c = Calendar::load(Calendar::default_path());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  return *c;
}

Result<Request> request(const std::string& body) {
  return load_request_from_memory(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request version=\"1\">\n  <id>T-9</id>\n  <subject>测试</subject>\n"
      "  <applicant category=\"自然人\"/>\n  <received date=\"2024-03-01\" how=\"当面提交\"/>\n" + body + "</request>\n",
      "t.xml");
}

// The sample year's inputs, loaded once.
struct Samples {
  std::vector<std::shared_ptr<const record::Record>> records;
  std::vector<Request> requests;
  Extra extra2023, extra2024;
};
const Samples& samples() {
  static Samples s = [] {
    auto records = load_records(kSamples + "/records");
    auto requests = load_requests(kSamples + "/requests");
    auto e23 = load_extra(kSamples + "/extra-2023.xml"), e24 = load_extra(kSamples + "/extra-2024.xml");
    BOOST_REQUIRE(records.is_ok() && requests.is_ok() && e23.is_ok() && e24.is_ok());
    return Samples{*records, *requests, *e23, *e24};
  }();
  return s;
}

// All text of the document `template_file` (templates/) makes of `figures`, in drawing order.
std::string laid_out_text(const std::string& template_file, const pugi::xml_document& figures) {
  static auto fonts = font::FontMap::load_default();
  BOOST_REQUIRE(fonts.is_ok());
  auto t = tmpl::Template::load(template_path(template_file));
  BOOST_REQUIRE(t.is_ok());
  auto doc = lay_out_figures(**t, figures, "fig", **fonts);
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  std::string all;
  for (auto& p : doc->pages)
    for (auto& r : p.texts) all += text::to_utf8(r.text);
  return all;
}

Deadline deadline(const std::string& body) {
  auto r = request(body);
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  auto d = deadline_of(*r, calendar());
  BOOST_REQUIRE(d.is_ok());
  return *d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report_rules)

// Received Fri 2024-03-01. Working days from 03-04: March 4..29 = 20, April 1-3 = 23, Sunday 04-07
// (make-up day) = 24, 04-08..12 = 29, 04-15..19 = 34, 04-22 = 35.
BOOST_AUTO_TEST_CASE(overlapping_consultations_count_each_day_once) {
  // 03-04..03-15 and 03-11..03-22 cover 03-04..03-22: 15 working days, not 10 + 10.
  auto d = deadline("  <consultation from=\"2024-03-04\" to=\"2024-03-15\"/>\n"
                    "  <consultation from=\"2024-03-11\" to=\"2024-03-22\"/>\n  <reply date=\"2024-04-25\" result=\"予以公开\"/>\n");
  BOOST_TEST(d.paused == 15);
  BOOST_TEST(d.due.str() == "2024-04-22");
  // The same consultation entered twice counts once: 10 days, due 30 WD after 03-01 = 04-15.
  auto twice = deadline("  <consultation from=\"2024-03-04\" to=\"2024-03-15\"/>\n"
                        "  <consultation from=\"2024-03-04\" to=\"2024-03-15\"/>\n");
  BOOST_TEST(twice.paused == 10);
  BOOST_TEST(twice.due.str() == "2024-04-15");
  // Consultations apart still add up: 03-04..03-08 and 03-18..03-22 are 10 days.
  auto apart = deadline("  <consultation from=\"2024-03-18\" to=\"2024-03-22\"/>\n"
                        "  <consultation from=\"2024-03-04\" to=\"2024-03-08\"/>\n");
  BOOST_TEST(apart.paused == 10);
}

// The 20 days end on 03-29. An extension approved on that day gives 40: 04-28 (Sunday make-up
// day before May Day). One approved on 04-01 is too late: 20 days, due 03-29, flagged.
BOOST_AUTO_TEST_CASE(an_extension_counts_only_when_approved_within_the_period) {
  auto in_time = deadline("  <extension approved=\"2024-03-29\"/>\n");
  BOOST_TEST(in_time.limit == 40);
  BOOST_TEST(in_time.due.str() == "2024-04-28");
  BOOST_TEST(!in_time.late_extension);
  auto late = deadline("  <extension approved=\"2024-04-01\"/>\n  <reply date=\"2024-04-25\" result=\"予以公开\"/>\n");
  BOOST_TEST(late.limit == 20);
  BOOST_TEST(late.due.str() == "2024-03-29");
  BOOST_TEST(late.late_extension);
  // Approved after the reply: the dates are out of order.
  auto after = request("  <extension approved=\"2024-05-20\"/>\n  <reply date=\"2024-04-25\" result=\"予以公开\"/>\n");
  BOOST_REQUIRE(!after.is_ok());
  BOOST_TEST(after.error().str() == "t.xml:8: request T-9: reply date 2024-04-25 is before the extension was approved (2024-05-20)");
}

// A report of 2026 written before the 2027 holidays are known: a deadline that runs past 31 Dec
// is only "later", and no calendar of 2027 is needed (the report failed with "no working-day
// calendar for 2027" for any request of December or extended across the new year).
BOOST_AUTO_TEST_CASE(a_deadline_past_the_report_year_needs_no_calendar_of_the_next) {
  BOOST_REQUIRE(!calendar().covers(2027));
  auto make = [](const std::string& id, const std::string& body) {
    auto r = load_request_from_memory("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request version=\"1\">\n  <id>" + id +
                                          "</id>\n  <subject>测试</subject>\n  <applicant category=\"自然人\"/>\n" + body +
                                          "</request>\n",
                                      id + ".xml");
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    return *r;
  };
  std::vector<Request> requests{
      // Extended within its 20 days (due 2026-12-18): the 40 days end in 2027; replied in time.
      make("Y-1", "  <received date=\"2026-11-20\" how=\"当面提交\"/>\n  <extension approved=\"2026-12-10\"/>\n"
                  "  <reply date=\"2026-12-28\" result=\"予以公开\"/>\n"),
      // Received in December, open at the year's end.
      make("Y-2", "  <received date=\"2026-12-21\" how=\"当面提交\"/>\n"),
      // A consultation running into 2027.
      make("Y-3", "  <received date=\"2026-12-01\" how=\"当面提交\"/>\n  <consultation from=\"2026-12-10\" to=\"2027-01-15\"/>\n"),
      // Late within 2026: received 2026-10-09, due 20 working days later, replied 2026-12-01.
      make("Y-4", "  <received date=\"2026-10-09\" how=\"当面提交\"/>\n  <reply date=\"2026-12-01\" result=\"予以公开\"/>\n")};
  auto c = compute_compliance(2026, {}, requests, calendar());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  BOOST_REQUIRE_EQUAL(c->late_requests.size(), 1u);
  BOOST_TEST(c->late_requests[0].request->id == "Y-4");
  BOOST_TEST(c->requests_due == 2);  // Y-1 and Y-4 replied in the year; Y-2 and Y-3 not yet due
  // A request open on 31 Dec and late by then: its reply of the next year is not shown beside a
  // 用时 counted to 31 Dec (the table showed 2025-01-06 with 29 days).
  requests.push_back(make("Y-5", "  <received date=\"2026-10-09\" how=\"当面提交\"/>\n  <reply date=\"2027-01-06\" result=\"予以公开\"/>\n"));
  auto with_open = compute_compliance(2026, {}, requests, calendar());
  BOOST_REQUIRE(with_open.is_ok());
  pugi::xml_document fig;
  compliance_xml(*with_open, fig);
  std::map<std::string, std::string> reply_of;
  for (auto r : fig.child("work-report").child("late-requests").children("r")) reply_of[r.attribute("id").value()] = r.attribute("reply").value();
  BOOST_TEST(reply_of["Y-4"] == "2026-12-01");
  BOOST_TEST(reply_of["Y-5"] == "年底未答复");
  auto y1 = deadline_of(requests[0], calendar(), *parse_date("2026-12-31"));
  BOOST_REQUIRE(y1.is_ok());
  BOOST_TEST(y1->limit == 40);
  BOOST_TEST(y1->due.str() == "2027-01-01");  // "after the horizon"
  // Without a horizon the count needs 2027 and says so.
  auto open = deadline_of(requests[0], calendar());
  BOOST_REQUIRE(!open.is_ok());
  BOOST_TEST(open.error().message.find("no working-day calendar for 2027") == 0u);
}

// A record written before the calendar's first year and published years later is late: the
// working days of the covered years are a lower bound, shown as ≥N (the whole report failed with
// "no working-day calendar for 2021"). Too close to the calendar's start to tell: an error.
BOOST_AUTO_TEST_CASE(a_record_written_before_the_calendar_is_late_by_at_least) {
  namespace fs = std::filesystem;
  std::string first;
  for (auto& e : fs::directory_iterator(kSamples + "/records")) first = std::max(first, e.path().string());
  auto xml = gk::read_file(first);
  BOOST_REQUIRE(xml.is_ok());
  auto dated = [&](const std::string& written, const std::string& published) {
    std::string s = *xml;
    auto put = [&](const std::string& tag, const std::string& v) {
      auto a = s.find("<" + tag + ">") + tag.size() + 2;
      s.replace(a, 10, v);
    };
    put("written-date", written);
    put("published-date", published);
    auto r = record::load_record_from_memory(s, "old.xml");
    BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
    return *r;
  };
  BOOST_REQUIRE(calendar().first_year() > 2020);
  auto c = compute_compliance(2024, {dated("2020-03-02", "2024-03-01")}, {}, calendar());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  BOOST_REQUIRE_EQUAL(c->late_disclosures.size(), 1u);
  BOOST_TEST(c->late_disclosures[0].at_least);
  BOOST_TEST(c->late_disclosures[0].working_days > 400);
  pugi::xml_document fig;
  compliance_xml(*c, fig);
  std::string wd = fig.child("work-report").child("late-disclosures").child("d").attribute("wd").value();
  BOOST_TEST(wd == "≥" + std::to_string(c->late_disclosures[0].working_days));
  const int y = calendar().first_year();
  auto close = compute_compliance(y, {dated(std::to_string(y - 1) + "-12-30", std::to_string(y) + "-01-05")}, {}, calendar());
  BOOST_REQUIRE(!close.is_ok());
  BOOST_TEST(close.error().str() == "old.xml: written on " + std::to_string(y - 1) + "-12-30, before the working-day calendar starts (" +
                                        std::to_string(y) + "): cannot tell whether it was published within 20 working days");
}

// The work report lists a request whose extension came too late, and says why its limit is 20.
BOOST_AUTO_TEST_CASE(the_work_report_names_late_extensions) {
  auto requests = samples().requests;
  auto late = request("  <extension approved=\"2024-04-01\"/>\n  <reply date=\"2024-04-25\" result=\"予以公开\"/>\n");
  BOOST_REQUIRE(late.is_ok());
  requests.push_back(*late);
  auto c = compute_compliance(2024, samples().records, requests, calendar());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  size_t flagged = 0;
  for (auto& l : c->late_requests) flagged += l.deadline.late_extension;
  BOOST_TEST(flagged == 1u);
  pugi::xml_document fig;
  compliance_xml(*c, fig);
  const std::string all = laid_out_text("work-report.xml", fig);
  // In section 四 (late replies), after its table.
  auto at = all.find("其中1件申请的延长答复期限在原答复期限届满后才批准，按20个工作日计算。");
  BOOST_TEST(at != std::string::npos);
  BOOST_TEST(at > all.rfind("四、依申请公开答复时效"));  // rfind: the table of contents lists them first
  BOOST_TEST(at < all.rfind("五、本年公开信息目录"));
}

// A year in which requests came but nothing was published still has a work report (its chart of
// categories had no series: a template error), under the organ of the earlier records.
BOOST_AUTO_TEST_CASE(a_year_of_requests_only_has_a_work_report) {
  std::vector<std::shared_ptr<const record::Record>> records;
  for (auto& r : samples().records)
    if (r->catalogue().published_date.rfind("2023", 0) == 0) records.push_back(r);
  BOOST_REQUIRE(!records.empty());
  auto c = compute_compliance(2024, records, samples().requests, calendar());
  BOOST_REQUIRE_MESSAGE(c.is_ok(), (c.is_ok() ? "" : c.error().str()));
  BOOST_TEST(c->published.empty());
  BOOST_TEST(c->organ == records.front()->catalogue().issuer);
  pugi::xml_document fig;
  compliance_xml(*c, fig);
  const std::string all_text = laid_out_text("work-report.xml", fig);
  BOOST_TEST(all_text.find(c->organ + "2024年政务公开工作情况报告") == 0u, all_text.substr(0, 120));
  size_t none = 0;
  for (size_t at = all_text.find("本年未发布政府信息。"); at != std::string::npos; at = all_text.find("本年未发布政府信息。", at + 1)) ++none;
  BOOST_TEST(none == 2u);  // sections 二 and 五
}

// Request and record folders: every *.xml in any case and in subfolders; dot files left out; a
// dangling link named *.xml an error (Q4.XML, a month's subfolder and a broken link were skipped
// without a word, so their requests were missing from the counts).
BOOST_AUTO_TEST_CASE(record_folders_hold_every_xml_file_or_say_why_not) {
  namespace fs = std::filesystem;
  gkt::TempDir tmp("gk-folders");
  const std::string src = kSamples + "/requests/";
  fs::create_directories(tmp / "q/2024-03");
  fs::copy_file(src + "YSQ-2023-0001.xml", tmp / "q/a.xml");
  fs::copy_file(src + "YSQ-2023-0002.xml", tmp / "q/B.XML");
  fs::copy_file(src + "YSQ-2023-0003.xml", tmp / "q/2024-03/c.xml");
  fs::copy_file(src + "YSQ-2023-0004.xml", tmp / "q/.d.xml");  // an editor's copy
  BOOST_REQUIRE(gk::write_file_atomic(tmp / "q/notes.txt", "不是申请").is_ok());
  auto r = load_requests(tmp / "q");
  BOOST_REQUIRE_MESSAGE(r.is_ok(), (r.is_ok() ? "" : r.error().str()));
  std::vector<std::string> files;
  for (auto& q : *r) files.push_back(fs::path(q.file).lexically_relative(tmp.path()).string());
  BOOST_TEST((files == std::vector<std::string>{"q/2024-03/c.xml", "q/B.XML", "q/a.xml"}));
  fs::create_symlink(tmp / "gone.xml", tmp / "q/e.xml");
  auto dangling = load_requests(tmp / "q");
  BOOST_REQUIRE(!dangling.is_ok());
  BOOST_TEST(dangling.error().str() == tmp / "q/e.xml" + ": not a readable file (a dangling link or a special file)");
}

// An office that received no request has an annual report with Table B all zero; the command
// says it found none.
BOOST_AUTO_TEST_CASE(no_requests_is_a_report_of_zeros) {
  gkt::TempDir tmp("gk-norequests");
  std::filesystem::create_directories(tmp / "none");
  auto r = load_requests(tmp / "none");
  BOOST_REQUIRE(r.is_ok());
  BOOST_TEST(r->empty());
  auto run = gkt::run({GK_BINARY, "report", "annual", "--year", "2024", "--records", kSamples + "/records", "--requests",
                       tmp / "none", "--extra", kSamples + "/extra-2024.xml", "--out", tmp / "a.pdf", "--dump", tmp / "a.json"});
  BOOST_TEST(run.status == 0, run.err);
  BOOST_TEST(run.err == "gongkai: note: no request records (*.xml) in " + tmp / "none" + ": the report counts none\n");
  auto dump = gk::read_file(tmp / "a.json");
  BOOST_REQUIRE(dump.is_ok());
  // Every Table B value is 0: no digit other than 0 follows a '[' or ", " inside table_b.
  auto b = dump->substr(dump->find("\"table_b\""), dump->find("\"table_c\"") - dump->find("\"table_b\""));
  BOOST_TEST(b.find("\"values\": [0") != std::string::npos, b.substr(0, 300));
  for (char d = '1'; d <= '9'; ++d) {
    BOOST_TEST(b.find(std::string("[") + d) == std::string::npos, b.substr(0, 300));
    BOOST_TEST(b.find(std::string(", ") + d) == std::string::npos, b.substr(0, 300));
  }
}

// No fee charged reads 本年度未收取信息处理费, not 收取信息处理费0万元.
BOOST_AUTO_TEST_CASE(no_processing_fee_is_said_in_words) {
  auto text_for = [&](const std::string& fees) {
    Extra e = samples().extra2024;
    e.processing_fees = fees;
    auto a = compute_annual(2024, samples().records, samples().requests, e, std::nullopt);
    BOOST_REQUIRE(a.is_ok());
    pugi::xml_document fig;
    figures_xml(*a, fig);
    return laid_out_text("annual-report.xml", fig);
  };
  for (const char* zero : {"0", "0.00"}) {
    auto all = text_for(zero);
    BOOST_TEST(all.find("本年度未收取信息处理费。") != std::string::npos, zero);
    BOOST_TEST(all.find("收取信息处理费0") == std::string::npos, zero);
  }
  BOOST_TEST(text_for("0.03").find("收取信息处理费0.03万元。") != std::string::npos);
}

// carried-over@from is a year: a month there is not reported as a bad date; consultation@from
// is still a date.
BOOST_AUTO_TEST_CASE(an_attribute_is_described_by_its_element) {
  auto carried = request("  <carried-over from=\"2023-01\"/>\n");
  BOOST_REQUIRE(!carried.is_ok());
  BOOST_TEST(carried.error().message == "element 'carried-over', attribute 'from': '2023-01' is not a year (YYYY)");
  auto consult = request("  <consultation from=\"2024-13-01\" to=\"2024-03-05\"/>\n");
  BOOST_REQUIRE(!consult.is_ok());
  BOOST_TEST(consult.error().message == "element 'consultation', attribute 'from': '2024-13-01' is not a valid date (YYYY-MM-DD)");
}

// --previous is read as JSON: a truncated dump is named as one (it was "no row next").
BOOST_AUTO_TEST_CASE(a_previous_dump_is_read_as_json) {
  auto a = compute_annual(2023, samples().records, samples().requests, samples().extra2023, std::nullopt);
  BOOST_REQUIRE(a.is_ok());
  const std::string dump = to_json(*a);
  auto good = read_previous(dump, "2023.json");
  BOOST_REQUIRE_MESSAGE(good.is_ok(), (good.is_ok() ? "" : good.error().str()));
  BOOST_TEST(good->year == 2023);
  for (int c = 0; c <= kCategories; ++c) BOOST_TEST(good->next[c] == a->b.back().v[c]);
  BOOST_TEST(good->normative_in_force == a->normative.in_force);
  auto cut = read_previous(dump.substr(0, dump.size() / 2), "2023.json");
  BOOST_REQUIRE(!cut.is_ok());
  BOOST_TEST(cut.error().str().rfind("2023.json: not a report dump: not valid JSON (", 0) == 0u, cut.error().str());
  std::string six = dump;
  auto at = six.find("[", six.find("\"key\": \"next\""));
  six.erase(at + 1, six.find(',', at) - at);  // drop the first value
  auto short_row = read_previous(six, "2023.json");
  BOOST_REQUIRE(!short_row.is_ok());
  BOOST_TEST(short_row.error().str() == "2023.json: row \"next\" has 6 values, not 7");
}

// Reviews and suits: one about a request not answered in time needs no reply; a 复议后起诉 comes
// after its 行政复议; the report is signed after its year.
BOOST_AUTO_TEST_CASE(reviews_suits_and_the_signing_date) {
  auto unanswered = request("  <review filed=\"2024-05-06\" outcome=\"结果纠正\"/>\n");
  BOOST_TEST(unanswered.is_ok(), (unanswered.is_ok() ? "" : unanswered.error().str()));
  auto early = request("  <review filed=\"2024-02-01\" outcome=\"结果纠正\"/>\n");
  BOOST_REQUIRE(!early.is_ok());
  BOOST_TEST(early.error().message == "request T-9: 行政复议 filed before the receipt date 2024-03-01");
  auto order = request("  <reply date=\"2024-03-20\" result=\"予以公开\"/>\n  <review filed=\"2024-05-06\" outcome=\"结果维持\"/>\n"
                       "  <litigation filed=\"2024-04-10\" kind=\"复议后起诉\" outcome=\"尚未审结\"/>\n");
  BOOST_REQUIRE(!order.is_ok());
  BOOST_TEST(order.error().str() == "t.xml:9: request T-9: 复议后起诉 filed before the 行政复议 (2024-05-06)");
  namespace fs = std::filesystem;
  gkt::TempDir tmp("gk-extra");
  auto xml = gk::read_file(kSamples + "/extra-2024.xml");
  BOOST_REQUIRE(xml.is_ok());
  auto at = xml->find("<published-date>") + std::string("<published-date>").size();
  xml->replace(at, 10, "2024-12-20");
  BOOST_REQUIRE(gk::write_file_atomic(tmp / "extra.xml", *xml).is_ok());
  auto e = load_extra(tmp / "extra.xml");
  BOOST_REQUIRE(!e.is_ok());
  BOOST_TEST(e.error().message == "published-date 2024-12-20 is within the report's year 2024 or before it: the report is signed after the year ends");
}

// A document repealed twice would count twice in 本年废止件数; one repealed before it was
// written is a typing error. Both name the report-extra line.
BOOST_AUTO_TEST_CASE(a_repeal_given_twice_or_before_the_document_is_an_error) {
  const auto& records = samples().records;
  const auto& requests = samples().requests;
  const Extra& extra = samples().extra2024;
  BOOST_REQUIRE(!extra.repeals.empty());
  BOOST_REQUIRE(compute_annual(2024, records, requests, extra, std::nullopt).is_ok());
  const auto first = extra.repeals.front();

  Extra twice = extra;
  twice.repeals.push_back({first.index_no, *parse_date("2024-10-08"), 99});
  auto a = compute_annual(2024, records, requests, twice, std::nullopt);
  BOOST_REQUIRE(!a.is_ok());
  BOOST_TEST(a.error().str() == twice.file + ":99: repeal of " + first.index_no + " is also given on line " +
                                    std::to_string(first.line) + ": one document would be counted as repealed twice");

  Extra early = extra;
  early.repeals.front().date = *parse_date("2001-01-01");
  auto b = compute_annual(2024, records, requests, early, std::nullopt);
  BOOST_REQUIRE(!b.is_ok());
  BOOST_TEST(b.error().str().rfind(early.file + ":" + std::to_string(first.line) + ": repeal of " + first.index_no +
                                       " on 2001-01-01 is before the document was written (", 0) == 0,
             b.error().str());
}

// A document repealed within the year whose record still says 有效 contradicts itself: the
// catalogue would show the public a repealed document as in force. A repeal announced for a
// date after the year is fine.
BOOST_AUTO_TEST_CASE(a_repeal_of_a_record_still_marked_in_force_is_an_error) {
  const auto& records = samples().records;
  const record::Record* in_force = nullptr;
  for (auto& r : records)
    if (r->catalogue().validity == "有效" && r->catalogue().written_date < "2024-01-01" &&
        std::any_of(r->catalogue().keywords.begin(), r->catalogue().keywords.end(), [](auto& k) { return k == "行政规范性文件"; }))
      in_force = r.get();
  BOOST_REQUIRE(in_force);
  Extra extra = samples().extra2024;
  extra.repeals.push_back({in_force->catalogue().index_no, *parse_date("2024-11-30"), 77});
  auto a = compute_annual(2024, records, samples().requests, extra, std::nullopt);
  BOOST_REQUIRE(!a.is_ok());
  BOOST_TEST(a.error().str() == extra.file + ":77: repeal of " + in_force->catalogue().index_no + " on 2024-11-30, but its record " +
                                    in_force->path() + " is still marked 有效 (mark it 废止 or 失效)");
  extra.repeals.back().date = *parse_date("2025-03-01");
  BOOST_TEST(compute_annual(2024, records, samples().requests, extra, std::nullopt).is_ok());
}

// A request open over two year-ends is carried over twice, and each year's 二 shows it (the
// format allowed one <carried-over>, so the second year could not balance).
BOOST_AUTO_TEST_CASE(a_request_open_over_two_year_ends_is_carried_twice) {
  auto carried = [](const std::string& marks, const std::string& reply) {
    return load_request_from_memory(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request version=\"1\">\n  <id>T-CARRY</id>\n  <subject>测试</subject>\n"
        "  <applicant category=\"自然人\"/>\n  <received date=\"2022-12-20\" how=\"当面提交\"/>\n" + marks +
            "  <reply date=\"" + reply + "\" result=\"予以公开\"/>\n</request>\n",
        "c.xml");
  };
  auto twice = carried("  <carried-over from=\"2022\"/>\n  <carried-over from=\"2023\"/>\n", "2024-02-01");
  BOOST_REQUIRE_MESSAGE(twice.is_ok(), (twice.is_ok() ? "" : twice.error().str()));
  auto requests = samples().requests;
  requests.push_back(*twice);
  for (auto [year, extra] : {std::pair{2023, &samples().extra2023}, std::pair{2024, &samples().extra2024}}) {
    auto base = compute_annual(year, samples().records, samples().requests, *extra, std::nullopt);
    auto with = compute_annual(year, samples().records, requests, *extra, std::nullopt);
    BOOST_REQUIRE(base.is_ok());
    BOOST_REQUIRE_MESSAGE(with.is_ok(), (with.is_ok() ? "" : with.error().str()));  // identity B1 holds
    BOOST_TEST(with->row("carried").v.back() == base->row("carried").v.back() + 1, "二 of " << year);
  }
  auto again = carried("  <carried-over from=\"2022\"/>\n  <carried-over from=\"2022\"/>\n", "2024-02-01");
  BOOST_REQUIRE(!again.is_ok());
  BOOST_TEST(again.error().str() == "c.xml:8: request T-CARRY: carried over from 2022 twice");
  auto replied = carried("  <carried-over from=\"2022\"/>\n  <carried-over from=\"2023\"/>\n", "2023-06-01");
  BOOST_REQUIRE(!replied.is_ok());
  BOOST_TEST(replied.error().str() ==
             "c.xml:8: request T-CARRY: carried over from 2023 but replied on 2023-06-01, before that year ended");
}

BOOST_AUTO_TEST_SUITE_END()
