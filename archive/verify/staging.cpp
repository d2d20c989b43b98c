// extensions/gongkai-staging/: only what the store puts there (archive/ocfl/store*.cpp). Without
// this check a file of any size could sit in the archive unreported (black-box review).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "archive/verify/verify_internal.h"

namespace fs = std::filesystem;

namespace gk::verify::detail {

namespace {

constexpr const char* kStaging = "extensions/gongkai-staging";

bool hex_name(const std::string& s, size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An open descriptor that is closed (dropping any flock) on scope exit.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// True when a live writer holds the transaction's lock (Txn::begin takes it exclusively).
bool held_by_writer(const std::string& txn_dir) {
  Fd f{::open((txn_dir + "/lock").c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return false;  // a writer that died between mkdir and its lock
  return ::flock(f.fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

bool empty_regular(const fs::directory_entry& e) {
  std::error_code ec;
  return e.is_regular_file(ec) && e.file_size(ec) == 0;
}

}  // namespace

void check_staging(const std::string& root, std::vector<Problem>& out, bool write_locked) {
  std::string dir = root + "/" + kStaging;
  auto extra = [&](const std::string& rel, const std::string& why) { out.push_back({"extra", "", "", std::string(kStaging) + "/" + rel, why}); };
  const std::string not_ours = "not part of the store's staging area (README.txt, staging.lock, locks/, txn-*/, quarantine/)";
  // Recovery takes this lock exclusively and writers share it from creating their transaction
  // to logging what they committed: held here, a transaction is either locked by its writer or
  // left over. The first reading only tries it (waiting would stall verify behind every write):
  // a transaction that looks abandoned then is looked at again by the re-check, which holds it.
  Fd guard{-1};
  if (!write_locked) {
    guard.fd = ::open((dir + "/staging.lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (guard.fd >= 0)
      while (::flock(guard.fd, LOCK_EX | LOCK_NB) != 0 && errno == EINTR) {
      }
  }
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    bool is_dir = e.is_directory(ec) && !e.is_symlink(ec);
    if (name == "README.txt") continue;  // its bytes are compared with a new root's (check_root)
    if (name == "staging.lock") {
      if (!empty_regular(e)) extra(name, "lock file that is not an empty file (the store never writes to it)");
    } else if (name == "locks" && is_dir) {
      for (auto& l : fs::directory_iterator(e.path(), ec)) {
        std::string ln = l.path().filename().string();
        bool lock_name = ln.size() == 8 && ln.compare(3, 5, ".lock") == 0 && hex_name(ln.substr(0, 3), 3);
        if (!lock_name || !empty_regular(l)) extra("locks/" + ln, not_ours);
      }
    } else if (name.rfind("txn-", 0) == 0 && hex_name(name.substr(4), 16) && is_dir) {
      if (!held_by_writer(e.path().string()))
        extra(name, "transaction left by an interrupted write (no writer holds its lock); `gongkai audit recover " + root +
                        "` finishes or discards it");
    } else if (name == "quarantine" && is_dir) {
      for (auto& q : fs::directory_iterator(e.path(), ec))
        extra("quarantine/" + q.path().filename().string(),
              "version directory that recovery moved out of its object as unusable (kept as evidence): inspect it, then remove it");
    } else {
      extra(name, not_ours);
    }
  }
}

}  // namespace gk::verify::detail
