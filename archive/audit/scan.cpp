// scan_entries(): the entries of a log that verify_log() rejected, for verify's replay.
#include "archive/audit/scan.h"

#include "archive/audit/fileio.h"

namespace gk::audit {
using namespace io;

Status scan_entries(const std::string& dir, const EntryVisitor& each) {
  std::string path = dir + "/" + kLogFile;
  auto fd = open_file(path, false);
  if (!fd) return fd.error();
  if (Status st = lock_file(fd->get(), false, path); !st) return st;
  LineReader r(fd->get(), 0, kMaxEntryBytes);
  std::string_view line;
  for (uint64_t seq = 0;; ++seq) {
    int ln = static_cast<int>(seq + 1);
    auto k = r.next(line);
    if (k == LineReader::kEnd || k == LineReader::kPartial) return {};
    if (k != LineReader::kLine) return make_error("unreadable or overlong line: not an audit entry", path, ln);
    auto e = parse_entry(line);
    if (!e) return make_error(e.error().message, path, ln);
    if (e->seq != seq) return make_error("seq " + std::to_string(e->seq) + " where " + std::to_string(seq) + " was expected", path, ln);
    if (Status st = each(*e, line, r.line_offset()); !st) return st;
  }
}

}  // namespace gk::audit
