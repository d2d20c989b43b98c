// What the catalogue searches of a version: its record's text as the PDF shows it, or the PDF's
// own text when there is no record.
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

#include "archive/ingest/history.h"
#include "store_fixture.h"

using namespace gk::catalogue;
using namespace cat_test;
namespace ocfl = gk::ocfl;

BOOST_AUTO_TEST_SUITE(catalogue_pdf_text)

// The catalogue reads a record as the PDF shows it: a line break between two Han characters in the
// record is no space (the template drops it), and invisible characters are dropped. Format 9 kept
// the space, so 扶贫开发系统 was not found in a notice whose PDF shows it.
BOOST_AUTO_TEST_CASE(text_is_searched_as_the_pdf_shows_it) {
  StoreFixture f;
  Rng r(13);
  Doc d = make_doc(r, 1);
  d.title = "青川市关于扶贫\u200B开发工作的通知";  // (the fixture's metadata.json cannot hold a line break)
  d.paragraphs = {"推进全市扶贫\n        开发系统政务\u200B公开工作。"};
  BOOST_REQUIRE(add(*f.store, f.id(1), d, created_at(1), "发布"));
  std::string root = q(f.root);
  for (const char* term : {"扶贫开发系统", "扶贫开发工作的通知", "政务公开工作"}) {
    auto res = run_cli("search " + root + " " + term + " --json");
    BOOST_TEST(res.code == 0, res.err);
    BOOST_TEST(res.out.find("\"total\": 1") != std::string::npos, term << ": " << res.out);
  }
  auto title = run_cli("search " + root + " 扶贫开发工作");
  BOOST_TEST(title.out.find("青川市关于【扶贫开发工作】的通知") != std::string::npos, title.out);
  // Through `archive add`: a title broken across lines in the record is archived (metadata.json)
  // and found as one.
  auto seed = gk::read_file(std::string(GK_SOURCE_DIR) + "/samples/notices/seed-notice.xml");
  BOOST_REQUIRE(seed.is_ok());
  std::string xml = *seed;
  xml.replace(xml.find("办公室关于印发"), std::string("办公室关于印发").size(), "办公室关于\n      印发");
  BOOST_REQUIRE(gk::write_file_atomic(f.root + "/../seed.xml", xml).is_ok());
  auto added = run_cli("archive add " + root + " --record " + q(f.root + "/../seed.xml"));
  BOOST_REQUIRE_MESSAGE(added.code == 0, added.err);
  auto found = run_cli("search " + root + " 关于印发《扶贫办");
  BOOST_TEST(found.out.find("共 1 条结果") == 0, found.out);
  auto show = run_cli("archive show " + root + " 11519900MB1A28365X/2022-00012");
  BOOST_TEST(show.out.find("青川市扶贫开发办公室关于印发《扶贫办创建政务公开活动方案》的通知") != std::string::npos, show.out);
}

