// verify_log(): one streaming pass over heads.jsonl and log.jsonl in lockstep, so memory stays
// O(log n) however long the log is.
#include <filesystem>

#include "archive/audit/fileio.h"
#include "archive/audit/log.h"
#include "archive/audit/scan.h"

namespace gk::audit {
namespace fs = std::filesystem;
using namespace io;

Result<VerifyReport> verify_log(const std::string& dir, std::span<const PublicKey> trusted) {
  return verify_log(dir, trusted, nullptr);
}

Result<VerifyReport> verify_log(const std::string& dir, std::span<const PublicKey> trusted, const EntryVisitor& each,
                                const HeadVisitor& on_head) {
  std::string log_path = (fs::path(dir) / kLogFile).string();
  std::string heads_path = (fs::path(dir) / kHeadsFile).string();
  std::string heads_name = file_name(heads_path);
  std::error_code ec;
  if (!fs::exists(log_path, ec)) return make_error("no audit log here (" + std::string(kLogFile) + " is missing)", dir);
  auto log_fd = open_file(log_path, false);
  if (!log_fd) return log_fd.error();
  if (Status st = lock_file(log_fd->get(), false, log_path); !st) return st.error();
  Fd heads_fd;  // a missing heads file reads as empty; "no signed tree head" is reported below
  if (fs::exists(heads_path, ec)) {
    auto h = open_file(heads_path, false);
    if (!h) return h.error();
    heads_fd = std::move(*h);
  }

  LineReader entries(log_fd->get(), 0, kMaxEntryBytes);
  CompactRange cr;
  uint64_t n = 0;
  std::optional<size_t> torn;  // bytes of an unterminated final log line
  // Consumes one entry: true, or false at the end of the log.
  auto next_entry = [&]() -> Result<bool> {
    std::string_view line;
    int ln = static_cast<int>(n + 1);
    switch (entries.next(line)) {
      case LineReader::kEnd: return false;
      case LineReader::kPartial: torn = line.size(); return false;
      case LineReader::kTooLong:
        return make_error("line longer than " + std::to_string(kMaxEntryBytes) + " bytes: not an audit entry", log_path, ln);
      case LineReader::kIoError: return make_error(sys_error("read error"), log_path, ln);
      case LineReader::kLine: break;
    }
    auto e = parse_entry(line);
    if (!e) return make_error(e.error().message, log_path, ln);
    if (e->seq != n)
      return make_error("seq " + std::to_string(e->seq) + " where " + std::to_string(n) +
                            " was expected: an entry is missing, duplicated or out of order",
                        log_path, ln);
    cr.append(leaf_hash(line));
    if (each)
      if (Status st = each(*e, line, entries.line_offset()); !st) return st.error();
    ++n;
    return true;
  };

  VerifyReport rep;
  uint64_t prev_size = 0;
  if (heads_fd.get() >= 0) {
    LineReader heads(heads_fd.get(), 0, kMaxHeadLine);
    for (int hl = 1;; ++hl) {
      std::string_view line;
      auto k = heads.next(line);
      if (k == LineReader::kEnd) break;
      if (k == LineReader::kPartial)
        return make_error("incomplete final line (" + std::to_string(line.size()) +
                              " bytes, no line end): signing a tree head was interrupted; open with recovery to remove it",
                          heads_path, hl);
      if (k != LineReader::kLine) return make_error("unreadable or overlong line: not a tree head", heads_path, hl);
      auto head = parse_head_json(line, heads_path, hl);
      if (!head) return head.error();
      if (Status st = verify_head(*head, trusted, heads_path, hl); !st) return st.error();
      if (head->size < prev_size)
        return make_error("size " + std::to_string(head->size) + " is below the previous head's " + std::to_string(prev_size) +
                              ": the heads history was rewritten",
                          heads_path, hl);
      while (n < head->size) {
        auto more = next_entry();
        if (!more) return more.error();
        if (!*more)
          return make_error("truncated: the signed tree head " + heads_name + ":" + std::to_string(hl) + " covers " +
                                std::to_string(head->size) + " entries but the log has only " + std::to_string(n) +
                                " complete entries" + (torn ? " and an incomplete final line" : ""),
                            log_path);
      }
      if (cr.root() != head->root) {
        std::string against = "the signed tree head " + heads_name + ":" + std::to_string(hl) + " (size " + std::to_string(head->size) + ")";
        if (head->size == prev_size)
          return make_error("signed tree head of size " + std::to_string(head->size) +
                                " differs from the previous one of the same size: conflicting heads (forked log)",
                            heads_path, hl);
        int first_line = static_cast<int>(prev_size + 1);
        if (head->size - prev_size == 1)
          return make_error("entry seq " + std::to_string(prev_size) + " altered: it does not match " + against, log_path,
                            first_line);
        return make_error("entries seq " + std::to_string(prev_size) + ".." + std::to_string(head->size - 1) +
                              " (lines " + std::to_string(first_line) + ".." + std::to_string(head->size) +
                              ") do not match " + against + ": one of them was altered",
                          log_path, first_line);
      }
      if (on_head)
        if (Status st = on_head(*head, heads_path, hl); !st) return st.error();
      prev_size = head->size;
      ++rep.heads;
      rep.latest = *head;
    }
  }
  while (true) {
    auto more = next_entry();
    if (!more) return more.error();
    if (!*more) break;
  }
  if (torn)
    return make_error("incomplete final line (" + std::to_string(*torn) +
                          " bytes, no line end): an append was interrupted; no signed tree head covers it, so opening "
                          "with recovery removes it",
                      log_path, static_cast<int>(n + 1));
  if (n > 0 && rep.heads == 0)
    return make_error("no signed tree head: none of the " + std::to_string(n) + " entries is protected", heads_path);
  rep.entries = n;
  rep.unsigned_entries = n - prev_size;
  return rep;
}

}  // namespace gk::audit
