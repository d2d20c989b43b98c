// The backend-neutral page model: what layout produces and every exporter (PDF, debug dump)
// consumes. Positioned, final: exporters make no layout decisions. Lengths in points, origin at
// the top-left corner of the page, y growing downwards; text y is the baseline.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "generator/font/font_face.h"

namespace gk::model {

struct Color {
  double r = 0, g = 0, b = 0;
  bool operator==(const Color&) const = default;
};
constexpr Color kBlack{0, 0, 0};
constexpr Color kRed{1, 0, 0};

// A run of characters in one face, size and colour, drawn left to right from (x, y).
// Each character advances by its width plus `char_spacing` (PDF Tc), which carries justification.
struct TextRun {
  double x = 0, y = 0;
  int face = 0;  // index into Document::faces
  double size = 16;
  Color color = kBlack;
  std::u32string text;
  double char_spacing = 0;
  double stroke = 0;  // > 0: fill-then-stroke with this line width (emboldening)
};

struct Line {  // a straight rule
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0, width = 1;
  Color color = kBlack;
};

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  bool fill = false, stroke = true;
  Color fill_color = kBlack, stroke_color = kBlack;
  double stroke_width = 0.5;
};

struct Image {
  std::string path;  // PNG or JPEG file
  double x = 0, y = 0, w = 0, h = 0;
};

struct Link {
  double x = 0, y = 0, w = 0, h = 0;
  std::string uri;       // external link, or
  int target_page = -1;  // internal destination (0-based page)
  double target_y = 0;
};

struct Page {
  double width = 595.28, height = 841.89;
  std::vector<TextRun> texts;
  std::vector<Line> lines;
  std::vector<Rect> rects;
  std::vector<Image> images;
  std::vector<Link> links;
};

struct OutlineEntry {  // a PDF bookmark
  std::string title;   // UTF-8
  int level = 1;       // 1 = top
  int page = 0;
  double y = 0;
};

struct Info {  // document information, UTF-8
  std::string title, author, subject, keywords, creator = "gongkai";
  std::string created;  // "YYYY-MM-DD" (from the record: the output must not depend on the clock)
};

struct Document {
  Info info;
  std::vector<std::shared_ptr<const font::FontFace>> faces;
  std::vector<Page> pages;
  std::vector<OutlineEntry> outline;

  int face_index(const std::shared_ptr<const font::FontFace>& f);  // adds f if new
};

}  // namespace gk::model
