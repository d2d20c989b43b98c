// XML Schema (XSD 1.0) validation through libxml2, with its errors rewritten into one short
// sentence naming the line. A compiled Schema is shared read-only; each call has its own
// validation context and captures libxml2's errors per thread (nothing reaches stderr).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <libxml/tree.h>

#include "common/status.h"

namespace gk::xml {

// How to word messages for one schema's documents.
struct SchemaHints {
  std::string root;  // the expected root element, e.g. "record"
  // What a value of an element or attribute should look like: "is not a valid date (YYYY-MM-DD)".
  // `name` is the element's, or "element@attribute" for an attribute (one attribute name may
  // mean different things on different elements: carried-over@from is a year, consultation@from
  // a date).
  std::function<std::string(const std::string& name)> expected_form;
  // A better message for "element X is not expected here; expected E", or "" for the default.
  std::function<std::string(const std::string& element, const std::string& expected)> not_expected;
};

using Doc = std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)>;

class Schema {
 public:
  // Errors name the .xsd file (a broken installation).
  static Result<std::shared_ptr<const Schema>> compile(const std::string& xsd_path, SchemaHints hints);
  ~Schema();

  // Parses `bytes` (UTF-8 forced; no network, no DTD, no entity substitution; a DOCTYPE is refused)
  // and validates it. Errors: one Error with file = `name`, the line, and a short cause.
  Result<Doc> parse_and_validate(std::string_view bytes, const std::string& name) const;

 private:
  Schema() = default;
  void* schema_ = nullptr;  // xmlSchemaPtr
  SchemaHints hints_;
};

// 1-based line of a byte offset.
int line_at(std::string_view bytes, size_t offset);

}  // namespace gk::xml
