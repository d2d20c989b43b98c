// Store writers. A commit runs in phases, each ended by a durability barrier:
//   1 stage: every new version (and, for a new object, the whole object) is written under the
//     writer's txn directory, plus the final root inventory and sidecar for existing objects;
//     then journal.json names the objects and heads involved. Barrier.
//   2 move: each new version directory is renamed into its object (a new object directory is
//     renamed into place whole, root inventory included). Barrier. From here recovery rolls
//     forward: a version directory inside an object is complete by construction.
//   3 switch: the root inventory, then its sidecar, are replaced by rename. Barrier.
// Only then are the versions reported as committed.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/rules.h"
#include "archive/ocfl/store.h"
#include "archive/ocfl/store_internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::ocfl {
namespace {

Status check_input(const NewVersion& nv) {
  const std::string& id = nv.object_id;
  if (id.empty()) return make_error("object id is empty");
  if (id.find('\0') != std::string::npos || !valid_utf8(id)) return make_error("object id must be UTF-8 without NUL");
  const VersionMeta& m = nv.meta;
  if (!m.created.empty() && !is_rfc3339(m.created))
    return make_error("created '" + m.created + "' is not RFC 3339 with an offset, to seconds");
  for (const std::string* s : {&m.message, &m.user_name, &m.user_address})
    if (!valid_utf8(*s) || s->find('\0') != std::string::npos) return make_error("version metadata must be UTF-8 without NUL");
  if (!m.user_address.empty() && !is_uri(m.user_address))
    return make_error("user address '" + m.user_address + "' is not a URI (e.g. mailto:name@example.org)");
  std::vector<std::string> paths;
  for (const auto& f : nv.files) {
    const std::string& p = f.logical_path;
    if (p.find('\0') != std::string::npos || !valid_utf8(p)) return make_error("logical path must be UTF-8 without NUL: " + p);
    if (check_path(p) != PathProblem::none)
      return make_error("invalid logical path '" + p + "' (empty, '.', '..' or '//' elements, or leading/trailing '/')");
    size_t start = 0;
    while (start < p.size()) {
      size_t end = p.find('/', start);
      if (end == std::string::npos) end = p.size();
      if (end - start > 255) return make_error("logical path element longer than 255 bytes: " + p);
      start = end + 1;
    }
    paths.push_back(p);
  }
  auto conflicts = path_conflicts(paths);
  if (!conflicts.empty()) return make_error("logical paths conflict: " + conflicts.front());
  return {};
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Copies a source file to `dest` while hashing it.
Status copy_hashing(const std::string& src, const std::string& dest, std::string& sha512, std::string& sm3) {
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return make_error("cannot read: " + fsx::errno_text(errno), src);
  int out = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return make_error("cannot create: " + fsx::errno_text(errno), dest);
  }
  MultiDigest md({"sha512", "sm3"});
  std::string buf(1 << 20, '\0');
  Status s;
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s = make_error("read error: " + fsx::errno_text(errno), src);
      break;
    }
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    md.update(chunk);
    if (s = fsx::write_all(out, chunk, dest); !s) break;
  }
  ::close(in);
  if (::close(out) != 0 && s) s = make_error("close failed: " + fsx::errno_text(errno), dest);
  auto d = md.finish();
  sha512 = d["sha512"];
  sm3 = d["sm3"];
  return s;
}

struct StagedObject {
  std::string id;
  std::string rel;        // layout path
  std::string obj_dir;    // final location
  std::string stage_dir;  // under the txn
  bool is_new = false;
  int old_head = 0;
  Inventory inv;
  std::vector<int> new_versions;
};

Status write_inventory_pair(const std::string& dir, const std::string& json) {
  if (auto s = fsx::write_new_file(dir + "/inventory.json", json); !s) return s;
  return fsx::write_new_file(dir + "/inventory.json.sha512", detail::sidecar_for(json));
}

// The root inventory is byte-identical to the newest version's (OCFL 3.5.1), so it is a hard link
// to it: two fewer inodes and data blocks per commit. Safe because nothing here ever writes a file
// in place (a later commit renames a new root inventory over the link, leaving the version's
// intact). Where links are not supported, a copy is written.
Status root_inventory_pair(const StagedObject& so) {
  std::string vdir = so.stage_dir + "/" + version_name(so.new_versions.back());
  for (const char* name : {"/inventory.json", "/inventory.json.sha512"})
    if (::link((vdir + name).c_str(), (so.stage_dir + name).c_str()) != 0) {
      for (const char* made : {"/inventory.json", "/inventory.json.sha512"}) ::unlink((so.stage_dir + made).c_str());
      return write_inventory_pair(so.stage_dir, so.inv.to_json());
    }
  return {};
}

