// `gongkai archive verify`: everything an archive claims, checked against its bytes.
//
//  - every content file of every object is read once and hashed with sha512 and, where the
//    inventory's fixity block has it, sm3, in one pass per buffer; digests must equal the
//    manifest / fixity; files on disk that no inventory names are extra;
//  - inventories against their sidecars, root inventory against the head version's;
//  - the OCFL 1.1 validator (structure only: digests are the pass above, so content is read once);
//  - the storage root's own files against what this gongkai writes into a new root;
//  - the audit log (verify_log: every line canonical, every head signed by a trusted key and
//    matching the entries), then replayed against the objects: every version has exactly one
//    version entry, every version entry its version, and the digests an entry records are
//    digests of that version's files.
// Read-only: never recovers, repairs or writes anything.
// Writers may run meanwhile. The first reading takes no lock; if it finds problems, everything is
// read again while holding the store's write lock (ocfl::Store::write_lock_path) exclusively, so
// that no commit is half done and no committed version waits for its entry, and only what that
// re-check finds is reported. Content found sound the first time is not hashed again unless its
// object's inventory changed, so writers wait for the checks, not for the content (docs/audit.md).
// How (docs/audit.md): the log is read once (verify_log with a visitor that builds the version
// index with each entry's offset; entries are read back with one pread when replayed), on its own
// thread; the object hierarchy is walked once, and the workers start on the objects as they are
// found; each object is listed and its small files read once (ocfl::ObjectSnapshot), and both the
// OCFL validator and the digest pass work from that, so each inventory is read, hashed and
// parsed once and each content file read once for both digests. Problems are kept per object and
// put in object order, so the report does not depend on the number of threads.
// Memory: one object and one read buffer per worker, a 40-byte index item per version entry,
// and per object its path, id and problems (no content, no inventory) until the report is built.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "archive/audit/entry.h"
#include "archive/audit/keys.h"
#include "common/status.h"

namespace gk::verify {

struct Problem {
  // "changed" (bytes differ from what was recorded), "missing", "extra", "log" (audit log or
  // heads), "unlogged" (a version without its entry), "orphan-entry" (an entry without its
  // version), "ocfl" (validator finding), "root" (storage-root file), "rolled-back" (the log is
  // shorter than a head kept outside the archive: VerifyOptions::kept_head).
  std::string kind;
  std::string object;   // object id, when known
  std::string version;  // "v2", when known
  std::string file;     // path relative to the storage root
  std::string message;  // one line
  // "<kind>: <object> <version> <file>: <message>" with the empty parts left out.
  std::string str() const;
};

struct VerifyOptions {
  // Keys trusted to sign tree heads. Empty: the archive's own public key (see archive_public_keys).
  std::vector<audit::PublicKey> trusted;
  int threads = 0;                      // 0 = all cores
  size_t buffer_size = 4 << 20;         // per read (hashed in 256 KiB slices); large reads save syscalls on big files
  bool run_ocfl_validator = true;
  // Called once per object with (objects done, objects total); from any thread, serialised. Calls
  // begin when the walk has found every object (the total), catching up on those already done.
  std::function<void(size_t, size_t)> progress;
  // Tests and the bench: called at fixed points of a reading (pass 1, or 2 for the re-check):
  // "object" after each object is read and hashed, "log" before the log is read (on its own
  // thread), "recheck" (pass 2) before waiting for the write lock. Lets a write land between reads.
  std::function<void(const char* point, int pass)> test_hook;
  // How long the re-check waits for the write lock. A writer holds it for one commit; one that
  // holds it longer is stuck, and the first reading stands (VerifyReport::recheck_skipped).
  int lock_wait_seconds = 60;
  // A tree head an inspector kept from an earlier inspection (`gongkai audit head ROOT --out F`),
  // or "": the log must extend it. A whole archive replaced by an older copy, log and heads
  // included, is consistent in itself; only a head kept outside it tells (kept_head.cpp).
  std::string kept_head;
};

struct VerifyReport {
  std::vector<Problem> problems;
  uint64_t objects = 0, versions = 0, files = 0, bytes = 0;  // content files hashed, and their bytes
  uint64_t entries = 0, heads = 0, unsigned_entries = 0;
  // True when the first reading found problems and the archive was read again under the write
  // lock; `unconfirmed` counts the first reading's problems the re-check did not find (writes
  // that were in progress), which are not in `problems`.
  bool rechecked = false;
  uint64_t unconfirmed = 0;
  bool recheck_skipped = false;  // the write lock stayed held for lock_wait_seconds: not re-read
  bool ok() const { return problems.empty(); }
};

// The "verify" entry that records a run in the archive's log (result, counts; "rechecked" when
// the re-check ran): what `archive verify` appends after the run.
audit::Entry run_entry(const VerifyReport& r);

// Fails (rather than reporting problems) only when `root` is not a storage root at all or no
// trusted key can be found.
Result<VerifyReport> verify_archive(const std::string& root, const VerifyOptions& options = {});

// Public keys the archive trusts for itself: those in <root>/extensions/gongkai-signing/ that its
// log introduced (archive/verify/trust.h; one scan of the log). Verification against a key the
// archive itself carries proves integrity, not origin: inspectors pass their own copy of the key.
Result<std::vector<audit::PublicKey>> archive_public_keys(const std::string& root);

// sha512 and sm3 of a file in one pass (sm3 only when want_sm3). Used by verify and the bench.
struct FileDigests {
  std::string sha512, sm3;
  uint64_t size = 0;
};
Result<FileDigests> hash_file(const std::string& path, bool want_sm3, std::string& buffer);

}  // namespace gk::verify
