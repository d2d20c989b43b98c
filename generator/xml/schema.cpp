#include "generator/xml/schema.h"

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <regex>

namespace gk::xml {

int line_at(std::string_view bytes, size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + static_cast<int>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(offset), '\n'));
}

namespace {

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The first error of a call, with the fields needed to rewrite it.
struct Captured {
  bool have = false;
  int domain = 0;
  int code = 0;
  int line = 0;
  int int1 = 0;
  std::string message;
  std::string str1, str2;
};

#if LIBXML_VERSION >= 21200
using ErrorArg = const xmlError*;
#else
using ErrorArg = xmlErrorPtr;
#endif

void capture(void* ctx, ErrorArg err) {
  auto* c = static_cast<Captured*>(ctx);
  if (c->have || err == nullptr || err->level < XML_ERR_ERROR) return;
  c->have = true;
  c->domain = err->domain;
  c->code = err->code;
  c->line = err->line;
  c->int1 = err->int1;
  c->message = err->message ? err->message : "unknown error";
  c->str1 = err->str1 ? err->str1 : "";
  c->str2 = err->str2 ? err->str2 : "";
}

void ignore_generic(void*, const char*, ...) {}

// Routes this thread's libxml2 errors into `sink` for the lifetime of the guard. libxml2 keeps
// these handlers per thread, so concurrent loads do not see each other's errors.
class ErrorGuard {
 public:
  explicit ErrorGuard(Captured* sink)
      : old_s_(xmlStructuredError), old_s_ctx_(xmlStructuredErrorContext),
        old_g_(xmlGenericError), old_g_ctx_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(sink, capture);
    xmlSetGenericErrorFunc(nullptr, ignore_generic);
  }
  ~ErrorGuard() {
    xmlSetStructuredErrorFunc(old_s_ctx_, old_s_);
    xmlSetGenericErrorFunc(old_g_ctx_, old_g_);
  }
  ErrorGuard(const ErrorGuard&) = delete;
  ErrorGuard& operator=(const ErrorGuard&) = delete;

 private:
  xmlStructuredErrorFunc old_s_;
  void* old_s_ctx_;
  xmlGenericErrorFunc old_g_;
  void* old_g_ctx_;
};

std::string strip_end(std::string s) {
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (is_xml_space(s.back()) || s.back() == '.' || s.back() == '!')) s.pop_back();
  return s;
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// "'a', 'b'" -> "a, b"; "a, b" stays.
std::string unquote_list(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '\'') out.push_back(c);
  return out;
}

std::string clean_parser_error(const Captured& c) {
  switch (c.code) {
    case XML_ERR_TAG_NAME_MISMATCH:
      return "malformed XML: element '" + c.str1 + "' opened on line " + std::to_string(c.int1) +
             " is closed by </" + c.str2 + ">";
    case XML_ERR_TAG_NOT_FINISHED:
      return "malformed XML: element '" + c.str1 + "' opened on line " + std::to_string(c.int1) +
             " is never closed";
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING: {
      // libxml2 reports a character XML forbids (&#x1;, a raw control byte) with the same code
      // as a byte that is not UTF-8; only the message tells them apart.
      static const std::regex value_re(R"(invalid (?:xml)?Char value (\d+))", std::regex::icase);
      std::smatch m;
      if (std::regex_search(c.message, m, value_re)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "U+%04lX", std::stoul(m[1]));
        return std::string("malformed XML: character ") + buf + " is not allowed in XML" +
               (c.message.find("CharRef") != std::string::npos ? " (written as a character reference)" : "");
      }
      return "malformed XML: not valid UTF-8 (records must be UTF-8)";
    }
    case XML_ERR_DOCUMENT_EMPTY:
      return "malformed XML: the document is empty";
    default:
      return "malformed XML: " + lower_first(strip_end(c.message));
  }
}

