// ObjectSnapshot: one listing and one read of an object's small files, relative to its directory
// descriptor (openat, getdents64), so that no path is resolved from / again for every file.
#include "archive/ocfl/validator_snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "archive/ocfl/digests.h"
#include "archive/ocfl/validator_internal.h"

namespace fs = std::filesystem;

namespace gk::ocfl {

namespace detail {

// Directory entries through getdents64 into a stack buffer: opendir/fdopendir would allocate a
// 32 KiB buffer and fcntl per directory, measurable over thousands of small objects.
bool each_entry(int dirfd, const std::function<void(const char* name, unsigned char d_type)>& fn) {
  struct LinuxDirent {
    ino64_t d_ino;
    off64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
  };
  alignas(8) char buf[16 * 1024];
  for (;;) {
    long n = ::syscall(SYS_getdents64, dirfd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    for (long at = 0; at < n;) {
      auto* e = reinterpret_cast<LinuxDirent*>(buf + at);
      at += e->d_reclen;
      const char* name = e->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      fn(name, e->d_type);
    }
  }
}

}  // namespace detail

namespace {

// Sidecars and declarations are a line; anything much longer is wrong anyway, and is not worth
// reading whole (an oversized "inventory.json.x" must not cost unbounded memory).
constexpr size_t kSmallFileCap = 64 * 1024;

fs::file_type type_of(int dirfd, const char* name, unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return fs::file_type::regular;
    case DT_DIR: return fs::file_type::directory;
    case DT_LNK: return fs::file_type::symlink;
    case DT_UNKNOWN: break;
    default: return fs::file_type::unknown;
  }
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return fs::file_type::not_found;
  if (S_ISREG(st.st_mode)) return fs::file_type::regular;
  if (S_ISDIR(st.st_mode)) return fs::file_type::directory;
  if (S_ISLNK(st.st_mode)) return fs::file_type::symlink;
  return fs::file_type::unknown;
}

bool read_at(int dirfd, const char* name, size_t cap, std::string& out) {
  int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  out.clear();
  char buf[16 * 1024];
  for (;;) {
    size_t want = cap ? std::min(sizeof buf, cap - out.size()) : sizeof buf;
    if (want == 0) break;
    ssize_t n = ::read(fd, buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

bool is_small_file(const std::string& name, int depth) {
  if (name.rfind("inventory.json", 0) == 0) return true;
  return depth == 0 && name.rfind("0=", 0) == 0;
}

// Lists dirfd (which it closes) into s; depth 0 is the object root.
void list(int dirfd, const std::string& prefix, int depth, ObjectSnapshot& s) {
  bool ok = detail::each_entry(dirfd, [&](const char* name, unsigned char d_type) {
    std::string rel = prefix + name;
    fs::file_type t = type_of(dirfd, name, d_type);
    s.entries.push_back({rel, t});
    if (t == fs::file_type::regular && depth <= 1 && is_small_file(name, depth)) {
      std::string bytes;
      bool cap = std::string_view(name) != "inventory.json";
      if (read_at(dirfd, name, cap ? kSmallFileCap : 0, bytes)) s.files.emplace(rel, std::move(bytes));
    }
    if (t != fs::file_type::directory) return;
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    if (depth == 0 && rel == "extensions") {
      // Object extensions belong to their extension: only their names are looked at.
      detail::each_entry(fd, [&](const char* c, unsigned char ct) { s.entries.push_back({rel + "/" + c, type_of(fd, c, ct)}); });
      ::close(fd);
    } else {
      list(fd, rel + "/", depth + 1, s);
    }
  });
  if (!ok && depth == 0) s.error = std::string("cannot list: ") + std::strerror(errno);
  ::close(dirfd);
}

}  // namespace

ObjectSnapshot::ObjectSnapshot(ObjectSnapshot&& o) noexcept
    : dir(std::move(o.dir)),
      error(std::move(o.error)),
      entries(std::move(o.entries)),
      files(std::move(o.files)),
      fd_(o.fd_),
      digests_(std::move(o.digests_)) {
  o.fd_ = -1;
}

ObjectSnapshot& ObjectSnapshot::operator=(ObjectSnapshot&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    dir = std::move(o.dir);
    error = std::move(o.error);
    entries = std::move(o.entries);
    files = std::move(o.files);
    digests_ = std::move(o.digests_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

ObjectSnapshot::~ObjectSnapshot() {
  if (fd_ >= 0) ::close(fd_);
}

const std::string* ObjectSnapshot::file(const std::string& rel) const {
  auto it = files.find(rel);
  return it == files.end() ? nullptr : &it->second;
}

const std::string& ObjectSnapshot::file_digest(const std::string& rel, const std::string& algorithm) const {
  std::string key = algorithm + ":" + rel;
  auto it = digests_.find(key);
  if (it != digests_.end()) return it->second;
  const std::string* bytes = file(rel);
  return digests_[key] = bytes ? digest_bytes(algorithm, *bytes) : std::string();
}

ObjectSnapshot snapshot_object(const std::string& dir) {
  ObjectSnapshot s;
  s.dir = dir;
  s.fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s.fd_ < 0) {
    s.error = std::string("cannot open: ") + std::strerror(errno);
    return s;
  }
  int fd = ::fcntl(s.fd_, F_DUPFD_CLOEXEC, 0);  // list() closes its descriptor; the snapshot keeps its own
  if (fd < 0) {
    s.error = std::string("cannot open: ") + std::strerror(errno);
    return s;
  }
  list(fd, "", 0, s);
  std::sort(s.entries.begin(), s.entries.end(), [](const auto& a, const auto& b) { return a.rel < b.rel; });
  return s;
}

}  // namespace gk::ocfl
