#include "generator/pdf/pdf_writer.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <hpdf_pdfa.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/digest.h"
#include "generator/pdf/cid_encoder.h"
#include "generator/pdf/pdf_fixups.h"
#include "generator/text/utf.h"

namespace gk::pdf {
namespace {

struct HpdfError {
  HPDF_STATUS code = 0, detail = 0;
};

void on_error(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
  auto* e = static_cast<HpdfError*>(user);
  if (e->code == 0) {
    e->code = code;
    e->detail = detail;
  }
}

// An in-memory file that libharu 2.3.0 (which cannot load fonts from memory) can open by path.
struct MemFile {
  int fd = -1;
  std::string path;
  ~MemFile() {
    if (fd >= 0) ::close(fd);
  }
};

Status to_memfile(const std::string& bytes, MemFile& out) {
  out.fd = ::memfd_create("gongkai-font", MFD_CLOEXEC);
  if (out.fd < 0) return make_error("memfd_create failed");
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(out.fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) return make_error("cannot write font to memory file");
    off += static_cast<size_t>(n);
  }
  out.path = "/proc/self/fd/" + std::to_string(out.fd);
  return {};
}

struct Hpdf {
  HPDF_Doc doc = nullptr;
  HpdfError err;
  Hpdf() { doc = HPDF_New(on_error, &err); }
  ~Hpdf() {
    if (doc) HPDF_Free(doc);
  }
  Status check(const char* what) const {
    if (err.code == 0) return {};
    char buf[96];
    std::snprintf(buf, sizeof buf, "libharu error 0x%04X (detail %u) while %s", unsigned(err.code),
                  unsigned(err.detail), what);
    return make_error(buf);
  }
};

// Positions and shows a run with Tm and Tj written straight into the content stream: layout
// already placed everything, so libharu's per-character width bookkeeping in TextOut (a third of
// the writer's time) is not needed.
void write_text(HPDF_Page page, const model::TextRun& t, double page_height, const CidEncoding& enc) {
  HPDF_Stream out = static_cast<HPDF_PageAttr>(page->attr)->stream;
  char buf[96];
  std::snprintf(buf, sizeof buf, "1 0 0 1 %.3f %.3f Tm\012<", t.x, page_height - t.y);
  std::string s = buf;
  s += to_hex(enc.encode(t.text));
  s += "> Tj\012";
  HPDF_Stream_WriteStr(out, s.c_str());
}

}  // namespace

