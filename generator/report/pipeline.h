// Reports through the same template language and layout engine as notices: the computed figures
// (an in-memory XML document, see annual.h / compliance.h) take the place of the record.
#pragma once
#include <string>

#include <pugixml.hpp>

#include "common/status.h"
#include "generator/font/font_map.h"
#include "generator/model/page.h"
#include "generator/template/template.h"

namespace gk::report {

Result<model::Document> lay_out_figures(const tmpl::Template& t, const pugi::xml_document& figures,
                                        const std::string& name, const font::FontMap& fonts);
Result<std::string> render_figures(const tmpl::Template& t, const pugi::xml_document& figures, const std::string& name,
                                   const font::FontMap& fonts);

std::string template_path(const std::string& file);  // $GONGKAI_DATA/templates/<file>

}  // namespace gk::report
