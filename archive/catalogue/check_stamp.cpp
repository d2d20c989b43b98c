#include "archive/catalogue/check_stamp.h"

#include <sys/stat.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "archive/audit/log.h"
#include "common/files.h"

namespace gk::catalogue {

namespace {

constexpr const char* kFormat = "gongkai-catalogue-checked/2";  // 2: ctimes and the audit log
constexpr int64_t kSettleNs = 2'000'000'000;
constexpr int64_t kMaxAgeSeconds = 3600;

int64_t ns(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return ns(t);
}

std::string stamp_path(const std::string& catalogue_path) { return catalogue_path + ".checked"; }

// "cat=dev:ino:size:mtime:ctime root=dev:ino:mtime:ctime staging=… log=dev:ino:size:mtime:ctime"
// (log=- for a store without an audit log); the newest time in it goes to `newest`. ctimes: a
// restore or mirror (cp -a, rsync -a) sets mtimes back to the source's, never a ctime; and a
// mirror of a newer archive brings its audit log, one entry per write.
std::string describe(const struct stat& c, const struct stat& r, const struct stat& s, const struct stat* log,
                     int64_t& newest) {
  newest = 0;
  for (const struct stat* st : {&c, &r, &s, log})
    if (st)
      for (int64_t t : {ns(st->st_mtim), ns(st->st_ctim)}) newest = t > newest ? t : newest;
  auto node = [](const struct stat& st, bool size) {
    char buf[128];
    if (size)
      std::snprintf(buf, sizeof buf, "%ju:%ju:%jd:%" PRId64 ":%" PRId64, static_cast<uintmax_t>(st.st_dev),
                    static_cast<uintmax_t>(st.st_ino), static_cast<intmax_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim));
    else
      std::snprintf(buf, sizeof buf, "%ju:%ju:%" PRId64 ":%" PRId64, static_cast<uintmax_t>(st.st_dev),
                    static_cast<uintmax_t>(st.st_ino), ns(st.st_mtim), ns(st.st_ctim));
    return std::string(buf);
  };
  return "cat=" + node(c, true) + " root=" + node(r, false) + " staging=" + node(s, false) +
         " log=" + (log ? node(*log, true) : std::string("-"));
}

}  // namespace

Observed observe(const ocfl::Store& store, const std::string& catalogue_path) {
  struct stat c{}, r{}, s{};
  if (::stat(catalogue_path.c_str(), &c) != 0 || ::stat(store.root().c_str(), &r) != 0 ||
      ::stat(store.staging_path().c_str(), &s) != 0)
    return {};
  struct stat l{};
  const bool has_log = ::stat((audit::audit_dir(store.root()) + "/" + audit::kLogFile).c_str(), &l) == 0;
  int64_t newest = 0;
  Observed o;
  o.state = describe(c, r, s, has_log ? &l : nullptr, newest);
  o.settled = now_ns() - newest >= kSettleNs;
  return o;
}

bool stamp_matches(const std::string& catalogue_path, const Observed& now) {
  if (now.state.empty()) return false;
  auto text = read_file(stamp_path(catalogue_path));
  if (!text) return false;
  // "<format> <state> at=<unix seconds>\n"
  std::string head = std::string(kFormat) + " " + now.state + " at=";
  if (text->rfind(head, 0) != 0) return false;
  long long at = 0;
  if (std::sscanf(text->c_str() + head.size(), "%lld", &at) != 1) return false;
  long long seconds = static_cast<long long>(now_ns() / 1'000'000'000);
  return at <= seconds && seconds - at < kMaxAgeSeconds;
}

void write_stamp(const std::string& catalogue_path, const Observed& before) {
  if (before.state.empty() || !before.settled) return;
  std::string text = std::string(kFormat) + " " + before.state + " at=" + std::to_string(now_ns() / 1'000'000'000) + "\n";
  (void)write_file_atomic(stamp_path(catalogue_path), text, /*durable=*/false);
}

}  // namespace gk::catalogue
