// Shared helpers for the audit tests: a scratch directory and file surgery for tamper tests.
#pragma once
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace audit_test {

namespace fs = std::filesystem;

// The error text of a Result/Status, or "" when it is ok (safe to use in *_MESSAGE macros,
// which evaluate the message even when the check passes).
template <class R>
std::string why(const R& r) {
  return r.is_ok() ? std::string() : r.error().str();
}

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("gk_audit_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Byte offset of the start of 1-based line `n`.
inline size_t line_start(const std::string& text, int n) {
  size_t at = 0;
  for (int i = 1; i < n; ++i) at = text.find('\n', at) + 1;
  return at;
}

inline std::string line_of(const std::string& text, int n) {
  size_t a = line_start(text, n);
  return text.substr(a, text.find('\n', a) - a);
}

// Replaces the first `from` inside 1-based line n with `to`.
inline void edit_line(const std::string& p, int n, const std::string& from, const std::string& to) {
  std::string t = slurp(p);
  size_t a = line_start(t, n);
  size_t at = t.find(from, a);
  if (at == std::string::npos || at > t.find('\n', a)) throw std::runtime_error("edit_line: '" + from + "' not on line");
  t.replace(at, from.size(), to);
  spit(p, t);
}

}  // namespace audit_test
