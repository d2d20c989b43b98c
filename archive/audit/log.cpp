#include "archive/audit/log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "archive/audit/cjson.h"
#include "archive/audit/fileio.h"
#include "common/files.h"

namespace gk::audit {
namespace fs = std::filesystem;
using namespace io;
namespace {

constexpr uint64_t kOffsetStride = 1024;  // one remembered file offset per this many entries

}  // namespace

std::string audit_dir(const std::string& storage_root) { return (fs::path(storage_root) / kAuditExtensionDir).string(); }

struct AuditLog::State {
  std::string dir, log_path, heads_path;
  OpenOptions options;
  Fd log_fd, heads_fd;
  MerkleTree tree;
  std::vector<uint64_t> offsets;  // offsets[i]: file offset of entry i * kOffsetStride
  uint64_t log_end = 0, heads_end = 0;
  std::optional<Head> latest;
  std::string note;
  bool broken = false;  // a failed write could not be undone; refuse further writes
  bool unlocked = false;  // release_lock() was called

  Status writable() const {
    if (options.read_only) return make_error("audit log was opened read-only", log_path);
    if (unlocked) return make_error("the audit log's lock was released; reopen it to write", log_path);
    if (broken) return make_error("an earlier write to the audit log failed; reopen it", log_path);
    return {};
  }
  int latest_line() const { return count_lines(heads_fd.get(), heads_end); }
};

AuditLog::AuditLog(std::unique_ptr<State> s) : s_(std::move(s)) {}
AuditLog::AuditLog(AuditLog&&) noexcept = default;
AuditLog& AuditLog::operator=(AuditLog&&) noexcept = default;
AuditLog::~AuditLog() = default;

const std::string& AuditLog::dir() const { return s_->dir; }
std::string AuditLog::log_path() const { return s_->log_path; }
std::string AuditLog::heads_path() const { return s_->heads_path; }
uint64_t AuditLog::size() const { return s_->tree.size(); }
const std::optional<Head>& AuditLog::latest_head() const { return s_->latest; }
const std::string& AuditLog::recovery_note() const { return s_->note; }
Result<Hash> AuditLog::root(uint64_t size) const {
  if (size > s_->tree.size())
    return make_error("tree size " + std::to_string(size) + " is beyond the log's " + std::to_string(s_->tree.size()) + " entries",
                      s_->log_path);
  return s_->tree.root(size);
}

void AuditLog::release_lock() {
  ::flock(s_->log_fd.get(), LOCK_UN);
  s_->unlocked = true;
}

Result<AuditLog> AuditLog::open(const std::string& dir, OpenOptions options) {
  auto s = std::make_unique<State>();
  s->dir = dir;
  s->log_path = (fs::path(dir) / kLogFile).string();
  s->heads_path = (fs::path(dir) / kHeadsFile).string();
  s->options = options;
  bool writable = !options.read_only;
  if (options.read_only && options.recover) return make_error("recovery needs the audit log opened for writing", dir);
  std::error_code ec;
  if (writable) {
    fs::create_directories(dir, ec);
    if (ec) return make_error("cannot create the audit log directory: " + ec.message(), dir);
  } else if (!fs::exists(s->log_path, ec)) {
    return make_error("no audit log here (" + std::string(kLogFile) + " is missing)", dir);
  }
  bool log_exists = fs::exists(s->log_path, ec), heads_exist = fs::exists(s->heads_path, ec);
  // Both files are created together, so a log without its heads file lost its signed history;
  // recreating it empty would let the next signature vouch for whatever the log now says.
  if (log_exists && !heads_exist)
    return make_error("missing although " + std::string(kLogFile) + " exists: the signed tree heads were removed",
                      s->heads_path);
  bool created = !log_exists || !heads_exist;
  auto log_fd = open_file(s->log_path, writable);
  if (!log_fd) return log_fd.error();
  s->log_fd = std::move(*log_fd);
  if (Status st = lock_file(s->log_fd.get(), writable, s->log_path); !st) return st.error();
  auto heads_fd = open_file(s->heads_path, writable);
  if (!heads_fd) return heads_fd.error();
  s->heads_fd = std::move(*heads_fd);
  if (created && writable) {
    if (Status st = sync_directory(dir); !st) return st.error();
    // create_directories may also have made extensions/; make that entry durable too.
    if (Status st = sync_directory(fs::path(dir).parent_path().string()); !st) return st.error();
  }

  // heads.jsonl: only its last line matters here. Read the tail rather than the whole history.
  auto hsize = file_size(s->heads_fd.get(), s->heads_path);
  if (!hsize) return hsize.error();
  uint64_t chunk = std::min<uint64_t>(*hsize, 2 * kMaxHeadLine + 2);
  std::string tail(chunk, '\0');
  if (chunk && ::pread(s->heads_fd.get(), tail.data(), chunk, static_cast<off_t>(*hsize - chunk)) != static_cast<ssize_t>(chunk))
    return make_error(sys_error("cannot read"), s->heads_path);
  size_t last_nl = tail.rfind('\n');
  uint64_t base = *hsize - chunk;
  s->heads_end = last_nl == std::string::npos ? base : base + last_nl + 1;
  if (last_nl == std::string::npos && base > 0)
    return make_error("last line is longer than a tree head can be: not a heads file", s->heads_path);
  if (s->heads_end < *hsize) {
    uint64_t torn = *hsize - s->heads_end;
    int ln = s->latest_line() + 1;
    if (!options.recover)
      return make_error("incomplete final line (" + std::to_string(torn) +
                            " bytes, no line end): signing a tree head was interrupted; open with recovery to remove it",
                        s->heads_path, ln);
    if (::ftruncate(s->heads_fd.get(), static_cast<off_t>(s->heads_end)) != 0 || ::fsync(s->heads_fd.get()) != 0)
      return make_error(sys_error("cannot truncate"), s->heads_path);
    s->note = file_name(s->heads_path) + ":" + std::to_string(ln) + ": removed an incomplete final line (" + std::to_string(torn) +
              " bytes) left by an interrupted tree head signing";
  }
  if (s->heads_end > 0) {
    size_t end = static_cast<size_t>(s->heads_end - base) - 1;  // the last complete line's LF
    size_t prev = end == 0 ? std::string::npos : tail.rfind('\n', end - 1);
    if (prev == std::string::npos && base > 0)
      return make_error("last line is longer than a tree head can be: not a heads file", s->heads_path);
    size_t from = prev == std::string::npos ? 0 : prev + 1;
    auto head = parse_head_json(std::string_view(tail).substr(from, end - from), s->heads_path, 0);
    if (!head) return make_error(head.error().message, s->heads_path, s->latest_line());
    s->latest = *head;
  }

  // log.jsonl: stream once, keep leaf hashes.
  LineReader r(s->log_fd.get(), 0, kMaxEntryBytes);
  std::string_view line;
  uint64_t n = 0;
  std::optional<uint64_t> torn_at;
  size_t torn_bytes = 0;
  while (true) {
    auto k = r.next(line);
    if (k == LineReader::kEnd) break;
    if (k == LineReader::kTooLong)
      return make_error("line longer than " + std::to_string(kMaxEntryBytes) + " bytes: not an audit entry", s->log_path,
                        static_cast<int>(n + 1));
    if (k == LineReader::kIoError) return make_error(sys_error("read error"), s->log_path);
    if (k == LineReader::kPartial) {
      torn_at = r.line_offset();
      torn_bytes = line.size();
      break;
    }
    if (n % kOffsetStride == 0) s->offsets.push_back(r.line_offset());
    s->tree.append(leaf_hash(line));
    ++n;
  }
  auto lsize = file_size(s->log_fd.get(), s->log_path);
  if (!lsize) return lsize.error();
  s->log_end = torn_at ? *torn_at : *lsize;

  uint64_t covered = s->latest ? s->latest->size : 0;
  if (n < covered)
    return make_error("truncated: the latest signed tree head (" + file_name(s->heads_path) + ":" +
                          std::to_string(s->latest_line()) + ") covers " + std::to_string(covered) + " entries but only " +
                          std::to_string(n) + " complete entries remain" + (torn_at ? " and an incomplete final line" : ""),
                      s->log_path);
  if (s->latest && s->tree.root(covered) != s->latest->root)
    return make_error("the latest signed tree head (size " + std::to_string(covered) + ") does not match " + kLogFile +
                          ": logged entries were altered or replaced (verify locates them)",
                      s->heads_path, s->latest_line());
  if (torn_at) {
    int ln = static_cast<int>(n + 1);
    if (!options.recover)
      return make_error("incomplete final line (" + std::to_string(torn_bytes) +
                            " bytes, no line end): an append was interrupted; no signed tree head covers it, so opening "
                            "with recovery removes it",
                        s->log_path, ln);
    if (::ftruncate(s->log_fd.get(), static_cast<off_t>(*torn_at)) != 0 || ::fsync(s->log_fd.get()) != 0)
      return make_error(sys_error("cannot truncate"), s->log_path);
    if (!s->note.empty()) s->note += "; ";
    s->note += file_name(s->log_path) + ":" + std::to_string(ln) + ": removed an incomplete final line (" +
               std::to_string(torn_bytes) + " bytes) left by an interrupted append; no signed tree head covered it";
  }
  return AuditLog(std::move(s));
}

Result<std::vector<LoggedVersion>> find_version_entries(const std::string& dir,
                                                       const std::vector<std::pair<std::string, std::string>>& versions) {
  std::vector<LoggedVersion> found;
  if (versions.empty()) return found;
  // The bytes an entry of each version holds between its action and its digests.
  std::unordered_map<std::string, size_t> wanted;
  for (size_t i = 0; i < versions.size(); ++i) {
    std::string key = ",\"object\":";
    cjson::put_string(key, versions[i].first);
    key += ",\"version\":";
    cjson::put_string(key, versions[i].second);
    wanted.emplace(std::move(key), i);
  }
  const std::string path = (fs::path(dir) / kLogFile).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return found;
  auto fd = open_file(path, false);
  if (!fd) return fd.error();
  LineReader r(fd->get(), 0, kMaxEntryBytes);
  std::string_view line;
  for (uint64_t seq = 0;; ++seq) {
    auto k = r.next(line);
    if (k == LineReader::kEnd || k == LineReader::kPartial) break;
    if (k == LineReader::kIoError) return make_error(sys_error("read error"), path);
    if (k == LineReader::kTooLong) continue;  // not an entry: verify reports it
    size_t from = line.find(",\"object\":");
    size_t to = from == std::string_view::npos ? from : line.find(",\"digests\":", from);
    if (to == std::string_view::npos) continue;
    auto it = wanted.find(std::string(line.substr(from, to - from)));
    if (it != wanted.end()) found.push_back({seq, versions[it->second].first, versions[it->second].second});
  }
  return found;
}

Result<uint64_t> AuditLog::append(Entry e) {
  std::vector<Entry> one;
  one.push_back(std::move(e));
  return append_all(std::move(one));
}

Result<uint64_t> AuditLog::append_all(std::vector<Entry> entries) {
  if (Status st = s_->writable(); !st) return st.error();
  const uint64_t first = size();
  std::string buffer;
  std::vector<std::string> texts;
  texts.reserve(entries.size());
  std::string now;
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    e.seq = first + i;
    if (e.time.empty()) {
      if (now.empty()) now = now_rfc3339_utc();
      e.time = now;
    }
    if (Status st = validate_entry(e); !st) return make_error("cannot append: " + st.error().message, s_->log_path);
    texts.push_back(canonical_json(e));
    buffer += texts.back();
    buffer += '\n';
  }
  if (entries.empty()) return first;
  if (Status st = write_all(s_->log_fd.get(), buffer, s_->log_path); !st) {
    // Take back a partial write so the file stays a sequence of whole entries.
    if (::ftruncate(s_->log_fd.get(), static_cast<off_t>(s_->log_end)) != 0) s_->broken = true;
    return st.error();
  }
  if (::fsync(s_->log_fd.get()) != 0) {
    s_->broken = true;
    return make_error(sys_error("fsync failed"), s_->log_path);
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    if ((first + i) % kOffsetStride == 0) s_->offsets.push_back(s_->log_end);
    s_->tree.append(leaf_hash(texts[i]));
    s_->log_end += texts[i].size() + 1;
  }
  return first;
}

