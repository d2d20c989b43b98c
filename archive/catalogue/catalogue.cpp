#include "archive/catalogue/catalogue.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

#include "archive/catalogue/check_stamp.h"
#include "archive/catalogue/internal.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::catalogue {

namespace detail {

std::string resolve(const ocfl::Store& store, const std::string& path) {
  return path.empty() ? default_path(store.root()) : path;
}

// The group part of an order key: created_max (order_key puts it first, before \x1f).
std::string group_of(const std::string& key) { return key.substr(0, key.find('\x1f')); }

using Plan = std::vector<std::tuple<std::string, std::string, int>>;  // key, object id, version

// Appends the planned versions (sorted here) one group per transaction, each group newest first
// (index.h), reading one entry at a time so memory stays small however many versions there are.
// `known` holds inventories the caller already read while planning (kept only for modest plans,
// so memory stays bounded); others are read again here.
Status append_plan(Index& ix, const ocfl::Store& store, Plan plan, int64_t* count = nullptr,
                   const std::map<std::string, ocfl::Inventory>* known = nullptr) {
  std::sort(plan.begin(), plan.end());
  std::string cur_id;
  ocfl::Inventory read;
  const ocfl::Inventory* inv = nullptr;
  for (size_t begin = 0, end = 0; begin < plan.size(); begin = end) {
    const std::string group = group_of(std::get<0>(plan[begin]));
    for (end = begin + 1; end < plan.size() && group_of(std::get<0>(plan[end])) == group;) ++end;
    if (auto s = ix.begin_group(end - begin); !s) return s;
    for (size_t i = end; i-- > begin;) {
      const auto& [key, id, n] = plan[i];
      if (id != cur_id) {
        auto k = known ? known->find(id) : std::map<std::string, ocfl::Inventory>::const_iterator{};
        if (known && k != known->end()) {
          inv = &k->second;
        } else {
          auto got = store.inventory(id);
          if (!got) {
            ix.abort_group();
            return got.error();
          }
          read = std::move(*got);
          inv = &read;
        }
        cur_id = id;
      }
      auto e = read_entry(store, *inv, n);
      if (!e) {
        ix.abort_group();
        return e.error();
      }
      if (auto s = ix.add(*e); !s) return s;
      if (count) ++*count;
    }
    if (auto s = ix.commit_group(); !s) return s;
  }
  return {};
}

// A catalogue kept elsewhere through a symlink (a faster disk) is rebuilt where the link points.
std::string link_target(const std::string& link_or_path) {
  std::error_code ec;
  if (!fs::is_symlink(link_or_path, ec)) return link_or_path;
  fs::path target = fs::read_symlink(link_or_path, ec);
  if (ec) return link_or_path;
  return (target.is_absolute() ? target : fs::path(link_or_path).parent_path() / target).lexically_normal().string();
}

fs::path dir_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

Result<RebuildReport> rebuild_locked(const ocfl::Store& store, const std::string& link_or_path) {
  // A catalogue kept elsewhere through a symlink (a faster disk) is rebuilt where the link points:
  // renaming over the link replaced it with a file and left the target stale, silently.
  std::string path = link_target(link_or_path);
  // Object directories, not Store::list_objects: an object whose inventory cannot be read (damage
  // verify reports) is left out and named (Index::set_unreadable), not the end of every rebuild
  // and so of every search needing one (a black-box review). Its vN copy is no help: the root
  // inventory is a hard link to it.
  auto dirs = scan_store(store);
  if (!dirs) return dirs.error();
  // Keys first (inventories only), then one entry at a time, so memory stays small.
  Plan plan;
  RebuildReport rep;
  std::vector<std::pair<std::string, std::string>> unreadable;
  for (const auto& [dir, head_dirs] : *dirs) {
    (void)head_dirs;
    const std::string where = store.root() + "/" + dir + "/inventory.json";
    auto text = read_file(where);
    auto inv = text ? ocfl::Inventory::from_json(*text, where) : Result<ocfl::Inventory>(text.error());
    if (inv && store.object_path(inv->id) != store.root() + "/" + dir)
      inv = make_error("its id '" + inv->id + "' belongs in another directory", where);
    if (!inv) {
      // A read error other than the file gone (permissions, I/O) may pass: it stays an error.
      if (!text && !is_store_damage(text.error())) return text.error();
      unreadable.emplace_back(dir, "inventory.json: " + inv.error().message);
      continue;
    }
    const std::string id = inv->id;
    ++rep.objects;
    for (const auto& [n, v] : inv->versions) {
      (void)v;
      plan.emplace_back(version_key(*inv, n), id, n);
    }
  }
  std::string tmp = path + ".rebuild-" + std::to_string(::getpid());
  std::error_code ec;
  remove_abandoned_rebuilds(path);
  // Whatever fails (a full disk while creating the file, too), nothing of the scratch file stays.
  auto discard = [&] {
    fs::remove(tmp, ec);
    fs::remove(tmp + "-journal", ec);
  };
  discard();
  {
    auto ix = Index::create(tmp, /*durable=*/false);
    if (!ix) {
      discard();
      return ix.error();
    }
    Status s = append_plan(*ix, store, std::move(plan), &rep.versions);
    if (s) s = ix->set_unreadable(unreadable);
    if (!s) {
      ix = make_error("closed");
      discard();
      return s.error();
    }
  }
  // The file is complete and closed: make it durable, then switch it in atomically.
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  // A journal beside the old file belongs to it: played back into the new one, it would write
  // the old file's pages over it (every page with a valid checksum). Removed first: a reader in
  // between meets the old file, which is being replaced anyway.
  fs::remove(path + "-journal", ec);
  ec.clear();
  fs::rename(tmp, path, ec);
  if (ec) {
    std::string why = ec.message();  // before the clean-up below overwrites ec
    fs::remove(tmp, ec);
    return make_error("cannot replace the catalogue: " + why, path);
  }
  fs::path parent = fs::path(path).parent_path();
  sync_directory(parent.empty() ? "." : parent.string());
  return rep;
}

// Object directories of the store (relative to the root) and the highest vN directory in each.
Result<std::map<std::string, int>> scan_store(const ocfl::Store& store) {
  std::map<std::string, int> out;
  std::error_code ec;
  const std::string& root = store.root();
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return make_error("cannot list storage root: " + ec.message(), root);
    if (!it->is_directory(ec)) continue;
    if (it.depth() == 0 && it->path().filename() == "extensions") {
      it.disable_recursion_pending();
      continue;
    }
    if (!fs::exists(it->path() / "0=ocfl_object_1.1", ec)) continue;
    it.disable_recursion_pending();
    int head = 0;
    for (const auto& c : fs::directory_iterator(it->path(), ec)) {
      std::string name = c.path().filename().string();
      if (name.size() > 1 && name[0] == 'v' && name.find_first_not_of("0123456789", 1) == std::string::npos)
        head = std::max(head, std::stoi(name.substr(1)));
    }
    out[fs::relative(it->path(), root, ec).string()] = head;
  }
  return out;
}

}  // namespace detail

