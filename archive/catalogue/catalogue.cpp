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
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::catalogue {

namespace {

// Exclusive lock on "<path>.lock" for writers of one catalogue (threads and processes).
class WriteLock {
 public:
  explicit WriteLock(const std::string& path, bool wait = true) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) why_ = std::strerror(errno);
    else if (::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) why_ = std::strerror(errno), ::close(fd_), fd_ = -1;
  }
  ~WriteLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  Error error(const std::string& path) const { return Error{path + ".lock", 0, "cannot lock the catalogue: " + why_}; }

 private:
  int fd_ = -1;
  std::string why_;
};

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

// Whether `fd` is the file now at `path` (a lock file may be removed by its holder).
bool is_file_at(int fd, const std::string& path) {
  struct stat held {}, named {};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}

// Whether `rest` (a file name after "<name>.check-<pid>") is one of a check's files: the scratch
// catalogue itself, its journal, its lock, or its rebuild's scratch file and journal.
bool is_check_suffix(std::string_view rest) {
  if (rest.empty() || rest == "-journal" || rest == ".lock") return true;
  if (rest.rfind(".rebuild-", 0) != 0) return false;
  rest.remove_prefix(9);
  if (rest.size() > 8 && rest.compare(rest.size() - 8, 8, "-journal") == 0) rest.remove_suffix(8);
  return !rest.empty() && rest.find_first_not_of("0123456789") == std::string_view::npos;
}

// Scratch files of `reindex --check` runs whose process died, in `dir`, of the catalogue named
// `name`: "<name>.check-<pid>" and what its rebuild left ("-journal", ".rebuild-<pid>"). A live
// check holds "<name>.check-<pid>.lock" (ScratchLock) from before its first file until after its
// last. The cleaner takes that lock itself (making the file when it is missing: a check of an
// earlier gongkai), so a check starting meanwhile waits for it; a lock it cannot open or take is
// someone else's business.
void remove_abandoned_checks(const fs::path& dir, const std::string& name) {
  const std::string prefix = name + ".check-";
  std::map<std::string, std::vector<fs::path>> by_base;  // "<name>.check-<pid>" -> its files
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string f = e.path().filename().string();
    if (f.rfind(prefix, 0) != 0) continue;
    size_t end = f.find_first_not_of("0123456789", prefix.size());
    if (end == prefix.size()) continue;
    if (end == std::string::npos) end = f.size();
    if (!is_check_suffix(std::string_view(f).substr(end))) continue;  // a user's cat.sqlite.check-2024.txt
    by_base[f.substr(0, end)].push_back(e.path());
  }
  for (const auto& [base, files] : by_base) {
    std::string lock = (dir / (base + ".lock")).string();
    int fd = ::open(lock.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !is_file_at(fd, lock)) {
      ::close(fd);  // a check at work, or a lock file just removed (its check finished)
      continue;
    }
    for (const auto& f : files)
      if (f.filename() != base + ".lock") fs::remove(f, ec);
    fs::remove(lock, ec);  // while holding it: a check starting now locks a new file (ScratchLock)
    ::close(fd);
  }
}

// Scratch files of rebuilds that died (killed, power cut): every rebuild holds the write lock the
// caller holds, so none of them is in use, and each may be as large as the catalogue. Every
// writer removes them, not only the next rebuild; beside a symlinked catalogue's target too, where
// its rebuilds work. Abandoned check scratch files go as well (they are locked while in use).
void remove_abandoned_rebuilds(const std::string& path) {
  std::error_code ec;
  std::string target = link_target(path);
  for (const std::string& p : target == path ? std::vector<std::string>{path} : std::vector<std::string>{path, target}) {
    const std::string name = fs::path(p).filename().string();
    const std::string stale = name + ".rebuild-";
    for (const auto& e : fs::directory_iterator(dir_of(p), ec))
      if (e.path().filename().string().rfind(stale, 0) == 0) fs::remove(e.path(), ec);
    remove_abandoned_checks(dir_of(p), name);
  }
}

