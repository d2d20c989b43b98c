// What libharu 2.3.0 leaves out or gets wrong, patched through its installed low-level headers
// (see shared/docs/libharu.md §6 and §11): ToUnicode, CIDSet and CapHeight on CID fonts,
// annotation print flags, UTF-16 outlines, and PDF/A-1b metadata (escaped XMP, output intent,
// a content-derived /ID instead of one made from the clock).
#pragma once
#include <hpdf.h>

#include <vector>

#include "common/status.h"
#include "generator/model/page.h"

namespace gk::pdf {

// Call after all pages are drawn (libharu marks glyphs as used while drawing).
// `codes` are the (CID, character) pairs of the font's encoding (see cid_encoder.h).
// `font_file` is the subset TrueType file libharu loaded; it is embedded as it is.
Status fix_cid_font(HPDF_Doc pdf, HPDF_Font font, const std::vector<std::pair<uint16_t, char32_t>>& codes,
                    double cap_height_em, const std::string& font_file);
void fix_annotation(HPDF_Annotation a);
// "GKAAAB" for face 1: the six-letter subset tag PDF readers expect before a subset font's name.
std::string subset_tag(size_t face);
// Renames a loaded TrueType font definition (to add the subset tag).
void rename_font(HPDF_Doc pdf, const char* old_name, const std::string& new_name);
Status add_outline(HPDF_Doc pdf, const model::Document& d);
// Info dictionary, XMP, sRGB output intent, /ID. `content_digest` makes /ID unique per document.
Status add_pdfa_metadata(HPDF_Doc pdf, const model::Document& d);

}  // namespace gk::pdf
