// 10. Bad input through the CLI: the exit code, one stderr line "gongkai: FILE:LINE: message"
// naming the culprit, and an output directory left without PDFs or temporary files.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>

#include "fixture.h"

namespace fs = std::filesystem;
using namespace gkt;

namespace {

// Copies src to dst replacing the first `from` by `to`; returns the 1-based line of the change.
int edit_copy(const std::string& src, const std::string& from, const std::string& to, const std::string& dst) {
  std::string text = read_bytes(src);
  auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("'" + from + "' not in " + src);
  text.replace(at, from.size(), to);
  write_bytes(dst, text);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string announcement() { return samples_dir() + "/announcement.xml"; }

RunResult render_one(const std::string& tmpl, const std::string& record, const std::string& out,
                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {gongkai(), "render", "--template", tmpl, "--record", record, "--out", out};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv);
}

// Exit 1, exactly one stderr line starting with `prefix` and mentioning each of `mentions`.
void expect_error(const RunResult& r, const std::string& prefix, const std::vector<std::string>& mentions) {
  BOOST_TEST(r.status == 1, "exit status " << r.status << ", stderr: " << r.err);
  BOOST_TEST((!r.err.empty() && r.err.back() == '\n' && r.err.find('\n') == r.err.size() - 1),
             "stderr is not one line: " << r.err);
  BOOST_TEST(r.err.rfind(prefix, 0) == 0, "stderr '" << r.err << "' does not start with '" << prefix << "'");
  for (auto& m : mentions) BOOST_TEST(r.err.find(m) != std::string::npos, "stderr '" << r.err << "' lacks '" << m << "'");
}

void expect_empty(const std::string& dir) {
  auto left = list_dir(dir);
  std::string names;
  for (auto& n : left) names += " " + n;
  BOOST_TEST(left.empty(), "left in the output directory:" << names);
}

std::string where(const std::string& file, int line) { return "gongkai: " + file + ":" + std::to_string(line) + ": "; }

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(malformed_record) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  int line = edit_copy(announcement(), "</signature>", "</signatur>", t / "bad.xml");
  auto r = render_one(notice_template(), t / "bad.xml", t / "out/bad.pdf");
  expect_error(r, where(t / "bad.xml", line), {"signatur"});
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(record_breaking_the_schema) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  int line = edit_copy(announcement(), "<validity>有效</validity>", "<validity>过期</validity>", t / "bad.xml");
  auto r = render_one(notice_template(), t / "bad.xml", t / "out/bad.pdf");
  expect_error(r, where(t / "bad.xml", line), {"validity", "过期"});
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(record_without_a_notice_is_not_rendered_as_an_empty_one) {
  // A record of catalogue metadata only (<notice> is optional in the format): exit 1, no PDF.
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  std::string text = read_bytes(announcement());
  auto a = text.find("  <notice>"), b = text.find("</notice>\n");
  BOOST_REQUIRE(a != std::string::npos && b != std::string::npos);
  text.erase(a, b + 10 - a);
  write_bytes(t / "meta.xml", text);
  auto r = render_one(notice_template(), t / "meta.xml", t / "out/meta.pdf");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err == "gongkai: " + (t / "meta.xml") + ": nothing to render: the template requires notice, which this "
                      "document does not have (" + notice_template() + ":5; a record of catalogue metadata only has no notice)\n");
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(xpath_error_in_template) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  int line = edit_copy(notice_template(), "<para style=\"title\"><value of=\"catalogue/title\"/>",
                       "<para style=\"title\"><value of=\"catalogue/title[[\"/>", t / "t.xml");
  auto r = render_one(t / "t.xml", announcement(), t / "out/a.pdf");
  expect_error(r, where(t / "t.xml", line), {"catalogue/title[["});
  expect_empty(t / "out");
}

