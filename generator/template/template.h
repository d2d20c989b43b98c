// A document template: XML layout elements with XPath 1.0 bindings over a record
// (docs/templates.md describes the language; schemas/template.xsd its grammar).
// Loading checks the structure, the styles and compiles every XPath expression once, so errors
// name the template line before any record is seen. A loaded template is immutable and may bind
// records from many threads at once.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include <pugixml.hpp>

#include "common/status.h"
#include "generator/layout/blocks.h"

namespace gk::tmpl {

// The record side of a binding: its root element and, for messages, where its text came from.
struct RecordSource {
  pugi::xml_node root;
  std::string path;       // file name for messages
  std::string_view text;  // the bytes the document was parsed from (pugixml offsets point here)
};

class Template {
 public:
  static Result<std::shared_ptr<const Template>> load(const std::string& path);
  static Result<std::shared_ptr<const Template>> load_from_memory(std::string xml, const std::string& name);

  const std::string& path() const { return path_; }
  // Evaluates the template against a record. Errors name the template line, or the record line
  // for problems in record content (a value the format cannot take).
  Result<layout::BoundDocument> bind(const RecordSource& record) const;

  // --- for the binder (bind.cpp) ---
  int line_of(const pugi::xml_node& n) const;
  const pugi::xpath_query* query(const std::string& expr) const;  // compiled at load
  const layout::ParaStyle* style(const std::string& name) const;
  pugi::xml_node define(const std::string& name) const;
  const layout::PageSetup& page() const { return page_; }
  const layout::PageNumberStyle& page_number() const { return page_number_; }
  pugi::xml_node body() const { return body_; }
  pugi::xml_node root() const { return doc_.child("template"); }
  // Font roles named literally in the template, with their lines: checked against the font map
  // before any record is rendered.
  const std::vector<std::pair<std::string, int>>& roles() const { return roles_; }
  pugi::xml_node info() const { return info_; }

 private:
  Status compile(pugi::xml_node n);
  Status compile_expr(const std::string& expr, const pugi::xml_node& where);
  Status parse_setup();
  Status check_references(pugi::xml_node n) const;

  std::string path_, text_;
  std::vector<size_t> line_starts_;
  pugi::xml_document doc_;
  pugi::xml_node body_, info_;
  std::unordered_map<std::string, std::unique_ptr<pugi::xpath_query>> queries_;
  std::map<std::string, layout::ParaStyle> styles_;
  std::map<std::string, pugi::xml_node> defines_;
  std::vector<std::pair<std::string, int>> roles_;
  layout::PageSetup page_;
  layout::PageNumberStyle page_number_;
};

// Lengths: "4mm", "1.5cm", "12pt", "2em" (em = `em` points), bare numbers are points.
Result<double> parse_length(std::string_view s, double em = 16);
Result<model::Color> parse_color(std::string_view s);
// Splits an attribute value template "a{x}b" into literal and expression parts.
struct AvtPart {
  bool expr;
  std::string text;
};
Result<std::vector<AvtPart>> split_avt(std::string_view s);

}  // namespace gk::tmpl
