// Template bindings: values, formats, joins, conditions, loops, calls, attribute value templates,
// and the errors a template author sees (with the template or record line).
#include <boost/test/unit_test.hpp>

#include "generator/layout/blocks.h"
#include "generator/template/template.h"
#include "generator/text/utf.h"

using namespace gk;

namespace {

const char* kRecord = R"(<record>
  <catalogue>
    <title>关于印发
      方案的通知</title>
    <written-date>2022-03-12</written-date>
    <keywords><keyword>政务公开</keyword><keyword>扶贫</keyword></keywords>
    <bad-date>2022-02-30</bad-date>
  </catalogue>
  <notice>
    <body>
      <p>第一段。</p>
      <section><heading>甲</heading><p>甲的正文</p>
        <section><heading>甲一</heading><p>甲一正文</p></section>
      </section>
      <section><heading>乙</heading></section>
    </body>
  </notice>
</record>)";

struct Bound {
  Result<layout::BoundDocument> doc = make_error("unset");
};

Result<layout::BoundDocument> bind(const std::string& body, const std::string& extra = "") {
  std::string xml = "<template>\n<style name=\"h\" role=\"heading1\" keep-with-next=\"true\"/>\n" + extra +
                    "<body>\n" + body + "\n</body>\n</template>\n";
  auto t = tmpl::Template::load_from_memory(xml, "t.xml");
  if (!t) return t.error();
  static pugi::xml_document rec;
  static bool loaded = rec.load_string(kRecord);
  (void)loaded;
  tmpl::RecordSource src{rec.document_element(), "r.xml", kRecord};
  return (*t)->bind(src);
}

std::string text_of(const layout::Block& b) {
  std::u32string s;
  if (auto* p = std::get_if<layout::Para>(&b))
    for (auto& sp : p->spans) s += sp.text;
  return text::to_utf8(s);
}

std::vector<std::string> paras(const layout::BoundDocument& d) {
  std::vector<std::string> out;
  for (auto& b : d.blocks)
    if (std::holds_alternative<layout::Para>(b)) out.push_back(text_of(b));
  return out;
}

