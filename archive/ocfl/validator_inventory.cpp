// Inventory structure checks (OCFL 1.1 sections 3.5, 3.5.1-3.5.4, 3.6).
#include <algorithm>
#include <cctype>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/rules.h"
#include "archive/ocfl/validator_internal.h"
#include "common/files.h"

namespace gk::ocfl::detail {

bool registered_extension(const std::string& n) {
  static const std::set<std::string> names{
      "0001-digest-algorithms",           "0002-flat-direct-storage-layout",
      "0003-hash-and-id-n-tuple-storage-layout", "0004-hashed-n-tuple-storage-layout",
      "0005-mutable-head",                "0006-flat-omit-prefix-storage-layout",
      "0007-n-tuple-omit-prefix-storage-layout", "0008-schema-registry",
      "0009-digest-algorithms",           "0010-differential-ocfl-version"};
  return names.count(n) > 0;
}

bool registered_fixity_algorithm(const std::string& n) {
  static const std::set<std::string> names{"md5",         "sha1",        "sha256",     "sha512",
                                           "blake2b-512", "blake2b-160", "blake2b-256", "blake2b-384",
                                           "sha512/256",  "size",        "crc32"};
  return names.count(n) > 0;
}

namespace {

struct Checker {
  const InventoryContext& ctx;
  ValidationReport& r;
  CheckedInventory out;

  void err(const char* code, const std::string& msg) { r.error(code, ctx.where, msg); }
  void warn(const char* code, const std::string& msg) { r.warning(code, ctx.where, msg); }

  void path_rules(const std::string& p, bool logical, const std::string& where) {
    switch (check_path(p)) {
      case PathProblem::none: break;
      case PathProblem::not_elements: err(logical ? "E051" : "E098", where + ": empty path"); break;
      case PathProblem::bad_element:
        err(logical ? "E052" : "E099", where + ": path '" + p + "' has an empty, '.' or '..' element");
        break;
      case PathProblem::slash_at_ends:
        err(logical ? "E053" : "E100", where + ": path '" + p + "' begins or ends with '/'");
        break;
    }
  }

  // A digest -> [paths] block (manifest, state, fixity); returns what could be read.
  DigestMap digest_map(const Json& j, const char* not_array_code, const std::string& what) {
    DigestMap m;
    for (const auto& [d, arr] : j.object()) {
      if (!arr.is_array()) {
        err(not_array_code, what + ": value of " + d + " is not an array");
        continue;
      }
      for (const auto& p : arr.array()) {
        if (!p.is_string()) err(not_array_code, what + ": value of " + d + " has a non-string path");
        else m[d].push_back(p.str());
      }
    }
    return m;
  }

  void top_level(const Json& o) {
    static const std::set<std::string> allowed{"id",       "type",     "digestAlgorithm", "head",
                                               "contentDirectory", "manifest", "versions", "fixity"};
    for (const auto& [k, v] : o.object())
      if (!allowed.count(k)) err("E102", "inventory has an unknown key \"" + k + "\"");

    const Json* id = o.find("id");
    if (!id) err("E036", "inventory has no \"id\"");
    else if (!id->is_string() || id->str().empty()) err("E037", "\"id\" must be a non-empty string");
    else {
      out.inv.id = id->str();
      if (!is_uri(out.inv.id)) warn("W005", "id '" + out.inv.id + "' is not a URI");
    }

    const Json* type = o.find("type");
    if (!type) err("E036", "inventory has no \"type\"");
    else if (!type->is_string()) err("E038", "\"type\" must be a string");
    else {
      out.inv.type = type->str();
      if (out.inv.type == "https://ocfl.io/1.1/spec/#inventory") out.spec_version = "1.1";
      else if (out.inv.type == "https://ocfl.io/1.0/spec/#inventory") out.spec_version = "1.0";
      else err("E038", "\"type\" '" + out.inv.type + "' is not an OCFL inventory type");
    }

    const Json* alg = o.find("digestAlgorithm");
    if (!alg) err("E036", "inventory has no \"digestAlgorithm\"");
    else if (!alg->is_string()) err("E025", "\"digestAlgorithm\" must be a string");
    else {
      out.inv.digest_algorithm = alg->str();
      if (alg->str() == "sha512") out.algorithm_known = true;
      else if (alg->str() == "sha256") {
        out.algorithm_known = true;
        warn("W004", "digestAlgorithm is sha256; sha512 is recommended");
      } else {
        err("E025", "digestAlgorithm '" + alg->str() + "' is not sha512 or sha256");
      }
    }

    if (const Json* cd = o.find("contentDirectory")) {
      if (!cd->is_string()) err("E017", "contentDirectory must be a string");
      else if (cd->str().find('/') != std::string::npos || cd->str().empty())
        err("E017", "contentDirectory '" + cd->str() + "' contains '/' or is empty");
      else if (cd->str() == "." || cd->str() == "..")
        err("E018", "contentDirectory must not be '.' or '..'");
      else out.inv.content_directory = cd->str();
    }
  }

