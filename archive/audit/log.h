// The archive's append-only, tamper-evident audit log (namespace gk::audit).
//
// ON-DISK FORMAT (directory <storage root>/extensions/gongkai-audit/, see audit_dir()):
//   log.jsonl     One entry per line: canonical JSON (entry.h) + LF. Line k (1-based) holds seq k-1.
//                 Bytes are only ever appended. Leaf k of the Merkle tree (RFC 9162, merkle.h) is
//                 SHA-256(0x00 || line k without its LF).
//   heads.jsonl   Signed tree heads, one canonical JSON line each (head.h) + LF, in signing order;
//                 sizes never decrease. Appended after the entries they cover: every write to the
//                 log is meant to end with sign_head(). Older heads stay, so consistency proofs
//                 from any earlier head can be made and checked.
// The directory holds only these two files, and it is all the log adds under extensions/ (OCFL
// E112 allows only extension sub-directories there). Writers hold
// an exclusive flock on log.jsonl, readers a shared one. Every append is written with one
// write() and fsynced before it is reported done.
//
// CRASH SAFETY. An interrupted append can leave a final line without its LF. open() detects it
// (in either file) and fails naming it, unless OpenOptions::recover is set: then the incomplete
// final line is cut off, but only if no signed head covers it (a head covering it means the log
// lost data that was signed: that is reported as truncation and never "repaired").
//
// MEMORY. open() streams log.jsonl once and keeps only the 32-byte leaf hashes (plus a small
// subtree cache and one file offset per 1024 entries); entries are re-read from disk on demand.
// verify_log() streams both files and keeps O(log n) hashes.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "archive/audit/entry.h"
#include "archive/audit/head.h"
#include "archive/audit/keys.h"
#include "archive/audit/merkle.h"
#include "archive/audit/proof.h"
#include "common/status.h"

namespace gk::audit {

inline constexpr const char* kAuditExtensionDir = "extensions/gongkai-audit";
inline constexpr const char* kLogFile = "log.jsonl";
inline constexpr const char* kHeadsFile = "heads.jsonl";

// <storage_root>/extensions/gongkai-audit
std::string audit_dir(const std::string& storage_root);

struct OpenOptions {
  bool read_only = false;  // never create or write anything; take a shared lock
  bool recover = false;    // cut an incomplete final line that no signed head covers (not with read_only)
};

// Not thread-safe; keep one AuditLog per log directory per process (the lock is per open file,
// so a second open in the same process waits, then fails).
class AuditLog {
 public:
  // Opens (creating when writable and absent) the log in `dir`. Fails on: an incomplete final line
  // (unless recover), fewer entries than the latest signed head covers (truncation), entries
  // whose root differs from the latest head's root, or log.jsonl without heads.jsonl. Signatures are not checked here (no key):
  // verify_log() does that.
  static Result<AuditLog> open(const std::string& dir, OpenOptions options = {});
  AuditLog(AuditLog&&) noexcept;
  AuditLog& operator=(AuditLog&&) noexcept;
  ~AuditLog();

  const std::string& dir() const;
  std::string log_path() const;
  std::string heads_path() const;
  uint64_t size() const;                        // entries
  const std::optional<Head>& latest_head() const;
  const std::string& recovery_note() const;     // what open() repaired; empty when nothing

  // Appends e with seq = size() (e.seq is ignored) and time = now if e.time is empty. Durable when
  // it returns; on failure nothing is appended. Returns the seq.
  Result<uint64_t> append(Entry e);
  // Appends entries with consecutive seqs in one write and one fsync: a batch of versions costs
  // one disk flush, not one each. All or nothing: if any entry is invalid or the write fails,
  // nothing is appended. Returns the seq of the first.
  Result<uint64_t> append_all(std::vector<Entry> entries);
  // Signs (size(), root, time) and appends the head to heads.jsonl, durably.
  Result<Head> sign_head(const PrivateKey& key, std::string time = {});

  Result<Hash> root(uint64_t size) const;       // Merkle root of the first `size` entries
  Result<std::string> entry_line(uint64_t seq) const;
  Result<Entry> entry(uint64_t seq) const;
  // Streams entries in order; stops at the first error (from reading or from fn).
  Status for_each_entry(const std::function<Status(const Entry&)>& fn) const;
  // Streams heads.jsonl; line_no is 1-based.
  Status for_each_head(const std::function<Status(const Head&, int line_no)>& fn) const;
  // The most recent head of exactly `size` entries.
  Result<Head> find_head(uint64_t size) const;

  // Drops the lock on the log, keeping the files open, for a long reader that must not hold
  // writers back (an export copying gigabytes): entries below size(), the latest head found by
  // open() and proofs up to size() stay valid, since a log only grows (each line read is checked
  // against the leaf hash open() computed); for_each_head/find_head read only the heads open()
  // saw. Appends are refused from then on.
  void release_lock();

  // Proofs against the latest signed head, or against a given tree size.
  Result<InclusionProof> inclusion_proof(uint64_t seq) const;
  Result<InclusionProof> inclusion_proof(uint64_t seq, uint64_t tree_size) const;
  Result<ConsistencyProof> consistency_proof(uint64_t old_size) const;
  Result<ConsistencyProof> consistency_proof(uint64_t old_size, uint64_t new_size) const;

 private:
  struct State;
  explicit AuditLog(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

struct VerifyReport {
  uint64_t entries = 0;
  uint64_t heads = 0;
  std::optional<Head> latest;     // last head in heads.jsonl
  uint64_t unsigned_entries = 0;  // entries after the latest head: not yet protected
};

// Entries of the log in `dir` that record one of `versions` (object id, version name "v2"), in
// log order; none without a log. Reads log.jsonl as it is, without its lock (an append racing
// the read is not of these versions: their writer holds their objects), and only compares each
// line's object and version bytes (entries are canonical JSON), so a writer can ask before every
// commit (a sequential read of the file).
struct LoggedVersion {
  uint64_t seq = 0;
  std::string object, version;
};
Result<std::vector<LoggedVersion>> find_version_entries(const std::string& dir,
                                                       const std::vector<std::pair<std::string, std::string>>& versions);

// Checks everything with only the trusted public key(s): each line canonical and in sequence;
// each head well-formed, sizes non-decreasing, signed by a trusted key, and its root equal to the
// root of that many entries; no incomplete final lines; at least one head when there are entries.
// The first problem is returned, naming the file and line (e.g. "log.jsonl:7: entry seq 6
// altered: ...", "heads.jsonl:3: signed by another key: ...", "...: truncated: ...").
Result<VerifyReport> verify_log(const std::string& dir, std::span<const PublicKey> trusted);

}  // namespace gk::audit
