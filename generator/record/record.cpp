#include "generator/record/record.h"

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "common/files.h"

namespace gk::record {

namespace {

// ---------- text helpers ----------

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// XML whitespace collapse, as xs:token does it.
std::string collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (char c : s) {
    if (is_xml_space(c)) {
      pending = !out.empty();
    } else {
      if (pending) out.push_back(' ');
      pending = false;
      out.push_back(c);
    }
  }
  return out;
}

int line_at(std::string_view bytes, size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + static_cast<int>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(offset), '\n'));
}

// ---------- libxml2 error capture ----------

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

// What a value of a constrained element should look like, for messages.
std::string expected_form(const std::string& element) {
  if (element == "written-date" || element == "published-date" || element == "printed-date")
    return "is not a valid date (YYYY-MM-DD)";
  if (element == "index-no")
    return "is not a valid 索引号 (9 or 18 characters of 0-9A-Z, '/', then YYYY-NNNNN or YYYYMM-NNNNN)";
  if (element == "copy-number") return "is not a 份号 of 6 digits";
  if (element == "secrecy") return "is not 绝密, 机密 or 秘密 with an optional ★period";
  if (element == "colspan" || element == "rowspan") return "is not a positive integer";
  if (element == "width") return "is not a positive number";
  return "is not valid";
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
    case XML_ERR_INVALID_ENCODING:
      return "malformed XML: not valid UTF-8 (records must be UTF-8)";
    case XML_ERR_DOCUMENT_EMPTY:
      return "malformed XML: the document is empty";
    default:
      return "malformed XML: " + lower_first(strip_end(c.message));
  }
}

