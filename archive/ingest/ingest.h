// The glue between disclosure records, PDFs and the OCFL store: one version per add, holding
//   record.xml (exact bytes), document.pdf (if given), attachments/<name> (if any), metadata.json
// Contracts:
//  - The object id is the record's 索引号 (never a path: the layout hashes it).
//  - Nothing is written unless the whole input is good: record valid, files readable, no id
//    collision (rule below). Then Store::add_versions commits, then after_commit() logs.
//  - ID COLLISION: a later add to an existing object must be the same document: its 发布机构 and
//    成文日期 must equal those of the object's first version. Otherwise it is refused, unless the
//    add says --status 修改 (a correction of exactly those fields).
//  - An add whose files equal the head's (and that asks for no other status) adds nothing.
//  - A status change is a new version with the head's files and a new metadata.json only.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "archive/audit/keys.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ingest/metadata.h"
#include "archive/ocfl/store.h"
#include "common/status.h"

namespace gk::ingest {

struct Actor {
  std::string name;     // "" = the login name ($USER)
  std::string address;  // a URI (mailto:...), optional
};

std::string now_local_rfc3339();  // "2024-05-01T08:30:00+08:00", the machine's time zone

struct AddRequest {
  std::string record_path;
  std::string pdf_path;                  // a PDF to archive, or
  std::optional<std::string> pdf_bytes;  // one rendered by the caller
  std::vector<std::string> attachment_paths;  // stored as attachments/<file name>
  std::string status;                    // "" = 发布 for a new object, 修改 for a later version
  Actor user;
  std::string message;                   // "" = "<status>：<title>"
  std::string template_file, template_sha512;  // set when gongkai rendered the PDF
  std::string time;                      // "" = now; RFC 3339 with offset (backfills, tests)
};

struct AddOutcome {
  std::string name;                // the record path, for messages
  std::string object_id;
  std::string version;             // "" when nothing was added
  std::string status;
  bool unchanged = false;          // identical to the head version: nothing added
  int files_stored = 0, files_deduplicated = 0;
};

struct BatchReport {
  std::vector<AddOutcome> added;   // including unchanged ones
  std::vector<Error> failed;       // one per bad record, named by file
  std::optional<Error> commit_error;  // a store failure: the records of that group were not added
  std::optional<Error> audit_error;   // committed, but the audit log could not be written
  bool ok() const { return failed.empty() && !commit_error && !audit_error; }
};

struct Prepared;  // one version ready to commit (ingest.cpp)

class Archive {
 public:
  // Opens an existing storage root (see Store::open for what is refused).
  static Result<Archive> open(const std::string& root, ocfl::StoreOptions options = {});

  // The key that signs a tree head after each write; none = unsigned entries.
  void set_signing_key(std::optional<audit::PrivateKey> key) { key_ = std::move(key); }
  // Benchmarks measure the store alone; the CLI always logs.
  void set_audit_enabled(bool on) { audit_ = on; }
  void set_catalogue_enabled(bool on) { catalogue_ = on; }
  // From how many catalogued versions a write waits for the second after the catalogue's newest
  // group rather than have it rebuilt (created_after_catalogue); tests lower it.
  void set_wait_from_versions(int64_t n) { wait_from_versions_ = n; }
  // Versions per commit group in add_batch (default 1,000); tests use small groups.
  void set_group_versions(size_t n) { group_versions_ = n > 0 ? n : 1; }

  // Adds one version (retrying when another writer commits to the object meanwhile). The error of
  // a refused add says why; the store is then unchanged. If the commit succeeded but the audit log
  // failed, the error says that the version was committed.
  Result<AddOutcome> add(const AddRequest& request);
  // Adds many records: bad ones are reported by name and skipped, the others are committed in
  // groups (each one Store::add_versions, bounded in count and bytes so memory stays bounded),
  // each group's audit entries appended with one fsync. All versions of one call share one time
  // (their OCFL `created`), and the catalogue indexes them once, after the last group.
  // `tick` is called once per record processed.
  BatchReport add_batch(const std::vector<AddRequest>& requests, const std::function<void()>& tick = {});
  // A new version with the head's files and metadata, but this status, user, message and time.
  Result<AddOutcome> change_status(const std::string& id, const std::string& status, const std::string& message,
                                   const Actor& user, const std::string& time = {});

  ocfl::Store& store() { return store_; }
  const ocfl::Store& store() const { return store_; }

  // Why the last write's catalogue update failed, if it did. The versions stay committed (the
  // catalogue is derived data: the next search finds it stale and brings it up to date), so this
  // is a warning for the writer to print, not a failed write.
  const std::optional<Error>& catalogue_error() const { return catalogue_error_; }

 private:
  explicit Archive(ocfl::Store s);
  // Commits a group with one add_versions, fills `out`, then runs after_commit (audit_error), then
  // indexes the new versions in the catalogue, or, with `to_index`, leaves that to the caller.
  Status commit(std::vector<Prepared>& group, std::vector<AddOutcome>& out, std::optional<Error>& audit_error,
                std::vector<std::pair<std::string, int>>* to_index = nullptr);
  // Indexes committed versions; a failure goes to catalogue_error_.
  void update_catalogue(const std::vector<std::pair<std::string, int>>& versions);
  // Commits one version; nullopt when another writer took the object meanwhile and `attempt`
  // leaves room for the caller to prepare it again.
  std::optional<Result<AddOutcome>> commit_one(Prepared p, int attempt);

  ocfl::Store store_;
  std::optional<audit::PrivateKey> key_;
  bool keyless_archive_ = false;  // no signing config when opened: a keygen since would be missed
  bool audit_ = true;
  bool catalogue_ = true;
  // now_local_rfc3339, after the second of the catalogue's newest group (waits at most 1 s)
  // when the catalogue holds wait_from_versions_ versions or more.
  std::string created_after_catalogue() const;
  int64_t wait_from_versions_ = 1000;
  std::optional<Error> catalogue_error_;
  size_t group_versions_ = 1000;
};

// The metadata of a version ("" = head), read and digest-checked from the store.
Result<Metadata> read_metadata(const ocfl::Store& store, const std::string& id, const std::string& version = {});
// The same, from an inventory already read.
Result<Metadata> read_metadata(const ocfl::Store& store, const ocfl::Inventory& inv, const std::string& version = {});

// Whether Archive::change_status takes `status` (废止, 失效, 撤回, 修改), with its error, so a
// command line can refuse it as a usage error before opening anything.
Status check_status_change(const std::string& status);

}  // namespace gk::ingest
