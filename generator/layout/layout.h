// Layout: turns a bound document into positioned pages (the page model). It breaks lines
// (UAX #14 with 避头尾), justifies them on the page grid, paginates with widow/orphan control
// and headings kept with what follows, places the 版记 at the foot of the last page, and adds
// page numbers. It never calls a PDF library.
#pragma once
#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/layout/blocks.h"
#include "generator/model/page.h"

namespace gk::layout {

// Errors: a character that no configured font has (named, with the record line it came from),
// an unknown font role, a table wider than the page, a table row taller than a page.
Result<model::Document> lay_out(const BoundDocument& doc, const font::FontMap& fonts);

}  // namespace gk::layout