// The mistake is in the template, so the message must name the template line, not a record.
BOOST_AUTO_TEST_CASE(unknown_font_role_in_template) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  int line = edit_copy(notice_template(), "<para style=\"docno\">", "<para style=\"docno\" role=\"nosuch\">", t / "t.xml");
  auto r = render_one(t / "t.xml", announcement(), t / "out/a.pdf");
  expect_error(r, where(t / "t.xml", line), {"nosuch"});
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(missing_font_file) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  std::string missing = "/usr/share/fonts/truetype/wqy/no-such-font.ttc";
  int line = edit_copy(source_dir() + "/fonts/fontmap.xml", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", missing,
                       t / "fontmap.xml");
  auto r = render_one(notice_template(), announcement(), t / "out/a.pdf", {"--fonts", t / "fontmap.xml"});
  expect_error(r, where(t / "fontmap.xml", line), {missing});
  expect_empty(t / "out");
}

// A truncated copy of a font (a broken download) is refused naming the table cut off. HarfBuzz
// clamps such tables to the bytes present: a copy cut at 5 MB rendered, its missing glyphs drawn
// from the fallback faces without a word; a copy cut at 1 KB was reported as "no glyf table".
BOOST_AUTO_TEST_CASE(truncated_font_file) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  const std::string kai = "/usr/share/fonts/truetype/arphic/ukai.ttc";
  for (size_t bytes : {size_t(1000), size_t(5000000)}) {
    std::string cut = t / ("kai-" + std::to_string(bytes) + ".ttc");
    write_bytes(cut, read_bytes(kai).substr(0, bytes));
    int line = edit_copy(source_dir() + "/fonts/fontmap.xml", kai, cut, t / "fontmap.xml");
    auto r = render_one(notice_template(), samples_dir() + "/seed-notice.xml", t / "out/a.pdf", {"--fonts", t / "fontmap.xml"});
    expect_error(r, where(t / "fontmap.xml", line) + "face 'kai': font file is truncated or damaged: table '",
                 {"but the file has " + std::to_string(bytes) + " bytes", cut});
    expect_empty(t / "out");
  }
}

BOOST_AUTO_TEST_CASE(character_in_no_font) {
  for (std::string ch : {"\U0001F600", "\uE000"}) {
    TempDir t("gk-render-cli");
    fs::create_directory(t / "out");
    int line = edit_copy(announcement(), "<p>特此公告。</p>", "<p>特此公告" + ch + "。</p>", t / "bad.xml");
    auto r = render_one(notice_template(), t / "bad.xml", t / "out/bad.pdf");
    expect_error(r, where(t / "bad.xml", line), {ch == "\uE000" ? "U+E000" : "U+1F600"});
    expect_empty(t / "out");
  }
}

// Root ignores permission bits, so use places where writing really fails: a path below a
// regular file, a directory of /proc, and a target name taken by a non-empty directory.
BOOST_AUTO_TEST_CASE(unwritable_output) {
  TempDir t("gk-render-cli");
  write_bytes(t / "file", "x");
  auto r = render_one(notice_template(), announcement(), t / "file/a.pdf");
  expect_error(r, "gongkai: " + t / "file", {});
  BOOST_TEST(read_bytes(t / "file") == "x");

  fs::create_directory(t / "one");
  fs::copy_file(announcement(), t / "one/announcement.xml");
  r = run({gongkai(), "render", "--template", notice_template(), "--records", t / "one", "--out", t / "file"});
  expect_error(r, "gongkai: " + t / "file", {});
  BOOST_TEST(r.err == "gongkai: " + t / "file" + ": is not a directory (the output goes into a directory)\n");

  r = render_one(notice_template(), announcement(), "/proc/gk-render-test.pdf");
  expect_error(r, "gongkai: /proc/gk-render-test.pdf", {});

  // The rename fails after the temporary file was written: it must be cleaned up.
  fs::create_directory(t / "out");
  fs::create_directories(t / "out/announcement.pdf/keep");
  r = run({gongkai(), "render", "--template", notice_template(), "--records", t / "one", "--out", t / "out"});
  expect_error(r, "gongkai: " + t / "out/announcement.pdf", {});
  auto left = list_dir(t / "out");
  BOOST_TEST((left == std::vector<std::string>{"announcement.pdf"}), "left: " << left.size() << " entries");
  BOOST_TEST(fs::is_directory(t / "out/announcement.pdf/keep"));
}

