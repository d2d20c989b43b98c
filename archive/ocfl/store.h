// An OCFL 1.1 storage root with layout 0004-hashed-n-tuple-storage-layout (sha256, 3 x 3,
// full-digest object directories). Contracts:
//  - A version is visible to readers only once complete: readers use the root inventory, which
//    only ever names fully written, durable version directories.
//  - add_version/add_versions either commit every version they return, or leave the objects at
//    their previous heads (after a crash, open() rolls a commit forward, every object of it, once
//    any was moved in, else back; see
//    docs/archive.md for the protocol). Version directories are never modified once written.
//  - Writers of the same object, in threads or processes, are serialised by flock.
//  - Object ids may be any non-empty UTF-8 without NUL; they are hashed, never used as paths.
#pragma once
#include <string>
#include <vector>

#include "archive/ocfl/inventory.h"
#include "archive/ocfl/layout.h"
#include "common/status.h"

namespace gk::ocfl {

// One file of a new version: its logical path and either its bytes or a file to copy.
struct NewFile {
  std::string logical_path;
  std::string bytes;
  std::string source_path;  // when non-empty, content is streamed from this file
  // Optional, for `bytes` only: their sha512 and sm3 (lowercase hex) when the caller has already
  // computed them from these very bytes (ingest does, for metadata.json), so that they are not
  // hashed twice. Trusted as given: a wrong value makes an invalid object.
  std::string sha512, sm3;

  static NewFile from_bytes(std::string logical_path, std::string bytes) {
    return {std::move(logical_path), std::move(bytes), {}, {}, {}};
  }
  static NewFile from_file(std::string logical_path, std::string source) {
    return {std::move(logical_path), {}, std::move(source), {}, {}};
  }
};

struct VersionMeta {
  std::string created;  // RFC 3339 with offset, to seconds; empty = now (UTC)
  std::string message;
  std::string user_name;     // empty = no user block
  std::string user_address;  // a URI (mailto:...) ; may be empty
};

// The complete logical state of a new version of one object (files not listed are not in it).
struct NewVersion {
  std::string object_id;
  std::vector<NewFile> files;
  VersionMeta meta;
  // When > 0, the version must become v<expected_number>; otherwise nothing is added and the
  // error message contains kConcurrentChange (another writer committed first: re-read, retry).
  int expected_number = 0;
};
inline constexpr const char* kConcurrentChange = "changed by another writer";

struct VersionInfo {
  std::string object_id;
  std::string version;      // "v3"
  int number = 0;
  std::string object_path;  // absolute object root
  int files_stored = 0;     // new content files written
  int files_deduplicated = 0;  // files whose content was already in the object
};

struct RecoveryAction {
  enum class Kind { rolled_forward, rolled_back, discarded_staging };
  Kind kind = Kind::discarded_staging;
  std::string object_path;
  std::string detail;
};

struct RecoveryReport {
  std::vector<RecoveryAction> actions;
  std::string str() const;  // one line per action
};

struct StoreOptions {
  // false skips every fsync/syncfs barrier: only for throw-away stores (tests, benchmarks).
  bool durable = true;
  // Opens for reading only: nothing in the root is created, locked or recovered, so read-only
  // media and copies can be read. What a crashed writer left is invisible to readers anyway
  // (they follow root inventories, which name only complete versions); the next writer recovers.
  // Writes on such a store are refused.
  bool read_only = false;
};

class Store {
 public:
  // Creates a storage root in an empty or missing directory, or opens an existing one.
  static Result<Store> init(const std::string& root, StoreOptions options = {});
  // Opens an existing root and runs recovery (see recovery()). Fails on a directory that is not
  // an OCFL storage root, on a root of a newer OCFL version, or on a layout it cannot map.
  static Result<Store> open(const std::string& root, StoreOptions options = {});

  // Adds the next version (v1 for a new object) with exactly these files.
  Result<VersionInfo> add_version(const std::string& object_id, const std::vector<NewFile>& files,
                                  const VersionMeta& meta);
  // Adds many versions with a shared durability barrier; all or none are committed unless a
  // failure happens while switching heads (then the error says which were committed).
  Result<std::vector<VersionInfo>> add_versions(const std::vector<NewVersion>& batch);

  Result<std::vector<std::string>> list_objects() const;  // ids, sorted
  Result<Inventory> inventory(const std::string& object_id) const;
  // Bytes of a file in a version ("v2"; "" or "head" for the head), checked against its digest.
  Result<std::string> read_file(const std::string& object_id, const std::string& version,
                                const std::string& logical_path) const;
  // The same, from an inventory the caller already read (several files, one inventory read).
  Result<std::string> read_file(const Inventory& inv, const std::string& version, const std::string& logical_path) const;
  std::string object_path(const std::string& object_id) const;  // absolute
  bool has_object(const std::string& object_id) const;

  // Finishes or discards what crashed writers left (open() does this); safe while others write.
  Result<RecoveryReport> recover();
  const RecoveryReport& recovery() const { return recovery_; }
  const std::string& root() const { return root_; }
  // The writers' work area (extensions/gongkai-staging). Every commit creates and removes a
  // txn-* directory in it, so its mtime moves on each commit: the catalogue's freshness stamp
  // relies on that (archive/catalogue/check_stamp.h).
  std::string staging_path() const;
  // <staging>/staging.lock: shared by every writer from its transaction until what it committed is
  // logged (ingest holds it over add_versions and the audit append), exclusive for recovery and
  // for `archive verify`'s re-check, which thus sees no write half done.
  static std::string write_lock_path(const std::string& root);
  const StoreOptions& options() const { return options_; }

 private:
  Store(std::string root, StoreOptions options) : root_(std::move(root)), options_(options) {}
  std::string root_;
  StoreOptions options_;
  HashedNTupleLayout layout_;
  RecoveryReport recovery_;
};

}  // namespace gk::ocfl
