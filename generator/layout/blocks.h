// The bound document: what binding a template to a record produces and layout consumes.
// Content is final (text resolved, numbers formatted); positions are not yet decided.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "generator/model/page.h"

namespace gk::layout {

struct SourceRef {  // where a piece of text came from, for error messages
  std::string file;
  int line = 0;
};

struct Span {
  std::u32string text;
  std::string role;                   // empty: the paragraph's role
  std::optional<model::Color> color;  // empty: the paragraph's colour
  SourceRef src;
  SourceRef role_src;                 // where `role` was set (template line)
};

enum class Align { justify, left, center, right };

struct ParaStyle {
  std::string role = "body";
  SourceRef role_src;  // the template line that chose the role, for "unknown role" errors
  double size = 16;  // pt
  model::Color color = model::kBlack;
  Align align = Align::justify;
  double first_indent = 2;  // em: first line
  double indent = 0;        // em: other lines
  double right_indent = 0;  // em
  double line_height = 0;   // pt; 0 = the page grid's line pitch
  double space_before = 0, space_after = 0;  // pt
  double top = -1;          // pt below the text block's top edge (first page), for the 版头
  bool keep_with_next = false;
  bool keep_with_previous = false;  // e.g. 附注 stays with the 成文日期 above it
  bool fit_width = false;   // shrink the size until the text fits on one line
  double fit_min = 0;       // pt: fit never shrinks below this (0: half the size), then wraps
  bool word_wrap = false;   // titles: break only between words, lines balanced (GB/T 9704 7.3.1)
  // 发文机关标志 of a 联合行文: 机关 separated by spaces are stacked, 文件 to their right, centred
  // on the stack (GB/T 9704 7.2.4); one 机关 is an ordinary line.
  bool joint_stack = false;
  int bookmark = 0;         // > 0: a PDF bookmark at this level
};

struct Para {
  ParaStyle style;
  std::vector<Span> spans;
};

struct Space {
  double height = 0;  // pt
};

struct Rule {
  double width = 1;  // line width, pt
  model::Color color = model::kBlack;
  double space_before = 0, space_after = 0;  // pt
};

struct PageBreak {};

// 署名 and 成文日期 without seal (GB/T 9704 7.3.5.2): the date 2 characters from the right,
// the 署名's first character 2 characters left of the date's (or the reverse if it is longer).
struct Signature {
  Span name, date;
  ParaStyle style;
};

// 版记: entries between rules at the bottom of the last page (抄送, 印发机关和印发日期).
struct ImprintEntry {
  Span label;  // e.g. "抄送：" (wrapped lines align after it); empty for a left/right entry
  Span text;   // the text after the label, or the left part
  Span right;  // the right part (印发日期), or empty
};
struct Imprint {
  std::vector<ImprintEntry> entries;
  ParaStyle style;
  double thick = 1, thin = 0.7;  // rule widths, pt
};

struct TableCell {
  std::vector<Span> spans;
  int colspan = 1, rowspan = 1;
  Align align = Align::center;
  bool numeric = false;  // right-aligned, decimal points lined up within the column
};
struct TableRow {
  std::vector<TableCell> cells;
  bool header = false;
  bool keep_with_next = false;  // stays on the page of the next row (a section of a table)
};
struct Table {
  std::vector<double> columns;  // relative widths
  bool absolute = false;        // columns are in points (wider than the text block is an error)
  std::vector<TableRow> rows;
  ParaStyle style;              // cell text
  double padding = 3;           // pt
  double border = 0.5;          // pt
  SourceRef src;
};

// 目录: one line per heading (bookmarked paragraph) after it whose bookmark level is in
// [from, to], with a dot leader and the page number; filled by a second layout pass.
struct Toc {
  ParaStyle style;
  int from = 1, to = 2;
  double indent = 2;  // em per level below `from`
};

struct ImageBlock {  // a PNG or JPEG file, scaled to width x height (pt)
  std::string path;
  double width = 0, height = 0;
  Align align = Align::center;
  SourceRef src;
};

struct ChartSeries {
  std::u32string name;
  std::vector<double> values;  // one per category
  std::optional<model::Color> color;
};
struct Chart {  // vector bar or line chart: axes, ticks, labels, legend (layout/chart.h)
  bool line = false;
  double width = 0, height = 0;  // pt; width 0 = the text block's
  std::u32string title;
  std::vector<std::u32string> categories;
  std::vector<ChartSeries> series;
  ParaStyle style;  // label text
  SourceRef src;
};

using Block = std::variant<Para, Space, Rule, PageBreak, Signature, Imprint, Table, Toc, ImageBlock, Chart>;

struct PageNumberStyle {
  bool enabled = true;
  std::string format = "— {n} —";
  std::string role = "pagenum";
  double size = 14;
  double below = 19.84;  // pt from the text block's bottom edge to the number's top (7 mm)
  double indent = 1;     // em from the text block's outer edge
  bool outside = true;   // odd pages right, even pages left
};

struct PageSetup {
  double width = 595.28, height = 841.89;
  double top = 104.88, left = 79.37;  // text block origin (37 mm, 28 mm)
  double text_width = 442.2, text_height = 637.8;  // 156 x 225 mm
  int lines = 22, chars = 28;
  double font_size = 16;
  // Where the 版记 goes. even: on an even page, since GB/T 9704-2012 ends it on the last page
  // (7.4.1) of a document printed double-sided, i.e. the back of a sheet; last: on the last page
  // wherever it falls, for single-sided print.
  enum class Imprint { even, last } imprint = Imprint::even;
  double pitch() const { return text_height / lines; }
  double char_pitch() const { return text_width / chars; }
};

struct BoundDocument {
  PageSetup page;
  PageNumberStyle page_number;
  model::Info info;
  std::vector<Block> blocks;
};

}  // namespace gk::layout
