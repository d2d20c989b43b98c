#include "archive/ocfl/inventory.h"

#include <algorithm>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/rules.h"

namespace gk::ocfl {

std::map<std::string, std::string> Version::logical_state() const {
  std::map<std::string, std::string> out;
  for (const auto& [d, paths] : state)
    for (const auto& p : paths) out[p] = d;
  return out;
}

const Version* Inventory::find_version(const std::string& name) const {
  if (versions.empty()) return nullptr;
  if (name.empty() || name == "head") return &versions.rbegin()->second;
  for (const auto& [n, v] : versions)
    if (v.name == name) return &v;
  return nullptr;
}

std::optional<std::string> Inventory::content_path(const std::string& digest) const {
  auto it = manifest.find(digest);
  if (it != manifest.end() && !it->second.empty()) return it->second.front();
  std::string l = lower(digest);
  for (const auto& [d, paths] : manifest)
    if (lower(d) == l && !paths.empty()) return paths.front();
  return std::nullopt;
}

static Json digest_map_json(const DigestMap& m) {
  Json::Object o;
  for (const auto& [d, paths] : m) {
    std::vector<std::string> sorted = paths;
    std::sort(sorted.begin(), sorted.end());
    Json::Array a(sorted.begin(), sorted.end());
    o[d] = Json(std::move(a));
  }
  return Json(std::move(o));
}

Json Inventory::to_json_value() const {
  Json::Object o;
  if (content_directory) o["contentDirectory"] = *content_directory;
  o["digestAlgorithm"] = digest_algorithm;
  if (!fixity.empty()) {
    Json::Object f;
    for (const auto& [alg, m] : fixity) f[alg] = digest_map_json(m);
    o["fixity"] = Json(std::move(f));
  }
  o["head"] = head;
  o["id"] = id;
  o["manifest"] = digest_map_json(manifest);
  o["type"] = type;
  Json::Object vs;
  for (const auto& [n, v] : versions) {
    Json::Object vo;
    vo["created"] = v.created;
    if (v.message) vo["message"] = *v.message;
    vo["state"] = digest_map_json(v.state);
    if (v.user) {
      Json::Object u;
      u["name"] = v.user->name;
      if (v.user->address) u["address"] = *v.user->address;
      vo["user"] = Json(std::move(u));
    }
    vs[v.name] = Json(std::move(vo));
  }
  o["versions"] = Json(std::move(vs));
  return Json(std::move(o));
}

static Result<DigestMap> read_digest_map(const Json* j, const std::string& what, const std::string& where) {
  if (!j || !j->is_object()) return make_error(what + " must be a JSON object", where);
  DigestMap m;
  for (const auto& [d, arr] : j->object()) {
    if (!arr.is_array()) return make_error(what + " entry " + d + " must be an array", where);
    for (const auto& p : arr.array()) {
      if (!p.is_string()) return make_error(what + " entry " + d + " has a non-string path", where);
      m[d].push_back(p.str());
    }
  }
  return m;
}

static Result<std::string> read_string(const Json& o, const std::string& key, const std::string& where) {
  const Json* j = o.find(key);
  if (!j || !j->is_string()) return make_error("missing or non-string \"" + key + "\"", where);
  return j->str();
}

Result<Inventory> Inventory::from_json(const std::string& text, const std::string& where) {
  auto parsed = parse_json(text);
  if (!parsed) return make_error(parsed.error().message, where);
  const Json& o = *parsed;
  if (!o.is_object()) return make_error("inventory is not a JSON object", where);
  Inventory inv;
  for (const char* key : {"id", "type", "digestAlgorithm", "head"}) {
    auto s = read_string(o, key, where);
    if (!s) return s.error();
    std::string k = key;
    if (k == "id") inv.id = *s;
    else if (k == "type") inv.type = *s;
    else if (k == "digestAlgorithm") inv.digest_algorithm = *s;
    else inv.head = *s;
  }
  if (const Json* cd = o.find("contentDirectory")) {
    if (!cd->is_string()) return make_error("contentDirectory must be a string", where);
    inv.content_directory = cd->str();
  }
  auto manifest = read_digest_map(o.find("manifest"), "manifest", where);
  if (!manifest) return manifest.error();
  inv.manifest = std::move(*manifest);
  if (const Json* f = o.find("fixity")) {
    if (!f->is_object()) return make_error("fixity must be a JSON object", where);
    for (const auto& [alg, m] : f->object()) {
      auto dm = read_digest_map(&m, "fixity " + alg, where);
      if (!dm) return dm.error();
      inv.fixity[alg] = std::move(*dm);
    }
  }
  const Json* vs = o.find("versions");
  if (!vs || !vs->is_object()) return make_error("versions must be a JSON object", where);
  for (const auto& [name, vj] : vs->object()) {
    auto vn = parse_version_name(name);
    if (!vn) return make_error("bad version name " + name, where);
    if (!vj.is_object()) return make_error("version " + name + " is not an object", where);
    Version v;
    v.name = name;
    auto created = read_string(vj, "created", where);
    if (!created) return created.error();
    v.created = *created;
    if (const Json* m = vj.find("message"); m && m->is_string()) v.message = m->str();
    if (const Json* u = vj.find("user"); u && u->is_object()) {
      User user;
      if (const Json* n = u->find("name"); n && n->is_string()) user.name = n->str();
      if (const Json* a = u->find("address"); a && a->is_string()) user.address = a->str();
      v.user = user;
    }
    auto state = read_digest_map(vj.find("state"), "state of " + name, where);
    if (!state) return state.error();
    v.state = std::move(*state);
    inv.versions[vn->number] = std::move(v);
  }
  if (inv.versions.empty() || inv.versions.rbegin()->second.name != inv.head)
    return make_error("head " + inv.head + " is not the highest version", where);
  return inv;
}

}  // namespace gk::ocfl
