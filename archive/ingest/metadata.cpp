#include "archive/ingest/metadata.h"

#include "archive/ocfl/json.h"
#include "common/digest.h"

namespace gk::ingest {

using ocfl::Json;

const std::vector<std::string>& all_statuses() {
  static const std::vector<std::string> s{kPublished, kCorrected, kRepealed, kExpired, kWithdrawn};
  return s;
}

bool valid_status(std::string_view s) {
  for (const auto& v : all_statuses())
    if (v == s) return true;
  return false;
}

FileDigests digest_of(std::string_view bytes) {
  return {digest_hex(DigestAlgorithm::sha512, bytes), digest_hex(DigestAlgorithm::sm3, bytes)};
}

std::vector<std::pair<std::string, std::string>> catalogue_fields(const record::Catalogue& c) {
  std::string kw;
  for (const auto& k : c.keywords) kw += (kw.empty() ? "" : "；") + k;
  return {{"index-no", c.index_no},
          {"title", c.title},
          {"issuer", c.issuer},
          {"doc-number", c.doc_number},
          {"genre", c.genre},
          {"subject", c.subject},
          {"keywords", kw},
          {"summary", c.summary},
          {"written-date", c.written_date},
          {"published-date", c.published_date},
          {"disclosure-mode", c.disclosure_mode},
          {"disclosure-scope", c.disclosure_scope},
          {"validity", c.validity},
          {"retention", c.retention}};
}

std::string Metadata::to_json() const {
  Json::Object cat;
  for (auto& [k, v] : catalogue_fields(catalogue))
    if (k != "keywords") cat[k] = v;
  Json::Array kws;
  for (const auto& k : catalogue.keywords) kws.push_back(Json(k));
  cat["keywords"] = Json(std::move(kws));
  Json::Object files_json;
  for (auto& [path, d] : files) {
    Json::Object o;
    o["sha512"] = d.sha512;
    o["sm3"] = d.sm3;
    files_json[path] = Json(std::move(o));
  }
  Json::Object root;
  root["format"] = kMetadataFormat;
  root["catalogue"] = Json(std::move(cat));
  root["status"] = status;
  std::string vname = std::to_string(version);
  root["version"] = vname.insert(0, 1, 'v');
  root["files"] = Json(std::move(files_json));
  if (template_file.empty()) {
    root["template"] = Json();
  } else {
    Json::Object t;
    t["file"] = template_file;
    t["sha512"] = template_sha512;
    root["template"] = Json(std::move(t));
  }
  root["time"] = time;
  Json::Object user;
  user["name"] = user_name;
  user["address"] = user_address;
  root["user"] = Json(std::move(user));
  root["message"] = message;
  return ocfl::write_json(Json(std::move(root)));
}

namespace {

// Reads a string member; absent or wrong type is an error naming the key.
Status get_string(const Json& obj, const std::string& key, std::string& out, const std::string& where) {
  const Json* v = obj.find(key);
  if (!v || !v->is_string()) return make_error("metadata has no string '" + key + "'", where);
  out = v->str();
  return {};
}

}  // namespace

Result<Metadata> Metadata::from_json(std::string_view text, const std::string& where) {
  auto j = ocfl::parse_json(text);
  if (!j) return make_error("metadata is not JSON: " + j.error().message, where);
  if (!j->is_object()) return make_error("metadata is not a JSON object", where);
  Metadata m;
  std::string format, version;
  if (auto s = get_string(*j, "format", format, where); !s) return s.error();
  if (format != kMetadataFormat) return make_error("unknown metadata format '" + format + "'", where);
  for (auto [key, out] : {std::pair{"status", &m.status}, {"version", &version}, {"time", &m.time}, {"message", &m.message}})
    if (auto s = get_string(*j, key, *out, where); !s) return s.error();
  if (version.size() < 2 || version[0] != 'v') return make_error("bad version '" + version + "'", where);
  m.version = std::atoi(version.c_str() + 1);
  const Json* cat = j->find("catalogue");
  if (!cat || !cat->is_object()) return make_error("metadata has no catalogue", where);
  record::Catalogue& c = m.catalogue;
  std::pair<const char*, std::string*> fields[] = {
      {"index-no", &c.index_no},         {"title", &c.title},
      {"issuer", &c.issuer},             {"doc-number", &c.doc_number},
      {"genre", &c.genre},               {"subject", &c.subject},
      {"summary", &c.summary},           {"written-date", &c.written_date},
      {"published-date", &c.published_date}, {"disclosure-mode", &c.disclosure_mode},
      {"disclosure-scope", &c.disclosure_scope}, {"validity", &c.validity},
      {"retention", &c.retention}};
  for (auto& [key, out] : fields)
    if (auto s = get_string(*cat, key, *out, where); !s) return s.error();
  if (const Json* kw = cat->find("keywords"); kw && kw->is_array())
    for (const auto& k : kw->array())
      if (k.is_string()) c.keywords.push_back(k.str());
  const Json* files = j->find("files");
  if (!files || !files->is_object()) return make_error("metadata has no files", where);
  for (const auto& [path, d] : files->object()) {
    FileDigests fd;
    if (auto s = get_string(d, "sha512", fd.sha512, where); !s) return s.error();
    if (auto s = get_string(d, "sm3", fd.sm3, where); !s) return s.error();
    m.files[path] = fd;
  }
  if (const Json* t = j->find("template"); t && t->is_object()) {
    if (auto s = get_string(*t, "file", m.template_file, where); !s) return s.error();
    if (auto s = get_string(*t, "sha512", m.template_sha512, where); !s) return s.error();
  }
  if (const Json* u = j->find("user"); u && u->is_object()) {
    if (auto s = get_string(*u, "name", m.user_name, where); !s) return s.error();
    if (auto s = get_string(*u, "address", m.user_address, where); !s) return s.error();
  }
  return m;
}

}  // namespace gk::ingest
