// Pieces of verify_archive shared by verify.cpp and verify_object.cpp (internal).
#pragma once
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "archive/ocfl/validator_snapshot.h"
#include "archive/verify/verify.h"

namespace gk::verify::detail {

// Digests of one version's files, for comparing with its log entry.
struct VersionDigests {
  std::string name;  // "v2"
  std::map<std::string, std::set<std::string>> by_algorithm;  // "sha512" / "sm3" -> digests of its files
  std::map<std::string, std::string> sha512_by_path;           // logical path -> sha512
  std::map<std::string, std::string> sm3_by_path;              // logical path -> sm3 (fixity)
  // What the inventory says of the version, compared with its log entry and metadata.json (both
  // pinned by the signed log): an inventory re-sealed with another created/user/message is caught.
  std::string created, user_name, message;
  std::string metadata_content;  // content path of its metadata.json, relative to the storage root
};

// An object the first reading found sound, for the re-check: its root inventory's sha512 and
// what hashing its content counted. Content is immutable once committed, so while the inventory
// is the same the re-check need not read the content again.
struct SoundObject {
  std::string inventory_sha512;
  uint64_t files = 0, bytes = 0;
};

struct ObjectOutcome {
  std::string id;              // empty when the inventory could not be read
  std::string rel_path;        // object root relative to the storage root
  std::vector<Problem> problems;
  std::vector<VersionDigests> versions;  // only when the inventory was readable
  ocfl::ObjectSummary summary;           // for the validator's cross-object checks
  uint64_t files = 0, bytes = 0;
  std::string inventory_sha512;  // of the root inventory, when readable
};

// sha512 and sm3 of files, one read pass each, with message digests fetched once per thread.
class FileHasher {
 public:
  explicit FileHasher(size_t buffer_size);
  ~FileHasher();
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;
  // `path` relative to dirfd (or absolute with AT_FDCWD).
  Result<FileDigests> hash(int dirfd, const std::string& path, bool want_sm3);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks one object (rel_path relative to root): sidecars, inventories, every content file's
// sha512 and sm3, extra files, id vs path; and, when `validator` is given, the OCFL object rules
// (as "ocfl" problems) from the same listing and reads. With `sound` and the same root inventory,
// content files are not hashed again (files and bytes are taken from it).
ObjectOutcome verify_object(const std::string& root, const std::string& rel_path, FileHasher& hasher,
                            const ocfl::ValidatorOptions* validator, const SoundObject* sound = nullptr);

// Storage-root files against a freshly initialised root, and unexpected files at the root and in
// gongkai's extension directories. Appends to `out`.
// `write_locked`: the caller holds the store's write lock (staging.lock) exclusively.
void check_root(const std::string& root, std::vector<Problem>& out, bool write_locked);
// extensions/gongkai-staging/: its README, lock files, transactions of live writers; anything
// else is extra (a transaction nobody holds names the command that recovers it).
void check_staging(const std::string& root, std::vector<Problem>& out, bool write_locked);

// VerifyOptions::kept_head: the log in `audit_dir` extends the head in `head_file`, signed by
// one of `trusted`; else a "rolled-back" or "log" problem (kept_head.cpp).
void check_kept_head(const std::string& audit_dir, const std::string& head_file, std::span<const audit::PublicKey> trusted,
                     std::vector<Problem>& out);

}  // namespace gk::verify::detail
