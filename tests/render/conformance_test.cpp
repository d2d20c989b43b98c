// 4. Fonts embedded, subset, with ToUnicode. 5. qpdf and poppler find nothing to complain about.
// 6. PDFBox Preflight says PDF/A-1b. 8. Deterministic output, distinct trailer IDs.
// 9. Document info, XMP and bookmarks.
#include <boost/test/unit_test.hpp>
#include <future>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "fixture.h"

using namespace gkt;

namespace {

std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> t;
  for (std::string w; in >> w;) t.push_back(w);
  return t;
}

std::string info_field(const std::string& pdfinfo, const std::string& key) {
  std::istringstream in(pdfinfo);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) {
      auto v = line.substr(key.size() + 1);
      return v.substr(std::min(v.size(), v.find_first_not_of(' ')));
    }
  return "<none>";
}

std::string trailer_id(const std::string& pdf) {
  auto r = run({"qpdf", "--show-object=trailer", pdf});
  std::smatch m;
  static const std::regex id(R"(/ID\s*\[\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\])");
  return std::regex_search(r.out, m, id) ? m[1].str() : std::string();
}

bool page_has(const Sample& s, int page, const std::string& text) {
  if (page < 1 || page > static_cast<int>(s.pages.size())) return false;
  std::u32string all;
  for (auto& l : s.pages[page - 1].lines) all += strip_spaces(l.text());
  return all.find(strip_spaces(utf32(text))) != std::u32string::npos;
}

void check_destinations(const Sample& s, const std::vector<Outline>& items) {
  for (auto& o : items) {
    // A bookmark for a heading broken over two lines still finds its start on the page.
    auto head = utf8(utf32(o.title).substr(0, 8));
    BOOST_TEST(page_has(s, o.page, head), "bookmark '" << o.title << "' points at page " << o.page
                                                       << ", which does not show it");
    check_destinations(s, o.kids);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(conformance)

BOOST_AUTO_TEST_CASE(fonts_are_embedded_subset_and_have_tounicode) {
  static const std::regex subset_name("^[A-Z]{6}\\+.+");
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      BOOST_TEST(s.pdffonts.status == 0);
      std::istringstream in(s.pdffonts.out);
      std::string line;
      int fonts = 0;
      bool past_rule = false;
      while (std::getline(in, line)) {
        if (!past_rule) {
          past_rule = line.rfind("----", 0) == 0;
          continue;
        }
        auto t = split_ws(line);
        if (t.size() < 7) continue;
        ++fonts;
        // From the right: emb sub uni objnum gen.
        auto n = t.size();
        BOOST_TEST(t[n - 5] == "yes", t[0] << " is not embedded");
        BOOST_TEST(t[n - 4] == "yes", t[0] << " is not a subset");
        BOOST_TEST(t[n - 3] == "yes", t[0] << " has no ToUnicode");
        BOOST_TEST(std::regex_match(t[0], subset_name), t[0] << " lacks a 6-letter subset tag");
      }
      BOOST_TEST(fonts > 0, "pdffonts lists no fonts:\n" << s.pdffonts.out);
    }
  }
}

BOOST_AUTO_TEST_CASE(qpdf_and_poppler_report_nothing) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto q = run({"qpdf", "--check", s.pdf});
      BOOST_TEST(q.status == 0, "qpdf --check exit " << q.status << ":\n" << q.out << q.err);
      BOOST_TEST(q.err.empty(), "qpdf --check stderr: " << q.err);
      BOOST_TEST(q.out.find("WARNING") == std::string::npos, q.out);
      BOOST_TEST(q.out.find("No syntax or stream encoding errors found") != std::string::npos, q.out);
      auto info = run({"pdfinfo", s.pdf});
      for (const RunResult* r : {&s.raw_text, &s.bbox, &s.pdffonts, &s.raster, static_cast<const RunResult*>(&info)}) {
        BOOST_TEST(r->status == 0);
        BOOST_TEST(r->err.empty(), "poppler stderr: " << r->err);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(preflight_says_pdfa_1b) {
  auto& samples = rendered().samples;
  std::vector<std::future<RunResult>> jobs;  // one JVM per file (text mode takes one file), in parallel
  for (auto& s : samples) jobs.push_back(std::async(std::launch::async, [&s] { return run(preflight_command(s.pdf)); }));
  for (size_t i = 0; i < samples.size(); ++i) {
    auto r = jobs[i].get();
    BOOST_TEST_CONTEXT(samples[i].name) {
      BOOST_TEST(r.status == 0, "Preflight exit " << r.status << ":\n" << r.out << r.err);
      BOOST_TEST(r.out.find("is a valid PDF/A-1b file") != std::string::npos, r.out << r.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(rendering_is_deterministic_and_ids_differ) {
  auto& samples = rendered().samples;
  BOOST_TEST_REQUIRE(!samples.empty());
  auto& s = samples.front();
  BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
  TempDir tmp("gk-render-det");
  for (const char* name : {"a.pdf", "b.pdf"}) {
    auto r = run({gongkai(), "render", "--template", notice_template(), "--record", s.record, "--out", tmp / name});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
  }
  auto a = read_bytes(tmp / "a.pdf"), b = read_bytes(tmp / "b.pdf"), batch = read_bytes(s.pdf);
  BOOST_TEST((a == b), "two renders of " << s.name << " differ");
  BOOST_TEST((a == batch), "the single-record render of " << s.name << " differs from the batch render");

  std::set<std::string> ids;
  for (auto& x : samples) {
    auto id = trailer_id(x.pdf);
    BOOST_TEST(!id.empty(), x.name << " has no trailer /ID");
    BOOST_TEST(ids.insert(id).second, x.name << " repeats another sample's /ID " << id);
  }
}

BOOST_AUTO_TEST_CASE(info_xmp_and_bookmarks_name_the_document) {
  for (auto& s : rendered().samples) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(s.load_error.empty(), s.load_error);
      auto info = run({"pdfinfo", "-enc", "UTF-8", s.pdf});
      BOOST_TEST(info_field(info.out, "Title") == s.expected.title);
      BOOST_TEST(info_field(info.out, "Author") == s.expected.issuer);

      auto meta = run({"pdfinfo", "-meta", s.pdf});
      pugi::xml_document xmp;
      auto start = meta.out.find("<x:xmpmeta");
      BOOST_TEST_REQUIRE(start != std::string::npos, "no XMP packet:\n" << meta.out);
      BOOST_TEST_REQUIRE(xmp.load_string(meta.out.c_str() + start), "XMP does not parse");
      auto li = [&](const char* prop) {
        std::string v;
        for (auto n : xmp.select_nodes((std::string("//*[name()='") + prop + "']//*[name()='rdf:li']").c_str()))
          v += n.node().child_value();
        return v;
      };
      BOOST_TEST(li("dc:title") == s.expected.title);
      BOOST_TEST(li("dc:creator") == s.expected.issuer);

      // Bookmarks: the title and each attachment at the top, their 一、 headings below.
      auto& got = s.qpdf.outlines;
      auto& want = s.expected.outline;
      BOOST_TEST_REQUIRE(got.size() == want.size(), "top-level bookmarks: " << got.size() << ", want " << want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        BOOST_TEST(got[i].title == want[i].title);
        BOOST_TEST_REQUIRE(got[i].kids.size() == want[i].kids.size(),
                           "bookmarks under '" << want[i].title << "': " << got[i].kids.size() << ", want "
                                               << want[i].kids.size());
        for (size_t k = 0; k < want[i].kids.size(); ++k) BOOST_TEST(got[i].kids[k].title == want[i].kids[k].title);
      }
      check_destinations(s, got);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
