// The layouter's state, shared by the files that implement it (layout.cpp: paragraphs, pages,
// drawing; layout_table.cpp: tables; layout_blocks.cpp: imprint, page numbers, TOC, images,
// charts). Internal to generator/layout; callers use lay_out() (layout.h).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "generator/layout/blocks.h"
#include "generator/layout/lines.h"
#include "generator/layout/table_split.h"
#include "generator/layout/toc.h"
#include "generator/model/page.h"

namespace gk::layout::detail {

constexpr double kAscent = 0.86;  // baseline below the em box top, in em (CJK ideographic box)

// One vertical piece of the flow. Content is drawn relative to the item's top-left corner
// (x relative to the page, y relative to the item top).
struct Item {
  enum Kind { line, space, rule, forced_break, table_row } kind = line;
  double height = 0;
  double top = -1;             // absolute position below the text block top (first page only)
  std::vector<model::TextRun> runs;
  std::vector<model::Line> rules;
  std::vector<model::Rect> rects;
  std::vector<model::Image> images;
  std::shared_ptr<const SplitRow> split;  // a table row that may break across pages
  size_t split_first = 0;                  // its first line shown by this item
  int toc_entry = -1;                      // heading listed in the table of contents
  // pagination constraints
  int para = -1, index = 0, count = 1;
  bool keep_with_next = false;
  bool keep_with_previous = false;
  bool header_row = false;     // a table header row, repeated after a page break
  int table = -1;
  double glyph_bottom = 0;     // y of the em box bottom within the item (lines), for rules
  int bookmark = 0;
  std::string bookmark_title;
};

class Layouter {
 public:
  Layouter(const BoundDocument& d, const font::FontMap& f, std::vector<TocEntry> toc = {})
      : d_(d), fonts_(f), page_(d.page), toc_(std::move(toc)) {}
  // Pages (1-based) of the table-of-contents headings, once run() has paginated.
  const std::vector<TocEntry>& toc_entries() const { return toc_; }

  Result<model::Document> run() {
    doc_.info = d_.info;
    for (auto& b : d_.blocks) {
      Status s = std::visit([&](auto& x) { return add(x); }, b);
      if (!s) return s.error();
    }
    if (auto s = paginate(); !s) return s.error();
    if (imprint_) {
      if (auto s = place_imprint(*imprint_); !s) return s.error();
    }
    if (auto s = number_pages(); !s) return s.error();
    return std::move(doc_);
  }

 private:
  double tracking_for(double size) const { return (page_.char_pitch() / page_.font_size - 1) * size; }
  double pitch_for(const ParaStyle& st) const { return st.line_height > 0 ? st.line_height : page_.pitch(); }

  Status add(const Para& p);
  // A joint 发文机关标志 (ParaStyle::joint_stack); false when it is not one (a single 机关) or
  // cannot be stacked within the text block: it is then laid out as an ordinary paragraph.
  bool add_joint_mark(const ParaStyle& st, std::vector<Glyph>& glyphs);

  void push_space(double h) {
    Item it;
    it.kind = Item::space;
    it.height = h;
    items_.push_back(std::move(it));
  }

  Status add(const Space& s) {
    push_space(s.height);
    return {};
  }

  Status add(const Rule& r) {
    Item it;
    it.kind = Item::rule;
    // The gap is measured from the glyphs of the line above, not from its line box.
    double slack = 0;
    if (!items_.empty() && items_.back().kind == Item::line) slack = items_.back().height - items_.back().glyph_bottom;
    double y = std::max(0.0, r.space_before - slack) + r.width / 2;
    it.rules.push_back({page_.left, y, page_.left + page_.text_width, y, r.width, r.color});
    it.height = y + r.width / 2 + r.space_after;
    items_.push_back(std::move(it));
    return {};
  }

  Status add(const PageBreak&) {
    Item it;
    it.kind = Item::forced_break;
    items_.push_back(std::move(it));
    return {};
  }

  Status add(const Signature& s);

  Status add(const Imprint& im) {
    imprint_ = &im;
    return {};
  }

  Status add(const Table& t);
  Status add(const Toc& t);
  Status add(const ImageBlock& im);
  Status add(const Chart& c);
  bool split_row(size_t i, double avail);

  // Whether a page may end just before item i.
  bool can_break_before(size_t i) const {
    const Item& it = items_[i];
    if (it.kind == Item::line && it.index > 0) {
      if (it.index < 2 || it.count - it.index < 2) return false;  // orphan / widow
    }
    if (it.kind == Item::table_row && it.header_row) return false;
    // An item that keeps with the previous one (署名, 附注) also keeps any space before it.
    for (size_t k = i; k < items_.size(); ++k) {
      if (items_[k].kind == Item::space) continue;
      if (items_[k].keep_with_previous) return false;
      break;
    }
    // Keep a heading (and any space after it) with what follows.
    for (size_t j = i; j-- > 0;) {
      if (items_[j].kind == Item::space) continue;
      return !items_[j].keep_with_next;
    }
    return true;
  }

  Status paginate();

  void draw(const Item& it, double y, model::Page& p);

  // After a break inside a table, its header rows start the new page again.
  void repeat_table_header(size_t j, std::vector<std::pair<size_t, double>>& placed, double& y);

  Status place_imprint(const Imprint& im);  // below
  Status number_pages();

  const BoundDocument& d_;
  const font::FontMap& fonts_;
  const PageSetup& page_;
  model::Document doc_;
  std::vector<Item> items_;
  std::vector<Item> extra_;  // repeated table headers, placed as kExtra + index
  static constexpr size_t kExtra = size_t(1) << 40;
  std::vector<TocEntry> toc_;
  const Toc* toc_block_ = nullptr;
  size_t toc_seen_ = 0;
  std::vector<std::vector<std::pair<size_t, double>>> pages_;
  const Imprint* imprint_ = nullptr;
  size_t unnumbered_from_ = size_t(-1);  // first page without a number (blank page, 版记 page)
  int para_count_ = 0;
  int table_count_ = 0;
  friend struct TableBuilder;
};

}  // namespace gk::layout::detail