// Exclusive lock of a check's scratch files, "<scratch>.lock", taken before they exist and given
// up (the file removed) after they are gone. The lock file may be removed by a cleaner between
// our open and our lock (remove_abandoned_checks), so the lock counts only on the file still at
// that path.
class ScratchLock {
 public:
  explicit ScratchLock(std::string scratch) : path_(std::move(scratch) + ".lock") {
    for (int tries = 0; tries < 100 && fd_ < 0; ++tries) {
      int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) {
        why_ = std::strerror(errno);
        return;
      }
      if (::flock(fd, LOCK_EX) == 0 && is_file_at(fd, path_))
        fd_ = fd;
      else
        ::close(fd);
    }
    if (fd_ < 0 && why_.empty()) why_ = "the lock file keeps being removed";
  }
  ~ScratchLock() {
    if (fd_ < 0) return;
    std::error_code ec;
    fs::remove(path_, ec);
    ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  Error error() const { return Error{path_, 0, "cannot lock the check's scratch file: " + why_}; }

 private:
  std::string path_;
  int fd_ = -1;
  std::string why_;
};

// Whether two files hold the same bytes, read in blocks (a catalogue can be gigabytes).
Result<bool> same_bytes(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  if (!fa) return make_error("cannot read the catalogue", a);
  if (!fb) return make_error("cannot read the rebuilt catalogue", b);
  std::vector<char> x(1 << 20), y(1 << 20);
  while (true) {
    fa.read(x.data(), static_cast<std::streamsize>(x.size()));
    fb.read(y.data(), static_cast<std::streamsize>(y.size()));
    if (fa.bad()) return make_error("read error", a);
    if (fb.bad()) return make_error("read error", b);
    if (fa.gcount() != fb.gcount() || !std::equal(x.begin(), x.begin() + fa.gcount(), y.begin())) return false;
    if (fa.gcount() == 0) return true;
  }
}

Result<RebuildReport> rebuild_locked(const ocfl::Store& store, const std::string& link_or_path) {
  // A catalogue kept elsewhere through a symlink (a faster disk) is rebuilt where the link points:
  // renaming over the link replaced it with a file and left the target stale, silently.
  std::string path = link_target(link_or_path);
  auto ids = store.list_objects();
  if (!ids) return ids.error();
  // Keys first (inventories only), then one entry at a time, so memory stays small.
  Plan plan;
  RebuildReport rep;
  for (const auto& id : *ids) {
    auto inv = store.inventory(id);
    if (!inv) return inv.error();
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
    if (auto s = append_plan(*ix, store, std::move(plan), &rep.versions); !s) {
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

}  // namespace

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
  if (!lock.ok()) return lock.error(p);
  return rebuild_locked(store, p);
}

namespace {
// What tells one state of the catalogue file from another: a writer replaces it (rebuild) or
// changes it in place (append).
// SQLite's file change counter (header bytes 24-27) too: mtime may not tick between two writes.
std::tuple<dev_t, ino_t, off_t, int64_t, int64_t, std::string> file_state(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  std::string counter(4, '\0');
  std::ifstream in(path, std::ios::binary);
  in.seekg(24);
  in.read(counter.data(), 4);
  return {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, counter};
}

// Why a catalogue differs, when it can be told: another format, damage, or versions the store has
// that it lacks (a writer between its commit and its catalogue update: a batch updates the
// catalogue once at its end; or a writer that stopped in between).
std::string reason_of_difference(const std::string& path, int64_t rebuilt_versions) {
  auto ix = Index::open(path, /*writable=*/false, /*check=*/false);
  if (ix) {
    auto n = ix->version_count();
    if (n && *n < rebuilt_versions) {
      int64_t k = rebuilt_versions - *n;
      return "it lacks " + std::to_string(k) + (k == 1 ? " version" : " versions") +
             " of the store: not indexed yet, by a writer at work or one that stopped before indexing";
    }
    return "";
  }
  const std::string& m = ix.error().message;
  if (m.rfind("damaged: ", 0) == 0) {
    std::string rest = m.substr(9);
    return rest.rfind(kOtherFormat, 0) == 0 ? "it was " + rest : "it is damaged: " + rest;
  }
  return m;
}
}  // namespace

Result<CheckReport> check_rebuild(const ocfl::Store& store, const std::string& path_in,
                                  const std::function<void()>& after_rebuild) {
  std::string path = resolve(store, path_in);
  fs::path dir = dir_of(path);
  if (::access(dir.c_str(), W_OK) != 0) dir = fs::temp_directory_path();
  const std::string name = fs::path(path).filename().string();
  remove_abandoned_checks(dir, name);
  {  // a killed reindex's scratch file too, when no writer is at work (it holds the lock)
    WriteLock idle(path, /*wait=*/false);
    if (idle.ok()) remove_abandoned_rebuilds(path);
  }
  std::string scratch = (dir / (name + ".check-" + std::to_string(::getpid()))).string();
  ScratchLock lock(scratch);
  if (!lock.ok()) return lock.error();
  std::error_code ec;
  auto discard = [&] {
    fs::remove(scratch, ec);
    fs::remove(scratch + "-journal", ec);
  };
  // Writers are not held off (a check at 100k takes minutes): when the catalogue or the store
  // changed while it was checked, the check goes again; a difference is reported only when
  // neither did.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    const auto before = file_state(path);
    auto store_before = scan_store(store);  // object directories and heads
    if (!store_before) return store_before.error();
    auto r = rebuild_locked(store, scratch);  // its own files are removed by it on failure
    if (!r) {
      discard();
      return r.error();
    }
    if (after_rebuild) after_rebuild();
    auto same = same_bytes(path, scratch);
    discard();
    if (!same) return same.error();
    if (*same) return CheckReport{true, r->versions, ""};
    { WriteLock wait_for_writer(path); }  // one between its commit and its catalogue update
    auto store_after = scan_store(store);
    if (!store_after) return store_after.error();
    if (file_state(path) == before && *store_after == *store_before)
      return CheckReport{false, r->versions, reason_of_difference(path, r->versions)};
    if (attempt == kAttempts)
      return make_error("changed during each of " + std::to_string(kAttempts) +
                            " checks (writers at work); run the check again when the archive is quiet",
                        path);
  }
}

