// Object validation (OCFL 1.1 sections 3.1-3.9): layout of the object root and version
// directories, root and version inventories, content files and their digests. Works from an
// ObjectSnapshot (one listing, small files read once), see validator_snapshot.h.
#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/rules.h"
#include "archive/ocfl/validator_internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ocfl::detail {
namespace {

// One expected digest of one content file, to be checked when the file is read.
struct Expectation {
  std::string algorithm;
  std::string digest;
  const char* code;  // E092 (manifest) or E093 (fixity)
  std::string source;  // which inventory said so
};

using Type = fs::file_type;

struct ObjectCheck {
  const ObjectSnapshot& snap;
  std::string dir;
  const ValidatorOptions& o;
  ValidationReport& r;
  std::string spec_version;
  std::string root_text;
  CheckedInventory root;
  std::pair<size_t, size_t> root_findings{0, 0};  // r.findings range of the root inventory's checks
  std::map<int, std::string> version_dirs;        // on disk, by number
  std::set<std::string> disk_files;               // content paths found on disk
  std::map<std::string, std::vector<Expectation>> expect;  // content path -> digests

  std::string p(const std::string& rel) const { return dir + "/" + rel; }

  // Snapshot entries directly in `rel` ("" = the object root), or anywhere below it.
  template <class Fn>
  void each_below(const std::string& rel, bool recursive, Fn fn) const {
    std::string prefix = rel.empty() ? "" : rel + "/";
    auto it = std::lower_bound(snap.entries.begin(), snap.entries.end(), prefix,
                               [](const ObjectSnapshot::Entry& e, const std::string& k) { return e.rel < k; });
    for (; it != snap.entries.end() && it->rel.compare(0, prefix.size(), prefix) == 0; ++it)
      if (recursive || it->rel.find('/', prefix.size()) == std::string::npos) fn(*it, it->rel.substr(prefix.size()));
  }
  bool has_below(const std::string& rel) const {
    bool any = false;
    each_below(rel, false, [&](const auto&, const auto&) { any = true; });
    return any;
  }
  Type type_of(const std::string& rel) const {
    auto it = std::lower_bound(snap.entries.begin(), snap.entries.end(), rel,
                               [](const ObjectSnapshot::Entry& e, const std::string& k) { return e.rel < k; });
    return it != snap.entries.end() && it->rel == rel ? it->type : Type::not_found;
  }

  bool declaration(const std::vector<std::string>& decls) {
    if (decls.empty()) {
      r.error("E003", dir, "no object conformance declaration (0=ocfl_object_1.1)");
      return false;
    }
    if (decls.size() > 1) r.error("E003", dir, "more than one conformance declaration");
    for (const auto& d : decls) {
      const std::string prefix = "0=ocfl_object_";
      if (d.rfind(prefix, 0) != 0) {
        r.error("E006", p(d), "declaration name is not 0=ocfl_object_<version>");
        continue;
      }
      std::string ver = d.substr(prefix.size());
      if (ver != "1.0" && ver != "1.1") {
        r.error("E004", p(d), "unknown OCFL object version '" + ver + "'");
        continue;
      }
      spec_version = ver;
      const std::string* body = snap.file(d);
      if (!body || *body != "ocfl_object_" + ver + "\n")
        r.error("E007", p(d), "declaration content is not 'ocfl_object_" + ver + "' and a newline");
    }
    return true;
  }

  void root_entries(std::vector<std::string>& decls, bool& has_inventory) {
    each_below("", false, [&](const ObjectSnapshot::Entry& e, const std::string& name) {
      if (e.type == Type::symlink) return r.error("E090", p(name), "symbolic links must not be used");
      bool is_dir = e.type == Type::directory;
      if (name.rfind("0=", 0) == 0 && !is_dir) decls.push_back(name);
      else if (name == "inventory.json" && !is_dir) has_inventory = true;
      else if (name.rfind("inventory.json.", 0) == 0 && !is_dir) return;  // checked with the inventory
      else if (is_dir && parse_version_name(name)) version_dirs[parse_version_name(name)->number] = name;
      else if (is_dir && (name == "logs" || name == "extensions")) return;
      else r.error("E001", p(name), "unexpected " + std::string(is_dir ? "directory" : "file") + " in object root");
    });
  }