// --out naming a symlink writes through it; a FIFO or the input itself is never replaced.
BOOST_AUTO_TEST_CASE(output_special_files_and_inputs) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "real");
  fs::create_symlink(t / "real/a.pdf", t / "link.pdf");
  auto r = render_one(notice_template(), announcement(), t / "link.pdf");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(fs::is_symlink(t / "link.pdf"));
  BOOST_TEST(read_bytes(t / "real/a.pdf").rfind("%PDF-", 0) == 0u);

  BOOST_REQUIRE(::mkfifo((t / "fifo.pdf").c_str(), 0644) == 0);
  r = render_one(notice_template(), announcement(), t / "fifo.pdf");
  expect_error(r, "gongkai: " + t / "fifo.pdf: exists and is not a regular file; refusing to replace it", {});
  BOOST_TEST(fs::is_fifo(t / "fifo.pdf"));

  fs::copy_file(announcement(), t / "rec.xml");
  const std::string before = read_bytes(t / "rec.xml");
  r = render_one(notice_template(), t / "rec.xml", t / "rec.xml");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err == "gongkai: " + t / "rec.xml: is also the --record input; refusing to overwrite it\n");
  BOOST_TEST(read_bytes(t / "rec.xml") == before);
  // The font map is an input too (it was overwritten).
  fs::copy_file(std::string(GK_SOURCE_DIR) + "/fonts/fontmap.xml", t / "map.xml");
  const std::string map = read_bytes(t / "map.xml");
  r = run({gongkai(), "render", "--template", notice_template(), "--record", announcement(), "--fonts", t / "map.xml",
           "--out", t / "map.xml"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err == "gongkai: " + t / "map.xml: is also the --fonts input; refusing to overwrite it\n");
  BOOST_TEST(read_bytes(t / "map.xml") == map);
}