Result<Head> AuditLog::sign_head(const PrivateKey& key, std::string time) {
  if (Status st = s_->writable(); !st) return st.error();
  auto head = sign_tree_head(size(), s_->tree.root(), key, std::move(time));
  if (!head) return head.error();
  std::string line = head->json_line() + "\n";
  if (Status st = write_all(s_->heads_fd.get(), line, s_->heads_path); !st) {
    if (::ftruncate(s_->heads_fd.get(), static_cast<off_t>(s_->heads_end)) != 0) s_->broken = true;
    return st.error();
  }
  if (::fsync(s_->heads_fd.get()) != 0) {
    s_->broken = true;
    return make_error(sys_error("fsync failed"), s_->heads_path);
  }
  s_->heads_end += line.size();
  s_->latest = *head;
  return head;
}

Result<std::string> AuditLog::entry_line(uint64_t seq) const {
  if (seq >= size()) return make_error("no entry with seq " + std::to_string(seq) + " (the log has " + std::to_string(size()) + ")", s_->log_path);
  LineReader r(s_->log_fd.get(), s_->offsets[seq / kOffsetStride], kMaxEntryBytes, 64 * 1024);
  std::string_view line;
  for (uint64_t i = seq - seq % kOffsetStride; i <= seq; ++i)
    if (r.next(line) != LineReader::kLine)
      return make_error("cannot read entry: the file changed under the open log", s_->log_path, static_cast<int>(i + 1));
  if (leaf_hash(line) != s_->tree.leaf(seq))
    return make_error("entry changed on disk since the log was opened", s_->log_path, static_cast<int>(seq + 1));
  return std::string(line);
}