  void extensions() {
    if (type_of("extensions") != Type::directory) return;
    each_below("extensions", false, [&](const ObjectSnapshot::Entry& e, const std::string& name) {
      if (e.type != Type::directory) r.error("E067", p(e.rel), "extensions holds a non-directory");
      else if (!registered_extension(name) && !o.local_extensions.count(name))
        r.warning("W013", p(e.rel), "extension '" + name + "' is not a registered extension name");
    });
  }

  // Walks one version's content directory, recording files and flagging empty directories.
  void walk_content(const std::string& vname, const std::string& cd) {
    std::string base = vname + "/" + cd;
    if (type_of(base) != Type::directory) return;
    if (!has_below(base)) {
      r.warning("W003", p(base), "content directory is empty");
      return;
    }
    each_below(base, true, [&](const ObjectSnapshot::Entry& e, const std::string&) {
      if (e.type == Type::symlink) r.error("E090", p(e.rel), "symbolic links must not be used");
      else if (e.type == Type::directory) {
        if (!has_below(e.rel)) r.error("E024", p(e.rel), "empty directory in content");
      } else {
        disk_files.insert(e.rel);
      }
    });
  }

  void version_dir_entries(const std::string& vname, const std::string& cd, const std::string& alg) {
    each_below(vname, false, [&](const ObjectSnapshot::Entry& e, const std::string& name) {
      if (e.type == Type::directory) {
        if (name != cd) r.warning("W002", p(e.rel), "extra directory in version directory");
      } else if (name == "inventory.json" || name.rfind("inventory.json.", 0) == 0) {
        return;
      } else {
        r.error("E015", p(e.rel), "unexpected file in version directory");
      }
    });
  }

  void sidecar(const std::string& rel_dir, const std::string& algorithm) {
    std::string inv = rel_dir.empty() ? "inventory.json" : rel_dir + "/inventory.json";
    check_sidecar(p(inv + "." + algorithm), snap.file(inv + "." + algorithm),
                  [&] { return snap.file_digest(inv, algorithm); }, algorithm, r);
  }

  void expect_block(const DigestMap& m, const std::string& alg, const char* code, const std::string& source) {
    if (!o.check_digests) return;  // only digests() reads them
    for (const auto& [d, paths] : m)
      for (const auto& cp : paths) expect[cp].push_back({alg, ascii_lower(d), code, source});
  }

  // Two version blocks describe the same state when their logical paths match and each logical
  // path leads to the same content (compared through content paths, so algorithms may differ).
  bool same_state(const Version& a, const Inventory& ia, const Version& b, const Inventory& ib) {
    auto la = a.logical_state(), lb = b.logical_state();
    if (la.size() != lb.size()) return false;
    for (const auto& [path, da] : la) {
      auto it = lb.find(path);
      if (it == lb.end()) return false;
      auto ca = ia.manifest.find(da), cb = ib.manifest.find(it->second);
      if (ca == ia.manifest.end() || cb == ib.manifest.end()) return false;
      bool overlap = false;
      for (const auto& x : ca->second)
        if (std::find(cb->second.begin(), cb->second.end(), x) != cb->second.end()) overlap = true;
      if (!overlap) return false;
    }
    return true;
  }