// A justified line of two characters before an unbreakable Latin run needs a character spacing
// above the 300 pt libharu accepts (it failed with "libharu error 0x1056"); PDF has no limit.
BOOST_AUTO_TEST_CASE(a_line_stretched_beyond_libharus_limit_renders) {
  TempDir t("gk-render-cli");
  edit_copy(announcement(), "<p>特此公告。</p>", "<p>甲乙" + std::string(60, 'X') + "</p><p>特此公告。</p>", t / "wide.xml");
  auto r = render_one(notice_template(), t / "wide.xml", t / "wide.pdf");
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(read_bytes(t / "wide.pdf").rfind("%PDF-", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  TempDir t("gk-render-cli");
  std::vector<std::vector<std::string>> bad = {
      {"render", "--record", announcement(), "--out", t / "a.pdf"},                                    // no --template
      {"render", "--template", notice_template(), "--record", announcement()},                         // no --out
      {"render", "--template", notice_template(), "--out", t / "a.pdf"},                               // no input
      {"render", "--template", notice_template(), "--record", announcement(), "--records", samples_dir(),
       "--out", t.path()},                                                                             // both
      {"render", "--template", notice_template(), "--record", announcement(), "--out", t / "a.pdf", "--bogus"},
  };
  for (auto& args : bad) {
    std::vector<std::string> argv = {gongkai()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv);
    BOOST_TEST_CONTEXT(show(args)) {
      BOOST_TEST(r.status == 2, "exit " << r.status << ": " << r.err);
      BOOST_TEST(r.err.find("usage") != std::string::npos, r.err);
    }
  }
  auto both = run({gongkai(), "render", "--template", notice_template(), "--record", announcement(), "--records", samples_dir(),
                   "--out", t.path()});
  BOOST_TEST(both.err.rfind("gongkai: render takes --record or --records, not both\n", 0) == 0, both.err);
  expect_empty(t.path());
}

// Files that are not XML at all, and characters XML forbids, each get a message saying what
// they are (they all used to be "the document is empty" or "not valid UTF-8").
BOOST_AUTO_TEST_CASE(inputs_that_are_not_xml_say_what_they_are) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  std::string utf8 = read_bytes(announcement()), utf16 = "\xFF\xFE";
  for (char c : std::string("<record/>")) utf16 += std::string(1, c) + '\0';
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the file is empty"},
      {"\n  \n", "the file is empty"},
      {"hello", "not an XML document (it does not start with '<')"},
      {utf16, "encoded in UTF-16; the file must be UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)"},
  };
  int k = 0;
  for (auto& [bytes, why] : cases) {
    std::string f = t / ("in" + std::to_string(k++) + ".xml");
    write_bytes(f, bytes);
    auto r = render_one(notice_template(), f, t / "out/x.pdf");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err == "gongkai: " + f + ": " + why + "\n");
  }
  auto r = render_one(notice_template(), t / "out", t / "x.pdf");
  BOOST_TEST(r.err == "gongkai: " + (t / "out") + ": is a directory, not a file\n");
  int line = edit_copy(announcement(), "<signature>青川市人民政府</signature>", "<signature>青川&#x1;市</signature>", t / "ref.xml");
  r = render_one(notice_template(), t / "ref.xml", t / "out/x.pdf");
  BOOST_TEST(r.err == where(t / "ref.xml", line) + "malformed XML: character U+0001 is not allowed in XML (written as a character reference)\n");
  line = edit_copy(announcement(), "<signature>青川市人民政府</signature>", "<signature>青川\x01市</signature>", t / "raw.xml");
  r = render_one(notice_template(), t / "raw.xml", t / "out/x.pdf");
  BOOST_TEST(r.err == where(t / "raw.xml", line) + "malformed XML: character U+0001 is not allowed in XML\n");
  line = edit_copy(announcement(), "<signature>青川市人民政府</signature>", "<signature>青川\xFF市</signature>", t / "latin.xml");
  r = render_one(notice_template(), t / "latin.xml", t / "out/x.pdf");
  BOOST_TEST(r.err == where(t / "latin.xml", line) + "malformed XML: not valid UTF-8 (records must be UTF-8)\n");
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(bad_out_and_jobs_are_usage_errors_saying_why) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "out");
  auto first_line = [](const std::string& s) { return s.substr(0, s.find('\n')); };
  auto r = render_one(notice_template(), announcement(), "");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(first_line(r.err) == "gongkai: --out is empty: it names the PDF to write (with --records, the directory)");
  r = render_one(notice_template(), announcement(), t / "out/");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err == "gongkai: --out " + (t / "out/") +
                          " names a directory; with --record it names the PDF to write (--records DIR renders into a directory)\n");
  r = render_one(notice_template(), announcement(), t / "out");
  BOOST_TEST(r.status == 2);  // a usage error, as "out/" above
  BOOST_TEST(r.err == "gongkai: " + (t / "out") +
                          ": is a directory; --out names the PDF to write (--records DIR renders into a directory)\n");
  for (std::string j : {"0", "-1", "abc", "257", "99999999999"}) {
    r = run({gongkai(), "render", "--template", notice_template(), "--records", samples_dir(), "--out", t / "out", "--jobs", j});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(first_line(r.err) == "gongkai: --jobs '" + j + "' is not a number from 1 to 256");
  }
  expect_empty(t / "out");
}

BOOST_AUTO_TEST_CASE(batch_with_bad_records_renders_the_others) {
  TempDir t("gk-render-cli");
  fs::create_directory(t / "in");
  fs::create_directory(t / "out");
  for (auto& f : list_dir(samples_dir())) fs::copy_file(samples_dir() + "/" + f, t / ("in/" + f));
  int l1 = edit_copy(announcement(), "</signature>", "</signatur>", t / "in/aa-malformed.xml");
  int l2 = edit_copy(announcement(), "<validity>有效</validity>", "<validity>过期</validity>", t / "in/zz-schema.xml");
  auto r = run({gongkai(), "render", "--template", notice_template(), "--records", t / "in", "--out", t / "out"});
  BOOST_TEST(r.status == 1, r.err);
  std::string e1 = where(t / "in/aa-malformed.xml", l1), e2 = where(t / "in/zz-schema.xml", l2);
  BOOST_TEST(r.err.find(e1) != std::string::npos, r.err);
  BOOST_TEST(r.err.find(e2) != std::string::npos, r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 2, "stderr:\n" << r.err);
  std::vector<std::string> want;
  for (auto& s : rendered().samples) want.push_back(s.name + ".pdf");
  std::sort(want.begin(), want.end());
  auto got = list_dir(t / "out");
  std::string names;
  for (auto& n : got) names += " " + n;
  BOOST_TEST((got == want), "output directory holds:" << names);
  for (auto& s : rendered().samples)  // the good records come out as the clean batch made them
    if (fs::exists(t / ("out/" + s.name + ".pdf")))
      BOOST_TEST((read_bytes(t / ("out/" + s.name + ".pdf")) == read_bytes(s.pdf)), s.name);
}

