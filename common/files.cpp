#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace gk {

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return make_error("is a directory, not a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(std::string("cannot read: ") + std::strerror(errno), path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error("read error", path);
  return ss.str();
}

Status sync_directory(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return make_error(std::string("cannot open directory: ") + std::strerror(errno), dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error(std::string("fsync failed: ") + std::strerror(errno), dir);
  return {};
}

namespace {

// The umask, read without changing it (umask(2) can only be read by setting it, which would race
// with other threads creating files).
mode_t process_umask() {
  static const mode_t mask = [] {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    return static_cast<mode_t>(022);
  }();
  return mask;
}

}  // namespace

Status write_file_atomic(const std::string& given, std::string_view bytes, bool durable) {
  namespace fs = std::filesystem;
  if (given.empty()) return make_error("no file name given");
  // A symlink is written through (its target is replaced, the link stays); a FIFO, device or
  // directory is never replaced by a regular file (as root, --out /dev/null would be).
  std::string path = given;
  std::error_code ec;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(path, ec)); ++hops) {  // the target may not exist yet
    fs::path to = fs::read_symlink(path, ec);
    if (ec || hops == 40) return make_error("cannot resolve the link" + (ec ? ": " + ec.message() : std::string()), given);
    path = (to.is_absolute() ? to : fs::path(path).parent_path() / to).string();
  }
  auto st = fs::symlink_status(path, ec);
  if (fs::exists(st) && !fs::is_regular_file(st))
    return make_error(fs::is_directory(st) ? "is a directory" : "exists and is not a regular file; refusing to replace it", given);
  fs::path target(path);
  fs::path dir = target.parent_path();
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp" + std::to_string(rng() % 1000000000))).string();
  // The bytes go to an unnamed file (O_TMPFILE) that is linked under the temporary name only once
  // complete, so a writer killed meanwhile leaves nothing behind. Where the file system has no
  // O_TMPFILE, or there is no /proc, a named temporary file is written instead.
  // Linking an unnamed file needs /proc (absent in some containers and chroots).
  static const bool proc_fds = ::access("/proc/self/fd", F_OK) == 0;
  bool named = false;
  int fd = proc_fds ? ::open(dir.empty() ? "." : dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644) : -1;
  if (!proc_fds || (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))) {
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    named = true;
  }
  if (fd < 0) return make_error(std::string("cannot write: ") + std::strerror(errno), path);
  auto fail = [&](const char* what, int e) {
    ::close(fd);
    if (named) ::unlink(tmp.c_str());
    return make_error(std::string(what) + std::strerror(e), path);
  };
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed: ", errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) return fail("fsync failed: ", errno);
  if (!named) {
    // Older kernels ignore the umask for O_TMPFILE: set the mode open(2) would give a new file.
    if (::fchmod(fd, 0644 & ~process_umask()) != 0) return fail("cannot set the mode: ", errno);
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) return fail("cannot write: ", errno);
    named = true;
  }
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error(std::string("close failed: ") + std::strerror(e), path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error(std::string("rename failed: ") + std::strerror(e), path);
  }
  if (durable) return sync_directory(dir.string());
  return {};
}

bool is_within(const std::string& path, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec), d = fs::weakly_canonical(dir, ec);
  if (d.empty()) return false;
  if (!d.has_filename()) d = d.parent_path();
  auto [di, pi] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return di == d.end();
}

Status check_writable_dir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return make_error(std::filesystem::exists(dir, ec) ? "is not a directory (the output goes into a directory)"
                                                       : "output directory does not exist",
                      dir);
  if (::access(dir.c_str(), W_OK) != 0) return make_error("output directory is not writable", dir);
  return {};
}

Status refuse_overwriting_input(const std::string& out, const std::vector<std::pair<std::string, std::string>>& inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& [option, path] : inputs)
    if (!path.empty() && fs::equivalent(out, path, ec) && !ec)
      return make_error("is also the " + option + " input; refusing to overwrite it", out);
  return {};
}

Result<std::vector<std::string>> xml_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (name.rfind('.', 0) == 0) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      ec.clear();
      continue;
    }
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext != ".xml") {
      ec.clear();
      continue;
    }
    std::error_code fe;
    if (it->is_directory(fe)) continue;  // a folder named *.xml: its files are listed too
    if (!it->is_regular_file(fe)) return make_error("not a readable file (a dangling link or a special file)", p.string());
    files.push_back(p.string());
  }
  if (ec) return make_error("cannot list the folder: " + ec.message(), dir);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace gk