// Rewrites libxml2's schema messages ("Element 'x': [facet 'enumeration'] The value ...") into
// one short sentence; anything not recognised keeps libxml2's wording, minus its noise.
std::string clean_schema_error(const Captured& c) {
  static const std::regex prefix_re(R"(^Element '([^']*)'(?:, attribute '([^']*)')?: )");
  static const std::regex enum_re(R"(The value '(.*)' is not an element of the set \{(.*)\})");
  static const std::regex value_re(R"(^(?:\[facet '[^']*'\] )?The value '(.*)' (?:is not accepted by|must be|has a length))");
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
  const std::string& subject = attribute.empty() ? element : attribute;

  if (std::regex_search(rest, m, enum_re))
    return where + ": '" + m[1].str() + "' is not one of " + unquote_list(m[2]);
  if (rest.find("[facet 'minLength']") != std::string::npos) return where + " must not be empty";
  if (std::regex_search(rest, m, value_re) || std::regex_search(rest, m, atomic_re))
    return where + ": '" + m[1].str() + "' " + expected_form(subject);

  std::smatch e;
  bool has_expected = std::regex_search(rest, e, expected_re);
  std::string expected = has_expected ? e[1].str() : "";
  if (rest.rfind("This element is not expected", 0) == 0) {
    // A <section> where only leaf blocks may go is a fifth level.
    if (element == "section" && expected == "p, list, table")
      return "element 'section': sections nest at most 4 levels deep";
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
    return "the root element is '" + element + "', expected 'record'";
  if (rest.find("Character content other than whitespace") != std::string::npos)
    return where + " may contain elements only, not text";
  if (rest.find("type definition is simple") != std::string::npos ||
      rest.find("content type is a simple type") != std::string::npos)
    return where + " may contain text only, not elements";
  return where + ": " + lower_first(rest);
}

// ---------- schema (compiled once per process) ----------

struct Schema {
  xmlSchemaPtr schema = nullptr;
  Error error;  // why the schema could not be compiled
};

// Never freed: loads may still run while static destructors do, and the OS reclaims it anyway.
const Schema& schema() {
  static const Schema* s = [] {
    auto* out = new Schema;
    xmlInitParser();
    std::string path = schema_path();
    Captured sink;
    ErrorGuard guard(&sink);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(path.c_str());
    if (pctxt != nullptr) {
      xmlSchemaSetParserStructuredErrors(pctxt, capture, &sink);
      out->schema = xmlSchemaParse(pctxt);
      xmlSchemaFreeParserCtxt(pctxt);
    }
    if (out->schema == nullptr)
      out->error = make_error("cannot load the record schema: " +
                                  (sink.have ? strip_end(sink.message) : std::string("unknown error")),
                              path, sink.line);
    return out;
  }();
  return *s;
}

// ---------- catalogue ----------

// All character data of an element: child_value() would stop at the first comment or CDATA.
std::string raw_text(const pugi::xml_node& n) {
  std::string out;
  for (auto c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return out;
}

std::string text_of(const pugi::xml_node& n) { return collapse(raw_text(n)); }

Catalogue read_catalogue(const pugi::xml_node& c) {
  Catalogue cat;
  cat.index_no = text_of(c.child("index-no"));
  cat.title = text_of(c.child("title"));
  cat.issuer = text_of(c.child("issuer"));
  cat.doc_number = text_of(c.child("doc-number"));
  cat.genre = text_of(c.child("genre"));
  cat.subject = text_of(c.child("subject"));
  for (auto k : c.child("keywords").children("keyword")) cat.keywords.push_back(text_of(k));
  cat.summary = text_of(c.child("summary"));
  cat.written_date = text_of(c.child("written-date"));
  cat.published_date = text_of(c.child("published-date"));
  cat.disclosure_mode = text_of(c.child("disclosure-mode"));
  cat.disclosure_scope = text_of(c.child("disclosure-scope"));
  cat.validity = text_of(c.child("validity"));
  cat.retention = text_of(c.child("retention"));
  return cat;
}

xmlNodePtr child_element(xmlNodePtr parent, const char* name) {
  for (xmlNodePtr n = parent ? parent->children : nullptr; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0)
      return n;
  return nullptr;
}

std::string node_text(xmlNodePtr n) {
  xmlChar* s = xmlNodeGetContent(n);
  std::string out = collapse(s ? reinterpret_cast<const char*>(s) : "");
  xmlFree(s);
  return out;
}

// Rules the XSD cannot state. Runs on the validated libxml2 tree, which knows line numbers.
Status check_dates(xmlDocPtr doc, const std::string& name) {
  xmlNodePtr cat = child_element(xmlDocGetRootElement(doc), "catalogue");
  xmlNodePtr written = child_element(cat, "written-date");
  xmlNodePtr published = child_element(cat, "published-date");
  if (!written || !published) return {};
  std::string w = node_text(written), p = node_text(published);
  // Both are schema-valid YYYY-MM-DD, so string order is date order.
  if (p < w)
    return make_error("published-date " + p + " is before written-date " + w, name,
                      static_cast<int>(xmlGetLineNo(published)));
  return {};
}

// ---------- body text ----------

void add_line(std::string& out, std::string_view text) {
  std::string t = collapse(text);
  if (t.empty()) return;
  out += t;
  out += '\n';
}

void add_blocks(std::string& out, const pugi::xml_node& container) {
  for (auto b : container.children()) {
    std::string_view name = b.name();
    if (name == "p") {
      add_line(out, raw_text(b));
    } else if (name == "section") {
      add_line(out, raw_text(b.child("heading")));
      add_blocks(out, b);
    } else if (name == "list") {
      for (auto item : b.children("item")) add_line(out, raw_text(item));
    } else if (name == "table") {
      auto add_row = [&out](const pugi::xml_node& row) {
        std::string line;
        for (auto cell : row.children("cell")) {
          if (!line.empty()) line += '\t';
          line += text_of(cell);
        }
        if (line.find_first_not_of('\t') != std::string::npos) out += line + '\n';
      };
      for (auto row : b.child("header").children("row")) add_row(row);
      for (auto row : b.children("row")) add_row(row);
    }
  }
}

}  // namespace

// Builds Records; the only code allowed to fill one in.
struct Loader {
  static Result<std::shared_ptr<const Record>> load(std::string bytes, const std::string& name) {
    const Schema& s = schema();
    if (s.schema == nullptr) return s.error;
    if (bytes.size() > static_cast<size_t>(INT32_MAX)) return make_error("file too large", name);

    Captured sink;
    ErrorGuard guard(&sink);

    // Forced UTF-8, no network, no DTD loading, no entity substitution.
    xmlParserCtxtPtr pctxt = xmlNewParserCtxt();
    if (pctxt == nullptr) return make_error("out of memory", name);
    xmlDocPtr xdoc = xmlCtxtReadMemory(pctxt, bytes.data(), static_cast<int>(bytes.size()), nullptr,
                                       "UTF-8", XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    bool well_formed = pctxt->wellFormed != 0;
    xmlFreeParserCtxt(pctxt);
    if (xdoc == nullptr || !well_formed || sink.have) {
      if (xdoc) xmlFreeDoc(xdoc);
      if (!sink.have) return make_error("malformed XML", name);
      return make_error(clean_parser_error(sink), name, sink.line);
    }
    std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> owner(xdoc, xmlFreeDoc);

    // A DTD could define entities that pugixml would not expand the same way; records need none.
    if (xdoc->intSubset != nullptr || xdoc->extSubset != nullptr)
      return make_error("a record must not have a DOCTYPE", name,
                        line_at(bytes, bytes.find("<!DOCTYPE")));

    // One validation context per call: the compiled schema is shared read-only.
    xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(s.schema);
    if (vctxt == nullptr) return make_error("out of memory", name);
    xmlSchemaSetValidStructuredErrors(vctxt, capture, &sink);
    int rc = xmlSchemaValidateDoc(vctxt, xdoc);
    xmlSchemaFreeValidCtxt(vctxt);
    if (rc != 0 || sink.have) {
      if (!sink.have) return make_error("does not match the record schema", name);
      return make_error(clean_schema_error(sink), name, sink.line);
    }
    if (Status st = check_dates(xdoc, name); !st) return st.error();
    owner.reset();

    std::shared_ptr<Record> rec(new Record);
    rec->path_ = name;
    rec->bytes_ = std::move(bytes);
    pugi::xml_parse_result pr =
        rec->doc_.load_buffer(rec->bytes_.data(), rec->bytes_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!pr)  // libxml2 accepted it, so this would be a pugixml limitation
      return make_error(std::string("pugixml cannot load the record: ") + pr.description(), name,
                        line_at(rec->bytes_, static_cast<size_t>(pr.offset)));
    rec->catalogue_ = read_catalogue(rec->doc_.child("record").child("catalogue"));
    return std::shared_ptr<const Record>(std::move(rec));
  }
};

bool Record::has_notice() const { return static_cast<bool>(doc_.child("record").child("notice")); }

std::string schema_path() {
  const char* env = std::getenv("GONGKAI_DATA");
  std::string base = (env && *env) ? env : GK_DATA_DIR;
  return base + "/schemas/record.xsd";
}

Result<std::shared_ptr<const Record>> load_record(const std::string& path) {
  auto bytes = gk::read_file(path);
  if (!bytes) return bytes.error();
  return Loader::load(std::move(bytes.value()), path);
}

Result<std::shared_ptr<const Record>> load_record_from_memory(std::string_view xml,
                                                              const std::string& name_for_errors) {
  return Loader::load(std::string(xml), name_for_errors);
}

std::string body_text(const Record& record) {
  std::string out;
  auto root = record.doc().child("record");
  add_line(out, raw_text(root.child("catalogue").child("title")));
  auto notice = root.child("notice");
  add_blocks(out, notice.child("body"));
  for (auto a : notice.child("attachments").children("attachment")) {
    add_line(out, raw_text(a.child("name")));
    add_blocks(out, a.child("body"));
  }
  return out;
}

}  // namespace gk::record
