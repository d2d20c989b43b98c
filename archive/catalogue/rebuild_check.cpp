// `gongkai archive reindex --check` (check_rebuild) and the clean-up of the scratch files that
// rebuilds and checks killed midway leave beside a catalogue.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <string_view>
#include <tuple>
#include <vector>

#include "archive/catalogue/internal.h"
#include "archive/ocfl/fsutil.h"

namespace fs = std::filesystem;

namespace gk::catalogue {

namespace {

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
// last. The cleaner takes that lock itself (fsx::FileLock: making the file when it is missing, a
// check of an earlier gongkai; on the file at the path), so a check starting meanwhile waits for
// it; a lock it cannot open or take is someone else's business.
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
    auto held = ocfl::fsx::FileLock::acquire(lock, /*exclusive=*/true, /*wait=*/false);
    if (!held) continue;  // "busy": a check at work; or not ours to open
    for (const auto& f : files)
      if (f.filename() != base + ".lock") fs::remove(f, ec);
    fs::remove(lock, ec);  // while holding it: a check starting now locks a new file (FileLock)
  }
}

// Exclusive lock of a check's scratch files, "<scratch>.lock", taken before they exist and given
// up (the file removed) after they are gone. The lock file may be removed by a cleaner between
// our open and our lock (remove_abandoned_checks), so the lock counts only on the file still at
// that path.
class ScratchLock {
 public:
  explicit ScratchLock(std::string scratch)
      : path_(std::move(scratch) + ".lock"), lock_(ocfl::fsx::FileLock::acquire(path_, /*exclusive=*/true, /*wait=*/true)) {}
  ~ScratchLock() {
    std::error_code ec;
    if (lock_) fs::remove(path_, ec);  // before the lock is let go (lock_ is destroyed after this)
  }
  bool ok() const { return static_cast<bool>(lock_); }
  Error error() const { return Error{path_, 0, "cannot lock the check's scratch file: " + lock_.error().message}; }

 private:
  std::string path_;
  Result<ocfl::fsx::FileLock> lock_;
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

}  // namespace

namespace detail {

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

}  // namespace detail

using namespace detail;

namespace {
// What tells one state of the catalogue file from another: a writer replaces it (rebuild) or
// changes it in place (append); SQLite's change counter (header bytes 24-27) too, as mtime may
// not tick between two writes.
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

}  // namespace gk::catalogue
