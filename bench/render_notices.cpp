// Renders 1,000 one-page notices in one process on one thread and prints notices per second,
// bytes per PDF and peak memory. Usage: bench_render_notices [count] [record] [template]
#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "common/files.h"
#include "generator/pdf/pdf_writer.h"
#include "generator/render.h"

using namespace gk;

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::string rec_path = argc > 2 ? argv[2] : std::string(GK_DATA_DIR) + "/bench/one-page-notice.xml";
  std::string tpl_path = argc > 3 ? argv[3] : std::string(GK_DATA_DIR) + "/templates/notice.xml";
  auto tpl = tmpl::Template::load(tpl_path);
  auto fonts = font::FontMap::load_default();
  auto base = read_file(rec_path);
  if (!tpl || !fonts || !base) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  const std::string words[] = {"准确", "完整", "及时", "规范", "认真", "严格", "全面", "扎实"};
  auto t0 = std::chrono::steady_clock::now();
  size_t bytes = 0, pages = 0;
  for (int i = 0; i < count; ++i) {
    // Each notice differs in its 文号 and one word, so font subsets differ as in real batches.
    std::string xml = *base;
    auto at = xml.find("〔2023〕1号");
    xml.replace(at, std::string("〔2023〕1号").size(), "〔2023〕" + std::to_string(i + 1) + "号");
    auto w = xml.find("准确");
    if (w == std::string::npos) return 1;
    xml.replace(w, std::string("准确").size(), words[i % 8]);
    auto rec = record::load_record_from_memory(xml, rec_path);
    if (!rec) {
      std::fprintf(stderr, "%s\n", rec.error().str().c_str());
      return 1;
    }
    auto doc = lay_out_record(**tpl, **rec, **fonts);
    if (!doc) {
      std::fprintf(stderr, "%s\n", doc.error().str().c_str());
      return 1;
    }
    pages += doc->pages.size();
    auto pdf = pdf::write_pdf(*doc);
    if (!pdf) {
      std::fprintf(stderr, "%s\n", pdf.error().str().c_str());
      return 1;
    }
    bytes += pdf->size();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("notices: %d (%.2f pages each), one thread\n", count, double(pages) / count);
  std::printf("time: %.2f s, %.1f notices/s, %.2f ms per notice\n", s, count / s, 1000 * s / count);
  std::printf("size: %.1f KB per PDF\n", double(bytes) / count / 1024);
  std::printf("peak memory (max RSS): %.1f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
