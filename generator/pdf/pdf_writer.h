// Draws a page model into a PDF with libharu 2.3.0. It makes no layout decisions.
// Output: fonts subset per document (hb-subset) and embedded as CID TrueType / Identity-H, a
// correct ToUnicode map, Chinese document info, PDF/A-1b (XMP, sRGB output intent, CIDSet),
// and identical bytes for identical input (no clock, /ID derived from the content).
#pragma once
#include <string>

#include "common/status.h"
#include "generator/model/page.h"

namespace gk::pdf {

// Returns the PDF bytes. Fails only on libharu or font errors.
Result<std::string> write_pdf(const model::Document& doc);

}  // namespace gk::pdf
