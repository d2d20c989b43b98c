#include "generator/font/font_face.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <filesystem>

namespace gk::font {

namespace {

uint32_t be32(const unsigned char* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// A table of the face's directory that ends past the end of the file (a truncated copy or a
// broken download). HarfBuzz clamps such a table to the bytes present, so glyphs would go missing
// and be drawn from fallback faces without a word. Empty when every table is whole.
std::string truncated_table(hb_blob_t* blob, unsigned index) {
  unsigned n = 0;
  auto* d = reinterpret_cast<const unsigned char*>(hb_blob_get_data(blob, &n));
  auto at = [&](size_t off, size_t len) { return off + len <= n; };
  size_t dir = 0;
  if (at(0, 4) && be32(d) == HB_TAG('t', 't', 'c', 'f')) {
    if (!at(12 + 4 * size_t(index), 4)) return "the collection header goes past the end of the file";
    dir = be32(d + 12 + 4 * size_t(index));
  }
  if (!at(dir, 12)) return "the table directory goes past the end of the file";
  unsigned tables = unsigned(d[dir + 4]) << 8 | d[dir + 5];
  if (!at(dir + 12, 16 * size_t(tables))) return "the table directory goes past the end of the file";
  for (unsigned k = 0; k < tables; ++k) {
    const unsigned char* rec = d + dir + 12 + 16 * size_t(k);
    if (!at(be32(rec + 8), be32(rec + 12)))
      return "table '" + std::string(reinterpret_cast<const char*>(rec), 4) + "' ends at byte " +
             std::to_string(size_t(be32(rec + 8)) + be32(rec + 12)) + " but the file has " + std::to_string(n) + " bytes";
  }
  return "";
}

}  // namespace

Result<std::shared_ptr<FontFace>> FontFace::load(const std::string& path, unsigned index) {
  if (!std::filesystem::exists(path)) return make_error("font file not found", path);
  hb_blob_t* blob = hb_blob_create_from_file_or_fail(path.c_str());
  if (!blob) return make_error("cannot read font file", path);
  unsigned count = hb_face_count(blob);
  if (count == 0) {
    hb_blob_destroy(blob);
    return make_error("not a TrueType/OpenType font file", path);
  }
  if (index >= count) {
    hb_blob_destroy(blob);
    return make_error("font file has " + std::to_string(count) + " face(s); face index " +
                          std::to_string(index) + " does not exist",
                      path);
  }
  if (std::string cut = truncated_table(blob, index); !cut.empty()) {
    hb_blob_destroy(blob);
    return make_error("font file is truncated or damaged: " + cut, path);
  }
  std::shared_ptr<FontFace> f(new FontFace());
  f->path_ = path;
  f->index_ = index;
  f->face_ = hb_face_create(blob, index);
  hb_blob_destroy(blob);
  // libharu reads TrueType outlines only (glyf/loca); a CFF-flavoured face cannot be embedded.
  hb_blob_t* glyf = hb_face_reference_table(f->face_, HB_TAG('g', 'l', 'y', 'f'));
  bool has_glyf = hb_blob_get_length(glyf) > 0;
  hb_blob_destroy(glyf);
  if (!has_glyf)
    return make_error("font has no TrueType outlines (glyf table); CFF/OTF fonts are not supported", path);
  f->upem_ = hb_face_get_upem(f->face_);
  f->font_ = hb_font_create(f->face_);
  hb_font_set_scale(f->font_, static_cast<int>(f->upem_), static_cast<int>(f->upem_));

  char name[256];
  unsigned len = sizeof(name);
  hb_ot_name_get_utf8(f->face_, HB_OT_NAME_ID_FONT_FAMILY, hb_language_from_string("en", -1), &len, name);
  f->family_ = std::string(name, len);

  hb_font_extents_t ext;
  if (hb_font_get_h_extents(f->font_, &ext)) {
    f->ascender_ = double(ext.ascender) / f->upem_;
    f->descender_ = double(ext.descender) / f->upem_;
  }
  hb_position_t cap = 0;
  if (hb_ot_metrics_get_position(f->font_, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) && cap > 0)
    f->cap_height_ = double(cap) / f->upem_;
  else
    f->cap_height_ = f->ascender_;

  f->advances_.assign(0x10000, -1);
  hb_set_t* unicodes = hb_set_create();
  hb_face_collect_unicodes(f->face_, unicodes);
  hb_codepoint_t cp = HB_SET_VALUE_INVALID;
  while (hb_set_next(unicodes, &cp) && cp < 0x10000) {
    hb_codepoint_t gid;
    if (hb_font_get_nominal_glyph(f->font_, cp, &gid) && gid != 0)
      f->advances_[cp] = hb_font_get_glyph_h_advance(f->font_, gid);
  }
  hb_set_destroy(unicodes);
  return f;
}

FontFace::~FontFace() {
  if (font_) hb_font_destroy(font_);
  if (prepared_.load()) hb_face_destroy(prepared_.load());
  if (face_) hb_face_destroy(face_);
}

bool FontFace::has_glyph(char32_t c) const { return c < 0x10000 && advances_[c] >= 0; }

double FontFace::advance(char32_t c) const {
  if (c >= 0x10000 || advances_[c] < 0) return 0;
  return double(advances_[c]) / upem_;
}

Result<std::string> FontFace::subset(const std::vector<char32_t>& chars) const {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (!input) return make_error("hb-subset: out of memory", path_);
  hb_set_t* u = hb_subset_input_unicode_set(input);
  for (char32_t c : chars) hb_set_add(u, c);
  // Hinting is useless in PDF; glyph names and layout tables are not needed to draw glyphs.
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
  hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (hb_tag_t t : {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
                     HB_TAG('m', 'o', 'r', 'x'), HB_TAG('k', 'e', 'r', 'n'), HB_TAG('v', 'h', 'e', 'a'),
                     HB_TAG('v', 'm', 't', 'x'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('g', 'a', 's', 'p'),
                     HB_TAG('E', 'B', 'D', 'T'), HB_TAG('E', 'B', 'L', 'C'), HB_TAG('E', 'B', 'S', 'C'),
                     HB_TAG('b', 'd', 'a', 't'), HB_TAG('b', 'l', 'o', 'c')})
    hb_set_add(drop, t);
  hb_face_t* source = prepared_.load(std::memory_order_acquire);
  if (!source && subsets_.fetch_add(1) >= 1) {
    std::lock_guard lock(prepare_mu_);
    source = prepared_.load();
    if (!source) {
      source = hb_subset_preprocess(face_);
      prepared_.store(source, std::memory_order_release);
    }
  }
  hb_face_t* sub = hb_subset_or_fail(source ? source : face_, input);
  hb_subset_input_destroy(input);
  if (!sub) return make_error("hb-subset failed", path_);
  hb_blob_t* blob = hb_face_reference_blob(sub);
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob, &len);
  std::string bytes(data, len);
  hb_blob_destroy(blob);
  hb_face_destroy(sub);
  return bytes;
}

}  // namespace gk::font
