// verify: one object's bytes against its inventories, and the storage root's own files.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "archive/audit/log.h"
#include "archive/ocfl/digests.h"
#include "archive/ocfl/inventory.h"
#include "archive/ocfl/layout.h"
#include "archive/ocfl/store.h"
#include "archive/verify/verify_internal.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::verify {

Result<FileDigests> hash_file(const std::string& path, bool want_sm3, std::string& buffer) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(std::string("cannot read: ") + std::strerror(errno), path);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (buffer.size() < 4096) buffer.resize(4 << 20);
  Hasher sha(DigestAlgorithm::sha512);
  std::optional<Hasher> sm3;
  if (want_sm3) sm3.emplace(DigestAlgorithm::sm3);
  FileDigests d;
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return make_error(std::string("cannot read: ") + std::strerror(e), path);
    }
    if (n == 0) break;
    std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    // Both digests over the same buffer while it is hot in cache: the file is read once.
    sha.update(chunk);
    if (sm3) sm3->update(chunk);
    d.size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  d.sha512 = sha.hex();
  if (sm3) d.sm3 = sm3->hex();
  return d;
}

std::string Problem::str() const {
  std::string s = kind + ":";
  for (const std::string* p : {&object, &version, &file})
    if (!p->empty()) s += " " + *p;
  return s + ": " + message;
}