  void manifest(const Json& o) {
    const Json* m = o.find("manifest");
    if (!m) return err("E041", "inventory has no \"manifest\"");
    if (!m->is_object()) return err("E106", "\"manifest\" is not a JSON object");
    out.inv.manifest = digest_map(*m, "E092", "manifest");
    std::set<std::string> seen;
    std::vector<std::string> all_paths;
    for (const auto& [d, paths] : out.inv.manifest) {
      if (out.algorithm_known && !well_formed_digest(out.inv.digest_algorithm, d))
        err("E039", "manifest key '" + d + "' is not a " + out.inv.digest_algorithm + " digest");
      if (!seen.insert(ascii_lower(d)).second) err("E096", "digest " + d + " occurs more than once in the manifest");
      for (const auto& p : paths) {
        path_rules(p, false, "manifest");
        all_paths.push_back(p);
      }
    }
    for (const auto& c : path_conflicts(all_paths)) err("E101", "manifest content paths conflict: " + c);
  }

  void versions(const Json& o) {
    const Json* vs = o.find("versions");
    if (!vs) {
      err("E041", "inventory has no \"versions\"");
      err("E043", "inventory has no versions block");
      return;
    }
    if (!vs->is_object()) return err("E044", "\"versions\" is not a JSON object");
    if (vs->object().empty()) err("E008", "the object has no versions");
    std::map<int, std::string> names;
    for (const auto& [name, v] : vs->object()) {
      auto vn = parse_version_name(name);
      if (!vn) {
        err("E104", "version key '" + name + "' is not 'v' followed by a positive number");
        continue;
      }
      names[vn->number] = name;
    }
    if (!names.empty()) {
      if (names.begin()->first != 1) err("E009", "version numbers do not start at 1");
      int expect = names.begin()->first;
      for (const auto& [n, name] : names) {
        if (n != expect) {
          err("E010", "version sequence skips from v" + std::to_string(expect - 1) + " to " + name);
          expect = n;
        }
        ++expect;
      }
      int width = parse_version_name(names.begin()->second)->width;
      out.version_width = width;
      if (width > 0) warn("W001", "version directories are zero-padded (" + names.begin()->second + ")");
      for (const auto& [n, name] : names) {
        int digits = static_cast<int>(name.size()) - 1;
        int w = parse_version_name(name)->width;
        if (width == 0 && w != 0) {
          err("E012", "version " + name + " is zero-padded but the first version is not");
          err("E013", "version " + name + " breaks the naming convention of earlier versions");
        } else if (width > 0 && w != width) {
          if (digits == width) err("E011", "zero-padded version " + name + " does not start with v0");
          else err("E012", "version " + name + " does not use the padding width " + std::to_string(width));
          err("E013", "version " + name + " breaks the naming convention of earlier versions");
        }
      }
    }
    for (const auto& [n, name] : names) version(name, n, *vs->find(name));
  }

  void version(const std::string& name, int number, const Json& v) {
    const std::string what = "version " + name;
    if (!v.is_object()) return err("E047", what + " is not a JSON object");
    static const std::set<std::string> allowed{"created", "state", "message", "user"};
    for (const auto& [k, x] : v.object())
      if (!allowed.count(k)) err("E102", what + " has an unknown key \"" + k + "\"");
    Version ver;
    ver.name = name;
    const Json* created = v.find("created");
    if (!created) err("E048", what + " has no \"created\"");
    else if (!created->is_string() || !is_rfc3339(created->str()))
      err("E049", what + ": created '" + (created->is_string() ? created->str() : "?") +
                      "' is not an RFC 3339 date-time with offset, to seconds");
    else ver.created = created->str();

    const Json* state = v.find("state");
    if (!state) err("E048", what + " has no \"state\"");
    else if (!state->is_object()) err("E048", what + ": \"state\" is not a JSON object");
    else {
      ver.state = digest_map(*state, "E051", what + " state");
      std::vector<std::string> all;
      for (const auto& [d, paths] : ver.state) {
        if (!out.inv.manifest.count(d)) err("E050", what + ": state digest " + d + " is not in the manifest");
        for (const auto& p : paths) {
          path_rules(p, true, what + " state");
          all.push_back(p);
        }
      }
      for (const auto& c : path_conflicts(all)) err("E095", what + ": logical paths conflict: " + c);
    }

    const Json* message = v.find("message");
    if (message && !message->is_string()) err("E094", what + ": message is not a string");
    else if (message) ver.message = message->str();
    const Json* user = v.find("user");
    if (!message || !user) warn("W007", what + " lacks " + std::string(!message ? "message" : "user"));
    if (user) {
      if (!user->is_object()) err("E054", what + ": user is not a JSON object");
      else {
        User u;
        const Json* nm = user->find("name");
        if (!nm || !nm->is_string()) err("E054", what + ": user has no string \"name\"");
        else u.name = nm->str();
        for (const auto& [k, x] : user->object())
          if (k != "name" && k != "address") err("E102", what + ": user has an unknown key \"" + k + "\"");
        const Json* addr = user->find("address");
        if (!addr) warn("W008", what + ": user has no address");
        else if (!addr->is_string() || !is_uri(addr->str()))
          warn("W009", what + ": user address is not a URI");
        else u.address = addr->str();
        ver.user = u;
      }
    }
    out.inv.versions[number] = std::move(ver);
  }

