// How audit-log entries are tied to archive versions, and a compact index over the log.
//
// Convention shared with the archive write path (archive/ingest): every new OCFL version of an
// object is logged by exactly one entry whose action is "version-add" or "status-change", whose
// `object` is the OCFL object id and `version` the version name ("v3"). Its `digests` map may
// hold, by algorithm, digests of the version's files; verify compares whatever it can resolve
// (see content_digest_keys() in verify.cpp). Other actions (export, verify, ...) are not tied to
// versions.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "archive/audit/log.h"
#include "common/status.h"

namespace gk::verify {

// True for the actions that create a version.
bool is_version_action(const std::string& action);

// (object, version) -> seq for every version entry, kept as 16-byte key hashes plus the seq and
// the line's place in log.jsonl, so that a log of millions of entries costs about as much memory
// as its leaf hashes, and an entry is read back with one pread.
class LogIndex {
 public:
  // Where a version entry is: its seq, and its line's offset and length in log.jsonl.
  struct Located {
    uint64_t seq = 0, offset = 0;
    uint32_t length = 0;
  };

  // Streams the log once. Duplicate entries for one (object, version) are kept.
  static Result<LogIndex> build(const audit::AuditLog& log);
  // Or fed entry by entry (from a pass that reads the log anyway), then finish() before use.
  void add(const audit::Entry& e, uint64_t offset, uint32_t length);
  void finish();

  // Every seq logged for this version, in log order (usually exactly one).
  std::vector<uint64_t> find(const std::string& object, const std::string& version) const;
  std::vector<Located> find_located(const std::string& object, const std::string& version) const;
  size_t size() const { return items_.size(); }
  // Marks this version's entries as claimed; unmarked() lists the entries no version claimed.
  void mark(const std::string& object, const std::string& version);
  std::vector<uint64_t> unmarked() const;
  std::vector<Located> unmarked_located() const;

 private:
  struct Item {
    std::array<unsigned char, 16> key;
    Located at;
    bool operator<(const Item& o) const { return key != o.key ? key < o.key : at.seq < o.at.seq; }
  };
  static std::array<unsigned char, 16> key_of(const std::string& object, const std::string& version);
  std::vector<Item> items_;  // sorted
  std::vector<bool> seen_;   // by position in items_
};

// Seq of the (first) version entry of object/version, scanning the log; an error names what is
// missing. For `gongkai audit prove`.
Result<uint64_t> find_version_entry(const audit::AuditLog& log, const std::string& object, const std::string& version);

// "v3" and "v003" name the same version.
int version_number(const std::string& version);

}  // namespace gk::verify
