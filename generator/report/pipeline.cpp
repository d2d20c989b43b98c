#include "generator/report/pipeline.h"

#include <cstdlib>

#include "generator/layout/layout.h"
#include "generator/pdf/pdf_writer.h"

namespace gk::report {

Result<model::Document> lay_out_figures(const tmpl::Template& t, const pugi::xml_document& figures,
                                        const std::string& name, const font::FontMap& fonts) {
  tmpl::RecordSource src{figures.document_element(), name, {}};
  auto bound = t.bind(src);
  if (!bound) return bound.error();
  return layout::lay_out(*bound, fonts);
}

Result<std::string> render_figures(const tmpl::Template& t, const pugi::xml_document& figures, const std::string& name,
                                   const font::FontMap& fonts) {
  auto doc = lay_out_figures(t, figures, name, fonts);
  if (!doc) return doc.error();
  return pdf::write_pdf(*doc);
}

std::string template_path(const std::string& file) {
  const char* env = std::getenv("GONGKAI_DATA");
  return std::string(env && *env ? env : GK_DATA_DIR) + "/templates/" + file;
}

}  // namespace gk::report
