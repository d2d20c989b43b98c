// File plumbing for the audit log (internal to archive/audit): descriptors, locks, durable
// appends, and a bounded-memory line splitter that also reports an unterminated final line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gk::audit::io {

inline constexpr size_t kMaxHeadLine = 1024;  // a head line is about 250 bytes

std::string sys_error(const char* what);  // "what: strerror(errno)"

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// writable: O_RDWR | O_APPEND | O_CREAT (0644); else O_RDONLY.
Result<Fd> open_file(const std::string& path, bool writable);
// flock, retried for about 10 s rather than forever, so a stuck process surfaces as an error.
Status lock_file(int fd, bool exclusive, const std::string& path);
Result<uint64_t> file_size(int fd, const std::string& path);
Status write_all(int fd, std::string_view bytes, const std::string& path);

// Splits a file into lines with pread, never buffering more than max_line + one chunk.
class LineReader {
 public:
  enum Kind { kLine, kPartial, kEnd, kTooLong, kIoError };
  LineReader(int fd, uint64_t offset, size_t max_line, size_t chunk = 1 << 20)
      : fd_(fd), base_(offset), max_line_(max_line), chunk_(chunk) {}
  // kLine: `line` is a whole line without its LF. kPartial: the final bytes, which have no LF.
  // `line` stays valid until the next call.
  Kind next(std::string_view& line);
  uint64_t line_offset() const { return line_offset_; }  // file offset where the last line starts

 private:
  int fd_;
  uint64_t base_;  // file offset of buf_[0]
  size_t max_line_, chunk_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  uint64_t line_offset_ = 0;
};

// Number of complete lines that start before byte `end` (for error messages only: O(file)).
int count_lines(int fd, uint64_t end);

std::string file_name(const std::string& path);  // last path component

}  // namespace gk::audit::io
