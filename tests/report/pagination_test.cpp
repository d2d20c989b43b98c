// Page breaks in tables, tables of contents and charts of many series: each rule is checked over
// every position a break can fall at (filler paragraphs of 0 to 21 lines before the block), so
// no test depends on where one particular break happens to land.
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "generator/layout/layout.h"
#include "generator/report/pipeline.h"
#include "common/files.h"
#include "generator/text/utf.h"

using namespace gk;
using namespace gk::report;

namespace {

const font::FontMap& fonts() {
  static auto m = font::FontMap::load_default();
  BOOST_REQUIRE(m.is_ok());
  return **m;
}

model::Document lay_out(const std::string& body) {
  auto t = tmpl::Template::load_from_memory(
      "<template><style name=\"table\" size=\"12pt\" line-height=\"16pt\"/>"
      "<style name=\"toc\" size=\"14pt\" first-indent=\"0\" align=\"left\"/>"
      "<style name=\"h\" first-indent=\"0\" bookmark=\"2\"/><body>\n" + body + "</body></template>", "pages.xml");
  BOOST_REQUIRE_MESSAGE(t.is_ok(), (t.is_ok() ? "" : t.error().str()));
  pugi::xml_document fig;
  fig.append_child("x");
  auto doc = lay_out_figures(**t, fig, "fig", fonts());
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  return std::move(*doc);
}

// A paragraph of about `lines` full lines (28 characters each at the default 16pt).
std::string filler(int lines) {
  std::string s;
  for (int i = 0; i < lines * 28 - 2; ++i) s += "文";
  return lines ? "<para>" + s + "</para>\n" : "";
}

// The texts of a page that start with `prefix`.
std::vector<std::string> texts_starting(const model::Page& p, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto& r : p.texts) {
    std::string u = text::to_utf8(r.text);
    if (u.rfind(prefix, 0) == 0) out.push_back(u);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pagination)

// Neither one body row under the header at the foot of a page nor one alone at the top of the
// next (the annual report's last row of table B used to stand alone under a repeated header).
BOOST_AUTO_TEST_CASE(a_table_never_leaves_one_body_row_alone) {
  for (int before = 0; before <= 21; ++before) {
    std::string rows;
    for (int i = 0; i < 12; ++i) rows += "<row><cell>行" + std::to_string(100 + i) + "</cell><cell>内容</cell></row>\n";
    auto doc = lay_out(filler(before) + "<table style=\"table\" columns=\"1 3\">\n"
                       "<row header=\"true\"><cell>序号</cell><cell>内容</cell></row>\n" + rows + "</table>\n");
    for (size_t p = 0; p < doc.pages.size(); ++p) {
      size_t n = texts_starting(doc.pages[p], "行").size();
      BOOST_TEST(n != 1u, "filler " << before << " lines, page " << p + 1);
    }
  }
}

// Rows of three lines or fewer never split; longer rows leave two lines or more on each page.
BOOST_AUTO_TEST_CASE(a_row_splits_only_with_two_lines_on_each_page) {
  auto cell = [](int lines) {  // a 6/7 column at 12pt holds 26 characters per line
    std::string s;
    for (int i = 0; i < lines * 26 - 3; ++i) s += "公";
    return s;
  };
  for (int before = 0; before <= 21; before += 3) {
    std::string rows;
    for (int i = 0; i < 14; ++i)
      rows += "<row><cell>行" + std::to_string(100 + i) + "</cell><cell>" + cell(i % 2 ? 3 : 5) + "</cell></row>\n";
    auto doc = lay_out(filler(before) + "<table style=\"table\" columns=\"1 6\">\n" + rows + "</table>\n");
    BOOST_REQUIRE(doc.pages.size() >= 2u);
    for (size_t p = 0; p < doc.pages.size(); ++p) {
      // Lines of cell text on this page per row part: a part starts at a rect of the first column.
      std::vector<double> tops;
      for (auto& r : doc.pages[p].rects)
        if (r.x < 100) tops.push_back(r.y);
      std::sort(tops.begin(), tops.end());
      std::map<size_t, int> lines;  // part -> lines of the long cell
      std::map<size_t, bool> numbered;
      for (auto& t : doc.pages[p].texts) {
        if (t.size != 12 || tops.empty() || t.y < tops.front()) continue;  // the filler paragraph
        size_t part = static_cast<size_t>(std::upper_bound(tops.begin(), tops.end(), t.y) - tops.begin()) - 1;
        std::string u = text::to_utf8(t.text);
        if (u.rfind("行", 0) == 0) numbered[part] = true;
        else lines[part] += 1;
      }
      for (auto& [part, n] : lines) {
        BOOST_TEST(n >= 2, "filler " << before << ", page " << p + 1 << ", part " << part << ": " << n << " lines");
        // A part without its row number continues a row; only rows of 5 lines may do so.
        if (!numbered[part]) BOOST_TEST(n <= 3, "filler " << before << ", page " << p + 1);
      }
    }
  }
}

// keep-with-next rows: a section's title and header rows stay with its first data row.
BOOST_AUTO_TEST_CASE(keep_with_next_rows_stay_with_the_next_row) {
  for (int before = 0; before <= 21; ++before) {
    std::string rows;
    for (int s = 0; s < 8; ++s)
      rows += "<row keep-with-next=\"true\"><cell colspan=\"2\">节" + std::to_string(s) + "</cell></row>\n"
              "<row keep-with-next=\"true\"><cell>项目</cell><cell>数量</cell></row>\n"
              "<row><cell>甲</cell><cell>1</cell></row>\n<row><cell>乙</cell><cell>2</cell></row>\n";
    auto doc = lay_out(filler(before) + "<table style=\"table\" columns=\"1 3\">\n" + rows + "</table>\n");
    for (size_t p = 0; p < doc.pages.size(); ++p) {
      // The lowest text of a page that is not the document's last is never a title or header row.
      const model::TextRun* low = nullptr;
      for (auto& t : doc.pages[p].texts)
        if (t.size == 12 && (!low || t.y > low->y)) low = &t;
      if (!low || p + 1 == doc.pages.size()) continue;
      std::string u = text::to_utf8(low->text);
      BOOST_TEST((u.rfind("节", 0) != 0 && u != "项目" && u != "数量"), "filler " << before << ", page " << p + 1 << ": " << u);
    }
  }
}

// A table of contents breaks like a paragraph: never one entry alone on a page.
BOOST_AUTO_TEST_CASE(a_table_of_contents_never_leaves_one_entry_alone) {
  std::string headings;
  for (int i = 0; i < 9; ++i) headings += "<para style=\"h\">标题" + std::to_string(i) + "</para>\n";
  for (int before = 0; before <= 21; ++before) {
    auto doc = lay_out(filler(before) + "<toc from=\"2\" to=\"2\" style=\"toc\"/>\n<page-break/>\n" + headings);
    size_t total = 0;
    for (size_t p = 0; p < doc.pages.size(); ++p) {
      size_t n = 0;
      for (auto& t : doc.pages[p].texts) n += t.size == 14 && text::to_utf8(t.text).rfind("标题", 0) == 0;
      total += n;
      BOOST_TEST(n != 1u, "filler " << before << ", page " << p + 1);
    }
    BOOST_TEST(total == 9u);
  }
}

// Eight series (the compliance report's chart has one per 主题分类) get eight colours; twelve
// get twelve distinct marks (the next ten are hollow).
BOOST_AUTO_TEST_CASE(chart_series_are_told_apart) {
  for (int n : {8, 12}) {
    std::string series;
    for (int s = 0; s < n; ++s)
      series += "<series name=\"类" + std::to_string(s) + "\" select=\"m\" value=\"{@v + " + std::to_string(s) + "}\"/>";
    auto t = tmpl::Template::load_from_memory(
        "<template><body><chart type=\"line\" height=\"80mm\"><categories select=\"m\" label=\"{@n}\"/>" + series +
            "</chart></body></template>", "chart.xml");
    BOOST_REQUIRE(t.is_ok());
    pugi::xml_document fig;
    auto root = fig.append_child("x");
    for (int m = 1; m <= 3; ++m) {
      auto e = root.append_child("m");
      e.append_attribute("n") = m;
      e.append_attribute("v") = m;
    }
    auto doc = lay_out_figures(**t, fig, "fig", fonts());
    BOOST_REQUIRE(doc.is_ok());
    // Legend swatches: squares larger than the 4 pt points.
    std::set<std::tuple<double, double, double, bool>> looks;
    size_t swatches = 0;
    for (auto& r : doc->pages[0].rects)
      if (r.w > 5 && std::abs(r.w - r.h) < 0.01) {
        ++swatches;
        const auto& c = r.fill ? r.fill_color : r.stroke_color;
        looks.insert({c.r, c.g, c.b, r.fill});
      }
    BOOST_TEST(swatches == static_cast<size_t>(n));
    BOOST_TEST(looks.size() == static_cast<size_t>(n));
  }
}

// A row that does not fill the table's columns, or a rowspan past the last row, is an error naming
// the line (they were drawn with gaps in the borders, or silently cut).
BOOST_AUTO_TEST_CASE(ragged_rows_and_long_rowspans_are_errors) {
  auto error_of = [](const std::string& table) {
    auto t = tmpl::Template::load_from_memory("<template><body>\n" + table + "</body></template>", "ragged.xml");
    BOOST_REQUIRE(t.is_ok());
    pugi::xml_document fig;
    fig.append_child("x");
    auto doc = lay_out_figures(**t, fig, "fig", fonts());
    return doc.is_ok() ? std::string("ok") : doc.error().str();
  };
  BOOST_TEST(error_of("<table>\n<row><cell>甲</cell><cell>乙</cell><cell>丙</cell></row>\n<row><cell>丁</cell></row>\n</table>\n") ==
             "ragged.xml:4: table row 2 fills 1 of the table's 3 columns (add cells or a colspan)");
  BOOST_TEST(error_of("<table>\n<row><cell rowspan=\"9\">甲</cell><cell>乙</cell></row>\n<row><cell>丙</cell></row>\n</table>\n") ==
             "ragged.xml:3: table row 1: rowspan 9 goes past the table's last row (2)");
  // A colspan past the given columns says so (it said "more cells than columns").
  BOOST_TEST(error_of("<table columns=\"1 1 1\">\n<row><cell>甲</cell><cell colspan=\"3\">乙</cell></row>\n</table>\n") ==
             "ragged.xml:3: table row 1: a cell spanning 3 columns from column 2 goes past the table's 3");
  // Filled by a rowspan and a colspan: fine.
  BOOST_TEST(error_of("<table>\n<row><cell rowspan=\"2\">甲</cell><cell>乙</cell><cell>丙</cell></row>\n"
                      "<row><cell colspan=\"2\">丁</cell></row>\n</table>\n") == "ok");
}

// An attachment's title (附件 page) breaks between words like the document's title: it broke as
// "…年度报|告编制…联络员名|单".
BOOST_AUTO_TEST_CASE(attachment_titles_break_between_words) {
  auto rec = gk::read_file(std::string(GK_SOURCE_DIR) + "/samples/notices/seed-notice.xml");
  BOOST_REQUIRE(rec.is_ok());
  const std::string name = "青川市二〇二三年度政府信息公开工作年度报告编制发布工作任务分解表及各单位联络员名单";
  auto at = rec->find("<name>扶贫办创建政务公开活动方案</name>");
  BOOST_REQUIRE(at != std::string::npos);
  rec->replace(at, std::string("<name>扶贫办创建政务公开活动方案</name>").size(), "<name>" + name + "</name>");
  pugi::xml_document xml;
  BOOST_REQUIRE(xml.load_string(rec->c_str()));
  auto t = tmpl::Template::load(std::string(GK_SOURCE_DIR) + "/templates/notice.xml");
  BOOST_REQUIRE(t.is_ok());
  auto doc = lay_out_figures(**t, xml, "seed", fonts());
  BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
  std::vector<std::string> lines;  // the 22pt lines of the page that starts the attachment
  for (auto& p : doc->pages) {
    std::map<double, std::string> by_y;
    for (auto& r : p.texts)
      if (r.size == 22) by_y[r.y] += text::to_utf8(r.text);
    std::string all;
    for (auto& [y, l] : by_y) all += l;
    if (all == name)
      for (auto& [y, l] : by_y) lines.push_back(l);
  }
  // Filled, the lines were 20 characters each; by words, as evenly as the breaks allow.
  BOOST_TEST((lines == std::vector<std::string>{"青川市二〇二三年度政府信息", "公开工作年度报告编制发布工作",
                                                 "任务分解表及各单位联络员名单"}),
             boost::test_tools::per_element());
}

// The page of the 署名 carries 正文 (GB/T 9704: no page with only 附件说明, 署名 and 成文日期). The
// seed notice put 附件说明 and 署名 alone on page 2. Checked at every position the end of the body
// can fall on a page (0 to 21 lines of body added), with and without 附件说明.
BOOST_AUTO_TEST_CASE(the_signature_page_carries_body_text) {
  auto seed = gk::read_file(std::string(GK_SOURCE_DIR) + "/samples/notices/seed-notice.xml");
  BOOST_REQUIRE(seed.is_ok());
  auto t = tmpl::Template::load(std::string(GK_SOURCE_DIR) + "/templates/notice.xml");
  BOOST_REQUIRE(t.is_ok());
  const std::string last_para = "<p>执行中遇到的问题，请及时向办政务公开领导小组办公室反映。</p>";
  for (bool attachment : {true, false}) {
    for (int extra = 0; extra <= 21; ++extra) {
      std::string rec = *seed;
      auto at = rec.find(last_para);
      BOOST_REQUIRE(at != std::string::npos);
      std::string fill;
      for (int i = 0; i < extra * 28 - 4; ++i) fill += "文";
      if (extra) rec.insert(at, "<p>" + fill + "</p>");
      if (!attachment) {
        auto a = rec.find("<attachments>"), b = rec.find("</attachments>");
        BOOST_REQUIRE(a != std::string::npos && b != std::string::npos);
        rec.erase(a, b + std::string("</attachments>").size() - a);
      }
      pugi::xml_document xml;
      BOOST_REQUIRE(xml.load_string(rec.c_str()));
      auto doc = lay_out_figures(**t, xml, "seed", fonts());
      BOOST_REQUIRE_MESSAGE(doc.is_ok(), (doc.is_ok() ? "" : doc.error().str()));
      // The first line of the closing block: 附件说明, else the 署名.
      const std::string first = attachment ? "附件：" : "青川市扶贫开发办公室";
      bool found = false;
      for (auto& p : doc->pages) {
        double top = -1;
        for (auto& r : p.texts)
          if (r.size == 16 && text::to_utf8(r.text).rfind(first, 0) == 0 && (top < 0 || r.y < top)) top = r.y;
        if (top < 0) continue;
        found = true;
        int body_lines = 0;  // 16pt lines above it on its page
        std::set<double> ys;
        for (auto& r : p.texts)
          if (r.size == 16 && r.y < top - 1) ys.insert(r.y);
        body_lines = static_cast<int>(ys.size());
        BOOST_TEST(body_lines >= 1, "body +" << extra << " lines, attachment " << attachment << ": '" << first
                                            << "' starts a page");
        break;
      }
      BOOST_TEST(found);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