// Rewrites libxml2's schema messages ("Element 'x': [facet 'enumeration'] The value ...") into
// one short sentence; anything not recognised keeps libxml2's wording, minus its noise.
std::string clean_schema_error(const Captured& c, const SchemaHints& hints) {
  static const std::regex prefix_re(R"(^Element '([^']*)'(?:, attribute '([^']*)')?: )");
  static const std::regex enum_re(R"(The value '(.*)' is not an element of the set \{(.*)\})");
  static const std::regex value_re(R"(^(?:\[facet '[^']*'\] )?The value '(.*)' (?:is not accepted by|must be|has a length|is greater than|is less than|has more (?:fractional )?digits))");
  static const std::regex atomic_re(R"(^'(.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type)");
  static const std::regex expected_re(R"(Expected is (?:one of )?\( ([^)]*) \))");

  std::string msg = strip_end(c.message);
  std::smatch m;
  std::string element, attribute, where, rest = msg;
  if (std::regex_search(msg, m, prefix_re)) {
    element = m[1];
    attribute = m[2];
    where = "element '" + element + "'" + (attribute.empty() ? "" : ", attribute '" + attribute + "'");
    rest = m.suffix();
  } else {
    return lower_first(msg);
  }
  const std::string subject = attribute.empty() ? element : element + "@" + attribute;

  if (std::regex_search(rest, m, enum_re))
    return where + ": '" + m[1].str() + "' is not one of " + unquote_list(m[2]);
  if (rest.find("[facet 'minLength']") != std::string::npos) return where + " must not be empty";
  if (std::regex_search(rest, m, value_re) || std::regex_search(rest, m, atomic_re))
    return where + ": '" + m[1].str() + "' " + (hints.expected_form ? hints.expected_form(subject) : "is not valid");

  std::smatch e;
  bool has_expected = std::regex_search(rest, e, expected_re);
  std::string expected = has_expected ? e[1].str() : "";
  if (rest.rfind("This element is not expected", 0) == 0) {
    if (hints.not_expected)
      if (auto special = hints.not_expected(element, expected); !special.empty()) return special;
    if (!has_expected) return where + " is not allowed here";
    bool several = expected.find(',') != std::string::npos;
    return where + " is not expected here; expected " + (several ? "one of " : "") + expected;
  }
  if (rest.rfind("Missing child element(s)", 0) == 0)
    return where + " is missing a child element: " +
           (expected.find(',') != std::string::npos ? "one of " : "") + expected;
  if (!attribute.empty() && rest.find("is not allowed") != std::string::npos)
    return "element '" + element + "': attribute '" + attribute + "' is not allowed";
  if (rest.find("is required but missing") != std::string::npos)
    return where + ": attribute " + rest.substr(rest.find('\''), rest.find(" is required") - rest.find('\'')) +
           " is required";
  if (attribute == "version" && rest.find("does not match the fixed value constraint") != std::string::npos)
    return where + ": only version 1 is supported";
  if (rest.find("No matching global declaration") != std::string::npos)
    return "the root element is '" + element + "', expected '" + hints.root + "'";
  if (rest.find("Character content other than whitespace") != std::string::npos)
    return where + " may contain elements only, not text";
  if (rest.find("type definition is simple") != std::string::npos ||
      rest.find("content type is a simple type") != std::string::npos)
    return where + " may contain text only, not elements";
  return where + ": " + lower_first(rest);
}

// What a file that is not an XML document at all is, in words a clerk can act on; "" for XML.
std::string not_xml(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  if (starts("\xFF\xFE") || starts("\xFE\xFF") || (b.size() >= 2 && (b[0] == '\0' || b[1] == '\0')))
    return "encoded in UTF-16; the file must be UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)";
  if (starts("\xEF\xBB\xBF")) b.remove_prefix(3);  // a UTF-8 byte order mark is fine
  size_t at = b.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos) return "the file is empty";
  if (b[at] != '<') return "not an XML document (it does not start with '<')";
  return {};
}

}  // namespace

Result<std::shared_ptr<const Schema>> Schema::compile(const std::string& xsd_path, SchemaHints hints) {
  xmlInitParser();
  Captured sink;
  ErrorGuard guard(&sink);
  xmlSchemaPtr compiled = nullptr;
  xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(xsd_path.c_str());
  if (pctxt != nullptr) {
    xmlSchemaSetParserStructuredErrors(pctxt, capture, &sink);
    compiled = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
  }
  if (compiled == nullptr)
    return make_error("cannot load the schema: " + (sink.have ? strip_end(sink.message) : std::string("unknown error")),
                      xsd_path, sink.line);
  std::shared_ptr<Schema> s(new Schema);
  s->schema_ = compiled;
  s->hints_ = std::move(hints);
  return std::shared_ptr<const Schema>(s);
}

Schema::~Schema() {
  if (schema_) xmlSchemaFree(static_cast<xmlSchemaPtr>(schema_));
}

Result<Doc> Schema::parse_and_validate(std::string_view bytes, const std::string& name) const {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return make_error("file too large", name);
  if (auto why = not_xml(bytes); !why.empty()) return make_error(why, name);
  Captured sink;
  ErrorGuard guard(&sink);
  // Forced UTF-8, no network, no DTD loading, no entity substitution.
  xmlParserCtxtPtr pctxt = xmlNewParserCtxt();
  if (pctxt == nullptr) return make_error("out of memory", name);
  xmlDocPtr xdoc = xmlCtxtReadMemory(pctxt, bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
                                     XML_PARSE_NONET | XML_PARSE_BIG_LINES);
  bool well_formed = pctxt->wellFormed != 0;
  xmlFreeParserCtxt(pctxt);
  if (xdoc == nullptr || !well_formed || sink.have) {
    if (xdoc) xmlFreeDoc(xdoc);
    if (!sink.have) return make_error("malformed XML", name);
    return make_error(clean_parser_error(sink), name, sink.line);
  }
  Doc owner(xdoc, xmlFreeDoc);
  // A DTD could define entities that pugixml would not expand the same way; our documents need none.
  if (xdoc->intSubset != nullptr || xdoc->extSubset != nullptr)
    return make_error("a " + hints_.root + " must not have a DOCTYPE", name, line_at(bytes, bytes.find("<!DOCTYPE")));
  // One validation context per call: the compiled schema is shared read-only.
  xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(static_cast<xmlSchemaPtr>(schema_));
  if (vctxt == nullptr) return make_error("out of memory", name);
  xmlSchemaSetValidStructuredErrors(vctxt, capture, &sink);
  int rc = xmlSchemaValidateDoc(vctxt, xdoc);
  xmlSchemaFreeValidCtxt(vctxt);
  if (rc != 0 || sink.have) {
    if (!sink.have) return make_error("does not match the " + hints_.root + " schema", name);
    return make_error(clean_schema_error(sink, hints_), name, sink.line);
  }
  return owner;
}

}  // namespace gk::xml