Result<std::string> write_pdf(const model::Document& d) {
  Hpdf h;
  if (!h.doc) return make_error("libharu: cannot create document");
  HPDF_Doc pdf = h.doc;
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");

  // Characters per face, for subsetting and for ToUnicode/CIDSet.
  std::vector<std::set<char32_t>> used(d.faces.size());
  for (auto& p : d.pages)
    for (auto& t : p.texts) used[t.face].insert(t.text.begin(), t.text.end());

  std::vector<MemFile> files(d.faces.size());
  std::vector<std::string> subsets(d.faces.size());
  std::vector<HPDF_Font> fonts(d.faces.size(), nullptr);
  std::vector<std::unique_ptr<CidEncoding>> encodings(d.faces.size());
  for (size_t i = 0; i < d.faces.size(); ++i) {
    if (used[i].empty()) continue;
    std::vector<char32_t> chars(used[i].begin(), used[i].end());
    for (char32_t c : chars)
      if (c == 0 || c > 0xFFFF) return make_error("character outside the BMP cannot be embedded: " + text::describe_char(c));
    auto sub = d.faces[i]->subset(chars);
    if (!sub) return sub.error();
    subsets[i] = std::move(*sub);
    if (auto s = to_memfile(subsets[i], files[i]); !s) return s.error();
    // Not "embedding" for libharu: we embed the hb-subset file ourselves (fix_cid_font), which
    // spares libharu's per-glyph file seeks and its re-serialisation of the font.
    const char* loaded = HPDF_LoadTTFontFromFile(pdf, files[i].path.c_str(), HPDF_FALSE);
    if (!loaded) return h.check(("loading font " + d.faces[i]->path()).c_str()).error();
    std::string name = subset_tag(i) + "+" + loaded;
    rename_font(pdf, loaded, name);
    encodings[i] = std::make_unique<CidEncoding>(chars);
    std::string enc_name = "GK-Identity-" + std::to_string(i);
    if (auto s = encodings[i]->register_with(pdf, enc_name); !s) return s.error();
    fonts[i] = HPDF_GetFont(pdf, name.c_str(), enc_name.c_str());
    if (!fonts[i]) return h.check("creating font").error();
  }

  for (size_t page_no = 1; page_no <= d.pages.size(); ++page_no) {
    const model::Page& p = d.pages[page_no - 1];
    // libharu refuses sizes outside 3..14400 pt; the template loader keeps pages inside that.
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!page) return h.check(("adding page " + std::to_string(page_no)).c_str()).error();
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(p.width));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(p.height));
    const double H = p.height;
    for (auto& r : p.rects) {
      HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(r.stroke_width));
      HPDF_Page_SetRGBStroke(page, r.stroke_color.r, r.stroke_color.g, r.stroke_color.b);
      HPDF_Page_SetRGBFill(page, r.fill_color.r, r.fill_color.g, r.fill_color.b);
      HPDF_Page_Rectangle(page, r.x, H - r.y - r.h, r.w, r.h);
      if (r.fill && r.stroke) HPDF_Page_FillStroke(page);
      else if (r.fill) HPDF_Page_Fill(page);
      else HPDF_Page_Stroke(page);
    }
    for (auto& l : p.lines) {
      HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(l.width));
      HPDF_Page_SetRGBStroke(page, l.color.r, l.color.g, l.color.b);
      HPDF_Page_MoveTo(page, l.x1, H - l.y1);
      HPDF_Page_LineTo(page, l.x2, H - l.y2);
      HPDF_Page_Stroke(page);
    }
    for (auto& im : p.images) {
      std::string ext = im.path.size() > 4 ? im.path.substr(im.path.size() - 4) : "";
      std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
      HPDF_Image img = ext == ".png" ? HPDF_LoadPngImageFromFile(pdf, im.path.c_str())
                                     : HPDF_LoadJpegImageFromFile(pdf, im.path.c_str());
      if (!img) return make_error("cannot load image", im.path);
      HPDF_Page_DrawImage(page, img, im.x, H - im.y - im.h, im.w, im.h);
    }
    if (!p.texts.empty()) {
      HPDF_Page_BeginText(page);
      int cur_face = -1;
      double cur_size = -1, cur_cs = 0, cur_stroke = 0;
      model::Color cur_color{-1, -1, -1};
      HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
      for (auto& t : p.texts) {
        if (t.face != cur_face || t.size != cur_size) {
          HPDF_Page_SetFontAndSize(page, fonts[t.face], static_cast<HPDF_REAL>(t.size));
          cur_face = t.face;
          cur_size = t.size;
        }
        if (t.char_spacing != cur_cs) {
          // Written straight into the stream: libharu refuses a Tc above 300 pt, which a justified
          // line of two characters before a long unbreakable word can need; PDF sets no limit.
          char tc[48];
          std::snprintf(tc, sizeof tc, "%.3f Tc\012", t.char_spacing);
          HPDF_Stream_WriteStr(static_cast<HPDF_PageAttr>(page->attr)->stream, tc);
          cur_cs = t.char_spacing;
        }
        if (!(t.color == cur_color)) {
          HPDF_Page_SetRGBFill(page, t.color.r, t.color.g, t.color.b);
          HPDF_Page_SetRGBStroke(page, t.color.r, t.color.g, t.color.b);
          cur_color = t.color;
        }
        if (t.stroke != cur_stroke) {
          if (t.stroke > 0) {
            HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(t.stroke));
            HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE);
          } else {
            HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
          }
          cur_stroke = t.stroke;
        }
        write_text(page, t, H, *encodings[t.face]);
      }
      HPDF_Page_EndText(page);
    }
    for (auto& l : p.links) {
      HPDF_Rect rect{static_cast<HPDF_REAL>(l.x), static_cast<HPDF_REAL>(H - l.y - l.h),
                     static_cast<HPDF_REAL>(l.x + l.w), static_cast<HPDF_REAL>(H - l.y)};
      HPDF_Annotation a = nullptr;
      if (!l.uri.empty()) a = HPDF_Page_CreateURILinkAnnot(page, rect, l.uri.c_str());
      if (a) fix_annotation(a);
    }
    if (auto s = h.check(("drawing page " + std::to_string(page_no)).c_str()); !s) return s.error();
  }
  for (size_t i = 0; i < d.faces.size(); ++i) {
    if (!fonts[i]) continue;
    if (auto s = fix_cid_font(pdf, fonts[i], encodings[i]->codes(), d.faces[i]->cap_height(), subsets[i]); !s) return s.error();
  }

  if (auto s = h.check("embedding fonts"); !s) return s.error();
  if (auto s = add_outline(pdf, d); !s) return s.error();
  if (auto s = add_pdfa_metadata(pdf, d); !s) return s.error();

  if (HPDF_SaveToStream(pdf) != HPDF_OK) return h.check("saving").error();
  HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
  std::string out(size, '\0');
  HPDF_UINT32 n = size;
  HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(out.data()), &n);
  out.resize(n);
  return out;
}

}  // namespace gk::pdf