  void version_inventory(int number, const std::string& vname, std::string& prev_spec) {
    std::string vdir = p(vname);
    std::string where = vdir + "/inventory.json";
    const std::string* text = snap.file(vname + "/inventory.json");
    if (!text) {
      r.warning("W010", vdir, "version directory has no inventory.json");
      return;
    }
    const Inventory& ri = root.inv;
    CheckedInventory copy;
    const CheckedInventory* vip = &copy;
    if (vname == ri.head && *text == root_text) {
      // The head version's copy of the root inventory: same text, same context but the path
      // (E040 cannot differ: its head is this directory), so the same findings without a parse.
      for (size_t i = root_findings.first; i < root_findings.second; ++i) {
        Finding f = r.findings[i];
        f.path = where;
        r.findings.push_back(std::move(f));
      }
      vip = &root;
    } else {
      copy = check_inventory(*text, {where, false, vname, &o}, r);
    }
    const CheckedInventory& vi = *vip;
    if (!vi.parsed) return;
    if (!vi.inv.digest_algorithm.empty()) sidecar(vname, vi.inv.digest_algorithm);
    if (vname == ri.head && *text != root_text)
      r.error("E064", where, "inventory of the head version differs from the root inventory");
    if (!ri.id.empty() && !vi.inv.id.empty() && vi.inv.id != ri.id) {
      r.error("E037", where, "id '" + vi.inv.id + "' differs from the root inventory id '" + ri.id + "'");
      r.error("E110", where, "object id changed between versions");
    }
    if (vi.inv.content_dir() != ri.content_dir())
      r.error("E019", where, "contentDirectory differs from the root inventory");
    if (!vi.spec_version.empty()) {
      if (!prev_spec.empty() && vi.spec_version < prev_spec)
        r.error("E103", where, "version conforms to an earlier OCFL version than its predecessor");
      prev_spec = vi.spec_version;
    }
    for (const auto& [n, v] : vi.inv.versions) {
      auto it = ri.versions.find(n);
      if (it == ri.versions.end()) continue;
      const Version& rv = it->second;
      if (!same_state(v, vi.inv, rv, ri))
        r.error("E066", where, "state of " + v.name + " differs from the root inventory");
      bool same_user = v.user.has_value() == rv.user.has_value() &&
                       (!v.user || (v.user->name == rv.user->name && v.user->address == rv.user->address));
      if (v.created != rv.created || v.message != rv.message || !same_user)
        r.warning("W011", where, "created/message/user of " + v.name + " differ from the root inventory");
    }
    // Every content file of versions up to this one must be in this inventory's manifest.
    std::set<std::string> listed;
    for (const auto& [d, paths] : vi.inv.manifest) listed.insert(paths.begin(), paths.end());
    for (const auto& f : disk_files) {
      auto slash = f.find('/');
      auto vn = parse_version_name(f.substr(0, slash));
      if (vn && vn->number <= number && !listed.count(f))
        r.error("E023", where, "content file " + f + " is not in this inventory's manifest");
    }
    for (const auto& cp : listed)
      if (!disk_files.count(cp)) r.error("E092", where, "manifest content path " + cp + " does not exist");
    if (vi.algorithm_known) expect_block(vi.inv.manifest, vi.inv.digest_algorithm, "E092", where);
    for (const auto& [alg, m] : vi.inv.fixity) expect_block(m, alg, "E093", where);
  }

  void content_against_root() {
    const Inventory& ri = root.inv;
    std::set<std::string> listed;
    for (const auto& [d, paths] : ri.manifest) {
      for (const auto& cp : paths) {
        listed.insert(cp);
        auto slash = cp.find('/');
        auto vn = parse_version_name(cp.substr(0, slash));
        bool in_content = vn && ri.versions.count(vn->number) &&
                          cp.compare(slash + 1, ri.content_dir().size() + 1, ri.content_dir() + "/") == 0;
        if (!in_content) r.error("E042", p("inventory.json"), "content path " + cp + " is not inside a version content directory");
        if (!disk_files.count(cp)) r.error("E092", p("inventory.json"), "manifest content path " + cp + " does not exist");
      }
    }
    for (const auto& f : disk_files)
      if (!listed.count(f)) r.error("E023", p(f), "content file is not in the manifest");
    for (const auto& [alg, m] : ri.fixity)
      for (const auto& [d, paths] : m)
        for (const auto& cp : paths)
          if (!disk_files.count(cp)) r.error("E093", p("inventory.json"), "fixity " + alg + " content path " + cp + " does not exist");
    if (root.algorithm_known) expect_block(ri.manifest, ri.digest_algorithm, "E092", p("inventory.json"));
    for (const auto& [alg, m] : ri.fixity) expect_block(m, alg, "E093", p("inventory.json"));
  }