// A version whose text comes from its PDF (a record without a body): pdftotext's lines of a
// block are read as one text, so a word wrapped at a line end, or over a page turn (the page
// number between), is found whole (it was not: 办公室反|映). A PDF that pdftotext cannot read is
// found by its catalogue fields: it made every search and reindex of the archive fail, for good.
BOOST_AUTO_TEST_CASE(pdf_text_is_read_as_the_page_shows_it_and_a_bad_pdf_stops_nothing) {
  StoreFixture f;
  std::string root = q(f.root), pdf = (f.dir.path / "seed.pdf").string();
  std::string seed = std::string(GK_SOURCE_DIR) + "/samples/notices/seed-notice.xml";
  auto rendered = run_cli("render --template " + q(std::string(GK_SOURCE_DIR) + "/templates/notice.xml") + " --record " + q(seed) +
                          " --out " + q(pdf));
  BOOST_REQUIRE_MESSAGE(rendered.code == 0, rendered.err);
  // The wrapped words, from pdftotext itself: 2 characters each side of a line end inside a
  // block, and of a page number line.
  std::string txt = (f.dir.path / "seed.txt").string();
  BOOST_REQUIRE(std::system(("pdftotext -enc UTF-8 -nopgbrk " + q(pdf) + " " + q(txt)).c_str()) == 0);
  std::vector<std::string> lines;
  std::istringstream in(gk::read_file(txt).value());
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto han_at = [](const std::string& l, size_t at) {
    return at + 3 <= l.size() && static_cast<unsigned char>(l[at]) >= 0xE4 && static_cast<unsigned char>(l[at]) <= 0xE9;
  };
  auto page_number = [](const std::string& l) { return l.rfind("\u2014 ", 0) == 0; };
  std::vector<std::string> wrapped, over_page;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string &a = lines[i], &b = lines[i + 1];
    if (a.size() >= 6 && b.size() >= 6 && han_at(a, a.size() - 6) && han_at(a, a.size() - 3) && han_at(b, 0) && han_at(b, 3))
      wrapped.push_back(a.substr(a.size() - 6) + b.substr(0, 6));
    if (page_number(b)) {  // the last text line before it and the first after, blank lines aside
      size_t k = i + 2;
      while (k < lines.size() && lines[k].empty()) ++k;
      const std::string* c = k < lines.size() ? &lines[k] : nullptr;
      if (!a.empty() && han_at(a, a.size() - 3) && c && han_at(*c, 0)) over_page.push_back(a.substr(a.size() - 3) + c->substr(0, 3));
    }
  }
  BOOST_REQUIRE(wrapped.size() >= 20u);
  BOOST_REQUIRE(!over_page.empty());
  Rng r(21);
  Doc d = make_doc(r, 1);
  d.paragraphs.clear();  // no body: the text is the PDF's
  d.title = "没有正文的通知";
  std::string rec = (f.dir.path / "pdf-only.xml").string();
  BOOST_REQUIRE(gk::write_file_atomic(rec, record_xml(d), false));
  auto added = run_cli("archive add " + root + " --record " + q(rec) + " --pdf " + q(pdf));
  BOOST_REQUIRE_MESSAGE(added.code == 0, added.err);
  for (auto& term : wrapped) {
    auto res = run_cli("search " + root + " " + q(term) + " --json");
    BOOST_TEST(res.out.find("\"total\": 1") != std::string::npos, "wrapped " << term << ": " << res.out << res.err);
  }
  for (auto& term : over_page) {
    auto res = run_cli("search " + root + " " + q(term) + " --json");
    BOOST_TEST(res.out.find("\"total\": 1") != std::string::npos, "over the page " << term << ": " << res.out << res.err);
  }
  // A damaged PDF: archived, found by its catalogue fields; searches and reindex go on.
  Doc bad = make_doc(r, 2);
  bad.paragraphs.clear();
  bad.title = "附件损坏的通知";
  std::string bad_rec = (f.dir.path / "bad.xml").string(), bad_pdf = (f.dir.path / "bad.pdf").string();
  BOOST_REQUIRE(gk::write_file_atomic(bad_rec, record_xml(bad), false));
  BOOST_REQUIRE(gk::write_file_atomic(bad_pdf, "%PDF-1.4\ngarbage\n", false));
  auto added_bad = run_cli("archive add " + root + " --record " + q(bad_rec) + " --pdf " + q(bad_pdf));
  BOOST_REQUIRE_MESSAGE(added_bad.code == 0, added_bad.err);
  BOOST_TEST(added_bad.err == "", added_bad.err);  // the catalogue took it
  auto found = run_cli("search " + root + " 附件损坏 --json");
  BOOST_TEST(found.code == 0, found.err);
  BOOST_TEST(found.out.find("\"total\": 1") != std::string::npos, found.out);
  BOOST_TEST(run_cli("search " + root + " " + q(wrapped.front())).code == 0);
  auto re = run_cli("archive reindex --check " + root);
  BOOST_TEST(re.code == 0, re.err);
}

BOOST_AUTO_TEST_SUITE_END()