Result<VersionInfo> stage_version(StagedObject& so, const NewVersion& nv) {
  Inventory& inv = so.inv;
  int n = inv.head_number() + 1;
  if (nv.expected_number > 0 && n != nv.expected_number)
    return make_error("object '" + so.id + "' " + kConcurrentChange + ": expected to add " + version_name(nv.expected_number) +
                      " but the next version is " + version_name(n));
  Version v;
  v.name = version_name(n);
  v.created = nv.meta.created.empty() ? now_utc() : nv.meta.created;
  v.message = nv.meta.message;
  if (!nv.meta.user_name.empty()) {
    User u;
    u.name = nv.meta.user_name;
    if (!nv.meta.user_address.empty()) u.address = nv.meta.user_address;
    v.user = u;
  }
  std::string vdir = so.stage_dir + "/" + v.name;
  if (auto s = fsx::make_dir(vdir); !s) return s.error();
  VersionInfo info{so.id, v.name, n, so.obj_dir, 0, 0};
  std::set<std::string> made_dirs;
  for (const auto& f : nv.files) {
    std::string rel = v.name + "/content/" + f.logical_path;
    std::string dest = so.stage_dir + "/" + rel;
    std::string parent = fs::path(dest).parent_path().string();
    std::string sha512, sm3;
    bool written = false;
    if (f.source_path.empty() && f.sha512.size() == 128 && f.sm3.size() == 64) {
      sha512 = f.sha512;
      sm3 = f.sm3;
    } else if (f.source_path.empty()) {
      MultiDigest md({"sha512", "sm3"});
      md.update(f.bytes);
      auto d = md.finish();
      sha512 = d["sha512"];
      sm3 = d["sm3"];
    }
    bool known = inv.manifest.count(sha512) > 0;
    if (!f.source_path.empty() || !known) {
      if (made_dirs.insert(parent).second)
        if (auto s = fsx::make_dirs(parent); !s) return s.error();
      if (f.source_path.empty()) {
        if (auto s = fsx::write_new_file(dest, f.bytes); !s) return s.error();
      } else {
        if (auto s = copy_hashing(f.source_path, dest, sha512, sm3); !s) return s.error();
        known = inv.manifest.count(sha512) > 0;
        if (known) ::unlink(dest.c_str());  // content already in the object
      }
      written = !known;
    }
    if (written) {
      inv.manifest[sha512].push_back(rel);
      inv.fixity["sm3"][sm3].push_back(rel);
      ++info.files_stored;
    } else {
      ++info.files_deduplicated;
    }
    v.state[sha512].push_back(f.logical_path);
  }
  // A file copied and then found to be a duplicate may leave empty directories behind.
  for (auto it = made_dirs.rbegin(); it != made_dirs.rend(); ++it)
    fsx::remove_empty_parents(*it, vdir);
  inv.versions[n] = std::move(v);
  inv.head = version_name(n);
  if (auto s = write_inventory_pair(vdir, inv.to_json()); !s) return s.error();
  so.new_versions.push_back(n);
  return info;
}

Status write_journal(const std::string& txn_dir, const std::vector<StagedObject>& objs) {
  Json::Array entries;
  for (const auto& o : objs) {
    Json::Object e;
    e["path"] = o.rel;
    e["id"] = o.id;
    e["old_head"] = static_cast<double>(o.old_head);
    e["new_head"] = static_cast<double>(o.inv.head_number());
    e["new_object"] = o.is_new;
    entries.push_back(Json(std::move(e)));
  }
  return fsx::write_new_file(txn_dir + "/journal.json", write_json(Json(std::move(entries))));
}

}  // namespace

Result<VersionInfo> Store::add_version(const std::string& object_id, const std::vector<NewFile>& files,
                                       const VersionMeta& meta) {
  auto r = add_versions({NewVersion{object_id, files, meta}});
  if (!r) return r.error();
  return r->front();
}