Result<Entry> AuditLog::entry(uint64_t seq) const {
  auto line = entry_line(seq);
  if (!line) return line.error();
  auto e = parse_entry(*line);
  if (!e) return make_error(e.error().message, s_->log_path, static_cast<int>(seq + 1));
  return e;
}

Status AuditLog::for_each_entry(const std::function<Status(const Entry&)>& fn) const {
  LineReader r(s_->log_fd.get(), 0, kMaxEntryBytes);
  std::string_view line;
  for (uint64_t i = 0; i < size(); ++i) {
    int ln = static_cast<int>(i + 1);
    if (r.next(line) != LineReader::kLine) return make_error("cannot read entry: the file changed under the open log", s_->log_path, ln);
    auto e = parse_entry(line);
    if (!e) return make_error(e.error().message, s_->log_path, ln);
    if (e->seq != i) return make_error("seq " + std::to_string(e->seq) + " where " + std::to_string(i) + " was expected", s_->log_path, ln);
    if (Status st = fn(*e); !st) return st;
  }
  return {};
}

Status AuditLog::for_each_head(const std::function<Status(const Head&, int)>& fn) const {
  LineReader r(s_->heads_fd.get(), 0, kMaxHeadLine);
  std::string_view line;
  for (int ln = 1;; ++ln) {
    auto k = r.next(line);
    if (k == LineReader::kEnd || r.line_offset() >= s_->heads_end) return {};
    if (k != LineReader::kLine) return make_error("unreadable tree head line", s_->heads_path, ln);
    auto h = parse_head_json(line, s_->heads_path, ln);
    if (!h) return h.error();
    if (Status st = fn(*h, ln); !st) return st;
  }
}

