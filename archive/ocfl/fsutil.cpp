#include "archive/ocfl/fsutil.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace gk::ocfl::fsx {

static std::atomic<long long> g_budget{-1};

void set_write_budget_for_testing(long long bytes) { g_budget = bytes; }

static std::atomic<int> g_crash{0};
void set_crash_point_for_testing(int phase) { g_crash = phase; }
int crash_point() { return g_crash.load(); }

std::string errno_text(int e) { return std::strerror(e); }

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    size_t chunk = left;
    long long b = g_budget.load();
    if (b >= 0) {
      if (b == 0) return make_error("write failed: " + errno_text(ENOSPC), path);
      chunk = std::min<size_t>(chunk, static_cast<size_t>(b));
      g_budget -= static_cast<long long>(chunk);
    }
    ssize_t n = ::write(fd, p, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("write failed: " + errno_text(errno), path);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return {};
}

Status write_new_file(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("cannot create: " + errno_text(errno), path);
  Status s = write_all(fd, bytes, path);
  if (::close(fd) != 0 && s) s = make_error("close failed: " + errno_text(errno), path);
  return s;
}

Status make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return make_error("cannot create directory: " + errno_text(errno), path);
  return {};
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return make_error("cannot create directory: " + ec.message(), path);
  return {};
}

Status rename_path(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return make_error("cannot rename " + from + " to " + to + ": " + errno_text(errno), to);
  return {};
}

Status fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open for fsync: " + errno_text(errno), path);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return make_error("fsync failed: " + errno_text(e), path);
  return {};
}

Status sync_filesystem(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open for syncfs: " + errno_text(errno), path);
  int rc = ::syncfs(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return make_error("syncfs failed: " + errno_text(e), path);
  return {};
}

void remove_tree(const std::string& path) noexcept {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void remove_empty_parents(const std::string& dir, const std::string& stop) noexcept {
  std::filesystem::path p(dir), s(stop);
  while (!p.empty() && p != s && p.string().size() > s.string().size()) {
    // A missing level is passed over: a writer killed inside mkdir -p of the tuple directories
    // made only the first ones (root/768 of root/768/a1f/03c), which stayed as E073.
    if (::rmdir(p.c_str()) != 0 && errno != ENOENT) break;
    p = p.parent_path();
  }
}

std::string random_token() {
  // Reseeded after fork: a child must not repeat its parent's tokens.
  static thread_local pid_t seeded_for = -1;
  static thread_local std::mt19937_64 rng;
  if (seeded_for != ::getpid()) {
    seeded_for = ::getpid();
    rng.seed((static_cast<unsigned long long>(std::random_device{}()) << 32) ^ static_cast<unsigned long long>(seeded_for));
  }
  static const char* hex = "0123456789abcdef";
  std::string s;
  unsigned long long v = rng();
  for (int i = 0; i < 16; ++i) s.push_back(hex[(v >> (i * 4)) & 15]);
  return s;
}

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor drops the flock
}

namespace {
std::function<void(const std::string&)> g_wait_notice;
int g_wait_notice_after_ms = 2000;
}  // namespace

void set_lock_wait_notice(std::function<void(const std::string& path)> notice, int after_ms) {
  g_wait_notice = std::move(notice);
  g_wait_notice_after_ms = after_ms;
}

namespace {
// Whether `fd` is the file now at `path`: a holder that removes its lock file before letting go
// (an export's clean-up of a killed export's lock) leaves a waiter holding a lock on a file that
// no longer has a name, which nobody else can see.
bool is_file_at(int fd, const std::string& path) {
  struct stat held {}, named {};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}
}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path, bool exclusive, bool wait) {
  for (int tries = 0; tries < 100; ++tries) {
    auto l = acquire_once(path, exclusive, wait);
    if (!l || is_file_at(l->fd_, path)) return l;
  }
  return make_error("cannot lock: the lock file keeps being removed", path);
}

Result<FileLock> FileLock::acquire_once(const std::string& path, bool exclusive, bool wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("cannot open lock file: " + errno_text(errno), path);
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);
  if (wait && g_wait_notice) {
    // Polled for a while, so that the notice comes only for a wait worth mentioning.
    int op_nb = op | LOCK_NB;
    for (int waited = 0;; waited += 20) {
      if (::flock(fd, op_nb) == 0) {
        FileLock l;
        l.fd_ = fd;
        return l;
      }
      if (errno != EWOULDBLOCK && errno != EINTR) break;  // reported by the blocking call below
      if (waited >= g_wait_notice_after_ms) {
        g_wait_notice(path);
        break;
      }
      ::usleep(20000);
    }
  }
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return make_error("busy", path);
    return make_error("cannot lock: " + errno_text(e), path);
  }
  FileLock l;
  l.fd_ = fd;
  return l;
}

}  // namespace gk::ocfl::fsx