// An attachment published as a separate file is listed in the 附件说明 with no body and gets no
// 附件 page (the template handled it, the schema refused it: found by a black-box review).
BOOST_AUTO_TEST_CASE(an_attachment_without_a_body_is_listed_only) {
  TempDir t("gk-render-cli");
  edit_copy(samples_dir() + "/seed-notice.xml", "</attachments>",
            "<attachment><name>项目资金明细表</name></attachment></attachments>", t / "two.xml");
  auto r = render_one(notice_template(), t / "two.xml", t / "two.pdf");
  BOOST_TEST(r.status == 0, r.err);
  auto txt = run({"pdftotext", "-raw", "-enc", "UTF-8", t / "two.pdf", "-"});
  BOOST_TEST(txt.out.find("2.项目资金明细表") != std::string::npos, txt.out);
  BOOST_TEST(txt.out.find("附件1\n") != std::string::npos, txt.out);  // two attachments: numbered labels
  BOOST_TEST(txt.out.find("附件2") == std::string::npos, txt.out);        // but a page only for the one with a body
}

// A folder of records is read as report reads one: *.XML and subfolders too (a record exported as
// A.XML was skipped without a word); a subfolder's PDF goes into the same subfolder of --out.
BOOST_AUTO_TEST_CASE(a_folder_of_records_includes_any_case_and_subfolders) {
  TempDir t("gk-render-cli");
  fs::create_directories(t / "in/2023-03");
  fs::create_directory(t / "out");
  fs::copy_file(announcement(), t / "in/A.XML");
  fs::copy_file(announcement(), t / "in/2023-03/A.xml");
  write_bytes(t / "in/.hidden.xml", "not a record");  // editor files are left out
  auto r = run({gongkai(), "render", "--template", notice_template(), "--records", t / "in", "--out", t / "out"});
  BOOST_TEST(r.status == 0, r.err);
  BOOST_TEST(r.out.find("rendered 2 of 2 records") != std::string::npos, r.out);
  BOOST_TEST(fs::is_regular_file(t / "out/A.pdf"));
  BOOST_TEST(fs::is_regular_file(t / "out/2023-03/A.pdf"));
  BOOST_TEST((read_bytes(t / "out/A.pdf") == read_bytes(t / "out/2023-03/A.pdf")));
  // a.xml beside A.XML would both be A.pdf: refused before anything is written.
  fs::copy_file(announcement(), t / "in/a.XML");
  fs::copy_file(announcement(), t / "in/a.xml");
  fs::create_directory(t / "out3");
  auto twice = run({gongkai(), "render", "--template", notice_template(), "--records", t / "in", "--out", t / "out3"});
  BOOST_TEST(twice.status == 1);
  BOOST_TEST(twice.err == "gongkai: " + t / "in/a.xml" + ": and " + t / "in/a.XML" + " would both be rendered to " + t / "out3/a.pdf" +
                              "; rename one\n",
             twice.err);
  expect_empty(t / "out3");
  fs::create_directory(t / "empty");
  fs::create_directory(t / "out2");
  auto none = run({gongkai(), "render", "--template", notice_template(), "--records", t / "empty", "--out", t / "out2"});
  BOOST_TEST(none.status == 0, none.err);
  BOOST_TEST(none.err == "gongkai: warning: " + t / "empty" + " holds no *.xml records\n", none.err);
}

BOOST_AUTO_TEST_SUITE_END()
