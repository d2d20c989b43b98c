// The samples rendered once per test run, with what the external tools say about each PDF.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "expected.h"
#include "pdf_read.h"
#include "run.h"

namespace gkt {

// GB/T 9704-2012 geometry, from millimetres (standards.md §1), in points.
constexpr double mm(double v) { return v * 72.0 / 25.4; }
constexpr double kTop = mm(37), kLeft = mm(28);
constexpr double kWidth = mm(156), kHeight = mm(225);
constexpr double kRight = kLeft + kWidth, kBottom = kTop + kHeight;
constexpr double kPitch = kHeight / 22;   // 28.99 pt line pitch
constexpr double kCharPitch = kWidth / 28;  // 15.79 pt
constexpr double kBodySize = 16;          // 3号

std::string source_dir();  // GK_SOURCE_DIR
std::string gongkai();     // GK_BINARY
std::string notice_template();
std::string samples_dir();
// The java command line for PDFBox Preflight's PDF/A-1b validator (standards.md §7).
std::vector<std::string> preflight_command(const std::string& pdf);

struct Sample {
  std::string name, record, pdf;
  Expected expected;
  RunResult raw_text;   // pdftotext -raw -enc UTF-8 (content order)
  RunResult bbox;       // pdftotext -bbox-layout
  RunResult pdffonts;
  RunResult qpdf_json;  // qpdf --json=2
  RunResult raster;     // pdftoppm -r 72 (all pages, PPM)
  std::vector<Page> pages;
  QpdfInfo qpdf;
  std::vector<Image> images;  // 72 dpi: one pixel per point
  std::string load_error;     // set when a tool's output could not be read
};

struct Rendered {
  std::unique_ptr<TempDir> dir;
  RunResult render;  // the batch render of samples/notices
  std::vector<Sample> samples;
};

// Renders on first use, then returns the same object.
const Rendered& rendered();

// Baseline of a word drawn in one of the document's fonts at `size`; false if no font matches.
bool baseline_of(const Sample& s, const Word& w, double size, double& baseline);

// "…context…" around position i of s, for messages.
std::string context(const std::u32string& s, size_t i, size_t radius = 12);

}  // namespace gkt
