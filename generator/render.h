// The generator pipeline in one call: record + template -> bound document -> pages -> PDF.
#pragma once
#include <memory>
#include <string>

#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/model/page.h"
#include "generator/record/record.h"
#include "generator/template/template.h"

namespace gk {

// Binds and lays out: the page model, for the PDF writer or for tests (debug dump).
Result<model::Document> lay_out_record(const tmpl::Template& t, const record::Record& r, const font::FontMap& fonts);

// The full pipeline: the PDF bytes.
Result<std::string> render_record(const tmpl::Template& t, const record::Record& r, const font::FontMap& fonts);

// A plain-text dump of a page model (one line per text run, rule and rectangle, with
// positions in points), for tests and debugging: the cheap second exporter.
std::string dump_pages(const model::Document& doc);

}  // namespace gk
