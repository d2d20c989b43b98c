// Small helpers shared by the test suites: whole-file read/write and the error text of a result.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace gk_test {

// The error text of a Result/Status, or "" when it is ok (safe to use in *_MESSAGE macros,
// which evaluate the message even when the check passes).
template <class R>
std::string why(const R& r) {
  return r.is_ok() ? std::string() : r.error().str();
}

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

}  // namespace gk_test
