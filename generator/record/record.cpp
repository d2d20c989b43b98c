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
#include "generator/text/reading.h"
#include "generator/xml/schema.h"

namespace gk::record {

namespace {

// ---------- text helpers ----------


// Element text as a reader sees it (text/reading.h): the rule the templates apply when they draw
// it, so that catalogue fields and the text the catalogue indexes are what the PDF shows (a line
// break between two Han characters in the record is no space: "扶贫\n开发" is found as 扶贫开发).
std::string collapse(std::string_view s) { return text::as_read(s); }

// What a value of a constrained element should look like, for messages.
std::string expected_form(const std::string& subject) {
  const std::string element = subject.substr(subject.find('@') + 1);  // (the record's forms are by name)
  if (element == "written-date" || element == "published-date" || element == "printed-date")
    return "is not a valid date (YYYY-MM-DD)";
  if (element == "index-no")
    return "is not a valid 索引号 (9 or 18 characters of 0-9A-Z, '/', then YYYY-NNNNN or YYYYMM-NNNNN)";
  if (element == "copy-number") return "is not a 份号 of 6 digits";
  if (element == "secrecy") return "is not 绝密, 机密 or 秘密 with an optional ★period";
  if (element == "colspan" || element == "rowspan") return "is not a whole number from 1 to 100";
  if (element == "width") return "is not a positive number";
  return "is not valid";
}

// Schema compiled once per process; never freed (loads may run while static destructors do).
const Result<std::shared_ptr<const xml::Schema>>& schema() {
  static const auto* s = new Result<std::shared_ptr<const xml::Schema>>(xml::Schema::compile(
      schema_path(), xml::SchemaHints{"record", expected_form, [](const std::string& element, const std::string& expected) {
        // A <section> where only leaf blocks may go is a fifth level.
        if (element == "section" && expected == "p, list, table")
          return std::string("element 'section': sections nest at most 4 levels deep");
        return std::string();
      }}));
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
    const auto& s = schema();
    if (!s) return s.error();
    auto validated = (*s)->parse_and_validate(bytes, name);
    if (!validated) return validated.error();
    xmlDocPtr xdoc = validated->get();
    if (Status st = check_dates(xdoc, name); !st) return st.error();
    validated->reset();

    std::shared_ptr<Record> rec(new Record);
    rec->path_ = name;
    rec->bytes_ = std::move(bytes);
    pugi::xml_parse_result pr =
        rec->doc_.load_buffer(rec->bytes_.data(), rec->bytes_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!pr)  // libxml2 accepted it, so this would be a pugixml limitation
      return make_error(std::string("pugixml cannot load the record: ") + pr.description(), name,
                        xml::line_at(rec->bytes_, static_cast<size_t>(pr.offset)));
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
