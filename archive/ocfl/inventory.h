// The OCFL inventory as a value: what the store writes and readers get back. Serialisation is
// deterministic (sorted keys and arrays, 2-space JSON), so equal inventories have equal digests.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive/ocfl/json.h"
#include "common/status.h"

namespace gk::ocfl {

inline constexpr const char* kInventoryType11 = "https://ocfl.io/1.1/spec/#inventory";

using DigestMap = std::map<std::string, std::vector<std::string>>;  // digest -> paths

struct User {
  std::string name;
  std::optional<std::string> address;
};

struct Version {
  std::string name;  // directory name, e.g. "v3"
  std::string created;
  std::optional<std::string> message;
  std::optional<User> user;
  DigestMap state;  // digest -> logical paths
  // logical path -> digest
  std::map<std::string, std::string> logical_state() const;
};

struct Inventory {
  std::string id;
  std::string type = kInventoryType11;
  std::string digest_algorithm = "sha512";
  std::string head;
  std::optional<std::string> content_directory;
  DigestMap manifest;                          // digest -> content paths
  std::map<int, Version> versions;             // by version number
  std::map<std::string, DigestMap> fixity;     // algorithm -> digest -> content paths

  std::string content_dir() const { return content_directory.value_or("content"); }
  int head_number() const { return versions.empty() ? 0 : versions.rbegin()->first; }
  // The version with this name (e.g. "v2"), or "" / "head" for the head; nullptr if none.
  const Version* find_version(const std::string& name) const;
  // First content path stored for a digest (exact key match, then case-insensitive).
  std::optional<std::string> content_path(const std::string& digest) const;

  Json to_json_value() const;
  std::string to_json() const { return write_json(to_json_value()); }
  // Strict reading of an inventory this program can work with (the validator is the lenient,
  // reporting reader). `where` names the file in error messages.
  static Result<Inventory> from_json(const std::string& text, const std::string& where);
};

}  // namespace gk::ocfl