std::string why(const Result<layout::BoundDocument>& r) { return r ? std::string("ok") : r.error().str(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(template_bind)

BOOST_AUTO_TEST_CASE(value_normalises_whitespace_between_han) {
  auto r = bind(R"(<para><value of="catalogue/title"/></para>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) == std::vector<std::string>{"关于印发方案的通知"});
}

// In a 署名 white space between Chinese characters separates the 机关 of a 联合行文: kept as
// U+3000 (layout stacks them), where a paragraph drops it.
BOOST_AUTO_TEST_CASE(signature_keeps_white_space_between_issuers) {
  auto r = bind(R"(<signature><name><value of="catalogue/title"/></name><date>2022年3月12日</date></signature>
<para><value of="catalogue/title"/></para>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  auto* s = std::get_if<layout::Signature>(&r->blocks.at(0));
  BOOST_REQUIRE(s);
  BOOST_TEST(text::to_utf8(s->name.text) == "关于印发\u3000方案的通知");
  BOOST_TEST(paras(*r) == std::vector<std::string>{"关于印发方案的通知"});
  // So in a paragraph whose style stacks a joint 发文机关标志.
  auto mark = bind(R"(<para joint="stack"><value of="catalogue/title"/></para>)");
  BOOST_REQUIRE_MESSAGE(mark, why(mark));
  BOOST_TEST(paras(*mark) == std::vector<std::string>{"关于印发\u3000方案的通知"});
}

// Invisible characters pasted from web pages and Word (zero-width space, BOM, soft hyphen) are
// dropped: no font has them, and they made rendering fail.
BOOST_AUTO_TEST_CASE(invisible_format_characters_are_dropped) {
  auto r = bind("<para>政务\u200B公开\uFEFF工作\u00AD要点\u2060</para>");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) == std::vector<std::string>{"政务公开工作要点"});
}

BOOST_AUTO_TEST_CASE(literal_text_and_values_mix) {
  auto r = bind(R"(<para>（<value of="catalogue/written-date" format="cn-date"/>）</para>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) == std::vector<std::string>{"（2022年3月12日）"});
}

BOOST_AUTO_TEST_CASE(join_and_default) {
  auto r = bind(R"(<para><value of="catalogue/keywords/keyword" join="；"/></para>
                   <para><value of="catalogue/nothing" default="无"/></para>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) == (std::vector<std::string>{"政务公开；扶贫", "无"}));
}

BOOST_AUTO_TEST_CASE(if_choose_for_each) {
  auto r = bind(R"(
    <if test="catalogue/keywords"><para>有主题词</para></if>
    <if test="catalogue/missing"><para>不应出现</para></if>
    <choose><when test="count(catalogue/keywords/keyword) = 3"><para>三</para></when>
            <when test="count(catalogue/keywords/keyword) = 2"><para>二</para></when>
            <otherwise><para>其他</para></otherwise></choose>
    <for-each select="catalogue/keywords/keyword"><para><value of="."/></para></for-each>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) == (std::vector<std::string>{"有主题词", "二", "政务公开", "扶贫"}));
}

BOOST_AUTO_TEST_CASE(recursive_call_numbers_headings_by_level) {
  auto r = bind(R"(<call name="blocks" select="notice/body"/>)", R"(
    <define name="blocks"><for-each select="*"><choose>
      <when test="self::p"><para><value of="."/></para></when>
      <when test="self::section">
        <para style="h" size="{15 + count(ancestor-or-self::section)}pt"><value of="count(preceding-sibling::section) + 1" format="heading-{count(ancestor-or-self::section)}"/><value of="heading"/></para>
        <call name="blocks" select="."/>
      </when></choose></for-each></define>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(paras(*r) ==
             (std::vector<std::string>{"第一段。", "一、甲", "甲的正文", "（一）甲一", "甲一正文", "二、乙"}));
  // Attribute value templates and styles reach the paragraph style.
  auto& h2 = std::get<layout::Para>(r->blocks[3]);
  BOOST_TEST(h2.style.size == 17.0);
  BOOST_TEST(h2.style.role == "heading1");
  BOOST_TEST(h2.style.keep_with_next);
}

BOOST_AUTO_TEST_CASE(span_changes_role_and_colour) {
  auto r = bind(R"(<para>甲<span role="heading2" color="red">乙</span></para>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  auto& p = std::get<layout::Para>(r->blocks[0]);
  BOOST_REQUIRE(p.spans.size() == 2u);
  BOOST_TEST(p.spans[1].role == "heading2");
  BOOST_TEST(p.spans[1].color.has_value());
  BOOST_TEST(p.spans[0].role.empty());
}

BOOST_AUTO_TEST_CASE(record_values_carry_their_record_line) {
  auto r = bind(R"(<for-each select="notice/body/p"><para><value of="."/></para></for-each>)");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  auto& p = std::get<layout::Para>(r->blocks[0]);
  BOOST_TEST(p.spans[0].src.file == "r.xml");
  BOOST_TEST(p.spans[0].src.line == 11);
}

BOOST_AUTO_TEST_CASE(xpath_syntax_error_names_template_line) {
  auto r = bind("<para>\n<value of=\"catalogue/title[[\"/></para>");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "t.xml");
  BOOST_TEST(r.error().line == 5);
  BOOST_TEST(r.error().message.find("XPath error in 'catalogue/title[['") == 0);
}

BOOST_AUTO_TEST_CASE(xpath_error_inside_attribute_value_template) {
  auto r = bind(R"(<para size="{count(}pt">x</para>)");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().line == 4);
  BOOST_TEST(r.error().message.find("XPath error in 'count('") == 0);
}

BOOST_AUTO_TEST_CASE(unknown_element_style_format_and_call) {
  auto a = bind("<paragraph>x</paragraph>");
  BOOST_REQUIRE(!a);
  BOOST_TEST(a.error().message.find("element 'paragraph' is not expected here") == 0);  // schemas/template.xsd
  BOOST_TEST(a.error().line == 4);
  auto b = bind(R"(<para style="nosuch">x</para>)");
  BOOST_REQUIRE(!b);
  BOOST_TEST(b.error().message == "unknown style 'nosuch'");
  auto c = bind(R"(<para><value of="catalogue/title" format="roman"/></para>)");
  BOOST_REQUIRE(!c);
  BOOST_TEST(c.error().message.find("roman") != std::string::npos);
  auto d = bind(R"(<call name="missing"/>)");
  BOOST_REQUIRE(!d);
  BOOST_TEST(d.error().message == "<call> of unknown <define name=\"missing\">");
}

BOOST_AUTO_TEST_CASE(names_in_branches_no_record_takes_are_checked_at_load) {
  // The test is false for every record: the names are still checked, at the template line.
  auto in_if = [](const std::string& inner) {
    auto t = tmpl::Template::load_from_memory(
        "<template>\n<body>\n<if test=\"false()\">\n" + inner + "\n</if>\n</body>\n</template>\n", "t.xml");
    return t ? std::string("ok") : t.error().str();
  };
  BOOST_TEST(in_if(R"(<para style="nosuch">x</para>)") == "t.xml:4: unknown style 'nosuch'");
  BOOST_TEST(in_if(R"(<para><value of="x" format="roman"/></para>)").find("t.xml:4: unknown format \"roman\"; known formats: cn-date, ") == 0);
  BOOST_TEST(in_if(R"(<chart type="pie" select="x" label="." value="."/>)") == "t.xml:4: chart type must be bar or line, not 'pie'");
  BOOST_TEST(in_if(R"(<call name="missing"/>)") == "t.xml:4: <call> of unknown <define name=\"missing\">");
  // Names computed from the record ({…}) can only be checked when bound.
  BOOST_TEST(in_if(R"(<para style="{x}">x</para>)") == "ok");
  BOOST_TEST(in_if(R"(<para style="body"><value of="x" format="cn-date"/></para>)") == "ok");
}

BOOST_AUTO_TEST_CASE(wrap_words_is_a_style_attribute) {
  auto t = tmpl::Template::load_from_memory("<template>\n<style name=\"t\" wrap=\"words\"/>\n<body/></template>", "t.xml");
  BOOST_REQUIRE(t);
  BOOST_TEST((*t)->style("t")->word_wrap);
  auto bad = tmpl::Template::load_from_memory("<template>\n<style name=\"t\" wrap=\"balance\"/>\n<body/></template>", "t.xml");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().str() == "t.xml:2: wrap must be words or normal, not 'balance'");
  auto r = bind(R"(<para wrap="words">x</para>)");
  BOOST_REQUIRE(r);
  BOOST_TEST(std::get<layout::Para>(r->blocks[0]).style.word_wrap);
}

BOOST_AUTO_TEST_CASE(format_error_names_the_record_line) {
  auto r = bind(R"(<para><value of="catalogue/bad-date" format="cn-date"/></para>)");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "r.xml");
  BOOST_TEST(r.error().line == 7);
  BOOST_TEST(r.error().message.find("2022-02-30") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(endless_recursion_is_an_error) {
  auto r = bind(R"(<call name="loop"/>)", R"(<define name="loop"><call name="loop"/></define>)");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("nest deeper than 64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_outside_para_and_bad_lengths) {
  auto a = bind("loose text");
  BOOST_REQUIRE(!a);
  BOOST_TEST(a.error().message == "element 'body' may contain elements only, not text");
  auto b = bind(R"(<space height="3 furlongs"/>)");
  BOOST_REQUIRE(!b);
  BOOST_TEST(b.error().message == "unknown unit in '3 furlongs' (use mm, cm, pt or em)");
}

// Sizes that libharu cannot draw (it refused them mid-document, and the next page was NULL: a
// crash) are refused when the template loads, naming the line.
BOOST_AUTO_TEST_CASE(impossible_sizes_are_refused_at_load) {
  auto load = [](const std::string& page, const std::string& style) {
    return tmpl::Template::load_from_memory("<template>\n" + page + "\n" + style + "\n<body/></template>", "t.xml");
  };
  const std::string page = R"(<page width="210mm" height="297mm" margin-top="37mm" margin-left="28mm" text-width="156mm" text-height="225mm"/>)";
  const std::string style = R"(<style name="body" role="body" size="16pt"/>)";
  BOOST_TEST(load(page, style).is_ok());
  struct Case {
    std::string page, style, message;
  };
  const std::vector<Case> cases{
      {page, R"(<style name="body" size="0pt"/>)", "attribute size: must be above 0 and at most 300pt, not '0pt'"},
      {page, R"(<style name="body" size="-16pt"/>)", "attribute size: must be above 0 and at most 300pt, not '-16pt'"},
      {R"(<page width="0mm" height="297mm"/>)", style, "attribute width: a page is 10mm to 5080mm"},
      {R"(<page width="210mm" height="297mm" margin-top="-37mm"/>)", style,
       "margins must not be negative, text-width and text-height must be positive"},
      {R"(<page width="100mm" height="100mm"/>)", style,
       "the 版心 (margin-left + text-width, margin-top + text-height) does not fit on the page"},
  };
  for (const auto& c : cases) {
    auto t = load(c.page, c.style);
    BOOST_REQUIRE_MESSAGE(!t, c.message);
    BOOST_TEST(t.error().message == c.message);
    BOOST_TEST(t.error().file == "t.xml");
    BOOST_TEST(t.error().line > 0);
  }
}

// <page imprint>: "even" (GB/T 9704, the default) or "last" (single-sided print).
BOOST_AUTO_TEST_CASE(page_imprint_placement) {
  auto load = [](const std::string& attrs) {
    return tmpl::Template::load_from_memory("<template>\n<page " + attrs + "/>\n<body/></template>", "t.xml");
  };
  using P = layout::PageSetup::Imprint;
  auto dflt = load("");
  BOOST_REQUIRE(dflt.is_ok());
  BOOST_TEST(((*dflt)->page().imprint == P::even));
  auto last = load(R"(imprint="last")");
  BOOST_REQUIRE_MESSAGE(last.is_ok(), (last.is_ok() ? "" : last.error().str()));
  BOOST_TEST(((*last)->page().imprint == P::last));
  auto even = load(R"(imprint="even")");
  BOOST_REQUIRE(even.is_ok());
  BOOST_TEST(((*even)->page().imprint == P::even));
  auto bad = load(R"(imprint="odd")");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().file == "t.xml");
  BOOST_TEST(bad.error().line == 2);
  BOOST_TEST(bad.error().message.find("imprint") != std::string::npos, bad.error().message);
  auto notice = tmpl::Template::load(std::string(GK_SOURCE_DIR) + "/templates/notice.xml");
  BOOST_REQUIRE_MESSAGE(notice.is_ok(), (notice.is_ok() ? "" : notice.error().str()));
  BOOST_TEST(((*notice)->page().imprint == P::even));
}

BOOST_AUTO_TEST_CASE(malformed_template_names_line) {
  auto t = tmpl::Template::load_from_memory("<template>\n<body>\n<para>\n</body></template>", "bad.xml");
  BOOST_REQUIRE(!t);
  BOOST_TEST(t.error().file == "bad.xml");
  BOOST_TEST(t.error().line == 4);
  BOOST_TEST(t.error().message.find("malformed XML") == 0);
}

BOOST_AUTO_TEST_CASE(lengths_and_colours) {
  BOOST_TEST(*tmpl::parse_length("25.4mm") == 72.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(*tmpl::parse_length("2em", 16) == 32.0);
  BOOST_TEST(*tmpl::parse_length("12") == 12.0);
  BOOST_TEST(!tmpl::parse_length("mm"));
  BOOST_TEST(tmpl::parse_color("#FF0000")->r == 1.0);
  BOOST_TEST(!tmpl::parse_color("crimson"));
}

BOOST_AUTO_TEST_SUITE_END()
