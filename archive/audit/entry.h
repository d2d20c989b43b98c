// One audit-log entry and its canonical JSON line (the bytes that become a Merkle leaf).
//
// Canonical form, keys always present and always in this order, no spaces, no trailing newline:
//   {"seq":0,"time":"2025-01-31T08:00:00Z","actor":"mailto:li@example.gov.cn","action":"version-add",
//    "object":"urn:gk:notice:2025-001","version":"v1","digests":{"sha512":"ab12..."},"detail":{"k":"v"}}
// String escaping and map ordering are those of archive/audit/cjson.h. Any other byte string is
// rejected by parse_entry, so an entry's leaf hash is a function of its fields alone.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gk::audit {

// Actions the archive records; other lowercase tokens ([a-z][a-z0-9-]*) are accepted too.
inline constexpr const char* kActionVersionAdd = "version-add";
inline constexpr const char* kActionStatusChange = "status-change";
inline constexpr const char* kActionExport = "export";
inline constexpr const char* kActionReindex = "reindex";
inline constexpr const char* kActionVerify = "verify";
inline constexpr const char* kActionKeyRotate = "key-rotate";

// Upper bound on one canonical line, so reading a damaged log never needs unbounded memory.
inline constexpr size_t kMaxEntryBytes = 64 * 1024;

struct Entry {
  uint64_t seq = 0;     // 0-based position in the log = Merkle leaf index
  std::string time;     // RFC 3339 UTC, exactly "YYYY-MM-DDTHH:MM:SSZ"
  std::string actor;    // who did it (user name or mailto: URI); not empty
  std::string action;   // see kAction*
  std::string object;   // OCFL object id; empty when the action is not about one object
  std::string version;  // OCFL version "vN" (zero padding allowed); may be empty
  std::map<std::string, std::string> digests;  // algorithm ([a-z0-9-]+) -> lowercase hex
  std::map<std::string, std::string> detail;   // free key/value text

  bool operator==(const Entry&) const = default;
};

// Checks the field rules above (not seq). The message names the field.
Status validate_entry(const Entry& e);
// The canonical line; e must be valid.
std::string canonical_json(const Entry& e);
// Accepts only canonical lines of valid entries. Error message says what and at which byte.
Result<Entry> parse_entry(std::string_view line);

bool is_rfc3339_utc(std::string_view t);  // "YYYY-MM-DDTHH:MM:SSZ" with real calendar ranges
std::string now_rfc3339_utc();

}  // namespace gk::audit
