// Readers for what the external tools print: pdftotext -bbox-layout XHTML, qpdf --json, PPM.
// They know nothing of gongkai's own code: the point is an independent view of the PDF.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gkt {

std::u32string utf32(const std::string& utf8);
std::string utf8(const std::u32string& s);
std::string utf8(char32_t c);
bool is_space(char32_t c);
std::u32string strip_spaces(const std::u32string& s);
// U+4E00 etc. or a full-width punctuation mark: one em wide in a CJK font.
bool is_fullwidth(char32_t c);

// Page geometry in points, y growing downwards from the page top (pdftotext's convention).
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double height() const { return y1 - y0; }
};

struct Word {
  Box box;
  std::u32string text;
};

struct Line {
  Box box;
  std::vector<Word> words;
  std::u32string text() const;  // the words' text without separators
};

struct Page {
  double width = 0, height = 0;
  std::vector<Line> lines;
};

// Parses `pdftotext -bbox-layout` output. Throws on malformed XHTML.
std::vector<Page> parse_bbox_layout(const std::string& xhtml);

// A font's FontDescriptor Ascent/Descent (1/1000 em), as poppler uses them for word boxes.
struct FontMetric {
  std::string name;
  double ascent = 0, descent = 0;  // descent negative
  double box_height(double size) const { return (ascent - descent) * size / 1000; }
};

struct Outline {
  std::string title;
  int page = 0;  // 1-based destination page
  std::vector<Outline> kids;
};

struct QpdfInfo {
  std::vector<FontMetric> fonts;
  std::vector<Outline> outlines;
};

// Parses `qpdf --json=2` output.
QpdfInfo parse_qpdf_json(const std::string& json);

// The font and size whose box height matches h (±0.05 pt), trying the given sizes; or null.
struct FontMatch {
  const FontMetric* font = nullptr;
  double size = 0;
};
FontMatch match_font(const std::vector<FontMetric>& fonts, double h, const std::vector<double>& sizes);

// An RGB raster (P6, or P5 expanded to grey RGB).
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  const uint8_t* at(int x, int y) const { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
};
Image parse_pnm(const std::string& bytes);

}  // namespace gkt
