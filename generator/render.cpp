#include "generator/render.h"

#include <cstdio>

#include "generator/layout/layout.h"
#include "generator/pdf/pdf_writer.h"
#include "generator/text/utf.h"

namespace gk {

Result<model::Document> lay_out_record(const tmpl::Template& t, const record::Record& r, const font::FontMap& fonts) {
  tmpl::RecordSource src{r.doc().document_element(), r.path(), r.bytes()};
  auto bound = t.bind(src);
  if (!bound) return bound.error();
  return layout::lay_out(*bound, fonts);
}

Result<std::string> render_record(const tmpl::Template& t, const record::Record& r, const font::FontMap& fonts) {
  auto doc = lay_out_record(t, r, fonts);
  if (!doc) return doc.error();
  return pdf::write_pdf(*doc);
}

std::string dump_pages(const model::Document& doc) {
  std::string out;
  char buf[256];
  for (size_t p = 0; p < doc.pages.size(); ++p) {
    std::snprintf(buf, sizeof buf, "page %zu %.2fx%.2f\n", p + 1, doc.pages[p].width, doc.pages[p].height);
    out += buf;
    for (auto& t : doc.pages[p].texts) {
      std::snprintf(buf, sizeof buf, "text x=%.2f y=%.2f size=%.2f face=%d tc=%.3f rgb=%.2f,%.2f,%.2f ", t.x, t.y, t.size,
                    t.face, t.char_spacing, t.color.r, t.color.g, t.color.b);
      out += buf + text::to_utf8(t.text) + "\n";
    }
    for (auto& l : doc.pages[p].lines) {
      std::snprintf(buf, sizeof buf, "line %.2f,%.2f-%.2f,%.2f w=%.2f rgb=%.2f,%.2f,%.2f\n", l.x1, l.y1, l.x2, l.y2, l.width,
                    l.color.r, l.color.g, l.color.b);
      out += buf;
    }
    for (auto& r : doc.pages[p].rects) {
      std::snprintf(buf, sizeof buf, "rect %.2f,%.2f %.2fx%.2f\n", r.x, r.y, r.w, r.h);
      out += buf;
    }
  }
  return out;
}

}  // namespace gk
