// Running external tools (gongkai, poppler, qpdf, java) and capturing what they print.
#pragma once
#include <string>
#include <vector>

namespace gkt {

struct RunResult {
  int status = -1;  // exit code, or 128 + signal
  std::string out, err;
};

// Runs argv[0] (looked up in PATH) with the arguments; never goes through a shell.
RunResult run(const std::vector<std::string>& argv);

// "a b c" for messages.
std::string show(const std::vector<std::string>& argv);

// A directory under /tmp, removed with everything in it when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "gk-render");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::string& bytes);
// Every name in a directory, hidden ones included, sorted.
std::vector<std::string> list_dir(const std::string& dir);

}  // namespace gkt