Status index_versions(const ocfl::Store& store, const std::vector<std::pair<std::string, int>>& object_versions,
                      const std::string& path) {
  std::string p = resolve(store, path);
  WriteLock lock(p);
  if (!lock.ok()) return lock.error(p);
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

Result<Index> open_checked(const ocfl::Store& store, const std::string& path, OpenReport& report) {
  std::string p = resolve(store, path);
  if (auto s = check_catalogue_path(store, p); !s) return s.error();
  if (std::error_code ec; fs::is_directory(p, ec))  // at the default path (elsewhere refused above)
    return make_error("is a directory where the catalogue belongs; remove it to have the catalogue built there", p);
  std::error_code ec;
  // A reader that must repair the catalogue but cannot write it (a read-only directory, a lock it
  // cannot take) fails, saying what to do, rather than answer from a catalogue it cannot trust.
  auto cannot_write = [&](const Error& e) {
    return Error{e.file, e.line,
                 e.message + " (the catalogue must be brought up to date before it can answer, and that failed; "
                             "`gongkai archive reindex " + store.root() +
                             (p == default_path(store.root()) ? std::string() : " --catalogue " + p) +
                             "` rebuilds it where it can be written, `gongkai archive verify " + store.root() +
                             "` names damage in the store)"};
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
    if (it == scan->end() || it->second < st.head)
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
  for (const auto& [dir, head_dirs] : *scan) {
    auto it = objs->find(dir);
    int have = it == objs->end() ? 0 : it->second.head;
    if (head_dirs <= have) continue;
    // A vN directory may belong to a commit in progress: the inventory says what is committed.
    auto text = read_file(store.root() + "/" + dir + "/inventory.json");
    if (!text) return text.error();
    auto inv = ocfl::Inventory::from_json(*text, store.root() + "/" + dir + "/inventory.json");
    if (!inv) return inv.error();
    if (inv->head_number() > have) missing.emplace_back(inv->id, inv->head_number());
  }
  if (missing.empty()) {
    write_stamp(p, before);
    return ix;
  }
  int64_t count = 0;
  for (const auto& m : missing) {
    std::string full = store.object_path(m.first);
    std::string dir = full.substr(std::min(full.size(), store.root().size() + 1));
    count += m.second - (objs->count(dir) ? objs->at(dir).head : 0);
  }
  report.notices.push_back("catalogue " + p + " is older than the store (" + std::to_string(count) +
                           (count == 1 ? " version" : " versions") + " not indexed); updating it");
  ix = make_error("closed before updating");
  if (auto s = index_versions(store, missing, p); !s) return cannot_write(s.error());
  return Index::open(p, false, false);
}

}  // namespace gk::catalogue
