// File-system primitives of the store: creating files and directories, renames, durability
// barriers, advisory locks. Every write goes through write_all so that tests can simulate a full
// disk (set_write_budget_for_testing).
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gk::ocfl::fsx {

// After `bytes` more bytes have been written, writes fail with ENOSPC; negative turns it off.
void set_write_budget_for_testing(long long bytes);

// Simulated crash for tests: a commit stops dead (leaving its files, releasing its locks) after
// phase 1 (staged + journal), 2 (versions moved in) or 3 (root inventory renamed, sidecar not).
void set_crash_point_for_testing(int phase);
int crash_point();

Status write_all(int fd, std::string_view bytes, const std::string& path);
// Creates `path` (must not exist) with these bytes; no fsync (callers use barriers).
Status write_new_file(const std::string& path, std::string_view bytes);
Status make_dir(const std::string& path);   // EEXIST is fine
Status make_dirs(const std::string& path);  // like mkdir -p
Status rename_path(const std::string& from, const std::string& to);
Status fsync_path(const std::string& path);  // file or directory
// Flushes the whole file system holding `path` (syncfs): one barrier for many files.
Status sync_filesystem(const std::string& path);
// Removes a tree; best effort, never throws.
void remove_tree(const std::string& path) noexcept;
// rmdir `dir` and its parents while they are empty, stopping at `stop` (exclusive).
void remove_empty_parents(const std::string& dir, const std::string& stop) noexcept;
std::string random_token();  // 16 hex characters
std::string errno_text(int e);

// Called once by a waiting FileLock::acquire when the lock has been busy for `after` (the CLI
// says on stderr what it is waiting for; an export selecting, a verify re-checking or keygen hold
// a store's write lock for seconds). Empty: wait silently. Process-wide; set before threads start.
void set_lock_wait_notice(std::function<void(const std::string& path)> notice, int after_ms = 2000);

// flock(2) on a lock file, released by the destructor or by process death.
class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  ~FileLock();
  // `wait` false: returns an error with message "busy" when another holder has it. The lock is on
  // the file at `path` when it returns: one its holder removed before letting go is opened again.
  static Result<FileLock> acquire(const std::string& path, bool exclusive, bool wait);
  bool held() const { return fd_ >= 0; }

 private:
  static Result<FileLock> acquire_once(const std::string& path, bool exclusive, bool wait);
  int fd_ = -1;
};

}  // namespace gk::ocfl::fsx
