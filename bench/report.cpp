// Renders a long report through the report pipeline (template -> bound document -> two-pass layout
// with a table of contents -> PDF) in one process on one thread, and prints pages, seconds and
// peak memory. Each section has a heading, paragraphs, a 24-row table and a bar chart.
// Usage: bench_report [sections] (default 250, about 500 pages)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "generator/font/font_map.h"
#include "generator/layout/layout.h"
#include "generator/pdf/pdf_writer.h"
#include "generator/report/pipeline.h"

using namespace gk;

namespace {

const char* kTemplate = R"(<template>
  <page width="210mm" height="297mm" margin-top="37mm" margin-left="28mm" text-width="156mm" text-height="225mm"/>
  <style name="body" role="body" size="16pt" align="justify" first-indent="2"/>
  <style name="title" role="title" size="22pt" align="center" first-indent="0" bookmark="1"/>
  <style name="h1" base="body" role="heading1" keep-with-next="true" bookmark="2"/>
  <style name="toc" role="body" size="14pt" align="left" first-indent="0"/>
  <style name="table" role="body" size="9pt" align="center" first-indent="0" line-height="11pt"/>
  <style name="chart" role="body" size="9pt"/>
  <body>
    <para style="title">基准测试报告</para>
    <toc from="2" to="2" style="toc"/>
    <page-break/>
    <for-each select="section">
      <para style="h1"><value of="@n" format="cn-numeral"/>、<value of="@name"/></para>
      <for-each select="p"><para style="body"><value of="."/></para></for-each>
      <table style="table" columns="0.8 2.4 4.2 1.3 1.5">
        <row header="true"><cell>序号</cell><cell>索引号</cell><cell>标题</cell><cell>类别</cell><cell>数量</cell></row>
        <for-each select="r"><row><cell align="numeric"><value of="@n"/></cell><cell><value of="@id"/></cell>
          <cell align="left"><value of="@title"/></cell><cell><value of="@cat"/></cell><cell align="numeric"><value of="@v"/></cell></row></for-each>
      </table>
      <chart type="bar" height="60mm" title="各月数量" style="chart">
        <categories select="m" label="{@n}月"/>
        <series name="数量" select="m" value="{@v}"/>
      </chart>
    </for-each>
  </body>
</template>)";

}  // namespace

int main(int argc, char** argv) {
  int sections = argc > 1 ? std::atoi(argv[1]) : 250;
  auto tpl = tmpl::Template::load_from_memory(kTemplate, "bench-report.xml");
  auto fonts = font::FontMap::load_default();
  if (!tpl || !fonts) {
    std::fprintf(stderr, "setup: %s\n", (!tpl ? tpl.error() : fonts.error()).str().c_str());
    return 1;
  }
  pugi::xml_document fig;
  auto root = fig.append_child("bench");
  const char* topics[] = {"城市更新行动", "农村人居环境整治", "老旧小区改造", "基层医疗卫生服务", "就业创业扶持"};
  for (int s = 1; s <= sections; ++s) {
    auto sec = root.append_child("section");
    sec.append_attribute("n") = s % 9999 + 1;
    sec.append_attribute("name") = (std::string(topics[s % 5]) + "工作情况").c_str();
    for (int k = 0; k < 3; ++k)
      sec.append_child("p").text() =
          "本年度围绕重点领域信息公开要求，及时发布政策文件、工作动态和公告公示，主动公开信息的数量和质量稳步提升，"
          "答复期限按工作日计算，征求第三方意见和补正期间依法扣除，对逾期公开和逾期答复的情形督促整改。";
    for (int r = 1; r <= 24; ++r) {
      auto e = sec.append_child("r");
      e.append_attribute("n") = r;
      e.append_attribute("id") = ("11510800MB0A12345Q/2024-" + std::to_string(10000 + s * 24 + r).substr(1)).c_str();
      e.append_attribute("title") = (std::string("关于做好") + topics[(s + r) % 5] + "有关工作的通知").c_str();
      e.append_attribute("cat") = "综合政务";
      e.append_attribute("v") = (s * 7 + r * 13) % 97;
    }
    for (int m = 1; m <= 12; ++m) {
      auto e = sec.append_child("m");
      e.append_attribute("n") = m;
      e.append_attribute("v") = (s * m * 5) % 41;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  auto doc = report::lay_out_figures(**tpl, fig, "bench figures", **fonts);
  if (!doc) return std::fprintf(stderr, "%s\n", doc.error().str().c_str()), 1;
  auto t1 = std::chrono::steady_clock::now();
  auto pdf = pdf::write_pdf(*doc);
  if (!pdf) return std::fprintf(stderr, "%s\n", pdf.error().str().c_str()), 1;
  auto t2 = std::chrono::steady_clock::now();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double lay = std::chrono::duration<double>(t1 - t0).count(), wr = std::chrono::duration<double>(t2 - t1).count();
  std::printf("report: %d sections, %zu pages, %zu bookmarks, one thread\n", sections, doc->pages.size(), doc->outline.size());
  std::printf("time: %.2f s (bind + two-pass layout %.2f s, PDF %.2f s), %.2f ms per page\n", lay + wr, lay, wr,
              1000 * (lay + wr) / doc->pages.size());
  std::printf("size: %.1f MB PDF\n", pdf->size() / 1048576.0);
  std::printf("peak memory (max RSS): %.1f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