Result<Head> AuditLog::find_head(uint64_t size) const {
  std::optional<Head> found;
  Status st = for_each_head([&](const Head& h, int) {
    if (h.size == size) found = h;
    return Status();
  });
  if (!st) return st.error();
  if (!found) return make_error("no signed tree head of size " + std::to_string(size), s_->heads_path);
  return *found;
}

Result<InclusionProof> AuditLog::inclusion_proof(uint64_t seq) const {
  if (!s_->latest) return make_error("no signed tree head yet: sign one first", s_->heads_path);
  return inclusion_proof(seq, s_->latest->size);
}

Result<InclusionProof> AuditLog::inclusion_proof(uint64_t seq, uint64_t tree_size) const {
  if (seq >= tree_size)
    return make_error("entry seq " + std::to_string(seq) + " is not covered by a tree of size " + std::to_string(tree_size) +
                          (seq < size() ? ": sign a new tree head first" : ""),
                      s_->log_path);
  auto path = s_->tree.inclusion_proof(seq, tree_size);
  if (!path) return make_error(path.error().message, s_->log_path);
  auto line = entry_line(seq);
  if (!line) return line.error();
  return InclusionProof{tree_size, seq, std::move(*line), std::move(*path)};
}

Result<ConsistencyProof> AuditLog::consistency_proof(uint64_t old_size) const {
  if (!s_->latest) return make_error("no signed tree head yet: sign one first", s_->heads_path);
  return consistency_proof(old_size, s_->latest->size);
}

Result<ConsistencyProof> AuditLog::consistency_proof(uint64_t old_size, uint64_t new_size) const {
  auto path = s_->tree.consistency_proof(old_size, new_size);
  if (!path) return make_error(path.error().message, s_->log_path);
  return ConsistencyProof{old_size, new_size, std::move(*path)};
}

}  // namespace gk::audit
