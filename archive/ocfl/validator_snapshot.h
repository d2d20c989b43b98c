// A read-once view of an OCFL object directory, and validation from it.
//
// `archive verify` checks every object twice over (its own digests and inventories, and the OCFL
// validator). Both used to list directories and read the inventories and sidecars on their own;
// on archives of many small objects those syscalls and JSON parses cost more than the hashing.
// An ObjectSnapshot lists the object once (openat/getdents relative to the object's directory
// descriptor, no path walks from /) and reads its small files once; the validator and verify both
// work from it, and the validator hands back the root inventory it parsed.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive/ocfl/inventory.h"
#include "archive/ocfl/validator.h"

namespace gk::ocfl {

struct ObjectSnapshot {
  struct Entry {
    std::string rel;  // relative to the object root, '/'-separated
    std::filesystem::file_type type = std::filesystem::file_type::unknown;  // not following symlinks
  };
  std::string dir;             // object root as given
  std::string error;           // set when the object root could not be opened or listed
  std::vector<Entry> entries;  // every entry, sorted by rel; below extensions/ only its direct children
  // Bytes of the small files the checks read: "0=..." declarations at the root, and
  // "inventory.json" / "inventory.json.<alg>" at the root and in each first-level directory.
  std::map<std::string, std::string> files;

  ObjectSnapshot() = default;
  ObjectSnapshot(ObjectSnapshot&&) noexcept;
  ObjectSnapshot& operator=(ObjectSnapshot&&) noexcept;
  ObjectSnapshot(const ObjectSnapshot&) = delete;
  ~ObjectSnapshot();

  const std::string* file(const std::string& rel) const;
  // Digest of one of `files` (lowercase hex), computed once and remembered: the validator's
  // sidecar check and verify's share it.
  const std::string& file_digest(const std::string& rel, const std::string& algorithm) const;
  // The object root's directory descriptor (open while the snapshot lives), for openat(); -1 if none.
  int fd() const { return fd_; }

 private:
  friend ObjectSnapshot snapshot_object(const std::string& dir);
  int fd_ = -1;
  mutable std::map<std::string, std::string> digests_;  // "<alg>:<rel>" -> hex
};

// Lists `dir` recursively (not following symlinks) and reads its small files.
ObjectSnapshot snapshot_object(const std::string& dir);

// What object validation learnt about the object.
struct ObjectSummary {
  bool is_object = false;
  std::string id;
  std::string spec_version;               // from the declaration
  std::optional<Inventory> root_inventory;  // parsed (leniently: invalid parts reported and left out)
};

// The object checks of Validator::validate_object, from a snapshot. Findings are appended to r.
ObjectSummary validate_object_snapshot(const ObjectSnapshot& s, const ValidatorOptions& o, ValidationReport& r);

// Storage-root validation with the objects left to the caller (who may check them in parallel):
// walk() does the root's own checks and lists the object roots in order; the caller validates each
// object and passes its summary to object_checked(), in that order, for the cross-object checks.
class StorageRootWalk {
 public:
  StorageRootWalk(std::string root, const ValidatorOptions& o);
  ~StorageRootWalk();
  // `inventory_marks_object`: a directory holding inventory.json is an object root even without
  // its declaration (so that deleting a declaration does not hide the object's content).
  // `on_object` is called with each object root as soon as it is found (so that checking can
  // start while the walk goes on).
  void walk(ValidationReport& r, bool inventory_marks_object = false,
            const std::function<void(const std::string&)>& on_object = nullptr);
  const std::vector<std::string>& objects() const;      // object roots (absolute), walk order
  const std::vector<std::string>& stray_files() const;  // files in the hierarchy outside any object
  void object_checked(const std::string& object_root, const ObjectSummary& s, ValidationReport& r);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gk::ocfl
