// Shared helpers for the audit tests: a scratch directory and file surgery for tamper tests.
#pragma once
#include "tests/support/io.h"
#include "tests/support/temp_dir.h"
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace audit_test {

using gk_test::slurp;
using gk_test::spit;
using gk_test::TempDir;
using gk_test::why;

namespace fs = std::filesystem;

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
