// What happens after versions are committed (the audit log), and the archive's signing key.
//
// KEY HANDLING (docs/archive.md, "Audit log and signing key"):
//  - `keygen` writes the Ed25519 private key OUTSIDE the storage root (default
//    <parent of root>/<root name>.audit-key.pem, mode 0600) and the public key inside it:
//    extensions/gongkai-signing/<fingerprint>.pem. It records both in
//    extensions/gongkai-signing/config.json ({"signing_key": path, "public_key": path}); the
//    private key path is stored relative to the root when it is the default, so root and key can
//    move together. (Not in extensions/gongkai-audit/: that directory holds only the log files.)
//  - A writer signs a tree head after its entries when a key is found, first match wins: an
//    explicit path (--key), $GONGKAI_KEY, config.json. A configured key that cannot be loaded is
//    an error BEFORE anything is written (never silently unsigned). No key at all: entries are
//    appended unsigned, and `gongkai audit` reports them as unsigned.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive/audit/entry.h"
#include "archive/audit/keys.h"
#include "archive/ingest/metadata.h"
#include "archive/ocfl/store.h"
#include "common/status.h"

namespace gk::ingest {

using audit::kSigningExtension;  // under <root>/extensions/ (archive/audit/keys.h)

// One committed version, as the audit log records it.
struct CommittedVersion {
  std::string object_id;
  std::string version;  // "v3"
  std::string action;   // audit::kActionVersionAdd or kActionStatusChange
  std::string actor;    // user address if given, else the user name
  // Digests of the version's metadata.json: unique per version, and it holds the digests of
  // every other file of the version, so it pins the whole version.
  FileDigests metadata;
  std::map<std::string, std::string> detail;  // status, user, file digests (see docs)
};

// The CommittedVersion of a version with this metadata.json (its digests given): actor and detail
// from the metadata, as both the write path and `audit recover` record them.
CommittedVersion committed_version(const std::string& object_id, const std::string& version, const std::string& action,
                                   const Metadata& meta, const FileDigests& metadata_digests);
// The audit entry that logs it.
audit::Entry audit_entry(const CommittedVersion& v);

// Called once after every successful commit with the versions it made, in commit order. Today it
// appends one audit entry per version and then signs a tree head with `key` (when not null).
// Later hooks (the catalogue index) belong here too. Failure means: committed but not logged.
Status after_commit(const std::string& root, const std::vector<CommittedVersion>& versions,
                    const audit::PrivateKey* key);

// Appends one entry for an operation on the archive as a whole (export, reindex, verify,
// key-rotate: no object) and signs a tree head with `key` when not null: the rule of every write.
// An empty actor is the login name. Returns the entry's seq. Takes the store's write lock shared
// first (waiting for `audit recover` or keygen): the caller must not hold it exclusively.
Result<uint64_t> log_operation(const std::string& root, audit::Entry e, const audit::PrivateKey* key);

// A crash between a commit and its audit append leaves versions without an entry (`archive
// verify` reports them as unlogged). This appends one entry for each such version, rebuilt from
// its metadata.json as the writer would have made it (actor: the version's user; action inferred:
// status-change when the files equal the previous version's, else version-add, which misnames an
// `archive add --status` of unchanged files), with detail "recovered" saying it was logged late,
// by whom, and that the action was inferred; then signs a tree head with `key` when not null.
// It holds the store's write lock exclusively, and writers hold it shared from commit to entry:
// a version without an entry then has no writer left to log it, however recent (a 10-minute grace
// used to leave a crashed publish failing verify that long). Logged versions are returned oldest
// first.
struct LogRecovery {
  ocfl::RecoveryReport store;  // what opening the store finished or discarded (interrupted writes)
  std::vector<CommittedVersion> logged;
  uint64_t signed_tail = 0;  // entries after the last head that the new head now covers
  bool logged_key = false;   // keygen's key-rotate entry was missing (keygen killed) and is now logged
  bool new_log = false;      // lost_log: a new log was started (the old one was removed or emptied)
};
// With a key, an empty (or removed) log while the store holds versions is refused unless
// `lost_log`: its history is lost, and the new log starts from the store (entries "recovered").
// A removed heads.jsonl beside the log is taken as headless (signed after the check); a removed
// log.jsonl beside its heads is refused (only a backup brings it back).
Result<LogRecovery> log_unlogged_versions(const std::string& root, const audit::PrivateKey* key, bool lost_log = false);

// Refuses a signing write (before it commits anything) when the log has entries after its last
// signed head: a crash left them unsigned, or heads were removed to hide altered entries, and the
// writer's head would cover them. `gongkai audit recover` signs them once the archive is checked.
// Also refuses, with a key, a log without any signed head (keygen signs one, so they were
// removed) or one that does not open for another reason than a torn last line (entries altered or
// truncated under a signed head), and with or without a key a removed log.jsonl (beside its heads,
// or with a key at all), all of which would otherwise fail after the commit or be signed over.
// after_commit and log_operation check the tail too.
Status check_log_before_write(const std::string& root, const audit::PrivateKey* key);

// Refuses (before anything is committed) versions the audit log already records: the store lost
// them (an object put back from an older copy, a version directory removed), and a new version
// under the same number would leave the logged one impossible to restore (a black-box review
// found `archive status` making a second v2). Versions without an expected number are not asked.
// A logged number the store has by now is another writer's commit: an error with
// ocfl::kConcurrentChange, which writers retry.
Status check_versions_not_logged(const ocfl::Store& store, const std::vector<ocfl::NewVersion>& versions);

// The signing key for writes to `root` (see KEY HANDLING); nullopt when none is configured.
// `option` names where explicit_path came from, for the error message.
Result<std::optional<audit::PrivateKey>> load_signing_key(const std::string& root,
                                                          const std::string& explicit_path = {},
                                                          const std::string& option = "--key");

struct KeygenResult {
  std::string private_path, public_path, fingerprint;
};
std::string default_key_path(const std::string& root);
// The key-rotate entry keygen logs for a key: it pins config.json's bytes (`config_json`).
audit::Entry key_rotate_entry(const std::string& config_json, const std::string& fingerprint);

// Creates the key pair and config.json and logs a key-rotate entry, holding the audit log's lock
// throughout so that a concurrent keygen waits and is then refused. Refuses when the archive
// already has a signing key, and a private key path that is, or resolves (symlinks) to, a place
// inside the root. A failure before the entry is appended removes the files it made.
Result<KeygenResult> keygen(const std::string& root, const std::string& private_path = {});

}  // namespace gk::ingest