  void digests() {
    for (const auto& [cp, list] : expect) {
      if (!disk_files.count(cp)) continue;
      std::set<std::string> algs;
      for (const auto& e : list)
        if (digest_supported(e.algorithm)) algs.insert(e.algorithm);
      if (algs.empty()) continue;
      auto got = digest_file(p(cp), algs);
      if (!got) {
        r.error("E092", p(cp), got.error().message);
        continue;
      }
      // One error per (code, algorithm, expected digest): every version inventory repeats the
      // manifest, so one changed file would otherwise be reported once per version.
      std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> wrong;
      std::vector<std::tuple<std::string, std::string, std::string>> order;
      for (const auto& e : list) {
        auto it = got->find(e.algorithm);
        if (it == got->end() || it->second == e.digest) continue;
        auto key = std::make_tuple(std::string(e.code), e.algorithm, e.digest);
        auto& sources = wrong[key];
        if (sources.empty()) order.push_back(key);
        if (std::find(sources.begin(), sources.end(), e.source) == sources.end()) sources.push_back(e.source);
      }
      for (const auto& key : order) {
        const auto& [code, alg, digest] = key;
        const auto& sources = wrong[key];
        bool in_root = std::find(sources.begin(), sources.end(), p("inventory.json")) != sources.end();
        std::string where = in_root ? p("inventory.json") : sources[0];  // the root inventory names it best
        if (sources.size() > 1) where += " (and " + std::to_string(sources.size() - 1) + " more inventor" +
                                         (sources.size() == 2 ? "y" : "ies") + " of the object)";
        r.error(code, p(cp), alg + " digest " + got->at(alg) + " does not match " + digest + " in " + where);
      }
    }
  }

  ObjectSummary run() {
    ObjectSummary s;
    if (snap.error.rfind("cannot open", 0) == 0) {
      r.error("E003", dir, "object root is not a directory");
      return s;
    }
    if (!snap.error.empty()) {
      r.error("E003", dir, "cannot list the object root: " + snap.error);
      return s;
    }
    std::vector<std::string> decls;
    bool has_inventory = false;
    root_entries(decls, has_inventory);
    s.is_object = declaration(decls);
    s.spec_version = spec_version;
    extensions();
    if (!has_inventory) {
      r.error("E063", dir, "object root has no inventory.json");
      return s;
    }
    root_text = snap.file("inventory.json") ? *snap.file("inventory.json") : std::string();
    root_findings.first = r.findings.size();
    root = check_inventory(root_text, {p("inventory.json"), true, "", &o}, r);
    root_findings.second = r.findings.size();
    if (!root.parsed) return s;
    s.id = root.inv.id;
    if (!spec_version.empty() && !root.spec_version.empty() && spec_version != root.spec_version)
      r.error("E038", p("inventory.json"), "inventory type does not match the declaration 0=ocfl_object_" + spec_version);
    if (!root.inv.digest_algorithm.empty()) sidecar("", root.inv.digest_algorithm);
    const Inventory& ri = root.inv;
    std::set<std::string> listed_names;
    for (const auto& [n, v] : ri.versions) listed_names.insert(v.name);
    for (const auto& [n, name] : version_dirs)
      if (!listed_names.count(name)) r.error("E046", p(name), "version directory is not a version of the root inventory");
    for (const auto& [n, v] : ri.versions) {
      auto it = version_dirs.find(n);
      if (it == version_dirs.end() || it->second != v.name) {
        r.error("E010", p(v.name), "version directory of " + v.name + " is missing");
        continue;
      }
      version_dir_entries(v.name, ri.content_dir(), ri.digest_algorithm);
      walk_content(v.name, ri.content_dir());
    }
    std::string prev_spec;
    for (const auto& [n, v] : ri.versions)
      if (version_dirs.count(n) && version_dirs[n] == v.name) version_inventory(n, v.name, prev_spec);
    content_against_root();
    if (o.check_digests) digests();
    s.root_inventory = std::move(root.inv);
    return s;
  }
};

}  // namespace

ObjectSummary validate_object_into(const std::string& dir, const ValidatorOptions& o, ValidationReport& r) {
  return validate_object_snapshot(snapshot_object(dir), o, r);
}

}  // namespace gk::ocfl::detail

namespace gk::ocfl {

ObjectSummary validate_object_snapshot(const ObjectSnapshot& s, const ValidatorOptions& o, ValidationReport& r) {
  detail::ObjectCheck c{s, s.dir, o, r, {}, {}, {}, {}, {}, {}, {}};
  return c.run();
}

}  // namespace gk::ocfl
