// Internal to archive/catalogue (not part of its interface): what catalogue.cpp and
// rebuild_check.cpp share: the writers' lock, paths, the rebuild itself, clean-up of scratch files.
#pragma once
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "archive/catalogue/catalogue.h"

namespace gk::catalogue::detail {

// A catalogue kept elsewhere through a symlink (a faster disk) is rebuilt where the link points.
std::string link_target(const std::string& link_or_path);

// Exclusive lock for writers of one catalogue (threads and processes), on "<file>.lock" beside
// the file itself: a writer through a symlink and a check naming its target share one lock.
class WriteLock {
 public:
  explicit WriteLock(const std::string& path, bool wait = true) : lock_path_(link_target(path) + ".lock") {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) why_ = std::strerror(errno);
    else if (::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) why_ = std::strerror(errno), ::close(fd_), fd_ = -1;
  }
  ~WriteLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;
  bool ok() const { return fd_ >= 0; }
  Error error() const { return Error{lock_path_, 0, "cannot lock the catalogue: " + why_}; }

 private:
  std::string lock_path_;
  int fd_ = -1;
  std::string why_;
};

// The catalogue path: `path`, or the default beside the store's root when empty.
std::string resolve(const ocfl::Store& store, const std::string& path);
std::filesystem::path dir_of(const std::string& path);  // "." for a bare file name
// rebuild() once the caller holds the WriteLock of `link_or_path`.
Result<RebuildReport> rebuild_locked(const ocfl::Store& store, const std::string& link_or_path);
// Object directories of the store (relative to the root) and the highest vN directory in each.
Result<std::map<std::string, int>> scan_store(const ocfl::Store& store);
// Errors of Store::read_file (and of gk::read_file) that mean the store itself is damaged: bytes
// other than the inventory's digest, a file or directory gone, a directory in a file's place.
// Other read errors (permissions, no file handles, I/O) may pass and stay errors (extract.cpp).
bool is_store_damage(const Error& e);
// Scratch files of killed rebuilds (the caller holds the WriteLock) and of killed checks.
void remove_abandoned_rebuilds(const std::string& path);

}  // namespace gk::catalogue::detail