using namespace detail;

std::string default_path(const std::string& ocfl_root) {
  fs::path p = fs::absolute(fs::path(ocfl_root)).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return (p.parent_path() / (p.filename().string() + ".catalogue.sqlite")).string();
}

Status build_file(std::vector<Entry> entries, const std::string& path, bool durable) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  auto ix = Index::create(path, durable);
  if (!ix) return ix.error();
  for (size_t begin = 0, end = 0; begin < entries.size(); begin = end) {
    const std::string group = group_of(entries[begin].key);
    for (end = begin + 1; end < entries.size() && group_of(entries[end].key) == group;) ++end;
    if (auto s = ix->begin_group(end - begin); !s) return s;
    for (size_t i = end; i-- > begin;)  // newest first (index.h)
      if (auto s = ix->add(entries[i]); !s) return s;
    if (auto s = ix->commit_group(); !s) return s;
  }
  return {};
}

Status check_catalogue_path(const ocfl::Store& store, const std::string& path) {
  std::string p = resolve(store, path);
  std::error_code ec;
  if (is_within(p, store.root()))
    return make_error("is inside the storage root; a catalogue goes beside it (the root holds only OCFL content)", p);
  fs::path parent = fs::path(p).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    return make_error("cannot hold a catalogue: directory " + parent.string() + " does not exist", p);
  if (p == default_path(store.root())) return {};
  auto st = fs::status(p, ec);
  if (!fs::exists(st)) return {};
  if (fs::is_directory(st)) return make_error("is a directory, not a catalogue", p);
  if (!fs::is_regular_file(st)) return make_error("is not a regular file; refusing to use it as a catalogue", p);
  std::string head(72, '\0');
  {
    std::ifstream in(p, std::ios::binary);
    if (!in) return make_error(std::string("cannot read: ") + std::strerror(errno), p);
    in.read(head.data(), 72);
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (head.empty()) return {};
  const char* advice = "; refusing to replace it: check the path, or remove the file to have the catalogue built there";
  if (head.size() < 72 || head.compare(0, 16, std::string("SQLite format 3\0", 16)) != 0)
    return make_error(std::string("is not a gongkai catalogue (not an SQLite database)") + advice, p);
  // The header's application_id (bytes 68-71, big-endian): "gkca" for a catalogue.
  if (head.compare(68, 4, "gkca") != 0)
    return make_error(std::string("is an SQLite database of another application, not a gongkai catalogue") + advice, p);
  return {};
}

Result<RebuildReport> rebuild(const ocfl::Store& store, const std::string& path) {
  std::string p = resolve(store, path);
  if (auto s = check_catalogue_path(store, p); !s) return s.error();
  WriteLock lock(p);
  if (!lock.ok()) return lock.error();
  return rebuild_locked(store, p);
}

Status index_versions(const ocfl::Store& store, const std::vector<std::pair<std::string, int>>& object_versions,
                      const std::string& path) {
  std::string p = resolve(store, path);
  WriteLock lock(p);
  if (!lock.ok()) return lock.error();
  remove_abandoned_rebuilds(p);
  std::error_code ec;
  if (!fs::exists(p, ec)) return rebuild_locked(store, p).status();
  auto ix = Index::open(p, /*writable=*/true, /*check=*/false);
  if (!ix) {
    if (ix.error().message.rfind("damaged: ", 0) == 0) return rebuild_locked(store, p).status();
    return ix.error();
  }
  // Wanted: every version up to the one named that the catalogue lacks.
  std::map<std::string, int> want;
  for (const auto& [id, n] : object_versions) want[id] = std::max(want[id], n);
  std::string last = ix->last_key();
  Plan plan;
  std::map<std::string, ocfl::Inventory> known;  // read once for planning and for the entries
  constexpr size_t kKeepInventories = 20000;       // beyond this, entries read them again
  for (const auto& [id, n] : want) {
    std::string full = store.object_path(id);
    std::string dir = full.substr(std::min(full.size(), store.root().size() + 1));
    int have = ix->head_of(dir);
    if (have >= n) {
      // Indexed already, unless the store was restored from a backup and written again: other
      // content under the same version number. Then only a rebuild is right.
      auto inv = store.inventory(id);
      if (!inv) return inv.error();
      if (ix->identity_of(id, n) == version_identity(*inv, n)) continue;
      ix = make_error("closed before the rebuild replaces the file");
      return rebuild_locked(store, p).status();
    }
    auto inv = store.inventory(id);
    if (!inv) return inv.error();
    if (have > 0 && ix->identity_of(id, have) != version_identity(*inv, have)) {
      ix = make_error("closed before the rebuild replaces the file");
      return rebuild_locked(store, p).status();
    }
    for (int k = have + 1; k <= n; ++k) {
      if (!inv->versions.count(k)) return make_error("object '" + id + "' has no version v" + std::to_string(k));
      plan.emplace_back(version_key(*inv, k), id, k);
    }
    if (want.size() <= kKeepInventories) known.emplace(id, std::move(*inv));
  }
  if (plan.empty()) return {};
  // New groups must start after the last one in the file: a version sorting before it, or one
  // continuing its group (same created time), can only be placed by a rebuild with the same bytes.
  auto first = std::min_element(plan.begin(), plan.end());
  if (!last.empty() && group_of(std::get<0>(*first)) <= group_of(last)) {
    ix = make_error("closed before the rebuild replaces the file");
    return rebuild_locked(store, p).status();
  }
  return append_plan(*ix, store, std::move(plan), nullptr, &known);
}

CatalogueTail catalogue_tail(const ocfl::Store& store, const std::string& path) {
  std::string p = resolve(store, path);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return {};
  auto ix = Index::open(p, /*writable=*/false, /*check=*/false);
  if (!ix) return {};
  std::string key = ix->last_key();  // "%015lld" of epoch + 1e11, then \x1f (order_key)
  auto count = ix->version_count();
  if (key.size() < 15 || key.find_first_not_of("0123456789") < 15 || !count) return {};
  return {std::stoll(key.substr(0, 15)) - 100000000000LL, *count};
}

std::string damage_notice(const Index& ix, const std::string& ocfl_root) {
  std::string left_out;
  if (auto u = ix.unreadable_objects(); u && !u->empty()) {
    left_out = "warning: " + std::to_string(u->size()) + " object(s) of the store are not searchable, their inventory "
               "unreadable: ";
    for (size_t i = 0; i < u->size() && i < 3; ++i) left_out += (i ? "; " : "") + (*u)[i].first + " (" + (*u)[i].second + ")";
    if (u->size() > 3) left_out += "; and " + std::to_string(u->size() - 3) + " more";
    left_out += ". `gongkai archive verify " + ocfl_root + "` names the damage; restore it from a backup";
  }
  auto d = ix.damaged_versions();
  if (!d || d->empty()) return left_out;
  const size_t n = d->size();
  std::string out = "warning: " + std::to_string(n) + (n == 1 ? " version is" : " versions are") +
                    " damaged in the store and indexed from the files that could be read (searches find "
                    "what those say, and a version without its metadata.json not at all): ";
  for (size_t i = 0; i < n && i < 3; ++i)
    out += (i ? "; " : "") + (*d)[i].object_id + " v" + std::to_string((*d)[i].version) + " (" + (*d)[i].damage + ")";
  if (n > 3) out += "; and " + std::to_string(n - 3) + " more";
  out += ". `gongkai archive verify " + ocfl_root + "` names the damage; restore the files from a backup, then run `gongkai archive reindex " + ocfl_root + "`";
  return left_out.empty() ? out : left_out + "\ngongkai: " + out;
}

namespace {
Result<Index> open_checked_unnoted(const ocfl::Store& store, const std::string& path, OpenReport& report);
}  // namespace

Result<Index> open_checked(const ocfl::Store& store, const std::string& path, OpenReport& report) {
  auto ix = open_checked_unnoted(store, path, report);
  if (ix)
    if (std::string n = damage_notice(*ix, store.root()); !n.empty()) report.notices.push_back(n);
  return ix;
}

namespace {

Result<Index> open_checked_unnoted(const ocfl::Store& store, const std::string& path, OpenReport& report) {
  std::string p = resolve(store, path);
  if (auto s = check_catalogue_path(store, p); !s) return s.error();
  if (std::error_code ec; fs::is_directory(p, ec))  // at the default path (elsewhere refused above)
    return make_error("is a directory where the catalogue belongs; remove it to have the catalogue built there", p);
  std::error_code ec;
  // A reader that must repair the catalogue but cannot write it (a read-only directory, a lock it
  // cannot take) fails, saying what to do, rather than answer from a catalogue it cannot trust.
  auto cannot_write = [&](const Error& e) {
    // Read-only media: the catalogue can only be built elsewhere.
    const bool dir_writable = ::access(dir_of(p).c_str(), W_OK) == 0;
    std::string how = dir_writable ? "`gongkai archive reindex " + store.root() +
                                         (p == default_path(store.root()) ? std::string() : " --catalogue " + p) +
                                         "` rebuilds it where it can be written"
                                   : "its directory is not writable: `gongkai archive reindex " + store.root() +
                                         " --catalogue FILE` builds one in a FILE that can be written, for searches with "
                                         "--catalogue FILE";
    return Error{e.file, e.line,
                 e.message + " (the catalogue must be brought up to date before it can answer, and that failed; " + how +
                     ", `gongkai archive verify " + store.root() + "` names damage in the store)"};
  };
  auto rebuild_with = [&](const std::string& why) -> Result<Index> {
    report.notices.push_back(why);
    auto r = rebuild(store, p);
    if (!r) return cannot_write(r.error());
    return Index::open(p, false, false);
  };
  if (!fs::exists(p, ec)) return rebuild_with("catalogue " + p + " is missing; building it from the store");
  // A writer killed mid-commit: undo its half-written transaction (when this process may write).
  (void)Index::roll_back_hot_journal(p);
  // Read before checking: a commit while the check runs leaves the stamp stale, never fresh.
  const Observed before = observe(store, p);
  const bool unchanged = stamp_matches(p, before);
  report.full_check = !unchanged;
  auto ix = Index::open(p, /*writable=*/false, /*check=*/!unchanged);
  if (!ix) {
    const std::string& m = ix.error().message;
    if (m.rfind("damaged: ", 0) != 0) return ix.error();
    if (m.rfind(std::string("damaged: ") + kOtherFormat, 0) == 0)
      return rebuild_with("catalogue " + p + " was " + m.substr(9) + "; rebuilding it from the store");
    return rebuild_with("catalogue " + p + " is damaged (" + m.substr(9) + "); rebuilding it from the store");
  }
  if (unchanged) return ix;
  auto objs = ix->objects();
  if (!objs) return rebuild_with("catalogue " + p + " is damaged (" + objs.error().message + "); rebuilding it from the store");
  auto scan = scan_store(store);
  if (!scan) return scan.error();
  std::vector<std::pair<std::string, int>> missing;
  for (const auto& [dir, st] : *objs) {
    auto it = scan->find(dir);
    // Fewer vN directories than the catalogue's head: a store rolled back, unless the object's
    // inventory still names that head (its version directory removed: damage, which the catalogue
    // holds already; rebuilding on every search changed nothing: a black-box review).
    auto inventory_head = [&]() {
      auto text = read_file(store.root() + "/" + dir + "/inventory.json");
      auto inv = text ? ocfl::Inventory::from_json(*text, dir + "/inventory.json") : Result<ocfl::Inventory>(text.error());
      return inv ? inv->head_number() : 0;
    };
    if (it == scan->end() || (it->second < st.head && inventory_head() != st.head))
      return rebuild_with("catalogue " + p + " lists versions the store does not have; rebuilding it from the store");
    // Same directories and heads, other contents (a catalogue of another store, an object put
    // back from a backup): the head's inventory is not the one indexed.
    if (it->second == st.head && !st.inventory.empty()) {
      std::string algorithm = st.inventory.substr(0, st.inventory.find(':'));
      if (inventory_digest_of(store.root() + "/" + dir, algorithm) != st.inventory)
        return rebuild_with("catalogue " + p + " does not match the store (the inventory of " + dir +
                            " is not the one indexed); rebuilding it from the store");
    }
  }
  auto unreadable = ix->unreadable_objects();
  if (!unreadable) return rebuild_with("catalogue " + p + " is damaged (" + unreadable.error().message + "); rebuilding it from the store");
  const std::map<std::string, std::string> left_out(unreadable->begin(), unreadable->end());
  for (const auto& [dir, head_dirs] : *scan) {
    auto it = objs->find(dir);
    int have = it == objs->end() ? 0 : it->second.head;
    if (head_dirs <= have) continue;
    // A vN directory may belong to a commit in progress: the inventory says what is committed.
    auto text = read_file(store.root() + "/" + dir + "/inventory.json");
    auto inv = text ? ocfl::Inventory::from_json(*text, store.root() + "/" + dir + "/inventory.json") : Result<ocfl::Inventory>(text.error());
    const bool was_left_out = left_out.count(dir) > 0;
    if (inv && was_left_out)  // restored: its versions go back in
      return rebuild_with("catalogue " + p + " left out " + dir + " (its inventory could not be read), which reads now; rebuilding it from the store");
    if (!inv && was_left_out) continue;  // still unreadable: named in every answer
    if (!inv && (text || is_store_damage(text.error())))
      return rebuild_with("catalogue " + p + " cannot index " + dir + " (" + inv.error().message +
                          "); rebuilding it from the store without it");
    if (!inv) return inv.error();
    if (inv->head_number() > have) missing.emplace_back(inv->id, inv->head_number());
  }
  if (missing.empty()) {
    write_stamp(p, before);
    return ix;
  }
  auto dir_of_object = [&](const std::string& id) {  // as the objects table names it
    std::string full = store.object_path(id);
    return full.substr(std::min(full.size(), store.root().size() + 1));
  };
  {
    // A writer between its commit and its catalogue update holds the writers' lock meanwhile:
    // wait for it and look again, so a search beside a clerk publishing neither announces nor
    // redoes what that writer is doing.
    { detail::WriteLock wait_for_writer(p); }
    auto now = Index::open(p, /*writable=*/false, /*check=*/false);
    auto now_objs = now ? now->objects() : decltype(objs)(now.error());
    if (now_objs) {
      std::erase_if(missing, [&](const std::pair<std::string, int>& m) {
        auto it = now_objs->find(dir_of_object(m.first));
        return it != now_objs->end() && it->second.head >= m.second;
      });
      if (missing.empty()) return now;
      objs = std::move(now_objs);
    }
  }
  int64_t count = 0;
  for (const auto& m : missing) {
    std::string dir = dir_of_object(m.first);
    count += m.second - (objs->count(dir) ? objs->at(dir).head : 0);
  }
  report.notices.push_back("catalogue " + p + " is older than the store (" + std::to_string(count) +
                           (count == 1 ? " version" : " versions") + " not indexed); updating it");
  ix = make_error("closed before updating");
  if (auto s = index_versions(store, missing, p); !s) return cannot_write(s.error());
  return Index::open(p, false, false);
}

}  // namespace

}  // namespace gk::catalogue
