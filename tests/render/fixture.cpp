#include "fixture.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>

namespace fs = std::filesystem;

namespace gkt {

std::string source_dir() { return GK_SOURCE_DIR; }
std::string gongkai() { return GK_BINARY; }
std::string notice_template() { return source_dir() + "/templates/notice.xml"; }
std::string samples_dir() { return source_dir() + "/samples/notices"; }

std::vector<std::string> preflight_command(const std::string& pdf) {
  std::string cp;
  for (const char* jar : {"preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"})
    cp += std::string(cp.empty() ? "" : ":") + "/usr/share/java/" + jar + ".jar";
  return {"java", "-cp", cp, "org.apache.pdfbox.preflight.Validator_A1b", pdf};
}

namespace {

// pdftoppm names pages prefix-1.ppm or prefix-01.ppm depending on the page count.
std::vector<Image> load_rasters(const std::string& dir, const std::string& prefix) {
  std::vector<std::pair<int, std::string>> files;
  for (auto& name : list_dir(dir)) {
    if (name.rfind(prefix + "-", 0) != 0 || name.size() < 4 || name.substr(name.size() - 4) != ".ppm") continue;
    files.emplace_back(std::stoi(name.substr(prefix.size() + 1)), dir + "/" + name);
  }
  std::sort(files.begin(), files.end());
  std::vector<Image> images;
  for (auto& [n, path] : files) {
    images.push_back(parse_pnm(read_bytes(path)));
    fs::remove(path);
  }
  return images;
}

void inspect(Sample& s, const std::string& tmp) {
  s.raw_text = run({"pdftotext", "-raw", "-enc", "UTF-8", s.pdf, "-"});
  s.bbox = run({"pdftotext", "-bbox-layout", "-enc", "UTF-8", s.pdf, "-"});
  s.pdffonts = run({"pdffonts", s.pdf});
  s.qpdf_json = run({"qpdf", "--json=2", s.pdf});
  std::string prefix = tmp + "/ppm-" + s.name;
  s.raster = run({"pdftoppm", "-r", "72", s.pdf, prefix});
  try {
    s.expected = expected_for(s.record);
    s.pages = parse_bbox_layout(s.bbox.out);
    s.qpdf = parse_qpdf_json(s.qpdf_json.out);
    s.images = load_rasters(tmp, "ppm-" + s.name);
  } catch (const std::exception& e) {
    s.load_error = e.what();
  }
}

}  // namespace

const Rendered& rendered() {
  static Rendered r;
  static std::once_flag once;
  std::call_once(once, [] {
    r.dir = std::make_unique<TempDir>("gk-render-samples");
    std::string out = r.dir->path() + "/out";
    fs::create_directory(out);
    r.render = run({gongkai(), "render", "--template", notice_template(), "--records", samples_dir(), "--out", out});
    std::vector<std::string> names;
    for (auto& f : list_dir(samples_dir()))
      if (f.size() > 4 && f.substr(f.size() - 4) == ".xml") names.push_back(f.substr(0, f.size() - 4));
    for (auto& n : names) {
      Sample s;
      s.name = n;
      s.record = samples_dir() + "/" + n + ".xml";
      s.pdf = out + "/" + n + ".pdf";
      if (!fs::exists(s.pdf)) {
        s.load_error = "not rendered: " + s.pdf;
      } else {
        inspect(s, r.dir->path());
      }
      r.samples.push_back(std::move(s));
    }
  });
  return r;
}

bool baseline_of(const Sample& s, const Word& w, double size, double& baseline) {
  auto m = match_font(s.qpdf.fonts, w.box.height(), {size});
  if (!m.font) return false;
  // poppler: yMax = baseline - descent * size (descent < 0).
  baseline = w.box.y1 + m.font->descent * size / 1000;
  return true;
}

std::string context(const std::u32string& s, size_t i, size_t radius) {
  size_t b = i > radius ? i - radius : 0;
  size_t e = std::min(s.size(), i + radius);
  return "…" + utf8(s.substr(b, i - b)) + "⟦" + (i < s.size() ? utf8(s[i]) : std::string("END")) + "⟧" +
         utf8(s.substr(std::min(i + 1, s.size()), e > i ? e - i - 1 : 0)) + "…";
}

}  // namespace gkt