Result<std::vector<VersionInfo>> Store::add_versions(const std::vector<NewVersion>& batch) {
  if (options_.read_only) return make_error("no version was added: the storage root was opened read-only", root_);
  for (const auto& nv : batch)
    if (auto s = check_input(nv); !s) return s.error();
  if (batch.empty()) return std::vector<VersionInfo>{};

  auto txn = detail::Txn::begin(root_);
  if (!txn) return txn.error();
  // Objects in order of first appearance; stripe locks in sorted order (no deadlock).
  std::vector<StagedObject> objs;
  std::map<std::string, size_t> index;
  std::set<std::string> stripes;
  for (const auto& nv : batch) {
    if (index.count(nv.object_id)) continue;
    index[nv.object_id] = objs.size();
    StagedObject so;
    so.id = nv.object_id;
    so.rel = layout_.object_path(nv.object_id);
    so.obj_dir = root_ + "/" + so.rel;
    so.stage_dir = txn->dir + "/o" + std::to_string(objs.size());
    stripes.insert(detail::stripe_lock_path(root_, so.rel));
    objs.push_back(std::move(so));
  }
  std::vector<fsx::FileLock> locks;
  for (const auto& path : stripes) {
    auto l = fsx::FileLock::acquire(path, true, true);
    if (!l) {
      txn->discard();
      return l.error();
    }
    locks.push_back(std::move(*l));
  }

  auto fail = [&](const Error& e) -> Result<std::vector<VersionInfo>> {
    txn->discard();
    return make_error("no version was added: " + e.message, e.file, e.line);
  };

  // Phase 1: stage.
  RecoveryReport pre;
  for (auto& so : objs) {
    std::optional<Inventory> current;
    if (auto s = detail::recover_object(root_, so.obj_dir, txn->dir, options_.durable, pre, &current); !s)
      return fail(s.error());
    so.is_new = !current && !fs::exists(so.obj_dir + "/inventory.json");
    if (current) {
      if (current->id != so.id) return fail(make_error("object directory holds id '" + current->id + "'", so.obj_dir));
      if (current->digest_algorithm != "sha512") return fail(make_error("object does not use sha512", so.obj_dir));
      so.inv = std::move(*current);
      so.old_head = so.inv.head_number();
    } else if (!so.is_new) {
      auto text = gk::read_file(so.obj_dir + "/inventory.json");
      if (!text) return fail(text.error());
      auto inv = Inventory::from_json(*text, so.obj_dir + "/inventory.json");
      if (!inv) return fail(inv.error());
      if (inv->id != so.id) return fail(make_error("object directory holds id '" + inv->id + "'", so.obj_dir));
      if (inv->digest_algorithm != "sha512") return fail(make_error("object does not use sha512", so.obj_dir));
      so.inv = std::move(*inv);
      so.old_head = so.inv.head_number();
    } else {
      so.inv.id = so.id;
    }
    if (auto s = fsx::make_dir(so.stage_dir); !s) return fail(s.error());
  }
  std::vector<VersionInfo> infos;
  for (const auto& nv : batch) {
    auto info = stage_version(objs[index[nv.object_id]], nv);
    if (!info) return fail(info.error());
    infos.push_back(*info);
  }
  for (auto& so : objs) {
    if (auto s = root_inventory_pair(so); !s) return fail(s.error());
    if (so.is_new)
      if (auto s = fsx::write_new_file(so.stage_dir + "/" + detail::kObjectDeclaration, "ocfl_object_1.1\n"); !s)
        return fail(s.error());
  }
  if (auto s = write_journal(txn->dir, objs); !s) return fail(s.error());
  if (auto s = detail::barrier(root_, options_.durable); !s) return fail(s.error());
  const Error crash = make_error("simulated crash (test hook)");
  if (fsx::crash_point() == 1) return crash;

  // Phases 2 and 3: move, then switch heads. A failure here is finished by recovery.
  Status failure;
  for (auto& so : objs) {
    if (so.is_new) {
      std::string parent = fs::path(so.obj_dir).parent_path().string();
      if (failure = fsx::make_dirs(parent); !failure) break;
      if (failure = fsx::rename_path(so.stage_dir, so.obj_dir); !failure) {
        fsx::remove_empty_parents(parent, root_);
        break;
      }
      if (fsx::crash_point() == 4) return crash;  // after the first object of phase 2
    } else {
      for (int n : so.new_versions) {
        std::string v = version_name(n);
        if (failure = fsx::rename_path(so.stage_dir + "/" + v, so.obj_dir + "/" + v); !failure) break;
      }
      if (!failure) break;
      if (fsx::crash_point() == 4) return crash;  // after the first object of phase 2
    }
  }
  if (failure) failure = detail::barrier(root_, options_.durable);
  if (failure && fsx::crash_point() == 2) return crash;
  if (failure) {
    for (auto& so : objs) {
      if (so.is_new) continue;
      if (failure = fsx::rename_path(so.stage_dir + "/inventory.json", so.obj_dir + "/inventory.json"); !failure) break;
      if (fsx::crash_point() == 3) return crash;
      if (failure = fsx::rename_path(so.stage_dir + "/inventory.json.sha512", so.obj_dir + "/inventory.json.sha512"); !failure)
        break;
    }
  }
  if (failure) failure = detail::barrier(root_, options_.durable);
  if (!failure) {
    // Finish what can be finished now; if that fails too, the journal stays for the next open.
    RecoveryReport rep;
    bool recovered = true;
    for (auto& so : objs)
      recovered = detail::recover_object(root_, so.obj_dir, txn->dir, options_.durable, rep).is_ok() && recovered;
    std::string msg = "commit interrupted: " + failure.error().message;
    if (!rep.actions.empty()) msg += "; recovery: " + rep.str();
    msg += " Versions moved into their objects are committed; the others were not added.";
    if (recovered) txn->discard();
    return make_error(msg, failure.error().file);
  }
  txn->discard();
  return infos;
}

}  // namespace gk::ocfl