  void head(const Json& o) {
    const Json* h = o.find("head");
    if (!h) return err("E036", "inventory has no \"head\"");
    if (!h->is_string()) return err("E040", "\"head\" is not a string");
    out.inv.head = h->str();
    if (!out.inv.versions.empty() && out.inv.versions.rbegin()->second.name != h->str())
      err("E040", "head '" + h->str() + "' is not the highest version " + out.inv.versions.rbegin()->second.name);
    if (!ctx.is_root && !ctx.expected_head.empty() && h->str() != ctx.expected_head)
      err("E040", "head '" + h->str() + "' of the inventory in " + ctx.expected_head + " is not " + ctx.expected_head);
  }

  void unused_manifest_entries() {
    std::set<std::string> used;
    for (const auto& [n, v] : out.inv.versions)
      for (const auto& [d, p] : v.state) used.insert(ascii_lower(d));
    for (const auto& [d, p] : out.inv.manifest)
      if (!used.count(ascii_lower(d))) err("E107", "manifest digest " + d + " is not used by any version state");
  }

  void fixity(const Json& o) {
    const Json* f = o.find("fixity");
    if (!f) return;
    if (!f->is_object()) return err("E111", "\"fixity\" is not a JSON object");
    for (const auto& [alg, block] : f->object()) {
      if (!registered_fixity_algorithm(alg) && !ctx.options->extra_fixity_algorithms.count(alg))
        err("E056", "fixity algorithm '" + alg + "' is neither in the spec nor in a known extension");
      if (!block.is_object()) {
        err("E057", "fixity block " + alg + " is not a JSON object");
        continue;
      }
      DigestMap m = digest_map(block, "E057", "fixity " + alg);
      std::set<std::string> seen;
      for (const auto& [d, paths] : m) {
        if (digest_hex_length(alg) && !well_formed_digest(alg, d))
          err("E057", "fixity " + alg + " key '" + d + "' is not a " + alg + " digest");
        if (!seen.insert(ascii_lower(d)).second) err("E097", "fixity " + alg + " digest " + d + " occurs more than once");
        for (const auto& p : paths) path_rules(p, false, "fixity " + alg);
      }
      out.inv.fixity[alg] = std::move(m);
    }
  }
};

}  // namespace

CheckedInventory check_inventory(const std::string& text, const InventoryContext& ctx, ValidationReport& r) {
  Checker c{ctx, r, {}};
  auto parsed = parse_json(text);
  if (!parsed) {
    r.error("E033", ctx.where, "inventory is not valid JSON: " + parsed.error().message);
    return c.out;
  }
  if (!parsed->is_object()) {
    r.error("E033", ctx.where, "inventory is not a JSON object");
    return c.out;
  }
  c.out.parsed = true;
  c.top_level(*parsed);
  c.manifest(*parsed);
  c.versions(*parsed);
  c.head(*parsed);
  c.unused_manifest_entries();
  c.fixity(*parsed);
  return c.out;
}

void check_sidecar(const std::string& path, const std::string* body, const std::function<std::string()>& inventory_digest,
                   const std::string& algorithm, ValidationReport& r) {
  if (!body) {
    r.error("E058", path, "inventory digest sidecar is missing");
    return;
  }
  const std::string& s = *body;
  size_t i = 0;
  while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string digest = s.substr(0, i);
  size_t j = i;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  std::string rest = s.substr(j);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.pop_back();
  if (digest.empty() || j == i || rest != "inventory.json") {
    r.error("E061", path, "sidecar is not of the form 'DIGEST inventory.json'");
    return;
  }
  if (!digest_supported(algorithm)) return;
  if (ascii_lower(digest) != inventory_digest())
    r.error("E060", path, "sidecar digest does not match the digest of inventory.json");
}

}  // namespace gk::ocfl::detail
