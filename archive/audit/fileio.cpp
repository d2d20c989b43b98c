#include "archive/audit/fileio.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace gk::audit::io {

std::string sys_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

Fd& Fd::operator=(Fd&& o) noexcept {
  std::swap(fd_, o.fd_);
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Fd> open_file(const std::string& path, bool writable) {
  int fd = ::open(path.c_str(), writable ? (O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC), 0644);
  if (fd < 0) return make_error(sys_error("cannot open"), path);
  return Fd(fd);
}

Status lock_file(int fd, bool exclusive, const std::string& path) {
  for (int i = 0; i < 200; ++i) {
    if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) return {};
    if (errno != EWOULDBLOCK && errno != EINTR) return make_error(sys_error("cannot lock"), path);
    ::usleep(50000);
  }
  return make_error("audit log is locked by another process or handle (waited 10 s)", path);
}

Result<uint64_t> file_size(int fd, const std::string& path) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return make_error(sys_error("cannot stat"), path);
  return static_cast<uint64_t>(st.st_size);
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(sys_error("write failed"), path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

LineReader::Kind LineReader::next(std::string_view& line) {
  while (true) {
    const char* start = buf_.data() + pos_;
    const void* nl = len_ > pos_ ? std::memchr(start, '\n', len_ - pos_) : nullptr;
    line_offset_ = base_ + pos_;
    if (nl) {
      size_t n = static_cast<size_t>(static_cast<const char*>(nl) - start);
      if (n > max_line_) return kTooLong;
      line = std::string_view(start, n);
      pos_ += n + 1;
      return kLine;
    }
    if (len_ - pos_ > max_line_) return kTooLong;
    if (eof_) {
      if (pos_ == len_) return kEnd;
      line = std::string_view(start, len_ - pos_);
      pos_ = len_;
      return kPartial;
    }
    // Keep the unfinished line and read more behind it.
    buf_.erase(0, pos_);
    base_ += pos_;
    len_ -= pos_;
    pos_ = 0;
    buf_.resize(len_ + chunk_);
    ssize_t n;
    do n = ::pread(fd_, buf_.data() + len_, chunk_, static_cast<off_t>(base_ + len_));
    while (n < 0 && errno == EINTR);
    if (n < 0) return kIoError;
    if (n == 0) eof_ = true;
    len_ += static_cast<size_t>(n);
  }
}

int count_lines(int fd, uint64_t end) {
  LineReader r(fd, 0, SIZE_MAX / 2);
  std::string_view line;
  int n = 0;
  while (r.next(line) == LineReader::kLine && r.line_offset() < end) ++n;
  return n;
}

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace gk::audit::io
