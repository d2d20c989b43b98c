// `archive verify --kept-head FILE`: the archive's log must extend a tree head an inspector kept
// from an earlier inspection. An archive replaced whole by an older copy (log and heads too) is
// consistent in itself, and only such a head, kept outside it, shows it (a black-box review).
#include <span>

#include "archive/audit/head.h"
#include "archive/audit/log.h"
#include "archive/verify/verify_internal.h"

namespace gk::verify::detail {

void check_kept_head(const std::string& audit_dir, const std::string& head_file, std::span<const audit::PublicKey> trusted,
                     std::vector<Problem>& out) {
  const std::string log_file = std::string(audit::kAuditExtensionDir) + "/" + audit::kLogFile;
  auto head = audit::read_head_file(head_file);
  if (!head) {
    out.push_back({"log", "", "", head_file, "the kept head cannot be read: " + head.error().message});
    return;
  }
  // Signed by a key this archive trusts: else any file could claim any history.
  if (auto s = audit::verify_head(*head, trusted, head_file); !s) {
    out.push_back({"log", "", "", head_file, "the kept head: " + s.error().message});
    return;
  }
  auto log = audit::AuditLog::open(audit_dir, audit::OpenOptions{true, false});
  if (!log) return;  // the log's own problem is reported by its check
  const std::string kept = "the head kept in " + head_file + " (" + std::to_string(head->size) + " entries, signed " + head->time + ")";
  if (head->size > log->size()) {
    out.push_back({"rolled-back", "", "", log_file,
                   kept + " covers more than the log's " + std::to_string(log->size()) +
                       " entries: this archive is older than the one that head signed (replaced by an older copy, "
                       "or entries removed with their heads)"});
    return;
  }
  auto root = log->root(head->size);
  if (!root || *root != head->root)
    out.push_back({"rolled-back", "", "", log_file,
                   "the log's first " + std::to_string(head->size) + " entries do not have the root of " + kept +
                       ": its history was rewritten (an older copy put back and written to since), or the head is of "
                       "another archive"});
}

}  // namespace gk::verify::detail
