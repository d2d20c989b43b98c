// Helpers for the OCFL tests: scratch directories and record-like test content.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "archive/ocfl/store.h"
#include "archive/ocfl/validator.h"

#include "tests/support/temp_dir.h"

namespace ocfl_test {

namespace fs = std::filesystem;

using TempDir = gk_test::TempDir;

// Deterministic pseudo-random bytes (so that another process can recompute expected content).
inline std::string pseudo_bytes(const std::string& seed, size_t n) {
  std::string out;
  out.reserve(n);
  unsigned long long x = 1469598103934665603ull;
  for (char c : seed) x = (x ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out.push_back(static_cast<char>(x & 0xff));
  }
  return out;
}

inline gk::ocfl::VersionMeta meta(const std::string& message) {
  return {"2024-05-01T08:30:00+08:00", message, "Archivist", "mailto:archive@example.gov.cn"};
}

// The three files of a disclosure record (XML, PDF-like blob, metadata JSON), sized as in production.
inline std::vector<gk::ocfl::NewFile> record_files(const std::string& seed) {
  return {gk::ocfl::NewFile::from_bytes("record.xml", "<record>" + pseudo_bytes(seed + "x", 5000) + "</record>"),
          gk::ocfl::NewFile::from_bytes("notice.pdf", "%PDF-1.7\n" + pseudo_bytes(seed + "p", 40000)),
          gk::ocfl::NewFile::from_bytes("metadata.json", "{\"seed\":\"" + std::to_string(seed.size()) + "\"," +
                                                             "\"pad\":\"" + std::string(270, 'm') + "\"}")};
}

// Error text of a failed Result, "" on success (Boost evaluates messages eagerly).
template <class T>
std::string err(const gk::Result<T>& r) {
  return r ? std::string() : r.error().str();
}

inline gk::ocfl::ValidationReport validate_root(const std::string& root) {
  return gk::ocfl::Validator().validate_storage_root(root);
}

}  // namespace ocfl_test
