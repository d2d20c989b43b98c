// Pieces of verify_archive shared by verify.cpp and verify_object.cpp (internal).
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "archive/verify/verify.h"

namespace gk::verify::detail {

// Digests of one version's files, for comparing with its log entry.
struct VersionDigests {
  std::string name;  // "v2"
  std::map<std::string, std::set<std::string>> by_algorithm;  // "sha512" / "sm3" -> digests of its files
  std::map<std::string, std::string> sha512_by_path;           // logical path -> sha512
  std::map<std::string, std::string> sm3_by_path;              // logical path -> sm3 (fixity)
};

struct ObjectOutcome {
  std::string id;              // empty when the inventory could not be read
  std::string rel_path;        // object root relative to the storage root
  std::vector<Problem> problems;
  std::vector<VersionDigests> versions;  // only when the inventory was readable
  uint64_t files = 0, bytes = 0;
};

// Checks one object (rel_path relative to root): sidecars, inventories, every content file's
// sha512 and sm3, extra files, id vs path. `buffer` is the caller's (one per thread) read buffer.
ObjectOutcome verify_object(const std::string& root, const std::string& rel_path, std::string& buffer);

// Storage-root files against a freshly initialised root, and unexpected files at the root and in
// gongkai's extension directories. Appends to `out`; lists object directories (relative paths).
void check_root(const std::string& root, std::vector<Problem>& out, std::vector<std::string>& objects);

}  // namespace gk::verify::detail
