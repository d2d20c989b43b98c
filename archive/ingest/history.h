// Reading an object's history: its versions, the version current on a date, a version's files,
// and the differences between two versions. Read-only; every file read is digest-checked.
#pragma once
#include <string>
#include <vector>

#include "archive/ingest/metadata.h"
#include "archive/ocfl/store.h"
#include "common/status.h"

namespace gk::ingest {

struct VersionSummary {
  std::string version;  // "v2"
  std::string created;  // OCFL created (RFC 3339 with offset)
  std::string user_name, user_address, message;
  std::string status;   // from the version's metadata.json
  std::string title;    // 标题 of the version's record
  std::string published_date;
};

// Every version, oldest first.
Result<std::vector<VersionSummary>> version_log(const ocfl::Store& store, const std::string& id);

// AS-OF RULE: the version current at the end of `date` (YYYY-MM-DD): the highest version whose
// effective day is on or before it. A version takes effect on the calendar day of its OCFL
// created time, as written (the archive writes local time with its offset); the first version
// also takes effect on its record's 发布日期 if that is earlier (a record archived after it was
// published). The error names the first effective day when `date` is before it.
Result<std::string> version_as_of(const ocfl::Store& store, const std::string& id, const std::string& date);

// Writes the version's files ("" = head), byte for byte, into `out_dir` (absent or empty; it is
// created). Returns the logical paths written, sorted.
Result<std::vector<std::string>> export_version(const ocfl::Store& store, const std::string& id,
                                                const std::string& version, const std::string& out_dir);

// Metadata field changes, then a line diff of the records' body text (record::body_text):
// "- " removed, "+ " added, "  " context; long unchanged runs are folded. ANSI colours if asked.
// For a terminal: archived text is shown through for_terminal (control characters U+FFFD).
Result<std::string> diff_versions(const ocfl::Store& store, const std::string& id, const std::string& a,
                                  const std::string& b, bool colour);

// The line diff alone (exposed for tests).
std::string line_diff(const std::vector<std::string>& a, const std::vector<std::string>& b, bool colour);

}  // namespace gk::ingest