namespace detail {

namespace {

std::string first_component(const std::string& p) { return p.substr(0, p.find('/')); }

// Compares an inventory file with its sidecar; returns the inventory bytes when readable.
std::optional<std::string> checked_inventory(const std::string& root, const std::string& rel_dir, ObjectOutcome& o,
                                             const std::string& version) {
  std::string inv_rel = rel_dir + "/inventory.json", side_rel = inv_rel + ".sha512";
  auto inv = read_file(root + "/" + inv_rel);
  if (!inv) {
    o.problems.push_back({"missing", o.id, version, inv_rel, "inventory is missing or unreadable"});
    return std::nullopt;
  }
  auto side = read_file(root + "/" + side_rel);
  if (!side) {
    o.problems.push_back({"missing", o.id, version, side_rel, "inventory sidecar is missing or unreadable"});
    return inv.value();
  }
  std::string actual = digest_hex(DigestAlgorithm::sha512, *inv);
  // The sidecar is exactly "<digest> inventory.json\n" as the store writes it; any other byte is
  // a change too, not something to be lenient about.
  if (*side != actual + " inventory.json\n") {
    std::string recorded = side->substr(0, side->find_first_of(" \t\n"));
    if (recorded == actual)
      o.problems.push_back({"changed", o.id, version, side_rel, "sidecar altered (digest right, rest of the line not)"});
    else
      o.problems.push_back({"changed", o.id, version, inv_rel,
                            "inventory does not match its sidecar: sha512 is " + actual.substr(0, 16) +
                                "..., sidecar says " + recorded.substr(0, 16) + "... (inventory or sidecar altered)"});
  }
  return inv.value();
}

}  // namespace

ObjectOutcome verify_object(const std::string& root, const std::string& rel, std::string& buffer) {
  ObjectOutcome o;
  o.rel_path = rel;
  std::string abs = root + "/" + rel;
  {
    auto decl = read_file(abs + "/0=ocfl_object_1.1");
    if (!decl) o.problems.push_back({"missing", "", "", rel + "/0=ocfl_object_1.1", "object declaration is missing"});
    else if (*decl != "ocfl_object_1.1\n")
      o.problems.push_back({"changed", "", "", rel + "/0=ocfl_object_1.1", "object declaration altered"});
  }
  auto text = checked_inventory(root, rel, o, "");
  if (!text) return o;
  auto inv = ocfl::Inventory::from_json(*text, rel + "/inventory.json");
  if (!inv) {
    o.problems.push_back({"changed", "", "", rel + "/inventory.json", "inventory unreadable: " + inv.error().message});
    return o;
  }
  o.id = inv->id;
  for (auto& p : o.problems) p.object = o.id;
  if (ocfl::HashedNTupleLayout{}.object_path(o.id) != rel)
    o.problems.push_back({"changed", o.id, "", rel + "/inventory.json", "object id does not map to this object's path"});

  std::set<std::string> expected = {"0=ocfl_object_1.1", "inventory.json", "inventory.json.sha512"};
  for (auto& [n, v] : inv->versions) {
    expected.insert(v.name + "/inventory.json");
    expected.insert(v.name + "/inventory.json.sha512");
    auto vt = checked_inventory(root, rel + "/" + v.name, o, v.name);
    if (vt && n == inv->head_number() && *vt != *text)
      o.problems.push_back({"changed", o.id, v.name, rel + "/" + v.name + "/inventory.json",
                            "head version inventory differs from the root inventory"});
  }

  // content path -> sm3, from the fixity block.
  std::map<std::string, std::string> sm3_of;
  if (auto f = inv->fixity.find("sm3"); f != inv->fixity.end())
    for (auto& [d, paths] : f->second)
      for (auto& p : paths) sm3_of[p] = ocfl::lower(d);

  std::map<std::string, std::string> sm3_by_sha;  // for the versions' sm3 sets
  for (auto& [digest, paths] : inv->manifest) {
    for (auto& cp : paths) {
      expected.insert(cp);
      std::string file = rel + "/" + cp, version = first_component(cp);
      auto sm3 = sm3_of.find(cp);
      auto d = hash_file(root + "/" + file, sm3 != sm3_of.end(), buffer);
      if (!d) {
        o.problems.push_back({"missing", o.id, version, file, "content file is missing or unreadable"});
        continue;
      }
      ++o.files;
      o.bytes += d->size;
      if (d->sha512 != ocfl::lower(digest))
        o.problems.push_back({"changed", o.id, version, file,
                              "sha512 is " + d->sha512.substr(0, 16) + "..., the manifest records " +
                                  ocfl::lower(digest).substr(0, 16) + "..."});
      else if (sm3 != sm3_of.end() && d->sm3 != sm3->second)
        o.problems.push_back({"changed", o.id, version, file,
                              "sm3 is " + d->sm3.substr(0, 16) + "..., the fixity block records " +
                                  sm3->second.substr(0, 16) + "..."});
      if (sm3 != sm3_of.end()) sm3_by_sha[ocfl::lower(digest)] = sm3->second;
    }
  }

  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(abs, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    // Plain prefix stripping: fs::relative canonicalises (readlink per component) and dominated
    // the profile on archives of small files.
    std::string r = it->path().string().substr(abs.size() + 1);
    if (it.depth() == 0 && it->path().filename() == "extensions") {
      it.disable_recursion_pending();  // object extensions: not part of the content
      continue;
    }
    if (it->is_directory(ec) || expected.count(r)) continue;
    o.problems.push_back({"extra", o.id, first_component(r).rfind('v', 0) == 0 ? first_component(r) : "",
                          rel + "/" + r, "file that no inventory names"});
  }

  for (auto& [n, v] : inv->versions) {
    VersionDigests vd;
    vd.name = v.name;
    for (auto& [d, paths] : v.state) {
      std::string ld = ocfl::lower(d);
      vd.by_algorithm["sha512"].insert(ld);
      if (auto s = sm3_by_sha.find(ld); s != sm3_by_sha.end()) vd.by_algorithm["sm3"].insert(s->second);
      for (auto& p : paths) {
        vd.sha512_by_path[p] = ld;
        if (auto s = sm3_by_sha.find(ld); s != sm3_by_sha.end()) vd.sm3_by_path[p] = s->second;
      }
    }
    o.versions.push_back(std::move(vd));
  }
  return o;
}

void check_root(const std::string& root, std::vector<Problem>& out, std::vector<std::string>& objects) {
  // The reference: what this gongkai writes into a new root. Comparing byte for byte catches a
  // changed byte in prose files too, which no parser would notice.
  fs::path ref = fs::temp_directory_path() / ("gk-verify-ref-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(ref, ec);
  std::set<std::string> known = {"0=ocfl_1.1", "ocfl_layout.json", "gongkai-local-extensions.md",
                                 std::string("extensions/") + ocfl::kLayout0004 + "/config.json",
                                 "extensions/gongkai-staging/README.txt"};
  if (auto st = ocfl::Store::init(ref.string(), {.durable = false}); st) {
    for (auto& k : known) {
      auto want = read_file(ref.string() + "/" + k);
      auto have = read_file(root + "/" + k);
      if (!have) out.push_back({"missing", "", "", k, "storage root file is missing"});
      else if (want && *have != *want)
        out.push_back({"root", "", "", k, "differs from the file gongkai writes into every storage root (altered)"});
    }
  } else {
    out.push_back({"root", "", "", "", "cannot build the reference root: " + st.error().str()});
  }
  fs::remove_all(ref, ec);

  for (auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_directory()) {
      if (name == "extensions") continue;
      // The object hierarchy: object roots are directories with a declaration or an inventory.
      for (auto it = fs::recursive_directory_iterator(e.path(), ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::string r = it->path().string().substr(root.size() + 1);
        if (it->is_directory()) {
          if (fs::exists(it->path() / "0=ocfl_object_1.1") || fs::exists(it->path() / "inventory.json")) {
            objects.push_back(r);
            it.disable_recursion_pending();
          }
        } else {
          out.push_back({"extra", "", "", r, "file in the object hierarchy outside any object"});
        }
      }
    } else if (!known.count(name)) {
      out.push_back({"extra", "", "", name, "file in the storage root that gongkai does not write"});
    }
  }
  std::string ext = root + "/extensions";
  for (auto& e : fs::directory_iterator(ext, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory()) {
      out.push_back({"extra", "", "", "extensions/" + name, "file in extensions/ (only directories are allowed)"});
      continue;
    }
    std::set<std::string> allowed;
    if (name == ocfl::kLayout0004) allowed = {"config.json"};
    else if (name == "gongkai-audit") allowed = {audit::kLogFile, audit::kHeadsFile};
    else continue;  // staging is scratch; other extensions belong to other tools
    for (auto& f : fs::recursive_directory_iterator(e.path(), ec)) {
      std::string r = fs::relative(f.path(), e.path(), ec).string();
      if (!allowed.count(r)) out.push_back({"extra", "", "", "extensions/" + name + "/" + r, "file this extension does not have"});
    }
  }
  std::sort(objects.begin(), objects.end());
}

}  // namespace detail
}  // namespace gk::verify
